// The storage requests one event costs, and the guarantees the cheaper write path keeps, on real
// Azurite: request budgets per event type; an outbox interrupted by a crash between the commit and
// the side effects is redone by the redelivery (old driver link removed, in one request when the
// link is unchanged); a link rewritten in between is judged by its ledger position; a CREATE that
// finds the car already there is answered as duplicate or stale; re-rates find the new driver's car
// and no longer the old driver's.
import { TableClient } from '@azure/data-tables';
import {
  leaseEndEvent,
  leaseStartEvent,
  newCar,
  randomPublicKey,
  registeredEvent,
  sampleLease,
  sampleProfile,
  transferEvent,
} from '../../devstack/src/bench/event-factory';
import { StorageRequestCounter } from '../../devstack/src/bench/storage-request-counter';
import type { PremiumService } from '../src/premium/premium-service';
import { SideEffects } from '../src/premium/side-effects';
import { DriverVehiclesRepository } from '../src/storage/driver-vehicles-repository';
import { packJson, unpackJson } from '../src/storage/packed-json';
import { ownedRowKey, shardOf } from '../src/storage/shard-key';
import type { EventMarker } from '../src/coverage/work-marker';
import { testStorageConnectionString } from '../../tests/support/storage';
import { createTestApp, type TestApp } from './support/function-app';
import { premiumInstance } from './support/premium-instance';

/** The outbox never runs: the process "crashed" right after the commit. */
class CrashAfterCommit extends SideEffects {
  override completeMany(): Promise<void> {
    return Promise.reject(new Error('simulated crash after the commit'));
  }
}

let app: TestApp;
let links: DriverVehiclesRepository;
let crashing: PremiumService;
/** The event path of a process started after a crash: nothing cached yet. */
let restarted: () => PremiumService;
let storage: StorageRequestCounter;
beforeAll(async () => {
  app = createTestApp();
  storage = new StorageRequestCounter(testStorageConnectionString());
  await app.services.store.ping(); // tables created once per process: not part of any event's cost
  links = new DriverVehiclesRepository(app.services.store);
  crashing = premiumInstance(app, CrashAfterCommit);
  restarted = () => premiumInstance(app);
});

afterAll(() => storage.stop());

/** Storage requests `work` sends (counted at the HTTP level, outside the app). */
function requestsOf(work: () => Promise<unknown>): Promise<number> {
  return storage.during(work);
}

async function leasedCar() {
  const car = newCar();
  const [a, b] = [randomPublicKey(), randomPublicKey()];
  await Promise.all([a, b].map((key) => app.services.drivers.put(key, sampleProfile())));
  const lease = sampleLease();
  const start = leaseStartEvent(car, { blockHeight: 2 }, [a], lease);
  await app.services.premiums.applyEvents([registeredEvent(car, { blockHeight: 1 }), start]);
  const handOver = transferEvent(car, { blockHeight: 3, spends: start.id }, [a], [b], lease);
  return { car, a, b, lease, start, handOver };
}

async function marker(assetId: string, transactionId: string): Promise<EventMarker> {
  const found = await app.services.vehicles.readEventMarker(assetId, transactionId);
  if (!found) throw new Error(`no marker for ${transactionId}`);
  return found;
}

