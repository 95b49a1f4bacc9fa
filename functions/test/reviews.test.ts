// The review workflow against real Azurite: list (open / resolved, by reason, paged), read, approve,
// override, idempotent retries, conflicts, supersession by a newer event or re-rate, and the race of a
// resolution with an ownership event (ETag-guarded). Every response is checked against the OpenAPI document.
import type { OwnershipEvent } from '@lease-premium/events';
import {
  leaseStartEvent,
  newCar,
  randomPublicKey,
  registeredEvent,
  sampleLease,
  sampleProfile,
  transferEvent,
  type CarOnLedger,
} from '../../devstack/src/bench/event-factory';
import { premiumsHandler } from '../src/functions/premiums';
import { reviewHandler } from '../src/functions/review';
import { reviewResolutionHandler } from '../src/functions/review-resolution';
import { reviewsHandler } from '../src/functions/reviews';
import { vehiclePremiumHandler } from '../src/functions/vehicle-premium';
import { vehiclePremiumsHandler } from '../src/functions/vehicle-premiums';
import { reviewIdOf } from '../src/premium/review-id';
import { ReviewService } from '../src/premium/review-service';
import { VehiclesRepository, type CoverageWrite } from '../src/storage/vehicles-repository';
import { createTestApp, get, invoke, sendJson, type Invocation, type TestApp } from './support/function-app';
import { expectDocumentedResponse } from './support/openapi-validator';

let app: TestApp;
beforeAll(() => {
  app = createTestApp(); // one queue for this file: listings below filter by the cars they made
});

type Body = Record<string, unknown>;

async function call(path: string, method: 'get' | 'post', response: Promise<Invocation>): Promise<Invocation> {
  const result = await response;
  expectDocumentedResponse(path, method, result);
  return result;
}

const listReviews = (query: Record<string, string> = {}, services = app.services) =>
  call('/reviews', 'get', invoke(reviewsHandler(services), get('/reviews', {}, query)));
const getReview = (reviewId: string) =>
  call('/reviews/{reviewId}', 'get', invoke(reviewHandler(app.services), get(`/reviews/${reviewId}`, { reviewId })));
const resolve = (reviewId: string, body: unknown) =>
  call(
    '/reviews/{reviewId}/resolution',
    'post',
    invoke(
      reviewResolutionHandler(app.services),
      sendJson('POST', `/reviews/${reviewId}/resolution`, { reviewId }, body),
    ),
  );
const currentPremium = (assetId: string) =>
  call(
    '/vehicles/{assetId}/premium',
    'get',
    invoke(vehiclePremiumHandler(app.services), get(`/vehicles/${assetId}/premium`, { assetId })),
  );
const history = async (assetId: string): Promise<Body[]> =>
  (
    (
      await call(
        '/vehicles/{assetId}/premiums',
        'get',
        invoke(
          vehiclePremiumsHandler(app.services),
          get(`/vehicles/${assetId}/premiums`, { assetId }, { pageSize: '100' }),
        ),
      )
    ).body as { items: Body[] }
  ).items;

/** Every item of a listing, following continuation tokens. */
async function allReviews(query: Record<string, string>, services = app.services): Promise<Body[]> {
  const items: Body[] = [];
  let token: string | undefined;
  for (let page = 0; page < 200; page++) {
    const response = await listReviews({ ...query, ...(token ? { continuationToken: token } : {}) }, services);
    expect(response.status).toBe(200);
    const body = response.body as { items: Body[]; continuationToken?: string };
    items.push(...body.items);
    token = body.continuationToken;
    if (!token) return items;
  }
  throw new Error('listing did not end');
}

const approve = {
  decision: 'approve',
  reason: 'Driver verified by phone; profile follows',
  resolvedBy: 'underwriter:ada@example.com',
};
const override = (amount: string, currency = 'USD') => ({
  decision: 'override',
  reason: 'Fleet agreement rate',
  resolvedBy: 'underwriter:grace@example.com',
  annualPremium: { amount, currency },
});

