// Adaptive delivery concurrency against a real, signature-verifying HTTP receiver that slows down
// with the requests it has in flight (like a CPU-bound Function App): the AIMD limit keeps the
// receiver out of its timeout zone, so no batch is ever sent twice, and grows back after overload.
import { WebhookSigner, type OwnershipEvent } from '@lease-premium/events';
import { DeliveryDispatcher, type DeliveryItem } from '../src/delivery/delivery-dispatcher';
import { WebhookSender } from '../src/delivery/webhook-sender';
import { silentLogger } from '../src/ops/logger';
import { WebJobMetrics } from '../src/ops/metrics';
import { buildFleet, newKeyPair } from './support/car-scenarios';
import { eventsFor, TEST_SECRETS } from './support/events';
import { startReceiver, type TestReceiver } from './support/receiver';

const company = newKeyPair();
let events: OwnershipEvent[];

beforeAll(async () => {
  const cars = buildFleet(company, 24, 4);
  events = await eventsFor([company.publicKey], [0, 1, 2, 3, 4].flatMap((r) => cars.map((c) => c.transactions[r]!)));
}, 60_000);

interface Run {
  receiver: TestReceiver;
  dispatcher: DeliveryDispatcher;
  metrics: WebJobMetrics;
  acked: DeliveryItem[];
  /** The limit sampled every few milliseconds while the run lasts. */
  limits: number[];
  stop(): Promise<void>;
}

let run: Run | undefined;

async function start(options: { batchSize: number; initial: number; ceiling: number; timeoutMs: number }): Promise<Run> {
  const receiver = await startReceiver({ secrets: TEST_SECRETS });
  const metrics = new WebJobMetrics();
  const abort = new AbortController();
  const acked: DeliveryItem[] = [];
  const dispatcher = new DeliveryDispatcher({
    sender: new WebhookSender({ url: receiver.url, functionKey: undefined, signer: new WebhookSigner(TEST_SECRETS), timeoutMs: options.timeoutMs }),
    batchSize: options.batchSize,
    maxConcurrency: options.ceiling,
    initialConcurrency: options.initial,
    retry: { baseMs: 20, maxMs: 200 },
    logger: silentLogger,
    metrics,
    signal: abort.signal,
    onFatal: (error) => {
      throw error;
    },
    hooks: { onAcknowledged: (item) => acked.push(item), onDeadLetter: () => Promise.reject(new Error('no dead letters expected')) },
  });
  const limits: number[] = [];
  const sampler = setInterval(() => limits.push(dispatcher.concurrencyLimit), 5);
  run = {
    receiver,
    dispatcher,
    metrics,
    acked,
    limits,
    stop: async () => {
      clearInterval(sampler);
      abort.abort();
      await receiver.close();
    },
  };
  return run;
}

afterEach(async () => {
  await run?.stop();
  run = undefined;
});

const enqueue = (r: Run, list: OwnershipEvent[]): void => list.forEach((event) => r.dispatcher.enqueue({ event, blockHeight: event.data.ledger.blockHeight }));

function expectExactlyOnceInOrder(r: Run, expected: OwnershipEvent[]): void {
  const ids = r.receiver.received.map((e) => e.id);
  expect(ids).toHaveLength(expected.length);
  expect(new Set(ids).size).toBe(expected.length);
  const byVehicle = (list: OwnershipEvent[]): Record<string, string[]> => {
    const out: Record<string, string[]> = {};
    for (const e of list) (out[e.subject] ??= []).push(e.id);
    return out;
  };
  expect(byVehicle(r.receiver.received)).toEqual(byVehicle(expected));
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
  enqueue(r, events);
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
  enqueue(r, events);
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
  enqueue(r, events);
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
