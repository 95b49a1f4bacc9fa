// Inputs a ledger participant or a back-office client controls, each with its own bounded outcome on
// real Azurite: a deterministic failure of one event is that event's `rejected` (the rest of the batch
// proceeds, never a 5xx); ledger extras over the budget are dropped with a note; every back-office
// write keeps the rules reads check; a stored record that fails them is served flagged and repairable.
import { ownedRowKey, shardOf } from '../src/storage/shard-key';
import { TableClient } from '@azure/data-tables';
import bs58 from 'bs58';
import {
  BATCH_CONTENT_TYPE,
  LEDGER_EXTRAS_BUDGET_BYTES,
  LEDGER_EXTRAS_MAX_DEPTH,
  MAX_BLOCK_HEIGHT,
  MAX_CLAIMS,
  WebhookResponse,
  type OwnershipEvent,
} from '@lease-premium/events';
import {
  leaseStartEvent,
  newCar,
  randomPublicKey,
  registeredEvent,
  sampleLease,
  sampleProfile,
} from '../../devstack/src/bench/event-factory';
import { ownershipChangesHandler } from '../src/functions/ownership-changes';
import { vehiclePremiumsHandler } from '../src/functions/vehicle-premiums';
import { packJson } from '../src/storage/packed-json';
import { testStorageConnectionString } from '../../tests/support/storage';
import { createTestApp, get, invoke, webhookRequest, type TestApp } from './support/function-app';
import { expectDocumentedResponse } from './support/openapi-validator';
import { driverCalls } from './support/back-office-calls';

const TODAY = new Date('2026-12-03T12:00:00Z');
let app: TestApp;
beforeAll(() => {
  app = createTestApp({}, () => TODAY);
});

async function deliver(events: OwnershipEvent[] | string): Promise<WebhookResponse['results']> {
  const response = await invoke(
    ownershipChangesHandler(app.services),
    webhookRequest(app, events, { contentType: BATCH_CONTENT_TYPE }),
    'ownership-changes',
  );
  expectDocumentedResponse('/ownership-changes', 'post', response);
  expect(response.status).toBe(200);
  const parsed = WebhookResponse.safeParse(response.body);
  expect(parsed.success).toBe(true);
  return (response.body as WebhookResponse).results;
}

async function history(assetId: string): Promise<Array<Record<string, unknown>>> {
  const response = await invoke(
    vehiclePremiumsHandler(app.services),
    get(`/vehicles/${assetId}/premiums`, { assetId }, { pageSize: '100' }),
  );
  expectDocumentedResponse('/vehicles/{assetId}/premiums', 'get', response);
  return (response.body as { items: Array<Record<string, unknown>> }).items;
}

const { putDriver, getDriver, postClaim, postViolation } = driverCalls(() => app);

/** JSON text of objects nested `depth` levels deep (JSON.stringify itself overflows the stack on it). */
function nestedJson(depth: number): string {
  return `${'{"next":'.repeat(depth)}{}${'}'.repeat(depth)}`;
}

/** Writes a driver row as an older version (or a careless hand) might have: bypassing today's rules. */
async function storeRawProfile(driverKey: string, profile: unknown): Promise<void> {
  await app.services.store.table(app.services.store.names.drivers);
  const table = TableClient.fromConnectionString(testStorageConnectionString(), app.services.store.names.drivers, {
    allowInsecureConnection: true,
  });
  await table.createEntity({
    partitionKey: shardOf(driverKey),
    rowKey: ownedRowKey(driverKey, 'profile'),
    revision: 1,
    updatedAt: TODAY.toISOString(),
    ...packJson('profile', profile),
  });
}

/** A 44-character base58 key, the shape of a real one, that decodes to 33 bytes. */
function key33(): string {
  const bytes = Buffer.alloc(33, 7);
  bytes[0] = 1;
  const key = bs58.encode(bytes);
  expect(key).toHaveLength(44);
  return key;
}

const claimOn = (i: number) => ({
  date: `20${String(10 + (i % 15)).padStart(2, '0')}-0${1 + (i % 9)}-1${i % 10}`,
  atFault: false,
  amountMinor: i,
});

