// Many cars per storage request, on real Azurite: a 100-event delivery costs at most half a storage
// request per event and stores exactly what one-at-a-time processing stores; one car that lost a race
// or whose records storage refuses does not hold back the cars sharing its transaction; two instances
// whose cached copies of the same cars go out of date still apply every event exactly once.
import type { OwnershipEvent } from '@lease-premium/events';
import {
  leaseEndEvent,
  leaseStartEvent,
  newCar,
  randomPublicKey,
  registeredEvent,
  sampleLease,
  sampleProfile,
  transferEvent,
  type CarOnLedger,
} from '../../devstack/src/bench/event-factory';
import { StorageRequestCounter } from '../../devstack/src/bench/storage-request-counter';
import type { PremiumService } from '../src/premium/premium-service';
import { DriverVehiclesRepository } from '../src/storage/driver-vehicles-repository';
import { submitUnits } from '../src/storage/partition-transactions';
import type { CoverageWrite } from '../src/storage/vehicles-repository';
import { eventHistoryRowKey } from '../src/coverage/history-row-key';
import { ledgerPointOf } from '../src/coverage/ledger-point';
import { eventWrite } from '../src/premium/event-write';
import { testStorageConnectionString } from '../../tests/support/storage';
import { createTestApp, type TestApp } from './support/function-app';
import { premiumInstance } from './support/premium-instance';

let app: TestApp;
let storage: StorageRequestCounter;
/** A second Function App instance on the same storage, with its own cache. */
let otherInstance: PremiumService;

beforeAll(async () => {
  app = createTestApp();
  storage = new StorageRequestCounter(testStorageConnectionString());
  await app.services.store.ping(); // tables created once per process: not part of any event's cost
  otherInstance = premiumInstance(app);
});

afterAll(() => storage.stop());

const FLEET = 100;

async function registeredDrivers(count: number): Promise<string[]> {
  const keys = Array.from({ length: count }, () => randomPublicKey());
  await Promise.all(keys.map((key) => app.services.drivers.put(key, sampleProfile())));
  return keys;
}

describe('a 100-event delivery', () => {
  it('costs at most half a storage request per event, for every kind, and every outcome is right', async () => {
    const cars: CarOnLedger[] = Array.from({ length: FLEET }, () => newCar());
    const firstDrivers = await registeredDrivers(FLEET);
    const nextDrivers = await registeredDrivers(FLEET);
    const { premiums } = app.services;
    const lease = sampleLease();
    const deliver = async (events: OwnershipEvent[]) => {
      let outcomes: { outcome: string }[] = [];
      const requests = await storage.during(async () => (outcomes = await premiums.applyEvents(events)));
      expect(outcomes.map((o) => o.outcome)).toEqual(events.map(() => 'applied'));
      return requests / events.length;
    };

    const starts = cars.map((car, i) => leaseStartEvent(car, { blockHeight: 2 }, [firstDrivers[i] as string], lease));
    const handOvers = cars.map((car, i) =>
      transferEvent(
        car,
        { blockHeight: 3, spends: (starts[i] as OwnershipEvent).id },
        [firstDrivers[i] as string],
        [nextDrivers[i] as string],
        lease,
      ),
    );
    const ends = cars.map((car, i) =>
      leaseEndEvent(
        car,
        { blockHeight: 4, spends: (handOvers[i] as OwnershipEvent).id },
        [nextDrivers[i] as string],
        lease,
      ),
    );
    const perEvent = {
      registration: await deliver(cars.map((car) => registeredEvent(car, { blockHeight: 1 }))),
      leaseStart: await deliver(starts),
      handOver: await deliver(handOvers),
      leaseEnd: await deliver(ends),
    };
    for (const requests of Object.values(perEvent)) expect(requests).toBeLessThanOrEqual(0.5);

    // What one-at-a-time processing stores: the closed coverage, four history records, no links left.
    const links = new DriverVehiclesRepository(app.services.store);
    for (const [i, car] of cars.entries()) {
      const current = await app.services.vehicles.readCurrent(car.assetId);
      expect(current?.value).toMatchObject({ status: 'closed', driverKeys: [], ledger: { blockHeight: 4 } });
      expect((await app.services.vehicles.listHistory(car.assetId, 10, undefined)).items.map((r) => r.kind)).toEqual([
        'registration',
        'premium',
        'premium',
        'closure',
      ]);
      expect(await links.vehiclesOf(firstDrivers[i] as string)).toEqual([]);
      expect(await links.vehiclesOf(nextDrivers[i] as string)).toEqual([]);
    }
  });

  it('a car and its next events in one delivery keep ledger order (rounds), each answered once', async () => {
    const cars = Array.from({ length: 10 }, () => newCar());
    const [driver] = await registeredDrivers(1);
    const events = cars.flatMap((car) => {
      const start = leaseStartEvent(car, { blockHeight: 2 }, [driver as string]);
      return [registeredEvent(car, { blockHeight: 1 }), start];
    });
    const outcomes = await app.services.premiums.applyEvents(events);
    expect(outcomes.map((o) => [o.id, o.outcome])).toEqual(events.map((e) => [e.id, 'applied']));
    const again = await app.services.premiums.applyEvents([...events].reverse());
    expect(again.map((o) => o.outcome)).toEqual(events.map(() => 'duplicate'));
    expect((await new DriverVehiclesRepository(app.services.store).vehiclesOf(driver as string)).sort()).toEqual(
      cars.map((c) => c.assetId).sort(),
    );
  });
});

