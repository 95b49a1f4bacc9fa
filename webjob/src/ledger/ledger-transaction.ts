// A ledger transaction as the WebJob handles it: a BigchainDB v2.0 transaction with its id, parsed
// from the raw JSON a block carries. One module for its type, parsing, its id and its output keys.
import type { Result } from '@lease-premium/events';
import * as bigchaindb from '@lease-premium/bigchaindb';

export type LedgerTransaction = bigchaindb.Transaction & { id: string };

export type Checked<T> = Result<T, { reason: string }>;

/** The raw JSON as a v2.0 transaction (the node validated it; a failure here means corruption). */
export function parseLedgerTransaction(raw: unknown): Checked<LedgerTransaction> {
  const parsed = bigchaindb.Transaction.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return {
      ok: false,
      reason: `not a valid v2.0 transaction: ${first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'schema mismatch'}`,
    };
  }
  if (parsed.data.id === null) return { ok: false, reason: 'not a valid v2.0 transaction: id is null' };
  return { ok: true, value: parsed.data as LedgerTransaction };
}

/** The `id` field of a raw, not yet parsed transaction, or "" when it has none. */
export function rawTransactionId(raw: unknown): string {
  if (typeof raw === 'object' && raw !== null && 'id' in raw && typeof raw.id === 'string') return raw.id;
  return '';
}

/** How an output is named where it is spent: the transaction that created it and its index. */
export function outputKey(transactionId: string, outputIndex: number): string {
  return `${transactionId}:${outputIndex}`;
}
