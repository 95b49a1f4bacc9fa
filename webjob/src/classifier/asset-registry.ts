// Each car's CREATE decides whether its TRANSFERs are tracked. The registry remembers every
// judgement (bounded LRU) and, on a miss, reads the CREATE from the ledger once, retrying while
// the node's index lags: guessing "untracked" could lose a car's event, so it never guesses.
// For tracked cars it also keeps the outputs of the car's latest transaction: the next TRANSFER
// spends them, and its fulfillment is checked against their conditions (memory: one per car).
import { type bigchaindb } from '@lease-premium/events';
import type { LedgerClient } from '../ledger/ledger-client';
import type { Logger } from '../ops/logger';
import { LruMap } from '../util/lru';
import { throwIfAborted } from '../util/aborted';
import { parseLedgerTransaction, outputKey, type LedgerTransaction } from '../verifier/transaction-verifier';
import { judgeCreate, type AssetInfo } from './create-judgement';

export class AssetRegistry {
  private readonly assets: LruMap<string, AssetInfo>;
  /** asset id -> its latest tracked transaction's id and outputs. */
  private readonly latest: LruMap<string, { transactionId: string; outputs: bigchaindb.Output[] }>;

  constructor(
    private readonly ledger: LedgerClient,
    private readonly trusted: ReadonlySet<string>,
    private readonly logger: Logger,
    capacity: number,
    private readonly lagToleranceMs = 30_000,
  ) {
    this.assets = new LruMap(capacity);
    this.latest = new LruMap(capacity);
  }

  remember(assetId: string, info: AssetInfo): void {
    this.assets.set(assetId, info);
  }

  /** Records a tracked transaction's outputs so the TRANSFER spending them can be verified. */
  rememberOutputs(assetId: string, tx: LedgerTransaction): void {
    this.latest.set(assetId, { transactionId: tx.id, outputs: tx.outputs });
  }

  async lookup(assetId: string, signal?: AbortSignal): Promise<AssetInfo> {
    const known = this.assets.get(assetId);
    if (known) return known;
    const tx = await this.fetch(assetId, signal);
    const info: AssetInfo = tx.operation === 'CREATE' ? judgeCreate(tx, this.trusted).asset : { tracked: false, reason: 'untracked-asset' };
    this.assets.set(assetId, info);
    if (info.tracked) this.rememberOutputs(assetId, tx);
    return info;
  }

  /** The outputs a TRANSFER spends, keyed by outputKey; read from the ledger when not remembered. */
  async spentOutputs(assetId: string, tx: LedgerTransaction, signal?: AbortSignal): Promise<Map<string, bigchaindb.Output>> {
    const result = new Map<string, bigchaindb.Output>();
    const latest = this.latest.get(assetId);
    for (const input of tx.inputs) {
      if (!input.fulfills) continue;
      const { transaction_id: spentId, output_index: index } = input.fulfills;
      const outputs = latest?.transactionId === spentId ? latest.outputs : (await this.fetch(spentId, signal)).outputs;
      const output = outputs[index];
      if (output) result.set(outputKey(spentId, index), output);
    }
    return result;
  }

  private async fetch(id: string, signal?: AbortSignal): Promise<LedgerTransaction> {
    for (;;) {
      const raw = await this.ledger.getTransaction(id, this.lagToleranceMs, signal);
      throwIfAborted(signal);
      if (raw !== null) {
        const parsed = parseLedgerTransaction(raw);
        if (parsed.ok && parsed.value.id === id) return parsed.value;
        throw new Error(`ledger returned an invalid transaction for ${id}: ${parsed.ok ? 'id mismatch' : parsed.reason}`);
      }
      this.logger.error('a transaction the ledger references cannot be read; still retrying', { transactionId: id, waitedMs: this.lagToleranceMs });
    }
  }
}
