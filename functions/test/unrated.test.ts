// Cars the engine cannot price, against real Azurite: the webhook answers "applied" (so the WebJob
// acknowledges instead of dead-lettering), the coverage is stored unrated with the reason, in the
// car's history and the open review queue; the premium endpoint says "unrated"; an underwriter can
// price it by an override (not approve it); a lease end closes it like any other coverage. A re-rate
// the engine cannot price leaves the car unrated the same way, and repaired facts price it again.
import {
  leaseEndEvent,
  leaseStartEvent,
  newCar,
  randomPublicKey,
  registeredEvent,
  sampleLease,
  sampleProfile,
  type CarOnLedger,
} from '../../devstack/src/bench/event-factory';
import { ownershipChangesHandler } from '../src/functions/ownership-changes';
import { reviewHandler } from '../src/functions/review';
import { reviewResolutionHandler } from '../src/functions/review-resolution';
import { reviewsHandler } from '../src/functions/reviews';
import { vehiclePremiumHandler } from '../src/functions/vehicle-premium';
import { vehiclePremiumsHandler } from '../src/functions/vehicle-premiums';
import {
  createTestApp,
  get,
  invoke,
  sendJson,
  webhookRequest,
  type Invocation,
  type TestApp,
} from './support/function-app';
import { driversHandler } from '../src/functions/drivers';
import { expectDocumentedResponse } from './support/openapi-validator';

let app: TestApp;
beforeAll(() => {
  app = createTestApp();
});

type Body = Record<string, unknown>;

async function documented(
  path: string,
  method: 'get' | 'put' | 'post',
  response: Promise<Invocation>,
): Promise<Invocation> {
  const result = await response;
  expectDocumentedResponse(path, method, result);
  return result;
}

async function deliver(events: Parameters<typeof webhookRequest>[1]): Promise<Body[]> {
  const response = await documented(
    '/ownership-changes',
    'post',
    invoke(ownershipChangesHandler(app.services), webhookRequest(app, events)),
  );
  expect(response.status).toBe(200);
  return (response.body as { results: Body[] }).results;
}
const currentPremium = async (assetId: string) =>
  (
    await documented(
      '/vehicles/{assetId}/premium',
      'get',
      invoke(vehiclePremiumHandler(app.services), get(`/vehicles/${assetId}/premium`, { assetId })),
    )
  ).body as Body;
const history = async (assetId: string) =>
  (
    (
      await documented(
        '/vehicles/{assetId}/premiums',
        'get',
        invoke(vehiclePremiumsHandler(app.services), get(`/vehicles/${assetId}/premiums`, { assetId })),
      )
    ).body as { items: Body[] }
  ).items;
const getReview = (reviewId: string) =>
  documented(
    '/reviews/{reviewId}',
    'get',
    invoke(reviewHandler(app.services), get(`/reviews/${reviewId}`, { reviewId })),
  );
const resolve = (reviewId: string, body: unknown) =>
  documented(
    '/reviews/{reviewId}/resolution',
    'post',
    invoke(
      reviewResolutionHandler(app.services),
      sendJson('POST', `/reviews/${reviewId}/resolution`, { reviewId }, body),
    ),
  );

function carIn(currency: string): CarOnLedger {
  const car = newCar();
  return { ...car, vehicle: { ...car.vehicle, currency } };
}

