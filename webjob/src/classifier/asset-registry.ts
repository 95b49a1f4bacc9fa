// Each car's CREATE decides whether its TRANSFERs are tracked. The registry remembers every
// judgement (bounded LRU) and, on a miss, reads the CREATE from the ledger once, retrying while
// the node's index lags: guessing "untracked" could lose a car's event, so it never guesses.
import { type bigchaindb } from '@lease-premium/events';
import type { LedgerClient } from '../ledger/ledger-client';
import type { Logger } from '../ops/logger';
import { LruMap } from '../util/lru';
import { throwIfAborted } from '../util/aborted';
import { parseLedgerTransaction, outputKey, type LedgerTransaction } from '../verifier/transaction-verifier';
import { judgeCreate, type AssetInfo } from './create-judgement';

export class AssetRegistry {
  private readonly assets: LruMap<string, AssetInfo>;
  private readonly outputs: LruMap<string, bigchaindb.Output>;

  constructor(
    private readonly ledger: LedgerClient,
    private readonly trusted: ReadonlySet<string>,
    private readonly logger: Logger,
    private readonly lagToleranceMs = 30_000,
    capacity = 100_000,
  ) {
    this.assets = new LruMap(capacity);
    this.outputs = new LruMap(capacity);
  }

  remember(assetId: string, info: AssetInfo): void {
    this.assets.set(assetId, info);
  }

  /** Records a tracked transaction's outputs so the TRANSFER spending them can be verified. */
  rememberOutputs(tx: LedgerTransaction): void {
    tx.outputs.forEach((output, index) => this.outputs.set(outputKey(tx.id, index), output));
  }

  async lookup(assetId: string, signal?: AbortSignal): Promise<AssetInfo> {
    const known = this.assets.get(assetId);
    if (known) return known;
    const tx = await this.fetch(assetId, signal);
    const info: AssetInfo = tx.operation === 'CREATE' ? judgeCreate(tx, this.trusted).asset : { tracked: false, reason: 'untracked-asset' };
    this.assets.set(assetId, info);
    if (info.tracked) this.rememberOutputs(tx);
    return info;
  }

  /** The outputs a TRANSFER spends, keyed by outputKey; read from the ledger when not remembered. */
  async spentOutputs(tx: LedgerTransaction, signal?: AbortSignal): Promise<Map<string, bigchaindb.Output>> {
    const result = new Map<string, bigchaindb.Output>();
    for (const input of tx.inputs) {
      if (!input.fulfills) continue;
      const key = outputKey(input.fulfills.transaction_id, input.fulfills.output_index);
      let output = this.outputs.get(key);
      if (!output) {
        const spent = await this.fetch(input.fulfills.transaction_id, signal);
        spent.outputs.forEach((o, index) => this.outputs.set(outputKey(spent.id, index), o));
        output = spent.outputs[input.fulfills.output_index];
      }
      if (output) result.set(key, output);
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
