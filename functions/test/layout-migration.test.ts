// The layout migration against real Azurite. A source app (one table prefix) processes events, a
// driver change, a re-rate and a review resolution into the tables by shard; their rows, re-keyed
// to the earlier layout (PartitionKey = the car's or driver's key, RowKey = the row's name), are the
// old tables of a second prefix. The migration must rebuild that prefix's tables by shard row for
// row, what the app reads there must equal what the source app reads, a rerun must change nothing,
// and the migrated app must go on from the copied markers and links.
import { TableClient } from '@azure/data-tables';
import {
  leaseEndEvent,
  leaseStartEvent,
  newCar,
  randomPublicKey,
  registeredEvent,
  sampleLease,
  sampleProfile,
} from '../../devstack/src/bench/event-factory';
import { FleetListing } from '../src/console/fleet-listing';
import { driversHandler } from '../src/functions/drivers';
import { ownershipChangesHandler } from '../src/functions/ownership-changes';
import { vehiclePremiumHandler } from '../src/functions/vehicle-premium';
import { vehiclePremiumsHandler } from '../src/functions/vehicle-premiums';
import { runLayoutMigration } from '../src/migration/cli';
import { migrateLayout } from '../src/migration/migrate-layout';
import { migratedRow } from '../src/migration/migrated-row';
import { isTableMissing } from '../src/storage/storage-errors';
import { legacyTableNames } from '../src/storage/table-names';
import { testStorageConnectionString } from '../../tests/support/storage';
import { createTestApp, get, invoke, webhookRequest, type TestApp } from './support/function-app';

type Row = Record<string, unknown>;

const client = (name: string) =>
  TableClient.fromConnectionString(testStorageConnectionString(), name, { allowInsecureConnection: true });

/** A row's stored content: without what the service sets (ETag, Timestamp). */
function contentOf(entity: Row): Row {
  return Object.fromEntries(
    Object.entries(entity).filter(([name]) => name !== 'etag' && name !== 'timestamp' && !name.startsWith('odata.')),
  );
}

async function rowsOf(table: string): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const entity of client(table).listEntities<Row>()) rows.push(contentOf(entity));
  const key = (row: Row) => `${String(row.partitionKey)}\u0000${String(row.rowKey)}`;
  return rows.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** The same row in the earlier layout: PartitionKey = the owner's encoded key, RowKey = the row's name, no isCurrent. */
function legacyRowOf(row: Row): Row {
  const { partitionKey: _shard, rowKey, isCurrent: _isCurrent, ...columns } = row;
  const [owner, ...name] = String(rowKey).split('|');
  return { partitionKey: owner, rowKey: name.join('|'), ...columns };
}

const approve = {
  decision: 'approve' as const,
  reason: 'Driver verified by phone',
  resolvedBy: 'underwriter:ada@example.com',
};

describe('a legacy row by shard', () => {
  it('keys it by the shard and the decoded owner, keeps every column but the system ones, marks only a car current row', () => {
    const legacy = {
      partitionKey: 'car%2F1',
      rowKey: 'current',
      etag: 'W/"x"',
      timestamp: '2026-01-01T00:00:00Z',
      'odata.etag': 'W/"x"',
      status: 'active',
      revision: 3,
      docParts: 1,
      doc0: '{}',
    };
    const row = migratedRow('vehicles', legacy);
    expect(row).toEqual({
      partitionKey: row.partitionKey,
      rowKey: 'car%2F1|current',
      status: 'active',
      revision: 3,
      docParts: 1,
      doc0: '{}',
      isCurrent: true,
    });
    expect(row.partitionKey).toMatch(/^s[0-7]$/);
    expect(migratedRow('vehicles', { ...legacy, partitionKey: 'car/1' }).partitionKey).toBe(row.partitionKey);
    expect(migratedRow('vehicles', { ...legacy, rowKey: 'evt~tx' })).not.toHaveProperty('isCurrent');
    expect(migratedRow('drivers', { ...legacy, rowKey: 'profile' })).not.toHaveProperty('isCurrent');
    expect(() => migratedRow('drivers', { rowKey: 'profile' })).toThrow(TypeError);
  });
});

