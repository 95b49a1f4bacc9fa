/** The `id` field of a raw ledger transaction, or "" when it has none (validated later). */
export function transactionIdOf(tx: unknown): string {
  if (typeof tx === 'object' && tx !== null && 'id' in tx && typeof tx.id === 'string') return tx.id;
  return '';
}
