// Turns built transactions into the events the WebJob would deliver, through the real processor.
import type { OwnershipEvent } from '@lease-premium/events';
import { AssetRegistry } from '../../src/classifier/asset-registry';
import { LedgerClient } from '../../src/ledger/ledger-client';
import { silentLogger } from '../../src/ops/logger';
import { TransactionProcessor } from '../../src/pipeline/transaction-processor';
import { VerificationPool } from '../../src/verifier/verification-pool';
import type { SignedTransaction } from '../../../devstack/src/demo/lease-ledger';

export const TEST_SECRETS = [
  'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  'whsec_dGVzdC1zZWNyZXQtdHdvLTMyLWJ5dGVzLWxvbmchIQ==',
];

/** Maps transactions (each CREATE before its TRANSFERs) to events, one block per transaction. */
export async function eventsFor(trusted: string[], txs: SignedTransaction[]): Promise<OwnershipEvent[]> {
  const ledger = new LedgerClient({
    apiUrl: 'http://127.0.0.1:9/api/v1/',
    requestTimeoutMs: 100,
    retry: { baseMs: 1, maxMs: 1 },
    logger: silentLogger,
  });
  const registry = new AssetRegistry(ledger, new Set(trusted), silentLogger, 1_000);
  const processor = new TransactionProcessor({
    registry,
    trusted: new Set(trusted),
    source: 'bigchaindb://test',
    verification: new VerificationPool(new Set(trusted), 0),
  });
  const events: OwnershipEvent[] = [];
  for (const [height, tx] of txs.entries()) {
    const outcome = await processor.process(
      JSON.parse(JSON.stringify(tx)),
      { blockHeight: height + 1, indexInBlock: 0 },
      false,
    );
    if (outcome.kind !== 'event')
      throw new Error(`expected an event for ${tx.id}, got ${JSON.stringify(outcome).slice(0, 300)}`);
    events.push(outcome.event);
  }
  return events;
}
