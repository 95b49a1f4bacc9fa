// Where a ledger event sits in the ledger's total order: block height, then index in the block.
import type { OwnershipEvent } from '@lease-premium/events';

export interface LedgerPoint {
  transactionId: string;
  blockHeight: number;
  indexInBlock: number;
}

export function ledgerPointOf(event: OwnershipEvent): LedgerPoint {
  const { transactionId, blockHeight, indexInBlock } = event.data.ledger;
  return { transactionId, blockHeight, indexInBlock };
}

/** True when `a` comes before `b` in the ledger's total order (block height, then index in block). */
export function isBefore(a: LedgerPoint, b: LedgerPoint): boolean {
  return a.blockHeight < b.blockHeight || (a.blockHeight === b.blockHeight && a.indexInBlock < b.indexInBlock);
}