describe('one car does not hold back the others in its transaction', () => {
  it('a lost race or a refused row fails only its own item; the rest of the transaction commits', async () => {
    const table = await app.services.store.table(app.services.store.names.driverVehicles);
    const key = (name: string) => ({ partitionKey: 'transaction-test', rowKey: `${name}-${randomPublicKey()}` });
    const existing = key('existing');
    await table.createEntity(existing);
    const units = [
      { partitionKey: existing.partitionKey, actions: [['create', key('a')]] },
      // someone else wrote the row since this ETag was read: 412
      {
        partitionKey: existing.partitionKey,
        actions: [['update', { ...existing, x: 1 }, 'Replace', { etag: 'W/"datetime\'2020-01-01T00%3A00%3A00Z\'"' }]],
      },
      { partitionKey: existing.partitionKey, actions: [['create', key('b')]] },
      // a string property over 64 KiB: refused with 400
      { partitionKey: existing.partitionKey, actions: [['create', { ...key('c'), big: 'x'.repeat(40_000) }]] },
      { partitionKey: existing.partitionKey, actions: [['create', key('d')]] },
    ] as Parameters<typeof submitUnits>[1];
    let outcomes: Awaited<ReturnType<typeof submitUnits>> = [];
    const requests = await storage.during(async () => (outcomes = await submitUnits(table, units, 'test')));
    expect(outcomes.map((o) => (o.ok ? 'ok' : (o.error as { statusCode?: number }).statusCode))).toEqual([
      'ok',
      412,
      'ok',
      400,
      'ok',
    ]);
    expect(requests).toBe(3); // refused twice (each names its item), then the rest in one transaction
    for (const unit of [units[0], units[2], units[4]]) {
      const entity = unit?.actions[0]?.[1] as { partitionKey: string; rowKey: string };
      expect((await table.getEntity(entity.partitionKey, entity.rowKey)).rowKey).toBe(entity.rowKey);
    }
  });

  it('a car whose records cannot be built (a document too large to store) is refused alone; its neighbour commits', async () => {
    const writes = [newCar(), newCar()].map((car) => {
      const event = registeredEvent(car, { blockHeight: 1 });
      return eventWrite({
        event,
        rowKey: eventHistoryRowKey(ledgerPointOf(event)),
        current: undefined,
        plan: { kind: 'registration' },
        rating: undefined,
        stale: false,
        driverLinks: {},
        recordedAt: new Date().toISOString(),
      }).write;
    });
    const [tooLarge, fine] = writes as [CoverageWrite, CoverageWrite];
    const outcomes = await app.services.vehicles.commitMany([
      { ...tooLarge, history: { ...tooLarge.history, reason: 'x'.repeat(1_000_000) } },
      fine,
    ]);
    expect(outcomes[0]).toMatchObject({
      ok: false,
      error: expect.objectContaining({ message: expect.stringMatching(/too large to store/) }),
    });
    expect(outcomes[1]).toMatchObject({ ok: true, currentEtag: expect.any(String) });
    expect(await app.services.vehicles.readCurrent(tooLarge.history.assetId)).toBeUndefined();
    expect((await app.services.vehicles.readCurrent(fine.history.assetId))?.value.status).toBe('registered');
  });

  it('a car another instance wrote since it was cached is read again and applied; its neighbours are not disturbed', async () => {
    const cars = Array.from({ length: 20 }, () => newCar());
    const drivers = await registeredDrivers(3);
    const [a, b, c] = drivers as [string, string, string];
    const lease = sampleLease();
    const starts = cars.map((car) => leaseStartEvent(car, { blockHeight: 2 }, [a], lease));
    // This instance registers and leases every car (and caches them) ...
    await app.services.premiums.applyEvents([
      ...cars.map((car) => registeredEvent(car, { blockHeight: 1 })),
      ...starts,
    ]);
    // ... the other instance hands half of them over (this instance's copies of those go out of date) ...
    const firstHandOvers = cars.map((car, i) =>
      transferEvent(car, { blockHeight: 3, spends: (starts[i] as OwnershipEvent).id }, [a], [b], lease),
    );
    const half = firstHandOvers.filter((_, i) => i % 2 === 0);
    expect((await otherInstance.applyEvents(half)).map((o) => o.outcome)).toEqual(half.map(() => 'applied'));
    // ... and this instance gets a delivery of every car: the other half are new, the first half
    // are redeliveries it never saw, then the next hand-over of every car.
    const outcomes = await app.services.premiums.applyEvents(firstHandOvers);
    expect(outcomes.map((o) => o.outcome)).toEqual(cars.map((_, i) => (i % 2 === 0 ? 'duplicate' : 'applied')));
    const secondHandOvers = cars.map((car, i) =>
      transferEvent(car, { blockHeight: 4, spends: (firstHandOvers[i] as OwnershipEvent).id }, [b], [c], lease),
    );
    expect((await app.services.premiums.applyEvents(secondHandOvers)).map((o) => o.outcome)).toEqual(
      cars.map(() => 'applied'),
    );
    for (const car of cars) {
      const history = await app.services.vehicles.listHistory(car.assetId, 10, undefined);
      expect(history.items.map((r) => r.ledger.blockHeight)).toEqual([1, 2, 3, 4]);
      expect((await app.services.vehicles.readCurrent(car.assetId))?.value.driverKeys).toEqual([c]);
    }
    const links = new DriverVehiclesRepository(app.services.store);
    expect(await links.vehiclesOf(a)).toEqual([]);
    expect(await links.vehiclesOf(b)).toEqual([]);
    expect((await links.vehiclesOf(c)).sort()).toEqual(cars.map((car) => car.assetId).sort());
  });
});
