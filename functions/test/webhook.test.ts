// POST /api/ownership-changes against real Azurite: signature, validation, idempotency, concurrency,
// ordering, lease end, unknown drivers, storage failure. Every response is checked against the
// OpenAPI document.
import { BATCH_CONTENT_TYPE, WebhookSigner } from '@lease-premium/events';
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
import { ownershipChangesHandler } from '../src/functions/ownership-changes';
import { vehiclePremiumHandler } from '../src/functions/vehicle-premium';
import { vehiclePremiumsHandler } from '../src/functions/vehicle-premiums';
import { premiumsHandler } from '../src/functions/premiums';
import { MAX_BODY_BYTES } from '../src/app-services';
import {
  createTestApp,
  get,
  invoke,
  newSecret,
  webhookRequest,
  type Invocation,
  type TestApp,
} from './support/function-app';
import { expectDocumentedResponse } from './support/openapi-validator';

let app: TestApp;
beforeAll(() => {
  app = createTestApp();
});

async function deliver(
  payload: Parameters<typeof webhookRequest>[1],
  options: Parameters<typeof webhookRequest>[2] = {},
): Promise<Invocation> {
  const response = await invoke(
    ownershipChangesHandler(app.services),
    webhookRequest(app, payload, options),
    'ownership-changes',
  );
  expectDocumentedResponse('/ownership-changes', 'post', response);
  return response;
}

async function currentPremium(assetId: string): Promise<Invocation> {
  const response = await invoke(vehiclePremiumHandler(app.services), get(`/vehicles/${assetId}/premium`, { assetId }));
  expectDocumentedResponse('/vehicles/{assetId}/premium', 'get', response);
  return response;
}

async function history(assetId: string): Promise<Array<Record<string, unknown>>> {
  const response = await invoke(
    vehiclePremiumsHandler(app.services),
    get(`/vehicles/${assetId}/premiums`, { assetId }, { pageSize: '1000' }),
  );
  expectDocumentedResponse('/vehicles/{assetId}/premiums', 'get', response);
  if (response.status === 404) return [];
  return (response.body as { items: Array<Record<string, unknown>> }).items;
}

async function putDriver(driverKey: string, profile = sampleProfile()): Promise<void> {
  const result = await app.services.drivers.put(driverKey, profile);
  expect(result.driver.revision).toBeGreaterThan(0);
}

function results(response: Invocation): Array<Record<string, unknown>> {
  expect(response.status).toBe(200);
  return (response.body as { results: Array<Record<string, unknown>> }).results;
}

describe('signature (401, nothing stored)', () => {
  const car = newCar();
  const event = registeredEvent(car, { blockHeight: 1 });

  it.each([
    ['no signature headers', { unsigned: true }, /required/],
    ['a signature by an unknown secret', { signer: new WebhookSigner([newSecret()]) }, /no webhook-signature matches/],
    [
      'a timestamp outside the tolerance',
      { signedAt: new Date(Date.now() - 10 * 60_000) },
      /outside the accepted tolerance/,
    ],
  ])('refuses %s', async (_name, options, detail) => {
    const response = await deliver([event], options);
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect((response.body as { detail: string }).detail).toMatch(detail);
    expect((await currentPremium(car.assetId)).status).toBe(404);
  });

  it('refuses a body changed after signing', async () => {
    const body = JSON.stringify([event]);
    const signed = app.signer.sign('msg_tampered', body);
    const tampered = body.replace('"blockHeight":1', '"blockHeight":2');
    const response = await deliver(tampered, {
      unsigned: true,
      headers: { ...signed },
      contentType: BATCH_CONTENT_TYPE,
    });
    expect(response.status).toBe(401);
    expect((await currentPremium(car.assetId)).status).toBe(404);
  });

  it('accepts a delivery signed with only the second configured secret (rotation)', async () => {
    const response = await deliver([event], { signer: new WebhookSigner([app.secrets[1] as string]) });
    expect(results(response)).toEqual([{ id: car.assetId, outcome: 'applied', kind: 'registration' }]);
  });
});

