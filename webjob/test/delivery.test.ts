// Delivery lanes against a real HTTP receiver that verifies Standard Webhooks signatures.
import { WebhookSigner, type OwnershipEvent } from '@lease-premium/events';
import { parseRetryAfter, WebhookSender } from '../src/delivery/webhook-sender';
import { buildFleet, newKeyPair } from './support/car-scenarios';
import { deliveryHarnessPerTest, fleetEvents, idsByVehicle, type DeliveryHarness } from './support/delivery-harness';
import { TEST_SECRETS } from './support/events';
import { startReceiver } from './support/receiver';

const company = newKeyPair();
let events: OwnershipEvent[];

beforeAll(async () => {
  events = await fleetEvents(company, buildFleet(company, 6, 4));
});

const startHarness = deliveryHarnessPerTest();

// The receiver accepts only the second secret: the sender signs with all of them (rotation).
const setup = (options: { batchSize?: number; concurrency?: number } = {}): Promise<DeliveryHarness> =>
  startHarness({
    receiverSecrets: [TEST_SECRETS[1]!],
    functionKey: 'fn-key',
    batchSize: options.batchSize ?? 10,
    maxConcurrency: options.concurrency ?? 4,
    timeoutMs: 2_000,
    deadLetters: 'record',
  });

function expectPerVehicleOrder(received: OwnershipEvent[], expected: OwnershipEvent[]): void {
  const got = idsByVehicle(received);
  for (const [vehicle, ids] of idsByVehicle(expected)) expect(got.get(vehicle)).toEqual(ids);
}

test('delivers every event once, signed, in ledger order per vehicle, in batches', async () => {
  const h = await setup({ batchSize: 7, concurrency: 3 });
  h.enqueue(events);
  await h.dispatcher.drained();
  expect(h.receiver.authFailures).toBe(0);
  expect(h.receiver.received).toHaveLength(events.length);
  expect(new Set(h.receiver.received.map((e) => e.id)).size).toBe(events.length);
  expectPerVehicleOrder(h.receiver.received, events);
  expect(h.receiver.deliveries.some((d) => d.events.length > 1)).toBe(true);
  expect(Math.max(...h.receiver.deliveries.map((d) => d.events.length))).toBeLessThanOrEqual(7);
  expect(h.acked).toHaveLength(events.length);
  expect(h.metrics.eventsDelivered.get({ outcome: 'applied' })).toBe(events.length);
  // a webhook-id names the batch's first event and its size
  for (const d of h.receiver.deliveries) expect(d.deliveryId).toBe(`${d.events[0]!.id}-${d.events.length}`);
  expect(h.receiver.vehicleOverlaps).toEqual([]);
});

test('503 with Retry-After, then up: retried until acknowledged, nothing lost, order kept', async () => {
  const h = await setup();
  h.receiver.mode = 'unavailable';
  h.receiver.retryAfterSeconds = 1;
  const started = Date.now();
  h.enqueue(events);
  await new Promise((r) => setTimeout(r, 300));
  expect(h.receiver.received).toHaveLength(0);
  h.receiver.mode = 'up';
  await h.dispatcher.drained();
  expect(Date.now() - started).toBeGreaterThanOrEqual(900); // Retry-After honoured
  expect(h.metrics.deliveryRetries.total()).toBeGreaterThan(0);
  expect(new Set(h.receiver.received.map((e) => e.id)).size).toBe(events.length);
  expectPerVehicleOrder(h.receiver.received, events);
});

test('connection refused, then the receiver comes back: retried forever, nothing lost', async () => {
  const h = await setup();
  await h.receiver.goDown();
  h.enqueue(events);
  await new Promise((r) => setTimeout(r, 800));
  expect(h.dispatcher.pending).toBe(events.length);
  expect(h.metrics.deliveryRequests.get({ result: 'network' })).toBeGreaterThan(0);
  await h.receiver.comeBack();
  await h.dispatcher.drained();
  expect(new Set(h.receiver.received.map((e) => e.id)).size).toBe(events.length);
  expectPerVehicleOrder(h.receiver.received, events);
});

test('a 400 for one event dead-letters only that event; its batch neighbours are delivered', async () => {
  const h = await setup({ batchSize: 10 });
  const bad = events[8]!;
  h.receiver.badRequestIds.add(bad.id);
  h.receiver.delayFor = () => 20; // requests take time, so any two for one vehicle would overlap there
  h.enqueue(events);
  await h.dispatcher.drained();
  expect(h.deadLetters).toHaveLength(1);
  expect(h.deadLetters[0]!.item.event.id).toBe(bad.id);
  expect(h.deadLetters[0]!.kind).toBe('refused');
  expect(h.deadLetters[0]!.reason).toMatch(/^HTTP 400: .*refused by the test/);
  const others = events.filter((e) => e.id !== bad.id);
  expect(new Set(h.receiver.received.map((e) => e.id))).toEqual(new Set(others.map((e) => e.id)));
  expectPerVehicleOrder(h.receiver.received, others);
  expect(h.receiver.vehicleOverlaps).toEqual([]); // the one-by-one re-sends never overlap a vehicle
});

test('an event answered "rejected" is dead-lettered with the receiver\'s reason', async () => {
  const h = await setup();
  const rejected = events[3]!;
  h.receiver.rejectIds.add(rejected.id);
  h.enqueue(events);
  await h.dispatcher.drained();
  expect(h.deadLetters.map((d) => [d.item.event.id, d.kind, d.reason])).toEqual([
    [rejected.id, 'rejected', 'rejected by the test'],
  ]);
  expect(h.receiver.received).toHaveLength(events.length - 1);
});

test('a wrong function key is a permanent 401 refusal (dead-lettered, not retried forever)', async () => {
  const receiver = await startReceiver({ secrets: TEST_SECRETS, functionKey: 'right' });
  try {
    const sender = new WebhookSender({
      url: receiver.url,
      functionKey: 'wrong',
      signer: new WebhookSigner(TEST_SECRETS),
      timeoutMs: 2_000,
    });
    const result = await sender.send('id-1', JSON.stringify([events[0]]));
    expect(result.kind).toBe('refused');
    expect(receiver.authFailures).toBe(1);
  } finally {
    await receiver.close();
  }
});

test('Retry-After accepts seconds and HTTP dates', () => {
  expect(parseRetryAfter('3')).toBe(3000);
  expect(parseRetryAfter(new Date(Date.now() + 5_000).toUTCString())).toBeGreaterThan(3_000);
  expect(parseRetryAfter('soon')).toBeUndefined();
  expect(parseRetryAfter(null)).toBeUndefined();
});
