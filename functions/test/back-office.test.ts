// Back-office API against real Azurite: drivers, claims/violations re-rating leased cars, current
// premium, paged history and review queue, health, OpenAPI; every response checked against the document.
import { ownedRowKey, shardOf } from '../src/storage/shard-key';
import { TableClient } from '@azure/data-tables';
import {
  leaseStartEvent,
  newCar,
  randomPublicKey,
  registeredEvent,
  sampleLease,
  sampleProfile,
  transferEvent,
} from '../../devstack/src/bench/event-factory';
import { healthHandler } from '../src/functions/health';
import { openApiHandler } from '../src/functions/openapi';
import { premiumsHandler } from '../src/functions/premiums';
import { vehiclePremiumHandler } from '../src/functions/vehicle-premium';
import { vehiclePremiumsHandler } from '../src/functions/vehicle-premiums';
import { testStorageConnectionString } from '../../tests/support/storage';
import { createTestApp, get, invoke, type TestApp } from './support/function-app';
import { expectDocumentedResponse } from './support/openapi-validator';
import { documentedCall, driverCalls } from './support/back-office-calls';

let app: TestApp;
beforeAll(() => {
  app = createTestApp();
});

const call = documentedCall;
const { putDriver, getDriver, postClaim, postViolation } = driverCalls(() => app);
const currentPremium = (assetId: string) =>
  call(
    '/vehicles/{assetId}/premium',
    'get',
    vehiclePremiumHandler(app.services),
    get(`/vehicles/${assetId}/premium`, { assetId }),
  );
const historyPage = (assetId: string, query: Record<string, string>) =>
  call(
    '/vehicles/{assetId}/premiums',
    'get',
    vehiclePremiumsHandler(app.services),
    get(`/vehicles/${assetId}/premiums`, { assetId }, query),
  );
const reviewPage = (query: Record<string, string>) =>
  call('/premiums', 'get', premiumsHandler(app.services), get('/premiums', {}, query));

