// Operator replays: re-deliver a height range, one asset's history, or the dead letters, through
// the same verify -> classify -> map -> deliver path as live consumption, marked replay: true.
// Replays never touch the checkpoint and need no leadership (the receiver deduplicates by id).
import type { WebJobConfig } from '../config';
import { DeliveryDispatcher, deadLetterOfEvent, dispatcherTuning } from '../delivery/delivery-dispatcher';
import type { WebhookSender } from '../delivery/webhook-sender';
import type { DeadLetter, DeadLetterStore, ReceivedDeadLetter } from '../deadletter/dead-letter-store';
import type { LedgerBlock, LedgerClient } from '../ledger/ledger-client';
import type { Logger } from '../ops/logger';
import type { WebJobMetrics } from '../ops/metrics';
import { BlockHandler } from '../pipeline/block-handler';
import { transactionProcessorFor, type TransactionProcessor } from '../pipeline/transaction-processor';
import { rawTransactionId } from '../ledger/ledger-transaction';
import { DEAD_LETTER_TUNING } from '../tuning';
import { AbortedError } from '../util/aborted';

export type ReplayRequest =
  | { kind: 'heights'; from: number; to: number | undefined }
  | { kind: 'asset'; assetId: string }
  | { kind: 'dead-letters' };

export interface ReplaySummary {
  blocks: number;
  transactions: number;
  delivered: number;
  skipped: number;
  deadLettered: number;
  /** --dead-letters: letters removed after their replay settled, and letters kept (nothing to replay). */
  lettersReplayed?: number;
  lettersKept?: number;
}

export interface ReplayDeps {
  config: WebJobConfig;
  ledger: LedgerClient;
  sender: WebhookSender;
  deadLetters: DeadLetterStore;
  logger: Logger;
  metrics: WebJobMetrics;
  signal: AbortSignal;
}

export class Replayer {
  private readonly dispatcher: DeliveryDispatcher;
  private readonly processor: TransactionProcessor;
  private failure: unknown;

  constructor(private readonly deps: ReplayDeps) {
    const { config, ledger, logger, metrics, signal } = deps;
    this.dispatcher = new DeliveryDispatcher({
      sender: deps.sender,
      ...dispatcherTuning(config.webhook),
      logger,
      metrics,
      signal,
      handlers: {
        processAcknowledged: () => undefined,
        processDeadLetter: (item, refusal) => deps.deadLetters.add(deadLetterOfEvent(item, refusal), signal),
        processError: (error) => {
          this.failure = error;
        },
      },
    });
    this.processor = transactionProcessorFor(config, ledger, logger);
  }

  async run(request: ReplayRequest): Promise<ReplaySummary> {
    const summary: ReplaySummary = { blocks: 0, transactions: 0, delivered: 0, skipped: 0, deadLettered: 0 };
    try {
      if (request.kind === 'heights') await this.replayHeights(request.from, request.to, summary);
      else if (request.kind === 'asset') await this.replayAsset(request.assetId, summary);
      else await this.replayDeadLetters(summary);
    } catch (error) {
      if (!(error instanceof AbortedError)) throw error; // settle() says the replay was interrupted
    } finally {
      await this.processor.close();
    }
    await this.settle();
    const { metrics } = this.deps;
    summary.delivered = metrics.eventsDelivered.total();
    summary.skipped = metrics.eventsSkipped.total();
    summary.deadLettered = metrics.eventsDeadLettered.total();
    return summary;
  }

  private async settle(): Promise<void> {
    await this.dispatcher.drained();
    if (this.failure !== undefined)
      throw this.failure instanceof Error ? this.failure : new Error('replay delivery failed', { cause: this.failure });
    if (this.deps.signal.aborted) throw new Error('replay interrupted before every event was acknowledged');
  }

  private async handle(block: LedgerBlock, summary: ReplaySummary, select?: (raw: unknown) => boolean): Promise<void> {
    const { config, deadLetters, metrics, signal } = this.deps;
    const handler = new BlockHandler({
      processor: this.processor,
      dispatcher: this.dispatcher,
      deadLetters,
      metrics,
      replay: true,
      maxPendingEvents: config.maxPendingEvents,
      ...(select ? { select } : {}),
    });
    await handler.processBlock(block, undefined, signal);
    summary.blocks += 1;
    summary.transactions += select ? block.transactions.filter(select).length : block.transactions.length;
  }

  private async replayHeights(from: number, to: number | undefined, summary: ReplaySummary): Promise<void> {
    for (let height = from; to === undefined || height <= to; height++) {
      const block = await this.deps.ledger.getBlock(height, this.deps.signal);
      if (!block) {
        if (to !== undefined)
          throw new Error(`block ${height} does not exist (the ledger tip is lower than --to-height ${to})`);
        break;
      }
      await this.handle(block, summary);
    }
  }

  private async replayAsset(assetId: string, summary: ReplaySummary): Promise<void> {
    const txs = await this.deps.ledger.assetTransactions(assetId, this.deps.signal);
    if (txs.length === 0) throw new Error(`the ledger has no transactions for asset ${assetId}`);
    const byHeight = new Map<number, Set<string>>();
    for (const tx of txs) {
      const id = rawTransactionId(tx);
      for (const height of await this.deps.ledger.blockHeightsOf(id, this.deps.signal)) {
        byHeight.set(height, (byHeight.get(height) ?? new Set()).add(id));
      }
    }
    for (const height of [...byHeight.keys()].sort((a, b) => a - b)) {
      const ids = byHeight.get(height)!;
      const block = await this.deps.ledger.getBlock(height, this.deps.signal);
      if (block) await this.handle(block, summary, (raw) => ids.has(rawTransactionId(raw)));
    }
  }

  private async replayDeadLetters(summary: ReplaySummary): Promise<void> {
    // Take every letter out of sight first, so letters re-stored by this replay are not picked up again.
    const taken: ReceivedDeadLetter[] = [];
    for (;;) {
      const batch = await this.deps.deadLetters.receive(32, DEAD_LETTER_TUNING.replayHideSeconds);
      if (batch.length === 0) break;
      taken.push(...batch);
    }
    const replayable: Array<{ received: ReceivedDeadLetter; letter: DeadLetter }> = [];
    let kept = 0;
    for (const received of taken) {
      if (received.letter && received.letter.transactionId !== '')
        replayable.push({ received, letter: received.letter });
      else kept += 1; // nothing to rebuild it from; it reappears in the queue after the hide period
    }
    replayable.sort(
      (a, b) => a.letter.blockHeight - b.letter.blockHeight || a.letter.indexInBlock - b.letter.indexInBlock,
    );
    const heights = [...new Set(replayable.map((r) => r.letter.blockHeight))];
    for (const height of heights) {
      const ids = new Set(replayable.filter((r) => r.letter.blockHeight === height).map((r) => r.letter.transactionId));
      const block = await this.deps.ledger.getBlock(height, this.deps.signal);
      if (block) await this.handle(block, summary, (raw) => ids.has(rawTransactionId(raw)));
    }
    await this.settle();
    // Settled means acknowledged or re-dead-lettered: either way the old letter is done.
    for (const { received } of replayable) await received.remove();
    summary.lettersReplayed = replayable.length;
    summary.lettersKept = kept;
  }
}
