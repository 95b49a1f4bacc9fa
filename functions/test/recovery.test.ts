// Crash recovery and the re-rate race guard, on real Azurite: a redelivery redoes an outbox a
// crash interrupted; a driver link without coverage is answered "not-leased" and fences the car.
import { ownedRowKey, shardOf } from '../src/storage/shard-key';
import { TableClient } from '@azure/data-tables';
import {
  leaseStartEvent,
  newCar,
  randomPublicKey,
  registeredEvent,
  sampleProfile,
} from '../../devstack/src/bench/event-factory';
import { StorageRequestCounter } from '../../devstack/src/bench/storage-request-counter';
import { ownershipChangesHandler } from '../src/functions/ownership-changes';
import { DriverVehiclesRepository } from '../src/storage/driver-vehicles-repository';
import { unpackJson } from '../src/storage/packed-json';
import { testStorageConnectionString } from '../../tests/support/storage';
import { createTestApp, invoke, webhookRequest, type TestApp } from './support/function-app';

let app: TestApp;
let storage: StorageRequestCounter;
const client = (name: string) =>
  TableClient.fromConnectionString(testStorageConnectionString(), name, { allowInsecureConnection: true });
beforeAll(() => {
  app = createTestApp();
  storage = new StorageRequestCounter(testStorageConnectionString());
});
afterAll(() => storage.stop());

it('a redelivery redoes side effects a crash left undone (the review entry), and every later redelivery rewrites the same entry', async () => {
  const car = newCar();
  const start = leaseStartEvent(car, { blockHeight: 2 }, [randomPublicKey()]); // unknown driver -> review entry
  const first = await invoke(
    ownershipChangesHandler(app.services),
    webhookRequest(app, [registeredEvent(car, { blockHeight: 1 }), start]),
  );
  expect(first.status).toBe(200);

  // Simulate a crash after the commit: the review entry was never written.
  const reviews = client(app.services.store.names.reviewQueue);
  const entriesOf = async () => {
    const found = [];
    for await (const e of reviews.listEntities<{ assetId: string }>()) if (e.assetId === car.assetId) found.push(e);
    return found;
  };
  const entries = await entriesOf();
  expect(entries).toHaveLength(1);
  await reviews.deleteEntity(entries[0]!.partitionKey!, entries[0]!.rowKey!);
  const marker = await client(app.services.store.names.vehicles).getEntity<Record<string, unknown>>(
    shardOf(car.assetId),
    ownedRowKey(car.assetId, `evt~${start.id}`),
  );
  expect((unpackJson(marker, 'doc') as Record<string, unknown>).sideEffectsDone).toBe(false); // markers are never updated after the commit

  for (let delivery = 0; delivery < 2; delivery++) {
    const before = storage.requests;
    const again = await invoke(ownershipChangesHandler(app.services), webhookRequest(app, [start]));
    expect((again.body as { results: { outcome: string }[] }).results[0]?.outcome).toBe('duplicate');
    // The car from this instance's cache (it holds the marker), write review entry, read car again (still open?)
    expect(storage.requests - before).toBe(2);
    const restored = await entriesOf();
    expect(restored).toHaveLength(1);
    expect(unpackJson(restored[0]!, 'doc')).toEqual(unpackJson(entries[0]!, 'doc'));
  }
});

it('a driver link whose car does not list the driver re-rates nothing and fences the car (ETag changes)', async () => {
  const car = newCar();
  const lessee = randomPublicKey();
  const other = randomPublicKey();
  await app.services.premiums.applyEvents([
    registeredEvent(car, { blockHeight: 1 }),
    leaseStartEvent(car, { blockHeight: 2 }, [lessee]),
  ]);
  await new DriverVehiclesRepository(app.services.store).link(other, car.assetId, 'h~000000000002~000000~x');
  const etagBefore = (await app.services.vehicles.readCurrent(car.assetId))!.etag;
  const result = await app.services.drivers.put(other, sampleProfile());
  expect(result.rerates).toEqual([{ assetId: car.assetId, outcome: 'not-leased' }]);
  const after = (await app.services.vehicles.readCurrent(car.assetId))!;
  expect(after.etag).not.toBe(etagBefore);
  expect(after.value.driverKeys).toEqual([lessee]);
});
