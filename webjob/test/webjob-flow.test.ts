// The WebJob end to end, in process, against the real local ledger node, real Azurite and a real
// receiver that verifies signatures. Each test asserts that every qualifying transaction reached
// the receiver, in ledger order per vehicle, with duplicates only where at-least-once allows them.
import { TableCheckpointStore } from '../src/checkpoint/table-checkpoint-store';
import { QueueDeadLetterStore } from '../src/deadletter/dead-letter-store';
import { silentLogger } from '../src/ops/logger';
import { buildFleet, impostorCreate, unrelatedCreate, type CarHistory } from './support/car-scenarios';
import {
  allArrived,
  commit,
  commitFleet,
  expectDeliveredInOrder,
  startStack,
  waitFor,
  type TestStack,
} from './support/stack';

jest.setTimeout(90_000);

let stack: TestStack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

async function storedCheckpoint(s: TestStack): Promise<number | undefined> {
  return new TableCheckpointStore(s.storage.checkpoints, 'bigchaindb://test-network', 'webjob').load();
}

async function deadLetters(s: TestStack) {
  const store = new QueueDeadLetterStore(
    s.storage.deadLetters,
    s.storage.checkpoints,
    { baseMs: 10, maxMs: 10 },
    silentLogger,
  );
  return (await store.receive(32, 1)).map((r) => r.letter!);
}

test('normal flow: every car event once, in order; other assets skipped; checkpoint = tip after a graceful stop; restart adds no duplicates', async () => {
  stack = await startStack();
  const s = stack;
  const job = await s.startWebJob();
  const cars = buildFleet(s.company, 8, 3);
  await commit(s.ledger, unrelatedCreate());
  await commitFleet(s.ledger, cars, async (round) => {
    if (round === 1) await commit(s.ledger, unrelatedCreate());
  });
  await waitFor(() => allArrived(s.receiver, cars), 30_000, 'all car events');
  await new Promise((r) => setTimeout(r, 500));
  expectDeliveredInOrder(s.receiver, cars, 'none');
  expect(job.metrics.eventsSkipped.get({ reason: 'not-car-lease' })).toBe(2);
  expect(job.metrics.eventsDelivered.get({ outcome: 'applied' })).toBe(32);
  expect(job.metrics.render()).toMatch(/^webjob_last_delivered_height \d+$/m);
  await job.stop();
  const checkpoint = await storedCheckpoint(s);
  expect(checkpoint).toBe(s.ledger.height());

  // restart from the checkpoint: new transactions only
  const job2 = await s.startWebJob();
  // the checkpointed height is known to exist from the start: lag in blocks is never negative
  await waitFor(
    () => job2.metrics.lastSeenHeight.get() === checkpoint && job2.metrics.lastDeliveredHeight.get() === checkpoint,
    10_000,
    'heights reported after restart',
  );
  for (const car of cars) car.transfer();
  await commitFleet(
    s.ledger,
    cars.map((c) => ({ ...c, transactions: c.transactions.slice(-1) }) as CarHistory),
  );
  await waitFor(() => allArrived(s.receiver, cars), 30_000, 'events after restart');
  await new Promise((r) => setTimeout(r, 500));
  expectDeliveredInOrder(s.receiver, cars, 'none');
  await job2.stop();
});

test('v1 frames (block_id, no height): everything delivered once, in order', async () => {
  stack = await startStack({ wsFormat: 'v1' });
  const s = stack;
  const job = await s.startWebJob();
  // On a loaded machine catch-up alone could deliver everything before the stream opens.
  await waitFor(() => job.metrics.streamConnected.get() === 1, 10_000, 'stream connected');
  const cars = buildFleet(s.company, 6, 3);
  await commitFleet(s.ledger, cars);
  await waitFor(() => allArrived(s.receiver, cars), 30_000, 'all car events');
  await new Promise((r) => setTimeout(r, 500));
  expectDeliveredInOrder(s.receiver, cars, 'none');
  expect(job.metrics.streamFrames.get({ format: 'v1' })).toBeGreaterThan(0);
});

