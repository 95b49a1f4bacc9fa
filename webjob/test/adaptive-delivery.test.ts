// Adaptive delivery concurrency against a real, signature-verifying HTTP receiver that slows down
// with the requests it has in flight (like a CPU-bound Function App): the AIMD limit keeps the
// receiver out of its timeout zone, so no batch is ever sent twice, and grows back after overload.
import type { OwnershipEvent } from '@lease-premium/events';
import { buildFleet, newKeyPair } from './support/car-scenarios';
import { deliveryHarnessPerTest, fleetEvents, idsByVehicle, type DeliveryHarness } from './support/delivery-harness';
import { TEST_SECRETS } from './support/events';

const company = newKeyPair();
let events: OwnershipEvent[];

beforeAll(async () => {
  events = await fleetEvents(company, buildFleet(company, 24, 4));
}, 60_000);

const startHarness = deliveryHarnessPerTest();

// Any dead letter is a failure here; the limit is sampled every 5 ms while the run lasts.
const start = (options: {
  batchSize: number;
  initial: number;
  ceiling: number;
  timeoutMs: number;
}): Promise<DeliveryHarness> =>
  startHarness({
    receiverSecrets: TEST_SECRETS,
    batchSize: options.batchSize,
    maxConcurrency: options.ceiling,
    initialConcurrency: options.initial,
    timeoutMs: options.timeoutMs,
    deadLetters: 'fatal',
    sampleLimitEveryMs: 5,
  });

function expectExactlyOnceInOrder(r: DeliveryHarness, expected: OwnershipEvent[]): void {
  const ids = r.receiver.received.map((e) => e.id);
  expect(ids).toHaveLength(expected.length);
  expect(new Set(ids).size).toBe(expected.length);
  expect(idsByVehicle(r.receiver.received)).toEqual(idsByVehicle(expected));
}

const waitFor = async (condition: () => boolean, ms: number, what: string): Promise<void> => {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

// 40 ms per request in flight: 16 at once take 640 ms, beyond the 600 ms timeout (the collapse).
const slowsUnderConcurrency = (inFlight: number): number => 40 * inFlight;

test('a receiver that slows down under concurrency: the limit stays low, nothing times out, no batch is sent twice', async () => {
  const r = await start({ batchSize: 1, initial: 2, ceiling: 16, timeoutMs: 600 });
  r.receiver.delayFor = slowsUnderConcurrency;
  r.enqueue(events);
  await r.dispatcher.drained();

  expect(r.metrics.deliveryRequests.get({ result: 'timeout' })).toBe(0);
  expect(r.metrics.deliveryRetries.total()).toBe(0);
  const ids = r.receiver.deliveries.map((d) => d.deliveryId);
  expect(new Set(ids).size).toBe(ids.length); // no batch twice
  expectExactlyOnceInOrder(r, events);
  expect(r.metrics.eventsDelivered.get({ outcome: 'duplicate' })).toBe(0);
  // the limit grew, met the latency wall, and was cut: it never came near the ceiling
  const peak = Math.max(...r.limits);
  expect(peak).toBeGreaterThan(2);
  expect(r.limits.some((limit, i) => i > 0 && limit < r.limits[i - 1]!)).toBe(true);
  expect(r.receiver.maxInFlight).toBeLessThan(15); // 15 in flight take 600 ms: the timeout zone
  expect(r.metrics.render()).toMatch(/^webjob_delivery_concurrency_limit [1-7]$/m);
});

test('started at the ceiling against the same receiver: the first wave times out, the limit halves and delivery settles', async () => {
  const r = await start({ batchSize: 2, initial: 16, ceiling: 16, timeoutMs: 600 });
  r.receiver.delayFor = slowsUnderConcurrency;
  r.enqueue(events);
  await r.dispatcher.drained();

  // what a fixed concurrency of 16 does: timeouts, and batches re-sent while the first copy runs
  expect(r.metrics.deliveryRequests.get({ result: 'timeout' })).toBeGreaterThan(0);
  expect(r.metrics.eventsDelivered.get({ outcome: 'duplicate' })).toBeGreaterThan(0);
  // ...and how the limit gets out of it: halved at once, every event acknowledged
  expect(Math.min(...r.limits)).toBeLessThanOrEqual(8);
  expect(new Set(r.acked.map((a) => a.event.id)).size).toBe(events.length);
  const timeoutsAtDrain = r.metrics.deliveryRequests.get({ result: 'timeout' });
  expect(timeoutsAtDrain).toBeLessThan(events.length / 2 / 2); // far fewer than one per batch
});

test('a receiver that recovers: overload answers (503) cut the limit to 1, healthy answers grow it back', async () => {
  const r = await start({ batchSize: 1, initial: 4, ceiling: 8, timeoutMs: 2_000 });
  r.receiver.mode = 'unavailable';
  r.enqueue(events);
  await waitFor(() => r.dispatcher.concurrencyLimit === 1, 5_000, 'the limit to reach 1');
  expect(r.receiver.received).toHaveLength(0);
  const cutAt = r.limits.length;

  r.receiver.mode = 'up';
  await r.dispatcher.drained();
  expectExactlyOnceInOrder(r, events);
  const afterRecovery = r.limits.slice(cutAt);
  expect(Math.max(...afterRecovery, r.dispatcher.concurrencyLimit)).toBeGreaterThanOrEqual(6);
  expect(r.metrics.deliveryConcurrencyLimit.get()).toBe(r.dispatcher.concurrencyLimit);
});
