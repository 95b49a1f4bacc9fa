// The consensus stand-in: a mempool of accepted transactions that is cut into blocks every `intervalMs`
// (0 = as soon as the event loop is free, so concurrent posts share a block). Each pending transaction is
// re-checked against the chain and the block so far (DeliverTx); losers are dropped, not stored, no event.
import type { ChainStore, CommittedBlock } from './chain-store';
import type { NodeTransactionDict } from './node-transaction';
import {
  spendKey,
  validateAgainstChain,
  type BlockContext,
  type DecodedTransaction,
  type KnownTransaction,
} from './validation';

export interface PendingTransaction {
  decoded: DecodedTransaction;
  dict: NodeTransactionDict;
}

export type Outcome = 'committed' | 'dropped' | 'failed';

export interface BlockSink {
  /** Makes the block durable before anything else sees it (throws if it cannot). */
  persist(height: number, committedAt: number, transactions: NodeTransactionDict[]): void;
  /** Called after the block is queryable. */
  committed(block: CommittedBlock, transactions: readonly NodeTransactionDict[], dropped: number): void;
  /** Persisting failed: the node stops producing blocks. */
  failed(error: Error): void;
}

export interface BlockProducerOptions {
  intervalMs: number;
  /** Commit a block on every interval even with an empty mempool (Tendermint's create_empty_blocks). */
  emptyBlocks: boolean;
}

export class BlockProducer {
  private pending: PendingTransaction[] = [];
  private readonly pendingIds = new Set<string>();
  private readonly waiters = new Map<string, ((outcome: Outcome) => void)[]>();
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private broken: Error | undefined;
  private stopped = false;

  constructor(
    private readonly store: ChainStore,
    private readonly options: BlockProducerOptions,
    private readonly sink: BlockSink,
    private readonly clock: () => number = Date.now,
  ) {}

  start(): void {
    if (this.options.intervalMs > 0) this.timer = setInterval(() => this.tick(), this.options.intervalMs);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    this.settleAll('failed');
  }

  get failure(): Error | undefined {
    return this.broken;
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  /** Tendermint's mempool cache: the same transaction is already waiting. */
  isPending(id: string): boolean {
    return this.pendingIds.has(id);
  }

  submit(tx: PendingTransaction): void {
    this.pending.push(tx);
    this.pendingIds.add(tx.decoded.id);
    if (this.options.intervalMs === 0 && !this.immediate && !this.stopped) {
      this.immediate = setImmediate(() => {
        this.immediate = undefined;
        this.tick();
      });
    }
  }

  /** Resolves when the transaction is committed, dropped at delivery, or the node fails or stops. */
  outcome(id: string): Promise<Outcome> {
    return new Promise((resolve) => {
      const list = this.waiters.get(id);
      if (list) list.push(resolve);
      else this.waiters.set(id, [resolve]);
    });
  }

  private tick(): void {
    if (this.stopped || this.broken) return;
    if (this.pending.length === 0 && !this.options.emptyBlocks) return;
    this.commitBlock();
  }

  /** Delivers every pending transaction into one new block. */
  commitBlock(): void {
    const batch = this.pending;
    this.pending = [];
    this.pendingIds.clear();
    const context: BlockContext = {
      ids: new Set(),
      transactions: new Map<string, KnownTransaction>(),
      spends: new Set(),
    };
    const delivered: NodeTransactionDict[] = [];
    const droppedIds: string[] = [];
    for (const { decoded, dict } of batch) {
      if (validateAgainstChain(decoded, this.store, context, false)) {
        droppedIds.push(decoded.id);
        continue;
      }
      context.ids.add(decoded.id);
      context.transactions.set(decoded.id, {
        operation: decoded.operation,
        assetId: decoded.assetId,
        outputs: decoded.outputs,
      });
      for (const ref of decoded.spends) context.spends.add(spendKey(ref.transaction_id, ref.output_index));
      delivered.push(dict);
    }
    const committedAt = this.clock();
    try {
      this.sink.persist(this.store.height + 1, committedAt, delivered);
    } catch (error) {
      this.broken = error instanceof Error ? error : new Error(String(error));
      for (const { decoded } of batch) this.settle(decoded.id, 'failed');
      this.sink.failed(this.broken);
      return;
    }
    const block = this.store.commit(delivered, committedAt);
    for (const id of droppedIds) this.settle(id, 'dropped');
    for (const tx of delivered) this.settle(tx.id, 'committed');
    this.sink.committed(block, delivered, droppedIds.length);
  }

  private settle(id: string, outcome: Outcome): void {
    const list = this.waiters.get(id);
    if (!list) return;
    this.waiters.delete(id);
    for (const resolve of list) resolve(outcome);
  }

  private settleAll(outcome: Outcome): void {
    for (const id of [...this.waiters.keys()]) this.settle(id, outcome);
  }
}
