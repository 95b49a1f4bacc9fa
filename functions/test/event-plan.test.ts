// The pure decisions about one event: order, transfer date, what the event means for the coverage.
import { isBefore } from '../src/coverage/ledger-point';
import { isStale, planEvent, transferDateOf } from '../src/premium/event-plan';
import {
  leaseEndEvent,
  leaseStartEvent,
  newCar,
  randomPublicKey,
  registeredEvent,
  sampleLease,
  transferEvent,
} from '../../devstack/src/bench/event-factory';
import type { CurrentCoverage } from '../src/coverage/coverage';

const car = newCar();
const lessee = randomPublicKey();

function coverageAt(blockHeight: number, indexInBlock: number, driverKeys: string[] = []): CurrentCoverage {
  return {
    assetId: car.assetId,
    status: driverKeys.length ? 'active' : 'registered',
    ledger: { transactionId: 'x', blockHeight, indexInBlock },
    eventTime: '2026-01-01T00:00:00Z',
    issuer: car.issuer,
    holderKeys: driverKeys,
    driverKeys,
    reviewReasons: [],
    historyRowKey: 'h',
    revision: 1,
    updatedAt: '2026-01-01T00:00:00Z',
  };
}

describe('ledger order', () => {
  it('orders by block height, then index in block', () => {
    expect(
      isBefore(
        { transactionId: 'a', blockHeight: 4, indexInBlock: 9 },
        { transactionId: 'b', blockHeight: 5, indexInBlock: 0 },
      ),
    ).toBe(true);
    expect(
      isBefore(
        { transactionId: 'a', blockHeight: 5, indexInBlock: 1 },
        { transactionId: 'b', blockHeight: 5, indexInBlock: 0 },
      ),
    ).toBe(false);
    expect(
      isBefore(
        { transactionId: 'a', blockHeight: 5, indexInBlock: 0 },
        { transactionId: 'b', blockHeight: 5, indexInBlock: 0 },
      ),
    ).toBe(false);
  });

  it('an event at or before the applied position is stale; with no coverage nothing is', () => {
    const event = leaseStartEvent(car, { blockHeight: 5, indexInBlock: 1 }, [lessee]);
    expect(isStale(event, undefined)).toBe(false);
    expect(isStale(event, coverageAt(5, 0))).toBe(false);
    expect(isStale(event, coverageAt(5, 1))).toBe(true);
    expect(isStale(event, coverageAt(6, 0))).toBe(true);
  });
});

describe('transfer date', () => {
  it('is the UTC date of the ledger event, or the lease start when that is later', () => {
    expect(
      transferDateOf(
        leaseStartEvent(
          car,
          { blockHeight: 2, time: '2026-03-04T23:30:00-05:00' },
          [lessee],
          sampleLease({ startDate: '2026-01-01' }),
        ),
      ),
    ).toBe('2026-03-05');
    expect(
      transferDateOf(
        leaseStartEvent(
          car,
          { blockHeight: 2, time: '2026-03-04T10:00:00Z' },
          [lessee],
          sampleLease({ startDate: '2026-04-01' }),
        ),
      ),
    ).toBe('2026-04-01');
  });
});

describe('planEvent', () => {
  it('a CREATE registers the car', () => {
    expect(planEvent(registeredEvent(car, { blockHeight: 1 }), undefined)).toEqual({ kind: 'registration' });
  });

  it('a lease start rates the new owners (not the issuer), sorted', () => {
    const [a, b] = [randomPublicKey(), randomPublicKey()];
    const plan = planEvent(leaseStartEvent(car, { blockHeight: 2 }, [b, car.issuer, a]), coverageAt(1, 0));
    expect(plan).toMatchObject({ kind: 'premium', driverKeys: [a, b].sort() });
  });

  it('a lease end closes the coverage of the drivers the car covers', () => {
    const plan = planEvent(leaseEndEvent(car, { blockHeight: 3 }, [lessee], sampleLease()), coverageAt(2, 0, [lessee]));
    expect(plan).toEqual({ kind: 'closure', closedDriverKeys: [lessee] });
  });

  it('a transfer back to the issuer is a closure even without lease metadata; previous owners when no coverage is known', () => {
    expect(planEvent(transferEvent(car, { blockHeight: 3 }, [lessee], [car.issuer], null), undefined)).toEqual({
      kind: 'closure',
      closedDriverKeys: [lessee],
    });
  });

  it('a transfer on or after the lease end date is rejected with the reason', () => {
    const plan = planEvent(
      leaseStartEvent(
        car,
        { blockHeight: 2, time: '2029-02-01T00:00:00Z' },
        [lessee],
        sampleLease({ endDate: '2029-01-01' }),
      ),
      undefined,
    );
    expect(plan).toEqual({
      kind: 'rejected',
      reason: 'the lease ended (2029-01-01) on or before the transfer date 2029-02-01',
    });
  });
});