describe('webhook: one bad event is its own outcome', () => {
  it('stores a lease whose open metadata is ~300 kB, without the extras and with a note; the healthy event beside it is applied', async () => {
    const [car, healthy] = [newCar(), newCar()];
    const lessee = randomPublicKey();
    await putDriver(lessee, sampleProfile());
    const bulky = leaseStartEvent(car, { blockHeight: 5 }, [lessee], { ...sampleLease(), notes: 'x'.repeat(300_000) });
    const results = await deliver([
      registeredEvent(car, { blockHeight: 1 }),
      bulky,
      registeredEvent(healthy, { blockHeight: 6 }),
      leaseStartEvent(healthy, { blockHeight: 7 }, [lessee]),
    ]);
    expect(results.map((r) => r.outcome)).toEqual(['applied', 'applied', 'applied', 'applied']);
    const record = (await history(car.assetId)).find((r) => r.kind === 'premium');
    expect(record).toMatchObject({
      extrasDropped: {
        lease: { reason: 'too-large', bytes: expect.any(Number), budgetBytes: LEDGER_EXTRAS_BUDGET_BYTES },
      },
    });
    expect((record?.extrasDropped as { lease: { bytes: number } }).lease.bytes).toBeGreaterThan(300_000);
    expect(record?.lease).not.toHaveProperty('notes');
  });

  it('keeps extras within the budget', async () => {
    const car = newCar();
    const lease = { ...sampleLease(), contractRef: { branch: 'north', seq: 12 } } as ReturnType<typeof sampleLease>;
    await deliver([
      registeredEvent(car, { blockHeight: 1 }),
      leaseStartEvent(car, { blockHeight: 2 }, [randomPublicKey()], lease),
    ]);
    const record = (await history(car.assetId)).find((r) => r.kind === 'premium');
    expect(record).not.toHaveProperty('extrasDropped');
    expect(record?.lease).toMatchObject({ contractRef: { branch: 'north', seq: 12 } });
  });

  it('a car whose vehicle extras nest 20,000 levels deep is registered and rated, the extras dropped (too deep)', async () => {
    const car = newCar();
    car.vehicle = { ...car.vehicle, options: 'DEEP' };
    const batch = JSON.stringify([
      registeredEvent(car, { blockHeight: 1 }),
      leaseStartEvent(car, { blockHeight: 2 }, [randomPublicKey()]),
    ]);
    const results = await deliver(batch.replaceAll('"options":"DEEP"', `"options":${nestedJson(20_000)}`));
    expect(results.map((r) => r.outcome)).toEqual(['applied', 'applied']);
    const record = (await history(car.assetId)).find((r) => r.kind === 'premium');
    expect(record).toMatchObject({
      extrasDropped: { vehicle: { reason: 'too-deep', maxDepth: LEDGER_EXTRAS_MAX_DEPTH } },
    });
  });

  it('rejects an event whose block height storage keys cannot represent, with the schema error; the others proceed', async () => {
    const [far, healthy] = [newCar(), newCar()];
    const results = await deliver([
      registeredEvent(far, { blockHeight: 1e12 }),
      registeredEvent(healthy, { blockHeight: 3 }),
    ]);
    expect(results[0]).toMatchObject({
      id: far.assetId,
      outcome: 'rejected',
      errors: [{ path: '0.data.ledger.blockHeight', message: expect.stringMatching(String(MAX_BLOCK_HEIGHT)) }],
    });
    expect(results[1]).toMatchObject({ id: healthy.assetId, outcome: 'applied' });
  });

  it('rejects an event naming a key that does not decode to 32 bytes', async () => {
    const car = newCar();
    const results = await deliver([leaseStartEvent(car, { blockHeight: 2 }, [key33()])]);
    expect(results[0]).toMatchObject({
      outcome: 'rejected',
      errors: [{ path: '0.data.newOwners.0', message: expect.stringMatching(/32 bytes/) }],
    });
  });

  it('rejects a lease to a driver whose stored profile fails validation (not a 500), and rates it once PUT repaired the profile', async () => {
    const [car, healthy] = [newCar(), newCar()];
    const driver = randomPublicKey();
    await storeRawProfile(driver, {
      ...sampleProfile(),
      claims: Array.from({ length: MAX_CLAIMS + 1 }, (_, i) => claimOn(i)),
    });
    const lease = leaseStartEvent(car, { blockHeight: 2 }, [driver]);
    const results = await deliver([
      registeredEvent(car, { blockHeight: 1 }),
      lease,
      registeredEvent(healthy, { blockHeight: 3 }),
    ]);
    expect(results.map((r) => r.outcome)).toEqual(['applied', 'rejected', 'applied']);
    expect(results[1]).toMatchObject({
      id: lease.id,
      reason: expect.stringMatching(/stored profile of driver .* is not valid \(claims\)/),
    });
    expect(results[1]).not.toHaveProperty('reason', expect.stringMatching(/1985/)); // names paths, never values

    expect((await putDriver(driver, sampleProfile())).status).toBe(200);
    expect((await deliver([lease]))[0]).toMatchObject({ outcome: 'applied', kind: 'premium' });
  });
});