describe('storage requests per event', () => {
  it('one at a time: registration 1, lease start 3, hand-over 4, lease end 2, and the outcomes are right', async () => {
    const car = newCar();
    const [a, b] = [randomPublicKey(), randomPublicKey()];
    await Promise.all([a, b].map((key) => app.services.drivers.put(key, sampleProfile())));
    const { premiums } = app.services;
    const lease = sampleLease();
    const start = leaseStartEvent(car, { blockHeight: 2 }, [a], lease);
    const handOver = transferEvent(car, { blockHeight: 3, spends: start.id }, [a], [b], lease);
    const end = leaseEndEvent(car, { blockHeight: 4, spends: handOver.id }, [b], lease);

    // CREATE: one transaction, no read. Lease start: the car as this instance wrote it (no read),
    // link, read driver, transaction.
    expect(await requestsOf(() => premiums.applyEvent(registeredEvent(car, { blockHeight: 1 })))).toBe(1);
    expect(await requestsOf(() => premiums.applyEvent(start))).toBe(3);
    // Hand-over: link B, read B, transaction, end A's link (conditional on its ETag).
    expect(await requestsOf(() => premiums.applyEvent(handOver))).toBe(4);
    expect(await links.vehiclesOf(a)).toEqual([]);
    expect(await links.vehiclesOf(b)).toEqual([car.assetId]);
    // Lease end: transaction, end B's link.
    expect(await requestsOf(() => premiums.applyEvent(end))).toBe(2);
    expect(await links.vehiclesOf(b)).toEqual([]);
    expect((await app.services.vehicles.readCurrent(car.assetId))?.value).toMatchObject({
      status: 'closed',
      driverKeys: [],
    });
  });

  it('a redelivered hand-over is answered from the car (which holds its marker) and redoes the (idempotent) outbox', async () => {
    const { a, start, handOver } = await leasedCar();
    const premiums = restarted();
    await premiums.applyEvent(handOver);
    let earlier;
    // An earlier event: its marker (it lies before the car's ledger point); no outbox.
    expect(await requestsOf(async () => (earlier = await premiums.applyEvent(start)))).toBe(1);
    expect(earlier).toMatchObject({ id: start.id, outcome: 'duplicate', firstOutcome: 'applied', kind: 'premium' });
    let outcome;
    // The car's row holds its latest event's marker; A's link again: the conditional end finds it
    // changed (it was ended), the read finds it ended.
    expect(await requestsOf(async () => (outcome = await premiums.applyEvent(handOver)))).toBe(2);
    expect(outcome).toMatchObject({ id: handOver.id, outcome: 'duplicate', firstOutcome: 'applied' });
    expect(await links.vehiclesOf(a)).toEqual([]);
  });
});

describe('crash between the commit and the side effects', () => {
  it('the redelivery ends the old driver link (one conditional write), and the re-rates follow the new driver', async () => {
    const { car, a, b, handOver } = await leasedCar();
    await expect(crashing.applyEvent(handOver)).rejects.toThrow('simulated crash');
    expect(await links.vehiclesOf(a)).toEqual([car.assetId]); // the outbox did not run
    expect((await marker(car.assetId, handOver.id)).sideEffects).toMatchObject({
      indexRemove: [a],
      linkEtags: { [a]: expect.any(String) },
    });

    let outcome;
    // The restarted process: read car (its marker is in the row), end A's link (conditional on its ETag).
    expect(await requestsOf(async () => (outcome = await restarted().applyEvent(handOver)))).toBe(2);
    expect(outcome).toMatchObject({ outcome: 'duplicate', firstOutcome: 'applied' });
    expect(await links.vehiclesOf(a)).toEqual([]);

    // A's history change no longer touches the car; B's re-rates it.
    expect(
      await app.services.drivers.appendClaim(a, { date: '2026-03-01', atFault: true, amountMinor: 500_000 }),
    ).toMatchObject({ rerates: [] });
    const appended = await app.services.drivers.appendClaim(b, {
      date: '2026-03-01',
      atFault: true,
      amountMinor: 500_000,
    });
    expect(appended).toMatchObject({
      rerates: [expect.objectContaining({ assetId: car.assetId, outcome: 're-rated' })],
    });
  });

  it('a link a LATER event rewrote in the meantime stays; one an earlier event rewrote is removed', async () => {
    const { car, a, handOver } = await leasedCar();
    await expect(crashing.applyEvent(handOver)).rejects.toThrow('simulated crash');
    const handOverRow = (await marker(car.assetId, handOver.id)).historyRowKey;

    await links.link(a, car.assetId, `${handOverRow}~later`); // e.g. A leases the car again further on
    await restarted().applyEvent(handOver);
    expect(await links.vehiclesOf(a)).toEqual([car.assetId]);

    await links.link(a, car.assetId, 'h~000000000002~000000~earlier'); // a racing older event's link
    await restarted().applyEvent(handOver);
    expect(await links.vehiclesOf(a)).toEqual([]);
  });

  it('a lease end redelivered after a crash removes the lessee link', async () => {
    const { car, a, lease, start } = await leasedCar();
    const end = leaseEndEvent(car, { blockHeight: 3, spends: start.id }, [a], lease);
    await expect(crashing.applyEvent(end)).rejects.toThrow('simulated crash');
    expect(await links.vehiclesOf(a)).toEqual([car.assetId]);
    await restarted().applyEvent(end);
    expect(await links.vehiclesOf(a)).toEqual([]);
  });
});

