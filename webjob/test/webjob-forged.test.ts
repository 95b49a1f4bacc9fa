// Transactions a compromised or buggy node could serve: a TRANSFER signed by someone who does not
// own the output, a signature over other content (id recomputed to match), and a body that does
// not hash to its id. They are written straight into the node's chain log (the node would refuse
// them over POST) and must be dead-lettered with the reason, never delivered.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Transaction, type TransactionUnspentOutput } from 'bigchaindb-driver';
import * as bigchaindb from '@lease-premium/bigchaindb';
import { LEASE_SCHEMA_TAG } from '@lease-premium/events';
import { ChainLog } from '../../devstack/src/ledger/chain-log';
import type { NodeTransactionDict } from '../../devstack/src/ledger/node-transaction';
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

const lease = {
  schema: LEASE_SCHEMA_TAG,
  action: 'transfer',
  leaseId: 'STOLEN-1',
  startDate: '2026-01-01',
  endDate: '2027-01-01',
  annualMileageKm: 10_000,
  usage: 'pleasure',
};

test('forged signatures and a wrong id hash are dead-lettered with the reason; genuine events still flow', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ledger-forged-'));
  stack = await startStack({ dataDir });
  const first = stack;
  const cars = buildFleet(first.company, 3, 1);
  await commitFleet(first.ledger, cars);
  await first.stop(); // ledger and receiver; the chain log stays

  const attacker = newKeyPair();
  const spend = (carIndex: number) => [
    { tx: cars[carIndex]!.transactions[1] as unknown as TransactionUnspentOutput['tx'], output_index: 0 },
  ];
  const output = [Transaction.makeOutput(Transaction.makeEd25519Condition(attacker.publicKey))];
  // 1. signed by the attacker, not by the lessee who owns the output
  const stolen = Transaction.signTransaction(
    Transaction.makeTransferTransaction(spend(0), output, { ...lease }),
    attacker.privateKey,
  );
  // 2. a genuine-looking signature over different content; the id is recomputed so it hashes right
  const resigned = Transaction.signTransaction(
    Transaction.makeTransferTransaction(spend(1), output, { ...lease }),
    attacker.privateKey,
  );
  const altered = JSON.parse(JSON.stringify(resigned)) as typeof resigned;
  (altered.metadata as { leaseId: string }).leaseId = 'STOLEN-2';
  altered.id = bigchaindb.computeTransactionId(altered as unknown as bigchaindb.Transaction);
  // 3. content changed after signing, id left alone: the hash no longer matches
  const tampered = JSON.parse(
    JSON.stringify(
      Transaction.signTransaction(
        Transaction.makeTransferTransaction(spend(2), output, { ...lease }),
        attacker.privateKey,
      ),
    ),
  ) as typeof resigned;
  (tampered.metadata as { leaseId: string }).leaseId = 'STOLEN-3';

  const { log, records } = ChainLog.open(dataDir);
  let height = records.length;
  for (const tx of [stolen, altered, tampered])
    log.append({ height: ++height, committedAt: Date.now(), transactions: [tx as unknown as NodeTransactionDict] });
  log.close();

  // the node restarts from its log, now serving the forged blocks
  stack = await startStack({ dataDir });
  const s = stack;
  expect(s.ledger.height()).toBe(height);
  const job = await s.startWebJob({ LEASING_COMPANY_PUBLIC_KEYS: first.company.publicKey });
  await waitFor(
    () => allArrived(s.receiver, cars) && job.metrics.eventsDeadLettered.total() === 3,
    30_000,
    'genuine events and three refusals',
  );
  await new Promise((r) => setTimeout(r, 300));
  expectDeliveredInOrder(s.receiver, cars, 'none');
  const letters = (
    await new QueueDeadLetterStore(
      s.storage.deadLetters,
      s.storage.checkpoints,
      { baseMs: 10, maxMs: 10 },
      silentLogger,
    ).receive(32, 1)
  ).map((r) => r.letter!);
  expect(letters.map((l) => [l.transactionId, l.kind, l.reason.split(':')[0]])).toEqual([
    [stolen.id, 'verification-failed', 'InvalidSignature'],
    [altered.id, 'verification-failed', 'InvalidSignature'],
    [tampered.id, 'verification-failed', 'InvalidHash'],
  ]);
  expect(letters.every((l) => (l.payload as { id: string }).id === l.transactionId)).toBe(true);
});