test('WebSocket dropped (and refused) while blocks keep committing: catch-up recovers what the stream missed', async () => {
  stack = await startStack();
  const s = stack;
  const job = await s.startWebJob();
  const cars = buildFleet(s.company, 6, 5);
  await commitFleet(s.ledger, cars, (round) => {
    s.ledger.faults.dropWebSockets();
    if (round === 2) s.ledger.faults.refuseWebSockets(1);
    return Promise.resolve();
  });
  await waitFor(() => allArrived(s.receiver, cars), 30_000, 'all car events');
  await new Promise((r) => setTimeout(r, 500));
  expectDeliveredInOrder(s.receiver, cars, 'none');
  expect(job.metrics.streamReconnects.total()).toBeGreaterThanOrEqual(5);
});

test('stream stalled (connected, silent) while blocks commit: HTTP polling delivers, the stall forces a reconnect', async () => {
  stack = await startStack();
  const s = stack;
  const job = await s.startWebJob();
  const cars = buildFleet(s.company, 5, 3);
  await waitFor(() => job.metrics.streamConnected.get() === 1, 10_000, 'stream connected');
  await commit(s.ledger, unrelatedCreate()); // the stream is live: liveSince is known
  s.ledger.faults.stallStream(4);
  await commitFleet(s.ledger, cars);
  await waitFor(() => allArrived(s.receiver, cars), 30_000, 'all car events');
  await waitFor(() => job.metrics.catchupRecovered.total() >= 20, 15_000, 'missed transactions counted');
  await waitFor(() => job.metrics.streamReconnects.total() >= 1, 10_000, 'reconnect after stall');
  expectDeliveredInOrder(s.receiver, cars, 'none');
});

test('receiver down (connection refused, then 503 with Retry-After), then back: nothing lost, order kept', async () => {
  stack = await startStack();
  const s = stack;
  const job = await s.startWebJob();
  const cars = buildFleet(s.company, 6, 3);
  await s.receiver.goDown();
  await commitFleet(
    s.ledger,
    cars.map((c) => ({ ...c, transactions: c.transactions.slice(0, 2) }) as CarHistory),
  );
  await waitFor(() => job.metrics.deliveryRetries.total() >= 3, 10_000, 'retries while down');
  await s.receiver.comeBack();
  s.receiver.mode = 'unavailable';
  s.receiver.retryAfterSeconds = 1;
  await commitFleet(
    s.ledger,
    cars.map((c) => ({ ...c, transactions: c.transactions.slice(2) }) as CarHistory),
  );
  await new Promise((r) => setTimeout(r, 1_500));
  const checkpointWhileDown = await storedCheckpoint(s);
  expect(checkpointWhileDown).toBeLessThan(s.ledger.height()); // held back: nothing acknowledged yet
  s.receiver.mode = 'up';
  await waitFor(() => allArrived(s.receiver, cars), 30_000, 'all car events');
  await new Promise((r) => setTimeout(r, 500));
  expectDeliveredInOrder(s.receiver, cars, 'none');
  await waitFor(async () => (await storedCheckpoint(s)) === s.ledger.height(), 5_000, 'checkpoint at tip');
});

test('receiver answers 400 to one event: that event is dead-lettered with the reason, the rest is delivered', async () => {
  stack = await startStack();
  const s = stack;
  const job = await s.startWebJob();
  const cars = buildFleet(s.company, 4, 3);
  const bad = cars[1]!.transactions[2]!;
  s.receiver.badRequestIds.add(bad.id);
  await commitFleet(s.ledger, cars);
  await waitFor(
    () => job.metrics.eventsDeadLettered.total() === 1 && job.metrics.eventsDelivered.total() === 15,
    30_000,
    'all settled',
  );
  const letters = await deadLetters(s);
  expect(letters).toHaveLength(1);
  expect(letters[0]).toMatchObject({ kind: 'refused', transactionId: bad.id, assetId: cars[1]!.assetId });
  expect(letters[0]!.reason).toMatch(/^HTTP 400: /);
  expect((letters[0]!.payload as { id: string }).id).toBe(bad.id);
  const withoutBad = cars.map(
    (c) => ({ ...c, assetId: c.assetId, transactions: c.transactions.filter((t) => t.id !== bad.id) }) as CarHistory,
  );
  expectDeliveredInOrder(s.receiver, withoutBad, 'none');
  await waitFor(
    async () => (await storedCheckpoint(s)) === s.ledger.height(),
    5_000,
    'checkpoint passes the dead letter',
  );
});