describe('a CREATE written without reading first', () => {
  it('a redelivered CREATE is a duplicate; a CREATE arriving after the car moved on is stale and changes nothing', async () => {
    const car = newCar();
    const lessee = randomPublicKey();
    await app.services.drivers.put(lessee, sampleProfile());
    const create = registeredEvent(car, { blockHeight: 1 });
    expect(await app.services.premiums.applyEvent(create)).toEqual({
      id: create.id,
      outcome: 'applied',
      kind: 'registration',
    });
    expect(await app.services.premiums.applyEvent(create)).toEqual({
      id: create.id,
      outcome: 'duplicate',
      firstOutcome: 'applied',
      kind: 'registration',
    });

    const other = newCar();
    const start = leaseStartEvent(other, { blockHeight: 2 }, [lessee]);
    expect(await app.services.premiums.applyEvent(start)).toMatchObject({ outcome: 'applied', kind: 'premium' });
    const late = registeredEvent(other, { blockHeight: 1 });
    expect(await app.services.premiums.applyEvent(late)).toEqual({
      id: late.id,
      outcome: 'stale',
      kind: 'registration',
    });
    expect((await app.services.vehicles.readCurrent(other.assetId))?.value).toMatchObject({
      status: 'active',
      driverKeys: [lessee],
      ledger: { transactionId: start.id },
    });
  });
});

describe('rows stored before this write path', () => {
  const vehiclesTable = () =>
    TableClient.fromConnectionString(testStorageConnectionString(), app.services.store.names.vehicles, {
      allowInsecureConnection: true,
    });
  async function rewriteDoc(
    assetId: string,
    rowKey: string,
    change: (doc: Record<string, unknown>) => Record<string, unknown>,
  ) {
    const table = vehiclesTable();
    const key = { partitionKey: shardOf(assetId), rowKey: ownedRowKey(assetId, rowKey) };
    const row = await table.getEntity<Record<string, unknown>>(key.partitionKey, key.rowKey);
    await table.updateEntity(
      { ...key, ...packJson('doc', change(unpackJson(row, 'doc') as Record<string, unknown>)) },
      'Merge',
    );
  }

  it('a coverage without link ETags still ends the old link (read + compare); without its last event, a redelivery reads the marker; a marker stored as done is not redone', async () => {
    const { car, a, handOver } = await leasedCar();
    await rewriteDoc(car.assetId, 'current', ({ driverLinks: _dropped, ...doc }) => doc);
    // read car, link B, read B, transaction, read A's link, end it
    expect(await requestsOf(() => restarted().applyEvent(handOver))).toBe(6);
    expect(await links.vehiclesOf(a)).toEqual([]);

    await rewriteDoc(car.assetId, 'current', ({ lastEvent: _dropped, ...doc }) => doc);
    await rewriteDoc(car.assetId, `evt~${handOver.id}`, (doc) => ({ ...doc, sideEffectsDone: true }));
    let outcome;
    expect(await requestsOf(async () => (outcome = await restarted().applyEvent(handOver)))).toBe(2); // read car, read marker: nothing redone
    expect(outcome).toMatchObject({ id: handOver.id, outcome: 'duplicate', firstOutcome: 'applied', kind: 'premium' });
  });
});