describe('back office: every write keeps the rules reads check', () => {
  it(`POST of claim ${MAX_CLAIMS + 1} is a 409 problem, as PUT refuses ${MAX_CLAIMS + 1} claims (400); the profile stays readable`, async () => {
    const driver = randomPublicKey();
    const full = sampleProfile({ claims: Array.from({ length: MAX_CLAIMS }, (_, i) => claimOn(i)) });
    expect((await putDriver(driver, full)).status).toBe(201);
    const over = await postClaim(driver, { date: '2026-11-30', atFault: true, amountMinor: 5 });
    expect(over.status).toBe(409);
    expect(over.body).toMatchObject({
      type: expect.stringMatching(/profile-limit$/),
      errors: [{ path: 'claims', message: expect.any(String) }],
    });
    expect((await putDriver(driver, { ...full, claims: [...full.claims, claimOn(5000)] })).status).toBe(400);
    const read = await getDriver(driver);
    expect(read.status).toBe(200);
    expect(read.body).not.toHaveProperty('invalidStoredRecord');
  });

  it.each([
    ['a date of birth giving an age over 120', { dateOfBirth: '0001-01-01' }, 'dateOfBirth'],
    ['a driver under 16 today', { dateOfBirth: '2011-01-01', licensedSince: '2026-01-01' }, 'dateOfBirth'],
    ['a licence before the 14th birthday', { dateOfBirth: '1990-06-15', licensedSince: '2004-06-14' }, 'licensedSince'],
    ['a licence issued in the future', { licensedSince: '2027-01-01' }, 'licensedSince'],
    [
      'a claim dated in the future',
      { claims: [{ date: '2027-01-01', atFault: true, amountMinor: 1 }] },
      'claims.0.date',
    ],
    [
      'a violation dated in the future',
      { violations: [{ date: '2026-12-04', points: 2, code: 'SPEEDING' }] },
      'violations.0.date',
    ],
  ])('PUT refuses %s (400 naming the path)', async (_name, change, path) => {
    const response = await putDriver(randomPublicKey(), sampleProfile(change));
    expect(response.status).toBe(400);
    expect((response.body as { errors: { path: string }[] }).errors.map((e) => e.path)).toContain(path);
  });

  it('accepts the boundaries: 16 today, licensed on the 14th birthday, incidents dated today', async () => {
    const response = await putDriver(
      randomPublicKey(),
      sampleProfile({
        dateOfBirth: '2010-12-03',
        licensedSince: '2024-12-03',
        claims: [{ date: '2026-12-03', atFault: false, amountMinor: 0 }],
        priorInsurance: { periods: [] },
      }),
    );
    expect(response.status).toBe(201);
  });

  it('POST refuses a claim or violation dated in the future (400)', async () => {
    const driver = randomPublicKey();
    await putDriver(driver, sampleProfile());
    const claim = await postClaim(driver, { date: '2027-06-01', atFault: true, amountMinor: 1 });
    expect(claim.status).toBe(400);
    expect((claim.body as { errors: { path: string }[] }).errors[0]?.path).toBe('date');
    expect((await postViolation(driver, { date: '2026-12-04', points: 1, code: 'SPEEDING' })).status).toBe(400);
  });

  it('refuses a driver key that decodes to 33 bytes, in the path (400)', async () => {
    const key = key33();
    const response = await putDriver(key, sampleProfile());
    expect(response.status).toBe(400);
    expect((response.body as { errors: { path: string; message: string }[] }).errors).toEqual([
      { path: 'driverKey', message: expect.stringMatching(/32 bytes/) },
    ]);
  });

  it('a stored profile that fails validation is served flagged, refuses appends with 409 (claims and violations), and PUT repairs it', async () => {
    const driver = randomPublicKey();
    const stored = { ...sampleProfile(), claims: Array.from({ length: MAX_CLAIMS + 1 }, (_, i) => claimOn(i)) };
    await storeRawProfile(driver, stored);

    const read = await getDriver(driver);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      driverKey: driver,
      revision: 1,
      invalidStoredRecord: { issues: [{ path: 'claims', message: expect.any(String) }] },
    });
    expect((read.body as { profile: { claims: unknown[] } }).profile.claims).toHaveLength(MAX_CLAIMS + 1);

    const claim = await postClaim(driver, { date: '2026-11-01', atFault: false, amountMinor: 1 });
    expect(claim.status).toBe(409);
    expect(claim.body).toMatchObject({ type: expect.stringMatching(/invalid-stored-record$/) });
    expect((await postViolation(driver, { date: '2026-11-01', points: 1, code: 'SPEEDING' })).status).toBe(409);

    const repaired = await putDriver(driver, sampleProfile());
    expect(repaired.status).toBe(200);
    expect(repaired.body).toMatchObject({ revision: 2, changed: true });
    const after = await getDriver(driver);
    expect(after.body).not.toHaveProperty('invalidStoredRecord');
    expect((await postClaim(driver, { date: '2026-11-01', atFault: false, amountMinor: 1 })).status).toBe(201);
  });

  it('a stored profile that is not even readable JSON is served flagged, without quoting it', async () => {
    const driver = randomPublicKey();
    await app.services.store.table(app.services.store.names.drivers);
    const table = TableClient.fromConnectionString(testStorageConnectionString(), app.services.store.names.drivers, {
      allowInsecureConnection: true,
    });
    await table.createEntity({
      partitionKey: shardOf(driver),
      rowKey: ownedRowKey(driver, 'profile'),
      revision: 3,
      updatedAt: TODAY.toISOString(),
      profileParts: 1,
      profile0: '{"dateOfBirth":"1985-04-12",',
    });
    const read = await getDriver(driver);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      profile: null,
      invalidStoredRecord: { issues: [{ path: '', message: 'is not readable JSON' }] },
    });
    expect(read.text).not.toContain('1985');
    expect((await putDriver(driver, sampleProfile())).body).toMatchObject({ revision: 4 });
  });

  it.each([
    ['inner JSON of the wrong shape', { nextPartitionKey: 5 }],
    ['a row key that is not a string', { nextPartitionKey: 'a', nextRowKey: { $ne: 1 } }],
    ['unknown fields', { nextPartitionKey: 'a', nextRowKey: 'b', extra: 1 }],
    ['keys with characters Azure keys cannot hold', { nextPartitionKey: 'a\u0000/', nextRowKey: 'b' }],
  ])('a forged continuation token with %s is a 400, never a 503', async (_name, inner) => {
    const sdkToken = Buffer.from(JSON.stringify(inner)).toString('base64');
    const token = Buffer.from(`v1:${sdkToken}`).toString('base64url');
    const assetId = newCar().assetId;
    const response = await invoke(
      vehiclePremiumsHandler(app.services),
      get(`/vehicles/${assetId}/premiums`, { assetId }, { continuationToken: token }),
    );
    expectDocumentedResponse('/vehicles/{assetId}/premiums', 'get', response);
    expect(response.status).toBe(400);
    expect((response.body as { errors: { path: string }[] }).errors[0]?.path).toBe('continuationToken');
  });
});
