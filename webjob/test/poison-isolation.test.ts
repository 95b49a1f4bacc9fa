// Poison isolation against a real HTTP receiver: an event the receiver fails on (500) while it
// answers everything else is found by splitting, dead-lettered as poison after the attempt budget,
// and its neighbours are delivered; an outage (connection refused, 503 or 500 on everything with
// the health endpoint failing) outlasts the budget and dead-letters nothing.
import type { OwnershipEvent } from '@lease-premium/events';
import { splitBatch, type DeliveryItem } from '../src/delivery/delivery-dispatcher';
import { buildFleet, newKeyPair } from './support/car-scenarios';
import { deliveryHarnessPerTest, fleetEvents, idsByVehicle, type DeliveryHarness } from './support/delivery-harness';
import { TEST_SECRETS } from './support/events';

const company = newKeyPair();
let events: OwnershipEvent[];

beforeAll(async () => {
  events = await fleetEvents(company, buildFleet(company, 8, 4));
});

const startHarness = deliveryHarnessPerTest();
const MAX_EVENT_ATTEMPTS = 3;

async function setup(
  options: { batchSize?: number; concurrency?: number; maxEventAttempts?: number } = {},
): Promise<DeliveryHarness> {
  const h = await startHarness({
    receiverSecrets: TEST_SECRETS,
    batchSize: options.batchSize ?? 10,
    maxConcurrency: options.concurrency ?? 4,
    initialConcurrency: options.concurrency ?? 4,
    timeoutMs: 2_000,
    deadLetters: 'record',
    maxEventAttempts: options.maxEventAttempts ?? MAX_EVENT_ATTEMPTS,
  });
  h.receiver.delayFor = () => 10; // requests take time, so any two for one vehicle would overlap there
  return h;
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function expectPerVehicleOrder(received: OwnershipEvent[], expected: OwnershipEvent[]): void {
  const got = idsByVehicle(received);
  for (const [vehicle, ids] of idsByVehicle(expected)) expect(got.get(vehicle)).toEqual(ids);
}

test('an event the receiver fails on is isolated by splitting and dead-lettered as poison; the rest is delivered', async () => {
  const h = await setup({ batchSize: 10, concurrency: 4 });
  // The second event of some car: its later events must wait for it, then go on.
  const poison = events.find((e, i) => events.slice(0, i).some((p) => p.subject === e.subject))!;
  h.receiver.failIds.add(poison.id);
  h.enqueue(events);
  await h.dispatcher.drained();

  expect(h.deadLetters).toHaveLength(1);
  const letter = h.deadLetters[0]!;
  expect(letter).toMatchObject({ kind: 'poison', lastStatus: 500, attempts: MAX_EVENT_ATTEMPTS });
  expect(letter.item.event.id).toBe(poison.id);
  expect(letter.reason).toMatch(
    /^HTTP 500 on each of 3 attempts alone .*RangeError: event [0-9a-f]{64} breaks the test receiver$/,
  );
  const others = events.filter((e) => e.id !== poison.id);
  expect(new Set(h.receiver.received.map((e) => e.id))).toEqual(new Set(others.map((e) => e.id)));
  expectPerVehicleOrder(h.receiver.received, others);
  expect(h.acked).toHaveLength(others.length);
  expect(h.metrics.deliverySplits.total()).toBeGreaterThan(0);
  expect(h.metrics.eventsDeadLettered.get({ kind: 'poison' })).toBe(1);
  expect(h.receiver.vehicleOverlaps).toEqual([]);
  // The poison's later events left only after it was dead-lettered: never before the attempt budget.
  const poisonRequests = h.metrics.deliveryRequests.get({ result: '500' });
  expect(poisonRequests).toBeGreaterThanOrEqual(MAX_EVENT_ATTEMPTS);
});

test("other vehicles, its batch neighbours included, do not wait for a poison event's isolation", async () => {
  // A long attempt budget (~20 x 20-200 ms): everything else must be through well before it ends.
  const h = await setup({ batchSize: 8, concurrency: 2, maxEventAttempts: 20 });
  // The first two events leave alone at once (two free slots); the rest queue up meanwhile, so the
  // third car's five events and three of the fourth's share a batch: the fourth car's last two
  // events must not wait for the third car's poisoned CREATE.
  const poison = events[2]!;
  h.receiver.failIds.add(poison.id);
  h.enqueue(events);
  const neighbours = events.filter((e) => e.subject !== poison.subject);
  await until(() => neighbours.every((e) => h.receiver.received.some((r) => r.id === e.id)), 'the other vehicles');
  expect(h.deadLetters).toHaveLength(0);
  // The poison's own vehicle waits: none of its later events went before it.
  expect(h.receiver.received.some((e) => e.subject === poison.subject)).toBe(false);
  await h.dispatcher.drained();
  expect(h.deadLetters.map((d) => d.item.event.id)).toEqual([poison.id]);
  expect(h.receiver.vehicleOverlaps).toEqual([]);
});

test('connection refused for longer than the attempt budget: nothing dead-lettered, all delivered once back', async () => {
  const h = await setup();
  await h.receiver.goDown();
  h.enqueue(events);
  await until(
    () => h.metrics.deliveryRequests.get({ result: 'network' }) > MAX_EVENT_ATTEMPTS * 3,
    'refused connections beyond the budget',
  );
  expect(h.deadLetters).toEqual([]);
  await h.receiver.comeBack();
  await h.dispatcher.drained();
  expect(h.deadLetters).toEqual([]);
  expect(new Set(h.receiver.received.map((e) => e.id)).size).toBe(events.length);
  expectPerVehicleOrder(h.receiver.received, events);
  expect(h.receiver.vehicleOverlaps).toEqual([]);
});

test.each([
  ['503', 'unavailable'],
  ['500', 'failing'],
] as const)(
  '%s on every request with the health endpoint failing: nothing dead-lettered, all delivered once back',
  async (status, mode) => {
    const h = await setup();
    h.receiver.mode = mode;
    h.enqueue(events);
    await until(
      () => h.metrics.deliveryRequests.get({ result: status }) > MAX_EVENT_ATTEMPTS * 3,
      `${status} answers beyond the budget`,
    );
    // 503 is "not now" and never counts; a 500 counts only if the health endpoint says the receiver is up.
    if (status === '500') expect(h.receiver.healthChecks).toBeGreaterThan(0);
    expect(h.deadLetters).toEqual([]);
    expect(h.metrics.deliverySplits.total()).toBe(0);
    h.receiver.mode = 'up';
    await h.dispatcher.drained();
    expect(h.deadLetters).toEqual([]);
    expect(new Set(h.receiver.received.map((e) => e.id)).size).toBe(events.length);
    expectPerVehicleOrder(h.receiver.received, events);
    expect(h.receiver.vehicleOverlaps).toEqual([]);
  },
);

test('splitting keeps whole vehicles together, or one vehicle in ledger order', () => {
  const item = (subject: string, id: string): DeliveryItem => ({
    event: { subject, id } as OwnershipEvent,
    blockHeight: 1,
  });
  const ids = (items: DeliveryItem[]): string[] => items.map((i) => i.event.id);
  const [a, b, disjoint] = splitBatch([item('v1', '1'), item('v2', '2'), item('v1', '3'), item('v3', '4')]);
  expect([ids(a), ids(b), disjoint]).toEqual([['1', '2', '3'], ['4'], true]);
  const [c, d, sameVehicle] = splitBatch([item('v1', '1'), item('v1', '2'), item('v1', '3')]);
  expect([ids(c), ids(d), sameVehicle]).toEqual([['1', '2'], ['3'], false]);
});
