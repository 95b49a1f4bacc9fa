// A second leasing company, not among LEASING_COMPANY_PUBLIC_KEYS, registers and leases a genuine,
// validly signed car. It is not ours to insure: its events are skipped (counted), never delivered
// and never dead-lettered, while the trusted company's cars flow as usual.
import { QueueDeadLetterStore } from '../src/deadletter/dead-letter-store';
import { silentLogger } from '../src/ops/logger';
import { buildFleet, newKeyPair } from './support/car-scenarios';
import { allArrived, commitFleet, expectDeliveredInOrder, startStack, waitFor, type TestStack } from './support/stack';

jest.setTimeout(60_000);

let stack: TestStack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

test("an untrusted leasing company's car is skipped, not dead-lettered", async () => {
  stack = await startStack();
  const s = stack;
  const ours = buildFleet(s.company, 2, 2);
  const theirs = buildFleet(newKeyPair(), 2, 2); // CREATE + lease start + lease end each
  await commitFleet(s.ledger, [...theirs, ...ours]);
  const job = await s.startWebJob();
  const theirTransactions = theirs.flatMap((car) => car.transactions).length;
  await waitFor(
    () => allArrived(s.receiver, ours) && job.metrics.eventsSkipped.total() >= theirTransactions,
    30_000,
    'our cars delivered and every one of theirs skipped',
  );
  await new Promise((r) => setTimeout(r, 300));
  expectDeliveredInOrder(s.receiver, ours, 'none'); // also: nothing of theirs arrived
  expect(job.metrics.eventsSkipped.get({ reason: 'untrusted-issuer' })).toBe(theirs.length);
  expect(job.metrics.eventsDeadLettered.total()).toBe(0);
  const letters = await new QueueDeadLetterStore(
    s.storage.deadLetters,
    s.storage.checkpoints,
    { baseMs: 10, maxMs: 10 },
    silentLogger,
  ).receive(32, 1);
  expect(letters).toEqual([]);
});