describe('drivers', () => {
  it('PUT creates (201), repeats unchanged (200), replaces (200 with a new revision); GET returns it', async () => {
    const key = randomPublicKey();
    const profile = sampleProfile({ dateOfBirth: '1990-01-01', licensedSince: '2010-01-01' });
    const created = await putDriver(key, profile);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ driverKey: key, revision: 1, changed: true, rerates: [], profile });
    const repeated = await putDriver(key, profile);
    expect(repeated.status).toBe(200);
    expect(repeated.body).toMatchObject({ revision: 1, changed: false });
    const replaced = await putDriver(key, { ...profile, territory: 'rural' });
    expect(replaced.body).toMatchObject({ revision: 2, changed: true });
    const read = await getDriver(key);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ driverKey: key, revision: 2, profile: { territory: 'rural' } });
  });

  it('400 for an invalid key or body, naming each path; 404 for an unknown driver', async () => {
    const badKey = await putDriver('not/a key', sampleProfile());
    expect(badKey.status).toBe(400);
    expect((badKey.body as { errors: unknown[] }).errors).toEqual([{ path: 'driverKey', message: expect.any(String) }]);
    const badBody = await putDriver(randomPublicKey(), {
      ...sampleProfile(),
      claims: [{ date: 'yesterday', atFault: 'yes', amountMinor: -1 }],
    });
    expect(badBody.status).toBe(400);
    const paths = (badBody.body as { errors: { path: string }[] }).errors.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['claims.0.date', 'claims.0.atFault', 'claims.0.amountMinor']));
    const order = await putDriver(randomPublicKey(), { ...sampleProfile(), licensedSince: '1970-01-01' });
    expect((order.body as { errors: unknown[] }).errors).toEqual([
      { path: 'licensedSince', message: 'must be at least 14 years after dateOfBirth' },
    ]);
    expect((await putDriver(randomPublicKey(), '{oops')).status).toBe(400);
    expect((await getDriver(randomPublicKey())).status).toBe(404);
    expect((await postClaim(randomPublicKey(), { date: '2026-01-01', atFault: true, amountMinor: 1 })).status).toBe(
      404,
    );
  });

  it('400 for a claim in another currency than the rate table (never converted), on PUT and POST; a claim needs a responsibility', async () => {
    const key = randomPublicKey();
    const yen = { date: '2025-01-01', responsibility: 'full', amountMinor: 15_000_000, currency: 'JPY' };
    const put = await putDriver(key, {
      ...sampleProfile(),
      claims: [{ date: '2024-01-01', atFault: true, amountMinor: 1, currency: 'USD' }, yen],
    });
    expect(put.status).toBe(400);
    expect((put.body as { errors: unknown[] }).errors).toEqual([
      {
        path: 'claims[1].currency',
        message: expect.stringMatching(/^claim amounts in JPY cannot be compared with the rate table's USD thresholds/),
      },
    ]);
    expect((await putDriver(key, sampleProfile())).status).toBe(201);
    const posted = await postClaim(key, yen);
    expect(posted.status).toBe(400);
    expect((posted.body as { errors: unknown[] }).errors).toEqual([
      { path: 'currency', message: expect.stringMatching(/never converted/) },
    ]);
    expect((await postClaim(key, { ...yen, currency: 'USD', responsibility: 'partial' })).status).toBe(201);
    const noResponsibility = await postClaim(key, { date: '2025-02-01', amountMinor: 1 });
    expect((noResponsibility.body as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual([
      'responsibility',
    ]);
    const contradiction = await postClaim(key, {
      date: '2025-02-01',
      amountMinor: 1,
      atFault: false,
      responsibility: 'full',
    });
    expect((contradiction.body as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(['atFault']);
  });
});

describe('re-rating on a driver-history change', () => {
  it('a new claim re-rates every car the driver leases, once, with the reason and the change recorded', async () => {
    const driver = randomPublicKey();
    await putDriver(driver, sampleProfile());
    const cars = [newCar(), newCar()];
    const events = cars.flatMap((car) => [
      registeredEvent(car, { blockHeight: 1 }),
      leaseStartEvent(car, { blockHeight: 2, time: '2026-02-01T10:00:00Z' }, [driver]),
    ]);
    const applied = await app.services.premiums.applyEvents(events);
    expect(applied.map((o) => o.outcome)).toEqual(['applied', 'applied', 'applied', 'applied']);
    const before = (await currentPremium(cars[0]!.assetId)).body as {
      leaseTotalMinor: number;
      terms: { start: string; premiumMinor: number }[];
    };

    const claim = { date: '2026-03-15', atFault: true, amountMinor: 850_000 };
    const added = await postClaim(driver, claim);
    expect(added.status).toBe(201);
    const rerates = (added.body as { rerates: { assetId: string; outcome: string }[] }).rerates;
    expect(rerates.map((r) => [r.assetId, r.outcome]).sort()).toEqual(cars.map((c) => [c.assetId, 're-rated']).sort());

    // The lease keeps its anniversaries and the claim counts from the next one (the current term's
    // record is rated at its start): later terms cost more, the lease total rises.
    const after = (await currentPremium(cars[0]!.assetId)).body as typeof before & { transferDate: string };
    expect(after.transferDate).toBe('2026-02-01');
    expect(after.terms.map((t) => t.start)).toEqual(before.terms.map((t) => t.start));
    expect(after.terms[1]!.premiumMinor).toBeGreaterThan(before.terms[1]!.premiumMinor);
    expect(after.leaseTotalMinor).toBeGreaterThan(before.leaseTotalMinor);

    const retried = await postClaim(driver, claim);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ changed: false, revision: 2 });
    expect((retried.body as { rerates: { outcome: string }[] }).rerates.map((r) => r.outcome)).toEqual([
      'already-re-rated',
      'already-re-rated',
    ]);

    const records = (
      (await historyPage(cars[0]!.assetId, { pageSize: '100' })).body as { items: Record<string, unknown>[] }
    ).items;
    expect(records.map((r) => r.kind)).toEqual(['registration', 'premium', 're-rate']);
    expect(records[2]).toMatchObject({
      reason: expect.stringMatching(
        /claim added \(2026-03-15, at fault\), profile revision 2; re-rated from 2026-03-16, earlier days keep their charge/,
      ),
      cause: { driverKey: driver, revision: 2, change: 'claim-added', item: claim },
      transactionId: records[1]!.transactionId,
    });
  });

  it('concurrent appends lose no item, and each revision re-rates the car exactly once', async () => {
    const driver = randomPublicKey();
    await putDriver(driver, sampleProfile());
    const car = newCar();
    await app.services.premiums.applyEvents([
      registeredEvent(car, { blockHeight: 1 }),
      leaseStartEvent(car, { blockHeight: 2 }, [driver]),
    ]);
    const claims = Array.from({ length: 5 }, (_, i) => ({
      date: `2026-0${i + 2}-10`,
      atFault: i % 2 === 0,
      amountMinor: 100_000 + i,
    }));
    const responses = await Promise.all(claims.map((claim) => postClaim(driver, claim)));
    expect(responses.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    const stored = await getDriver(driver);
    expect(stored.body).toMatchObject({ revision: 6 });
    expect((stored.body as { profile: { claims: unknown[] } }).profile.claims).toHaveLength(5);
    const records = (
      (await historyPage(car.assetId, {})).body as { items: { kind: string; cause?: { revision: number } }[] }
    ).items.filter((r) => r.kind === 're-rate');
    expect(records.map((r) => r.cause?.revision).sort()).toEqual([2, 3, 4, 5, 6]);
  });

  it('a new violation and a replaced profile re-rate too; a re-rate record per change', async () => {
    const driver = randomPublicKey();
    await putDriver(driver, sampleProfile());
    const car = newCar();
    await app.services.premiums.applyEvents([
      registeredEvent(car, { blockHeight: 1 }),
      leaseStartEvent(car, { blockHeight: 2 }, [driver]),
    ]);
    const violation = await postViolation(driver, { date: '2026-04-01', points: 4, code: 'SPEEDING' });
    expect(violation.status).toBe(201);
    expect((violation.body as { rerates: { outcome: string }[] }).rerates[0]?.outcome).toBe('re-rated');
    const replaced = await putDriver(driver, sampleProfile({ territory: 'urban-core' }));
    expect((replaced.body as { rerates: { outcome: string }[] }).rerates[0]?.outcome).toBe('re-rated');
    const records = ((await historyPage(car.assetId, {})).body as { items: Record<string, unknown>[] }).items;
    expect(records.map((r) => [r.kind, (r.cause as { change?: string } | undefined)?.change])).toEqual([
      ['registration', undefined],
      ['premium', undefined],
      ['re-rate', 'violation-added'],
      ['re-rate', 'profile-saved'],
    ]);
  });

  it('a driver who becomes known after the lease started gets a proper rating on PUT', async () => {
    const driver = randomPublicKey();
    const car = newCar();
    const [, start] = await app.services.premiums.applyEvents([
      registeredEvent(car, { blockHeight: 1 }),
      leaseStartEvent(car, { blockHeight: 2 }, [driver]),
    ]);
    expect(start).toMatchObject({ premium: { needsReview: true } });
    const created = await putDriver(driver, sampleProfile());
    expect((created.body as { rerates: { assetId: string; outcome: string }[] }).rerates).toEqual([
      expect.objectContaining({ assetId: car.assetId, outcome: 're-rated' }),
    ]);
    expect((await currentPremium(car.assetId)).body).toMatchObject({ needsReview: false });
  });
});

describe('vehicles', () => {
  it('400 for a malformed asset id, 404 for an unknown car', async () => {
    expect((await currentPremium('xyz')).status).toBe(400);
    expect((await currentPremium('a'.repeat(64))).status).toBe(404);
    expect((await historyPage('a'.repeat(64), {})).status).toBe(404);
  });

  it('pages the history with continuation tokens, in ledger order', async () => {
    const car = newCar();
    const lessees = Array.from({ length: 6 }, () => randomPublicKey());
    let previous = car.assetId;
    const events = [registeredEvent(car, { blockHeight: 1 })];
    lessees.forEach((lessee, i) => {
      const event = transferEvent(
        car,
        { blockHeight: 10 + i, spends: previous },
        [i === 0 ? car.issuer : lessees[i - 1]!],
        [lessee],
        sampleLease({ action: i === 0 ? 'lease-start' : 'transfer' }),
      );
      previous = event.id;
      events.push(event);
    });
    // Delivered newest first: all but the newest are stale, yet history stays in ledger order.
    await app.services.premiums.applyEvents([...events].reverse());

    const seen: string[] = [];
    let token: string | undefined;
    for (let page = 0; page < 10; page++) {
      const response = await historyPage(car.assetId, {
        pageSize: '3',
        ...(token ? { continuationToken: token } : {}),
      });
      expect(response.status).toBe(200);
      const body = response.body as { items: { transactionId: string }[]; continuationToken?: string };
      expect(body.items.length).toBeLessThanOrEqual(3);
      seen.push(...body.items.map((r) => r.transactionId));
      token = body.continuationToken;
      if (!token) break;
    }
    expect(seen).toEqual(events.map((e) => e.id));

    const bad = await historyPage(car.assetId, { continuationToken: 'bm90LWEtdG9rZW4' });
    expect(bad.status).toBe(400);
    expect((bad.body as { errors: { path: string }[] }).errors[0]?.path).toBe('continuationToken');
    expect((await historyPage(car.assetId, { pageSize: '0' })).status).toBe(400);
  });
});

describe('review queue', () => {
  it('pages the records that need review; needsReview=true is required', async () => {
    const own = createTestApp(); // a fresh queue
    const cars = Array.from({ length: 5 }, () => newCar());
    await own.services.premiums.applyEvents(
      cars.map((car) => leaseStartEvent(car, { blockHeight: 2 }, [randomPublicKey()])),
    );
    const seen: string[] = [];
    let token: string | undefined;
    for (let page = 0; page < 10; page++) {
      const response = await invoke(
        premiumsHandler(own.services),
        get('/premiums', {}, { needsReview: 'true', pageSize: '2', ...(token ? { continuationToken: token } : {}) }),
      );
      expectDocumentedResponse('/premiums', 'get', response);
      const body = response.body as { items: { assetId: string; reasons: string[] }[]; continuationToken?: string };
      seen.push(...body.items.map((i) => i.assetId));
      body.items.forEach((i) => expect(i.reasons.length).toBeGreaterThan(0));
      token = body.continuationToken;
      if (!token) break;
    }
    expect(seen.sort()).toEqual(cars.map((c) => c.assetId).sort());
    expect((await reviewPage({})).status).toBe(400);
  });
});

describe('health, openapi and unexpected errors', () => {
  it('health is 200 when storage answers and 503 when it does not', async () => {
    expect((await call('/health', 'get', healthHandler(app.services), get('/health'))).status).toBe(200);
    const down = createTestApp({
      STORAGE_CONNECTION_STRING:
        'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:1/devstoreaccount1;',
    });
    const response = await call('/health', 'get', healthHandler(down.services), get('/health'));
    expect(response.status).toBe(503);
  });

  it('serves an OpenAPI 3.1 document describing every function', async () => {
    const response = await call('/openapi.json', 'get', openApiHandler(), get('/openapi.json'));
    expect(response.body).toMatchObject({ openapi: '3.1.0' });
    expect(Object.keys((response.body as { paths: object }).paths).sort()).toEqual(
      [
        '/drivers/{driverKey}',
        '/drivers/{driverKey}/claims',
        '/drivers/{driverKey}/violations',
        '/health',
        '/openapi.json',
        '/ownership-changes',
        '/premiums',
        '/reviews',
        '/reviews/{reviewId}',
        '/reviews/{reviewId}/resolution',
        '/vehicles/{assetId}/premium',
        '/vehicles/{assetId}/premiums',
      ].sort(),
    );
  });

  it('an unexpected failure is a 500 problem with the invocation id, logged, no stack trace leaked', async () => {
    // A car row without its document: only a hand edit (or a bug) can write one.
    const assetId = newCar().assetId;
    const table = TableClient.fromConnectionString(testStorageConnectionString(), app.services.store.names.vehicles, {
      allowInsecureConnection: true,
    });
    await app.services.store.table(app.services.store.names.vehicles);
    await table.createEntity({
      partitionKey: shardOf(assetId),
      rowKey: ownedRowKey(assetId, 'current'),
      status: 'active',
    });
    const response = await currentPremium(assetId);
    expect(response.status).toBe(500);
    const body = response.body as { invocationId: string; detail: string };
    expect(body.detail).toContain(body.invocationId);
    expect(response.text).not.toMatch(/\.ts:\d+|ZodError|at /);
    expect(response.logs.some((line) => line.startsWith('error:') && line.includes(body.invocationId))).toBe(true);
  });
});