test('a CREATE naming the leasing company but signed by an impostor is accepted by the ledger, refused here (dead-lettered), and its car not tracked', async () => {
  stack = await startStack();
  const s = stack;
  const job = await s.startWebJob();
  const cars = buildFleet(s.company, 3, 2);
  const impostor = impostorCreate(s.company);
  await commit(s.ledger, impostor); // BigchainDB does not compare the fulfillment key with owners_before
  await commitFleet(s.ledger, cars);
  await waitFor(
    () => allArrived(s.receiver, cars) && job.metrics.eventsDeadLettered.total() === 1,
    30_000,
    'all settled',
  );
  expectDeliveredInOrder(s.receiver, cars, 'none');
  const letters = await deadLetters(s);
  expect(letters).toHaveLength(1);
  expect(letters[0]).toMatchObject({ kind: 'verification-failed', transactionId: impostor.id });
  expect(letters[0]!.reason).toContain(
    `names ${s.company.publicKey} in owners_before but its fulfillment was signed by`,
  );
});

test('index lag: a TRANSFER whose CREATE is not yet readable by id is retried until the index catches up', async () => {
  stack = await startStack();
  const s = stack;
  const cars = buildFleet(s.company, 3, 1);
  s.ledger.faults.indexLag(2_500, 30);
  await commitFleet(
    s.ledger,
    cars.map((c) => ({ ...c, transactions: c.transactions.slice(0, 1) }) as CarHistory),
  );
  const firstTransferHeight = s.ledger.height() + 1;
  await commitFleet(
    s.ledger,
    cars.map((c) => ({ ...c, transactions: c.transactions.slice(1) }) as CarHistory),
  );
  // start after the CREATEs: the WebJob must read each car's CREATE by id, which 404s for 2.5 s
  const started = Date.now();
  const job = await s.startWebJob({ WEBJOB_START_POSITION: String(firstTransferHeight) });
  const transfers = new Set(cars.map((c) => c.transactions[1]!.id));
  await waitFor(() => s.receiver.received.filter((e) => transfers.has(e.id)).length === 3, 30_000, 'the transfers');
  expect(Date.now() - started).toBeGreaterThan(1_000);
  expect(job.metrics.ledgerRetries.get({ reason: 'not-found' })).toBeGreaterThan(0);
  expect(s.receiver.received.map((e) => e.id).sort()).toEqual([...transfers].sort());
});

test('two instances at once: exactly one consumes; when it stops, the other takes over without loss or duplicates', async () => {
  stack = await startStack();
  const s = stack;
  const a = await s.startWebJob();
  const b = await s.startWebJob();
  await waitFor(() => a.metrics.leader.get() + b.metrics.leader.get() === 1, 10_000, 'one leader');
  await new Promise((r) => setTimeout(r, 1_000));
  expect(a.metrics.leader.get() + b.metrics.leader.get()).toBe(1);
  const [leader, standby] = a.metrics.leader.get() === 1 ? [a, b] : [b, a];
  const cars = buildFleet(s.company, 5, 2);
  await commitFleet(
    s.ledger,
    cars.map((c) => ({ ...c, transactions: c.transactions.slice(0, 2) }) as CarHistory),
  );
  await waitFor(() => s.receiver.received.length === 10, 30_000, 'first half');
  expect(standby.metrics.eventsDelivered.total()).toBe(0);
  await leader.stop();
  await waitFor(() => standby.metrics.leader.get() === 1, 15_000, 'takeover');
  await commitFleet(
    s.ledger,
    cars.map((c) => ({ ...c, transactions: c.transactions.slice(2) }) as CarHistory),
  );
  await waitFor(() => allArrived(s.receiver, cars), 30_000, 'all car events');
  await new Promise((r) => setTimeout(r, 500));
  expectDeliveredInOrder(s.receiver, cars, 'none');
  expect(standby.metrics.eventsDelivered.total()).toBe(5);
});