describe('request validation', () => {
  it('400 for a body that is not JSON', async () => {
    const response = await deliver('{"not json', { contentType: BATCH_CONTENT_TYPE });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      type: expect.stringMatching(/malformed-json$/),
      title: 'Body is not JSON',
      status: 400,
      errors: [{ path: '', message: expect.stringMatching(/^is not valid JSON/) }],
    });
  });

  it('400 for a single malformed event, listing the exact paths', async () => {
    const car = newCar();
    const event = leaseStartEvent(
      car,
      { blockHeight: 2 },
      [randomPublicKey()],
      sampleLease({ startDate: '2026-05-01', endDate: '2026-04-01' }),
    );
    const broken = { ...event, data: { ...event.data, newOwners: [] } };
    const response = await deliver(JSON.stringify(broken), { contentType: 'application/cloudevents+json' });
    expect(response.status).toBe(400);
    const errors = (response.body as { errors: { path: string; message: string }[] }).errors;
    expect(errors).toEqual(
      expect.arrayContaining([
        { path: 'data.newOwners', message: expect.any(String) },
        { path: 'data.lease.endDate', message: 'must be after data.lease.startDate' },
      ]),
    );
    expect((await currentPremium(car.assetId)).status).toBe(404);
  });

  it('400 for an empty batch', async () => {
    const response = await deliver([]);
    expect(response.status).toBe(400);
    expect((response.body as { errors: unknown[] }).errors).toEqual([
      { path: '', message: expect.stringMatching(/at least 1/) },
    ]);
  });

  it('413 for a body over the limit', async () => {
    const response = await deliver(`[${' '.repeat(MAX_BODY_BYTES)}]`, { contentType: BATCH_CONTENT_TYPE });
    expect(response.status).toBe(413);
  });

  it('415 for another content type', async () => {
    const response = await deliver('<xml/>', { contentType: 'application/xml' });
    expect(response.status).toBe(415);
  });
});