describe('the layout migration', () => {
  let source: TestApp;
  let target: TestApp;
  const lessee = randomPublicKey();
  const stranger = randomPublicKey(); // a lessee without a profile: the car needs review
  const leased = newCar();
  const parked = newCar();
  const reviewed = newCar();
  const leaseOfLeased = sampleLease();
  const lastEventOfLeased = leaseStartEvent(leased, { blockHeight: 2 }, [lessee], leaseOfLeased);
  const counts: Record<string, number> = {};
  let targetTablesAfterFirstRun: Row[][];
  let reviewedRowKey: string;

  const prefixOf = (app: TestApp) => app.env.STORAGE_NAME_PREFIX as string;
  const tablesOf = (app: TestApp) => {
    const names = app.services.store.names;
    return [names.vehicles, names.drivers, names.driverVehicles];
  };

  beforeAll(async () => {
    source = createTestApp();
    target = createTestApp();
    await source.services.drivers.put(lessee, sampleProfile());
    const delivered = await invoke(
      ownershipChangesHandler(source.services),
      webhookRequest(source, [
        registeredEvent(leased, { blockHeight: 1 }),
        registeredEvent(parked, { blockHeight: 1, indexInBlock: 1 }),
        registeredEvent(reviewed, { blockHeight: 1, indexInBlock: 2 }),
        lastEventOfLeased,
        leaseStartEvent(reviewed, { blockHeight: 2, indexInBlock: 1 }, [stranger]),
      ]),
    );
    expect(delivered.status).toBe(200);
    // A driver change re-rates the leased car (a re-rate record and its marker).
    const changed = await source.services.drivers.put(lessee, sampleProfile({ territory: 'urban' }));
    expect(changed.rerates).toEqual([expect.objectContaining({ assetId: leased.assetId })]);
    // An underwriter's resolution (a resolution record and its marker).
    reviewedRowKey = (await source.services.vehicles.readCurrent(reviewed.assetId))!.value.historyRowKey;
    const resolved = await source.services.reviews.resolve(
      { assetId: reviewed.assetId, historyRowKey: reviewedRowKey },
      approve,
    );
    expect(resolved.outcome).toBe('resolved');

    // The target's old tables: the source's rows in the earlier layout.
    const legacy = legacyTableNames(prefixOf(target));
    const sourceNames = source.services.store.names;
    for (const [from, to] of [
      [sourceNames.vehicles, legacy.vehicles],
      [sourceNames.drivers, legacy.drivers],
      [sourceNames.driverVehicles, legacy.driverVehicles],
    ] as const) {
      const table = client(to);
      await table.createTable();
      const rows = await rowsOf(from);
      for (const row of rows)
        await table.createEntity(legacyRowOf(row) as Row & { partitionKey: string; rowKey: string });
      counts[to] = rows.length;
    }
  });

  it('copies every row of the old tables into the tables by shard, as the app writes them there', async () => {
    const legacy = legacyTableNames(prefixOf(target));
    const pages: number[] = [];
    const result = await migrateLayout(target.services.store, legacy, {
      pageSize: 5,
      onPage: (t) => pages.push(t.read),
    });
    expect(
      result.map(({ from, to, missing, read, written, failed }) => ({ from, to, missing, read, written, failed })),
    ).toEqual(
      (['drivers', 'driverVehicles', 'vehicles'] as const).map((kind) => ({
        from: legacy[kind],
        to: target.services.store.names[kind],
        missing: false,
        read: counts[legacy[kind]],
        written: counts[legacy[kind]],
        failed: 0,
      })),
    );
    const rowNames = (await rowsOf(legacy.vehicles)).map((row) => String(row.rowKey));
    for (const name of [/^current$/, /^h~/, /^evt~/, /^rr~/, /^rv~/])
      expect(rowNames).toContainEqual(expect.stringMatching(name));
    expect(pages.length).toBeGreaterThan(3); // read page by page
    targetTablesAfterFirstRun = await Promise.all(tablesOf(target).map(rowsOf));
    expect(targetTablesAfterFirstRun).toEqual(await Promise.all(tablesOf(source).map(rowsOf)));
    // The old tables stay as they were.
    expect(await rowsOf(legacy.vehicles)).toHaveLength(counts[legacy.vehicles] as number);
  });

  it("the migrated app reads every car's coverage, history and markers, the drivers and their cars as the source app does", async () => {
    for (const car of [leased, parked, reviewed]) {
      const { assetId } = car;
      const [before, after] = [source, target].map((app) => app.services.vehicles);
      expect((await after!.readCurrent(assetId))?.value).toEqual((await before!.readCurrent(assetId))?.value);
      const history = await after!.listHistory(assetId, 1000, undefined);
      expect(history).toEqual(await before!.listHistory(assetId, 1000, undefined));
      for (const record of history.items) {
        const transactionId = record.ledger.transactionId;
        expect(await after!.readEventMarker(assetId, transactionId)).toEqual(
          await before!.readEventMarker(assetId, transactionId),
        );
        expect(await after!.readResolution(assetId, record.rowKey)).toEqual(
          await before!.readResolution(assetId, record.rowKey),
        );
      }
      for (const handler of [vehiclePremiumHandler, vehiclePremiumsHandler]) {
        const path = handler === vehiclePremiumHandler ? 'premium' : 'premiums';
        const request = () => get(`/vehicles/${assetId}/${path}`, { assetId });
        const [was, is] = await Promise.all([source, target].map((app) => invoke(handler(app.services), request())));
        expect(is!.status).toBe(200);
        expect(is!.body).toEqual(was!.body);
      }
    }
    const [wasRerate, isRerate] = await Promise.all(
      [source, target].map((app) => app.services.vehicles.readRerateState(leased.assetId, lessee, 2)),
    );
    expect(isRerate!.marker).toBeDefined();
    expect(isRerate!.marker).toEqual(wasRerate!.marker);
    expect(await target.services.vehicles.readEventMarker(leased.assetId, lastEventOfLeased.id)).toBeDefined();
    expect(await target.services.vehicles.readResolution(reviewed.assetId, reviewedRowKey)).toMatchObject({
      decision: 'approve',
    });
    for (const driverKey of [lessee, stranger]) {
      const [was, is] = await Promise.all([source, target].map((app) => app.services.drivers.get(driverKey)));
      expect(is && { ...is, driver: { ...is.driver, etag: '' } }).toEqual(
        was && { ...was, driver: { ...was.driver, etag: '' } },
      );
      expect(await target.services.driverVehicles.vehiclesOf(driverKey)).toEqual(
        await source.services.driverVehicles.vehiclesOf(driverKey),
      );
    }
    expect(await target.services.driverVehicles.vehiclesOf(lessee)).toEqual([leased.assetId]);
    const [wasBody, isBody] = await Promise.all(
      [source, target].map((app) =>
        invoke(driversHandler(app.services), get(`/drivers/${lessee}`, { driverKey: lessee })),
      ),
    );
    expect(isBody!.status).toBe(200);
    expect(isBody!.body).toEqual(wasBody!.body);
    // The console's fleet listing finds every car by the isCurrent column.
    const fleet = await new FleetListing(target.services.store).list(100, undefined);
    expect(fleet.items.map((car) => car.assetId).sort()).toEqual(
      [leased.assetId, parked.assetId, reviewed.assetId].sort(),
    );
  });

  it('a second run (the command, with the Function App settings) copies the same rows again and changes nothing', async () => {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const code = await runLayoutMigration([], target.env, {
      stdout: (line) => stdout.push(line),
      stderr: (line) => stderr.push(line),
    });
    expect(code).toBe(0);
    const legacy = legacyTableNames(prefixOf(target));
    expect(JSON.parse(stdout.join('\n'))).toEqual({
      migrated: (['drivers', 'driverVehicles', 'vehicles'] as const).map((kind) => ({
        from: legacy[kind],
        to: target.services.store.names[kind],
        missing: false,
        read: counts[legacy[kind]],
        written: counts[legacy[kind]],
        failed: 0,
      })),
    });
    expect(stderr.length).toBeGreaterThan(0); // progress
    expect(await Promise.all(tablesOf(target).map(rowsOf))).toEqual(targetTablesAfterFirstRun);
  });

  it('the migrated app answers a redelivery of a car last event "duplicate" and goes on with the next one', async () => {
    const redelivered = await invoke(
      ownershipChangesHandler(target.services),
      webhookRequest(target, [lastEventOfLeased]),
    );
    expect((redelivered.body as { results: { outcome: string }[] }).results[0]?.outcome).toBe('duplicate');
    // The lease end ends the copied link (its ETag changed in the copy: the app reads it and compares).
    const ended = await invoke(
      ownershipChangesHandler(target.services),
      webhookRequest(target, [
        leaseEndEvent(leased, { blockHeight: 3, spends: lastEventOfLeased.id }, [lessee], leaseOfLeased),
      ]),
    );
    expect((ended.body as { results: { outcome: string }[] }).results[0]?.outcome).toBe('applied');
    expect(await target.services.driverVehicles.vehiclesOf(lessee)).toEqual([]);
    expect((await target.services.vehicles.readCurrent(leased.assetId))?.value.status).toBe('closed');
  });

  it('has nothing to copy where the old tables do not exist, and does not create them', async () => {
    const empty = createTestApp();
    const legacy = legacyTableNames(prefixOf(empty));
    const result = await migrateLayout(empty.services.store, legacy);
    expect(result.map(({ missing, read, written, failed }) => ({ missing, read, written, failed }))).toEqual(
      Array.from({ length: 3 }, () => ({ missing: true, read: 0, written: 0, failed: 0 })),
    );
    for (const name of Object.values(legacy)) {
      const read = client(name).listEntities().byPage().next();
      await expect(read.catch((error: unknown) => isTableMissing(error))).resolves.toBe(true);
    }
  });
});