/** A car leased to a driver the insurer does not know yet: rated by the unknown-driver rule and flagged. */
async function flaggedCar(): Promise<{ car: CarOnLedger; driver: string; start: OwnershipEvent; reviewId: string }> {
  const car = newCar();
  const driver = randomPublicKey();
  const start = leaseStartEvent(car, { blockHeight: 2 }, [driver], sampleLease());
  const outcomes = await app.services.premiums.applyEvents([registeredEvent(car, { blockHeight: 1 }), start]);
  expect(outcomes[1]).toMatchObject({ outcome: 'applied', premium: { needsReview: true } });
  const premium = (await currentPremium(car.assetId)).body as Body;
  return { car, driver, start, reviewId: premium.reviewId as string };
}

describe('an open item', () => {
  it('shows why it was flagged and the rated premium; GET /premiums?needsReview=true lists the same item', async () => {
    const { car, driver, start, reviewId } = await flaggedCar();
    const premium = (await currentPremium(car.assetId)).body as Body;
    const item = (await getReview(reviewId)).body as Body;
    expect(item).toEqual({
      reviewId,
      assetId: car.assetId,
      historyRowKey: premium.recordId,
      transactionId: start.id,
      kind: 'premium',
      reasons: [{ code: 'unknown-driver', message: expect.stringContaining(driver) }],
      status: 'open',
      annualPremium: { amount: ((premium.annualPremiumMinor as number) / 100).toFixed(2), currency: 'USD' },
      driverKeys: [driver],
      recordedAt: expect.any(String),
    });
    expect(reviewId).toBe(reviewIdOf({ assetId: car.assetId, historyRowKey: premium.recordId as string }));
    expect(await allReviews({})).toContainEqual(item);
    expect(await allReviews({ reason: 'unknown-driver', pageSize: '100' })).toContainEqual(item);
    expect((await allReviews({ reason: 'vehicle-value' })).map((i) => i.reviewId)).not.toContain(reviewId);

    const legacy = await call(
      '/premiums',
      'get',
      invoke(premiumsHandler(app.services), get('/premiums', {}, { needsReview: 'true', pageSize: '1000' })),
    );
    expect((legacy.body as { items: Body[] }).items).toContainEqual(
      expect.objectContaining({
        reviewId,
        assetId: car.assetId,
        recordId: premium.recordId,
        annualPremiumMinor: premium.annualPremiumMinor,
      }),
    );
  });

  it('pages the open queue with continuation tokens, every item once', async () => {
    const own = createTestApp(); // a queue of its own
    const cars = Array.from({ length: 5 }, () => newCar());
    await own.services.premiums.applyEvents(
      cars.map((car) => leaseStartEvent(car, { blockHeight: 2 }, [randomPublicKey()])),
    );
    const firstPage = await listReviews({ pageSize: '2' }, own.services);
    expect((firstPage.body as { items: unknown[] }).items).toHaveLength(2);
    const items = await allReviews({ pageSize: '2' }, own.services);
    expect(items.map((i) => i.assetId).sort()).toEqual(cars.map((c) => c.assetId).sort());
    expect(new Set(items.map((i) => i.reviewId)).size).toBe(5);
    expect(await allReviews({ status: 'resolved' }, own.services)).toEqual([]);
  });
});