describe('applying events', () => {
  it('registers a car, rates a lease start, and answers a redelivery with the stored outcome', async () => {
    const car = newCar();
    const lessee = randomPublicKey();
    await putDriver(lessee);
    const create = registeredEvent(car, { blockHeight: 1 });
    const start = leaseStartEvent(car, { blockHeight: 2 }, [lessee]);

    const first = results(await deliver([create, start]));
    expect(first[0]).toEqual({ id: create.id, outcome: 'applied', kind: 'registration' });
    expect(first[1]).toMatchObject({
      id: start.id,
      outcome: 'applied',
      kind: 'premium',
      premium: { currency: 'USD', needsReview: false, ratedDriverKey: lessee },
    });
    const premium = (first[1] as { premium: { annualPremiumMinor: number } }).premium;
    expect(premium.annualPremiumMinor).toBeGreaterThan(0);

    const current = await currentPremium(car.assetId);
    expect(current.status).toBe(200);
    expect(current.body).toMatchObject({
      assetId: car.assetId,
      status: 'active',
      transactionId: start.id,
      driverKeys: [lessee],
      annualPremiumMinor: premium.annualPremiumMinor,
      currency: 'USD',
      needsReview: false,
      tableVersion: expect.any(String),
    });
    expect((current.body as { breakdown: unknown[] }).breakdown.length).toBeGreaterThan(3);

    const again = results(await deliver([start]));
    expect(again).toEqual([{ id: start.id, outcome: 'duplicate', firstOutcome: 'applied', kind: 'premium', premium }]);
    expect((await history(car.assetId)).map((r) => [r.kind, r.transactionId])).toEqual([
      ['registration', create.id],
      ['premium', start.id],
    ]);
  });

  it('the same event delivered 20 times concurrently gives exactly one premium record', async () => {
    const car = newCar();
    const lessee = randomPublicKey();
    await putDriver(lessee);
    results(await deliver([registeredEvent(car, { blockHeight: 1 })]));
    const start = leaseStartEvent(car, { blockHeight: 2 }, [lessee]);

    const responses = await Promise.all(Array.from({ length: 20 }, () => deliver([start])));
    const outcomes = responses.map((r) => results(r)[0]?.outcome);
    expect(outcomes.filter((o) => o === 'applied')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(19);
    const premiums = new Set(responses.map((r) => JSON.stringify(results(r)[0]?.premium)));
    expect(premiums.size).toBe(1);
    const records = (await history(car.assetId)).filter((r) => r.transactionId === start.id);
    expect(records).toHaveLength(1);
  });

  it('out-of-order delivery: an older event goes to history only (stale) and never overwrites the current premium', async () => {
    const car = newCar();
    const [first, second] = [randomPublicKey(), randomPublicKey()];
    await putDriver(first);
    await putDriver(second, sampleProfile({ dateOfBirth: '1960-02-02', licensedSince: '1980-01-01' }));
    const lease1 = sampleLease();
    const create = registeredEvent(car, { blockHeight: 1 });
    const start1 = leaseStartEvent(car, { blockHeight: 3 }, [first], lease1);
    const handover = transferEvent(
      car,
      { blockHeight: 5, indexInBlock: 2, spends: start1.id },
      [first],
      [second],
      sampleLease({ action: 'transfer' }),
    );

    const newerFirst = results(await deliver([create, handover]));
    expect(newerFirst.map((r) => r.outcome)).toEqual(['applied', 'applied']);
    const older = results(await deliver([start1]));
    expect(older[0]).toMatchObject({ id: start1.id, outcome: 'stale', kind: 'premium' });

    const current = await currentPremium(car.assetId);
    expect(current.body).toMatchObject({ transactionId: handover.id, driverKeys: [second] });
    const records = await history(car.assetId);
    expect(records.map((r) => [r.transactionId, r.stale])).toEqual([
      [create.id, false],
      [start1.id, true],
      [handover.id, false],
    ]);
  });

  it('a batch mixing valid, duplicate and malformed events answers each in request order', async () => {
    const car = newCar();
    const other = newCar();
    const lessee = randomPublicKey();
    await putDriver(lessee);
    const create = registeredEvent(car, { blockHeight: 1 });
    results(await deliver([create]));
    const start = leaseStartEvent(car, { blockHeight: 4 }, [lessee]);
    const otherCreate = registeredEvent(other, { blockHeight: 2 });
    const malformed = { ...leaseStartEvent(other, { blockHeight: 5 }, [lessee]), subject: 'not-an-asset-id' };

    const response = await deliver(JSON.stringify([create, start, malformed, otherCreate, start]), {
      contentType: BATCH_CONTENT_TYPE,
    });
    const outcomes = results(response);
    expect(outcomes.map((r) => [r.id, r.outcome])).toEqual([
      [create.id, 'duplicate'],
      [start.id, 'applied'],
      [malformed.id, 'rejected'],
      [otherCreate.id, 'applied'],
      [start.id, 'duplicate'],
    ]);
    expect(outcomes[2]).toMatchObject({
      reason: expect.stringMatching(/^invalid event: subject: /),
      errors: expect.arrayContaining([{ path: '2.subject', message: expect.any(String) }]),
    });
  });

  it('a lease end back to the leasing company closes the coverage with a closure record', async () => {
    const car = newCar();
    const lessee = randomPublicKey();
    await putDriver(lessee);
    const lease = sampleLease();
    const start = leaseStartEvent(car, { blockHeight: 2 }, [lessee], lease);
    const end = leaseEndEvent(car, { blockHeight: 9, spends: start.id }, [lessee], lease);
    results(await deliver([registeredEvent(car, { blockHeight: 1 }), start]));
    const closed = results(await deliver([end]));
    expect(closed).toEqual([{ id: end.id, outcome: 'applied', kind: 'closure' }]);

    const current = await currentPremium(car.assetId);
    expect(current.body).toMatchObject({
      status: 'closed',
      transactionId: end.id,
      driverKeys: [],
      holderKeys: [car.issuer],
    });
    expect(current.body).not.toHaveProperty('annualPremiumMinor');
    const records = await history(car.assetId);
    expect(records.at(-1)).toMatchObject({
      kind: 'closure',
      transactionId: end.id,
      driverKeys: [lessee],
      leaseAction: 'lease-end',
    });
    // The driver no longer leases the car: a new claim re-rates nothing.
    const claim = await app.services.drivers.appendClaim(lessee, {
      date: '2026-06-01',
      atFault: true,
      amountMinor: 100_000,
    });
    expect(claim).toMatchObject({ rerates: [] });
  });

  it('a transfer back to the issuer without lease metadata is a lease end too', async () => {
    const car = newCar();
    const lessee = randomPublicKey();
    const start = leaseStartEvent(car, { blockHeight: 2 }, [lessee]);
    const back = transferEvent(car, { blockHeight: 3, spends: start.id }, [lessee], [car.issuer], null);
    const outcome = results(await deliver([registeredEvent(car, { blockHeight: 1 }), start, back]));
    expect(outcome.map((r) => r.kind)).toEqual(['registration', 'premium', 'closure']);
  });

  it('an unknown driver is rated by the unknown-driver rule, flagged for review and queued', async () => {
    const car = newCar();
    const stranger = randomPublicKey();
    const start = leaseStartEvent(car, { blockHeight: 2 }, [stranger]);
    const outcome = results(await deliver([registeredEvent(car, { blockHeight: 1 }), start]))[1];
    expect(outcome).toMatchObject({
      outcome: 'applied',
      kind: 'premium',
      premium: { needsReview: true, ratedDriverKey: stranger },
    });
    const premium = (outcome as { premium: { annualPremiumMinor: number; reviewReasons: string[] } }).premium;
    expect(premium.annualPremiumMinor).toBeGreaterThan(0);
    expect(premium.reviewReasons.length).toBeGreaterThan(0);

    const queue = await invoke(
      premiumsHandler(app.services),
      get('/premiums', {}, { needsReview: 'true', pageSize: '1000' }),
    );
    expectDocumentedResponse('/premiums', 'get', queue);
    expect((queue.body as { items: unknown[] }).items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ assetId: car.assetId, transactionId: start.id, kind: 'premium' }),
      ]),
    );
  });

  it('an event the rate table cannot price is processed: stored unrated with the reason (not rejected, so never dead-lettered)', async () => {
    const car = { ...newCar(), vehicle: { ...newCar().vehicle, currency: 'JPY' } };
    const start = leaseStartEvent(car, { blockHeight: 2 }, [randomPublicKey()]);
    const [outcome] = results(await deliver([start]));
    expect(outcome).toEqual({
      id: start.id,
      outcome: 'applied',
      kind: 'premium',
      unrated: { reason: expect.stringMatching(/^cannot rate: vehicle.currency: JPY /) },
    });
    expect((await currentPremium(car.assetId)).body).toMatchObject({ status: 'unrated', needsReview: true });
  });
});

describe('storage failure', () => {
  it('answers 503 with Retry-After so the sender retries', async () => {
    const down = createTestApp({
      STORAGE_CONNECTION_STRING:
        'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:1/devstoreaccount1;',
    });
    const response = await invoke(
      ownershipChangesHandler(down.services),
      webhookRequest(down, [registeredEvent(newCar(), { blockHeight: 1 })]),
    );
    expectDocumentedResponse('/ownership-changes', 'post', response);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(response.text).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  });
});
