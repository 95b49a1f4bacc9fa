// Each car's CREATE decides whether its TRANSFERs are tracked. The registry remembers every
// judgement (bounded LRU) and, on a miss, reads the CREATE from the ledger once, retrying while
// the node's index lags: guessing "untracked" could lose a car's event, so it never guesses.
// For tracked cars it also keeps the output conditions of the car's latest transaction: the next
// TRANSFER spends them, and its fulfillment is checked against them (memory: a few strings per car).
import type { LedgerClient } from '../ledger/ledger-client';
import type { Logger } from '../ops/logger';
import { LruMap } from '../util/lru';
import { throwIfAborted } from '../util/aborted';
import { parseLedgerTransaction, outputKey, type LedgerTransaction } from '../verifier/transaction-verifier';
import { judgeCreate, type AssetInfo } from './create-judgement';

export class AssetRegistry {
  private readonly assets: LruMap<string, AssetInfo>;
  /** asset id -> its latest tracked transaction's id and output condition URIs. */
  private readonly latest: LruMap<string, { transactionId: string; conditionUris: string[] }>;

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
    this.latest.set(assetId, { transactionId: tx.id, conditionUris: tx.outputs.map((o) => o.condition.uri) });
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

  /** Condition URIs of the outputs a TRANSFER spends, keyed by outputKey; read from the ledger when not remembered. */
  async spentConditions(assetId: string, tx: LedgerTransaction, signal?: AbortSignal): Promise<Map<string, string>> {
    const result = new Map<string, string>();
    const latest = this.latest.get(assetId);
    for (const input of tx.inputs) {
      if (!input.fulfills) continue;
      const { transaction_id: spentId, output_index: index } = input.fulfills;
      const uris = latest?.transactionId === spentId ? latest.conditionUris : (await this.fetch(spentId, signal)).outputs.map((o) => o.condition.uri);
      const uri = uris[index];
      if (uri !== undefined) result.set(outputKey(spentId, index), uri);
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