describe('approve', () => {
  it('records who approved and when in the car history; the item leaves the open queue and is listed as resolved; a retry answers 200', async () => {
    const { car, reviewId } = await flaggedCar();
    const before = (await currentPremium(car.assetId)).body as Body;

    const approved = await resolve(reviewId, approve);
    expect(approved.status).toBe(201);
    const resolution = {
      decision: 'approve',
      reason: approve.reason,
      resolvedBy: approve.resolvedBy,
      resolvedAt: expect.any(String),
    };
    expect(approved.body).toMatchObject({ reviewId, status: 'resolved', resolution });

    const retried = await resolve(reviewId, approve);
    expect(retried.status).toBe(200);
    expect(retried.body).toEqual(approved.body);
    expect((await getReview(reviewId)).body).toEqual(approved.body);

    const records = await history(car.assetId);
    expect(records.map((r) => r.kind)).toEqual(['registration', 'premium', 'review-resolution']);
    expect(records[2]).toMatchObject({
      kind: 'review-resolution',
      transactionId: before.transactionId,
      needsReview: false,
      resolution,
      recordedAt: ((approved.body as Body).resolution as Body).resolvedAt,
    });

    const after = (await currentPremium(car.assetId)).body as Body;
    expect(after).toMatchObject({
      status: 'active',
      needsReview: false,
      reviewId,
      resolution,
      annualPremiumMinor: before.annualPremiumMinor,
    });
    expect(after).not.toHaveProperty('annualPremiumOverridden');

    expect((await allReviews({})).map((i) => i.reviewId)).not.toContain(reviewId);
    expect(await allReviews({ status: 'resolved' })).toContainEqual(approved.body);
    const legacy = await invoke(
      premiumsHandler(app.services),
      get('/premiums', {}, { needsReview: 'true', pageSize: '1000' }),
    );
    expect((legacy.body as { items: Body[] }).items.map((i) => i.reviewId)).not.toContain(reviewId);
  });

  it('a different resolution of a resolved item is a 409, and changes nothing', async () => {
    const { car, reviewId } = await flaggedCar();
    expect((await resolve(reviewId, approve)).status).toBe(201);
    for (const other of [
      override('999.00'),
      { ...approve, reason: 'another reason' },
      { ...approve, resolvedBy: 'someone-else' },
    ]) {
      const conflict = await resolve(reviewId, other);
      expect(conflict.status).toBe(409);
      expect(conflict.body).toMatchObject({
        type: expect.stringMatching(/review-resolved-differently$/),
        detail: expect.stringContaining(approve.resolvedBy),
      });
    }
    expect((await history(car.assetId)).filter((r) => r.kind === 'review-resolution')).toHaveLength(1);
  });

  it('two different resolutions at once: exactly one is recorded, the other answers 409', async () => {
    const { car, reviewId } = await flaggedCar();
    const answers = await Promise.all([resolve(reviewId, approve), resolve(reviewId, override('1500.00'))]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    const winner = answers.find((a) => a.status === 201)!.body as Body;
    expect((await getReview(reviewId)).body).toEqual(winner);
    expect((await history(car.assetId)).filter((r) => r.kind === 'review-resolution')).toHaveLength(1);
  });

  it('a redelivery of the flagged event after the resolution does not reopen the item', async () => {
    const { start, reviewId } = await flaggedCar();
    expect((await resolve(reviewId, approve)).status).toBe(201);
    const [again] = await app.services.premiums.applyEvents([start]);
    expect(again).toMatchObject({ outcome: 'duplicate' });
    expect((await allReviews({})).map((i) => i.reviewId)).not.toContain(reviewId);
    expect((await getReview(reviewId)).body).toMatchObject({ status: 'resolved' });
  });
});

describe('override', () => {
  it('replaces the annual premium in force until the next ownership event, which flags the car again', async () => {
    const { car, driver, start, reviewId } = await flaggedCar();
    const rated = (await currentPremium(car.assetId)).body as Body;

    const overridden = await resolve(reviewId, override('1234.50'));
    expect(overridden.status).toBe(201);
    expect(overridden.body).toMatchObject({
      status: 'resolved',
      resolution: {
        decision: 'override',
        annualPremium: { amount: '1234.50', currency: 'USD' },
        resolvedBy: 'underwriter:grace@example.com',
      },
    });
    const inForce = (await currentPremium(car.assetId)).body as Body;
    expect(inForce).toMatchObject({
      status: 'active',
      annualPremiumMinor: 123_450,
      currency: 'USD',
      annualPremiumOverridden: true,
      ratedAnnualPremiumMinor: rated.annualPremiumMinor,
      needsReview: false,
      resolution: { decision: 'override', reason: 'Fleet agreement rate' },
    });

    // The car is handed over to another driver nobody knows yet: rated again, flagged again.
    const next = randomPublicKey();
    const handOver = transferEvent(
      car,
      { blockHeight: 3, spends: start.id },
      [driver],
      [next],
      sampleLease({ action: 'transfer' }),
    );
    await app.services.premiums.applyEvents([handOver]);
    const after = (await currentPremium(car.assetId)).body as Body;
    expect(after).not.toHaveProperty('annualPremiumOverridden');
    expect(after).not.toHaveProperty('resolution');
    expect(after).toMatchObject({ needsReview: true, driverKeys: [next] });
    expect(after.annualPremiumMinor).not.toBe(123_450);
    expect(after.reviewId).not.toBe(reviewId);
    expect((await getReview(after.reviewId as string)).body).toMatchObject({
      status: 'open',
      transactionId: handOver.id,
    });
    expect((await getReview(reviewId)).body).toMatchObject({ status: 'resolved' }); // resolved stays resolved
    expect((await history(car.assetId)).map((r) => r.kind)).toEqual([
      'registration',
      'premium',
      'review-resolution',
      'premium',
    ]);
  });

  it('stands until a re-rate, which prices the car again (and queues nothing once the driver is known)', async () => {
    const { car, driver, reviewId } = await flaggedCar();
    expect((await resolve(reviewId, override('2000.00'))).status).toBe(201);
    const result = await app.services.drivers.put(driver, sampleProfile());
    expect(result.rerates).toEqual([expect.objectContaining({ assetId: car.assetId, outcome: 're-rated' })]);
    const after = (await currentPremium(car.assetId)).body as Body;
    expect(after).toMatchObject({ needsReview: false });
    expect(after).not.toHaveProperty('annualPremiumOverridden');
    expect(after).not.toHaveProperty('reviewId');
    expect(after.annualPremiumMinor).not.toBe(200_000);
    expect((await history(car.assetId)).map((r) => r.kind)).toEqual([
      'registration',
      'premium',
      'review-resolution',
      're-rate',
    ]);
  });

  it('must be in the currency of the rated premium, in whole minor units (400 naming the field)', async () => {
    const { reviewId } = await flaggedCar();
    const euro = await resolve(reviewId, override('1000.00', 'EUR'));
    expect(euro.status).toBe(400);
    expect((euro.body as Body).errors).toEqual([
      { path: 'annualPremium.currency', message: 'must be USD, the currency of the rated premium' },
    ]);
    expect((await getReview(reviewId)).body).toMatchObject({ status: 'open' });
  });
});

describe('superseded items', () => {
  it('a newer ownership event supersedes the open item: it leaves the open queue, and resolving it is a 409', async () => {
    const { car, driver, start, reviewId } = await flaggedCar();
    const handOver = transferEvent(
      car,
      { blockHeight: 3, spends: start.id },
      [driver],
      [randomPublicKey()],
      sampleLease({ action: 'transfer' }),
    );
    await app.services.premiums.applyEvents([handOver]);
    expect((await getReview(reviewId)).body).toMatchObject({ status: 'superseded' });
    const open = (await allReviews({})).map((i) => i.reviewId);
    expect(open).not.toContain(reviewId);
    const conflict = await resolve(reviewId, approve);
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({ type: expect.stringMatching(/review-superseded$/) });
    expect((await history(car.assetId)).map((r) => r.kind)).not.toContain('review-resolution');
  });

  it('a resolution racing an ownership event cannot bring the old premium back (ETag-guarded commit)', async () => {
    const { car, driver, start, reviewId } = await flaggedCar();
    const handOver = transferEvent(
      car,
      { blockHeight: 3, spends: start.id },
      [driver],
      [randomPublicKey()],
      sampleLease({ action: 'transfer' }),
    );
    // The event lands after the resolution read the car and before it commits.
    class EventLandsFirst extends VehiclesRepository {
      private raced = false;
      override async commit(write: CoverageWrite): Promise<string | undefined> {
        if (!this.raced) {
          this.raced = true;
          await app.services.premiums.applyEvents([handOver]);
        }
        return super.commit(write);
      }
    }
    const racing = new ReviewService({
      vehicles: new EventLandsFirst(app.services.store),
      reviewQueue: app.services.reviewQueue,
      now: () => new Date(),
    });
    const key = {
      assetId: car.assetId,
      historyRowKey: ((await getReview(reviewId)).body as Body).historyRowKey as string,
    };
    const result = await racing.resolve(key, {
      decision: 'override',
      reason: 'late',
      resolvedBy: 'underwriter:late',
      annualPremium: { amount: '10.00', currency: 'USD' },
    });
    expect(result).toMatchObject({ outcome: 'conflict', conflict: 'superseded' });

    const current = (await currentPremium(car.assetId)).body as Body;
    expect(current).toMatchObject({ transactionId: handOver.id, needsReview: true });
    expect(current).not.toHaveProperty('annualPremiumOverridden');
    expect(current.annualPremiumMinor).not.toBe(1000);
    expect((await history(car.assetId)).map((r) => r.kind)).toEqual(['registration', 'premium', 'premium']);
  });
});

describe('bounded inputs', () => {
  it('400 for an invalid resolution body, naming each path', async () => {
    const { reviewId } = await flaggedCar();
    const cases: [unknown, string[]][] = [
      [{ ...approve, decision: 'reject' }, ['decision']],
      [{ reason: 'x', resolvedBy: 'y' }, ['decision']],
      [{ ...approve, annualPremium: { amount: '10.00', currency: 'USD' } }, ['annualPremium']],
      [{ ...override('10.00'), annualPremium: undefined }, ['annualPremium']],
      [{ ...approve, reason: '   ' }, ['reason']],
      [{ ...approve, reason: 'r'.repeat(501) }, ['reason']],
      [{ ...approve, resolvedBy: '' }, ['resolvedBy']],
      [{ ...approve, resolvedBy: 'u'.repeat(201) }, ['resolvedBy']],
      [override('10.5'), ['annualPremium.amount']],
      [override('0.00'), ['annualPremium.amount']],
      [override('1e3'), ['annualPremium.amount']],
      [override('10.00', 'XYZ'), ['annualPremium.currency']],
      [{ ...approve, note: 'extra' }, ['']],
      [[approve], ['']],
    ];
    for (const [body, paths] of cases) {
      const response = await resolve(reviewId, body);
      expect([JSON.stringify(body).slice(0, 80), response.status]).toEqual([JSON.stringify(body).slice(0, 80), 400]);
      expect(((response.body as Body).errors as { path: string }[]).map((e) => e.path)).toEqual(paths);
    }
    expect((await resolve(reviewId, '{not json')).status).toBe(400);
    expect((await resolve(reviewId, { ...approve, reason: 'x'.repeat(20_000) })).status).toBe(413);
    expect((await getReview(reviewId)).body).toMatchObject({ status: 'open' });
  });

  it('404 for an id this API never issued, malformed or too long; 400 for an unknown status, reason or page size', async () => {
    const { car } = await flaggedCar();
    const unknown = reviewIdOf({ assetId: car.assetId, historyRowKey: 'h~000000000009~000000~' + 'f'.repeat(64) });
    const registration = reviewIdOf({
      assetId: car.assetId,
      historyRowKey: ((await history(car.assetId))[0] as Body).recordId as string,
    });
    for (const id of [
      unknown,
      registration,
      'not an id',
      'A'.repeat(401),
      Buffer.from('x~h~1').toString('base64url'),
    ]) {
      expect((await getReview(id)).status).toBe(404);
      expect((await resolve(id, approve)).status).toBe(404);
    }
    for (const query of <Record<string, string>[]>[
      { status: 'superseded' },
      { status: '' },
      { reason: 'bogus' },
      { pageSize: '101' },
      { pageSize: '0' },
      { continuationToken: 'bm90LWEtdG9rZW4' },
    ]) {
      const response = await listReviews(query);
      expect(response.status).toBe(400);
      expect(((response.body as Body).errors as { path: string }[])[0]?.path).toBe(Object.keys(query)[0]);
    }
  });
});