describe('a car the engine cannot price', () => {
  it('vehicle currency other than the table currency: processed, stored unrated with the reason, queued, and the premium endpoint says so', async () => {
    const car = carIn('JPY');
    const driver = randomPublicKey();
    await app.services.drivers.put(driver, sampleProfile());
    const create = registeredEvent(car, { blockHeight: 1 });
    const start = leaseStartEvent(car, { blockHeight: 2 }, [driver]);
    const reason = expect.stringMatching(
      /^cannot rate: vehicle\.currency: JPY cannot be priced by rate table us-illustrative, which prices USD$/,
    );

    const outcomes = await deliver([create, start]);
    expect(outcomes[1]).toEqual({ id: start.id, outcome: 'applied', kind: 'premium', unrated: { reason } });

    const premium = await currentPremium(car.assetId);
    expect(premium).toMatchObject({
      status: 'unrated',
      unrated: { reason },
      needsReview: true,
      reviewReasons: [reason],
      driverKeys: [driver],
      transactionId: start.id,
      transferDate: expect.any(String),
    });
    for (const field of ['annualPremiumMinor', 'leaseTotalMinor', 'currency', 'breakdown'])
      expect(premium).not.toHaveProperty(field);

    const records = await history(car.assetId);
    expect(records[1]).toMatchObject({
      kind: 'premium',
      unrated: { reason },
      needsReview: true,
      reviewReasons: [reason],
    });
    expect(records[1]).not.toHaveProperty('annualPremiumMinor');

    const item = (await getReview(premium.reviewId as string)).body as Body;
    expect(item).toMatchObject({
      status: 'open',
      kind: 'premium',
      unrated: { reason },
      reasons: [{ code: 'unrated', message: reason }],
      driverKeys: [driver],
    });
    expect(item).not.toHaveProperty('annualPremium');
    const queue = await documented(
      '/reviews',
      'get',
      invoke(reviewsHandler(app.services), get('/reviews', {}, { reason: 'unrated', pageSize: '100' })),
    );
    expect((queue.body as { items: Body[] }).items).toContainEqual(item);

    // A redelivery answers with the stored outcome.
    expect((await deliver([start]))[0]).toEqual({
      id: start.id,
      outcome: 'duplicate',
      firstOutcome: 'applied',
      kind: 'premium',
      unrated: { reason },
    });
  });

  it('no rate-table version in force on the transfer date: unrated with that reason', async () => {
    const car = newCar();
    const lease = sampleLease({ startDate: '1999-03-01', endDate: '2001-03-01' });
    const start = leaseStartEvent(car, { blockHeight: 2, time: '1999-03-01T09:00:00Z' }, [randomPublicKey()], lease);
    const [outcome] = await deliver([start]);
    expect(outcome).toMatchObject({
      outcome: 'applied',
      unrated: {
        reason: expect.stringMatching(
          /^cannot rate: .*no version of rate table us-illustrative is in force on 1999-03-01/,
        ),
      },
    });
    expect(await currentPremium(car.assetId)).toMatchObject({ status: 'unrated' });
  });

  it('cannot be approved (409), only priced by an override, which the premium endpoint then shows', async () => {
    const car = carIn('JPY');
    await deliver([leaseStartEvent(car, { blockHeight: 2 }, [randomPublicKey()])]);
    const { reviewId, unrated } = await currentPremium(car.assetId);

    const approval = await resolve(reviewId as string, {
      decision: 'approve',
      reason: 'looks fine',
      resolvedBy: 'underwriter:ada',
    });
    expect(approval.status).toBe(409);
    expect(approval.body).toMatchObject({ type: expect.stringMatching(/review-unrated$/) });

    const priced = await resolve(reviewId as string, {
      decision: 'override',
      reason: 'Priced by hand from the JPY tariff',
      resolvedBy: 'underwriter:ada',
      annualPremium: { amount: '152000.00', currency: 'JPY' },
    });
    expect(priced.status).toBe(201);
    expect(await currentPremium(car.assetId)).toMatchObject({
      status: 'active',
      annualPremiumMinor: 152_000, // JPY has no minor digits
      currency: 'JPY',
      annualPremiumOverridden: true,
      needsReview: false,
      unrated,
      resolution: {
        decision: 'override',
        annualPremium: { amount: '152000.00', currency: 'JPY' },
        resolvedBy: 'underwriter:ada',
      },
    });
  });

  it('an override of an unrated car in fractions of a currency without minor units is a 400', async () => {
    const car = carIn('JPY');
    await deliver([leaseStartEvent(car, { blockHeight: 2 }, [randomPublicKey()])]);
    const { reviewId } = await currentPremium(car.assetId);
    const response = await resolve(reviewId as string, {
      decision: 'override',
      reason: 'r',
      resolvedBy: 'u',
      annualPremium: { amount: '1.50', currency: 'JPY' },
    });
    expect(response.status).toBe(400);
    expect((response.body as Body).errors).toEqual([
      { path: 'annualPremium.amount', message: 'is not a whole number of JPY minor units' },
    ]);
  });

  it('a lease end closes an unrated coverage and ends its driver link and its open review item', async () => {
    const car = carIn('JPY');
    const driver = randomPublicKey();
    await app.services.drivers.put(driver, sampleProfile());
    const lease = sampleLease();
    const start = leaseStartEvent(car, { blockHeight: 2 }, [driver], lease);
    await deliver([start]);
    const { reviewId } = await currentPremium(car.assetId);
    await deliver([leaseEndEvent(car, { blockHeight: 3, spends: start.id }, [driver], lease)]);
    expect(await currentPremium(car.assetId)).toMatchObject({ status: 'closed', needsReview: false });
    expect((await getReview(reviewId as string)).body).toMatchObject({ status: 'superseded' });
    const open = await documented(
      '/reviews',
      'get',
      invoke(reviewsHandler(app.services), get('/reviews', {}, { pageSize: '100' })),
    );
    expect((open.body as { items: Body[] }).items.map((i) => i.reviewId)).not.toContain(reviewId);
    const appended = await app.services.drivers.appendClaim(driver, {
      date: '2026-06-01',
      atFault: true,
      amountMinor: 100_000,
    });
    expect(appended && 'rerates' in appended ? appended.rerates : appended).toEqual([]);
  });
  it('new driver facts the engine cannot price: the re-rate stores the car unrated and queues it; repaired facts price it again, elapsed days keeping their charge', async () => {
    const car = newCar();
    const driver = randomPublicKey();
    const profile = sampleProfile();
    await app.services.drivers.put(driver, profile);
    await deliver([
      leaseStartEvent(
        car,
        { blockHeight: 2, time: '2026-01-01T09:00:00Z' },
        [driver],
        sampleLease({ startDate: '2026-01-01', endDate: '2029-01-01' }),
      ),
    ]);
    const rated = await currentPremium(car.assetId);
    expect(rated).toMatchObject({ status: 'active', needsReview: false });

    const putProfile = (body: unknown) =>
      documented(
        '/drivers/{driverKey}',
        'put',
        invoke(driversHandler(app.services), sendJson('PUT', `/drivers/${driver}`, { driverKey: driver }, body)),
      );
    const moved = await putProfile({ ...profile, territory: 'moon' });
    expect(moved.status).toBe(200);
    const reason = expect.stringMatching(
      /^cannot rate: drivers\[0\]\.territory: "moon" is not a territory of rate table/,
    );
    expect((moved.body as { rerates: Body[] }).rerates).toEqual([
      { assetId: car.assetId, outcome: 're-rated', unrated: { reason } },
    ]);

    const unrated = await currentPremium(car.assetId);
    expect(unrated).toMatchObject({ status: 'unrated', unrated: { reason }, needsReview: true, driverKeys: [driver] });
    for (const field of ['annualPremiumMinor', 'leaseTotalMinor', 'currency', 'breakdown'])
      expect(unrated).not.toHaveProperty(field);
    const records = await history(car.assetId);
    expect(records.at(-1)).toMatchObject({ kind: 're-rate', unrated: { reason }, needsReview: true });
    expect((await getReview(unrated.reviewId as string)).body).toMatchObject({
      status: 'open',
      kind: 're-rate',
      reasons: [{ code: 'unrated', message: reason }],
    });

    const repaired = await putProfile(profile);
    const [rerate] = (repaired.body as { rerates: Body[] }).rerates;
    expect(rerate).toMatchObject({
      assetId: car.assetId,
      outcome: 're-rated',
      premium: { annualPremiumMinor: rated.annualPremiumMinor },
    });
    expect(rerate).not.toHaveProperty('unrated');
    const priced = await currentPremium(car.assetId);
    expect(priced).toMatchObject({
      status: 'active',
      annualPremiumMinor: rated.annualPremiumMinor,
      needsReview: false,
    });
    expect(priced).not.toHaveProperty('unrated');
    // The same facts as at the start, re-rated mid-lease: the days before keep what the first rating
    // charged (carried through the unrated record), so the lease total is the first one.
    expect(priced.leaseTotalMinor).toBe(rated.leaseTotalMinor);
    expect((await getReview(unrated.reviewId as string)).body).toMatchObject({ status: 'superseded' });
  });
});
