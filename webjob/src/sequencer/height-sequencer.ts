// Turns two unreliable signals (live stream frames, which can be missed, and HTTP probes) into
// one gapless, ordered feed of blocks read over HTTP. Heights are dense and final in BigchainDB
// (GET /blocks/{h} answers every h up to the tip), so reading next, next+1, ... until 404 can
// never skip a transaction; frames only tell us when to read and let us detect what the stream
// dropped (counted, then recovered from the block).
import type { LedgerBlock, LedgerClient } from '../ledger/ledger-client';
import type { StreamFrame } from '../stream/frames';
import type { StreamClient, StreamHandlers, StreamState } from '../stream/stream-client';
import type { Logger } from '../ops/logger';
import type { WebJobMetrics } from '../ops/metrics';
import { LEDGER_TUNING } from '../tuning';
import { AbortedError } from '../util/aborted';
import { backoffDelay, sleep, type BackoffPolicy } from '../util/retry';
import { WakeSignal } from '../util/signal';
import { rawTransactionId } from '../ledger/ledger-transaction';

/** What the sequencer drives: the block handler, in the WebJob. */
export interface BlockHandlers {
  /** A block was read, maybe ahead of its turn: work on it may start (signature checks). */
  processBlockRead?(block: LedgerBlock): void;
  /**
   * The next block in height order, once. Awaited, so a slow handler holds reading back (bounded
   * memory). `firstSeenAt`: when the block was first known to exist (a frame or a tip probe).
   */
  processBlock(block: LedgerBlock, firstSeenAt: number | undefined, signal: AbortSignal): Promise<void>;
}

/** What the sequencer needs of the stream: whether it is connected, and a way to drop a stalled connection. */
export type StreamControl = Pick<StreamClient, 'currentState' | 'forceReconnect'>;

export interface HeightSequencerOptions {
  ledger: LedgerClient;
  /** The first height to read (checkpoint + 1). */
  startHeight: number;
  fetchConcurrency: number;
  /** Read ahead no more than about this many transactions (big blocks: fewer blocks in flight). */
  maxPrefetchTransactions: number;
  tipPollMs: number;
  stallTimeoutMs: number;
  /** Backoff while the node lags what its stream announced (default LEDGER_TUNING.indexLagRetry). */
  lagRetry?: BackoffPolicy;
  logger: Logger;
  metrics: WebJobMetrics;
  /** Reconnected when it stays silent for stallTimeoutMs while HTTP shows new blocks. */
  stream: StreamControl;
  /** Where each block goes, in height order. */
  blocks: BlockHandlers;
  now?: () => number;
}

/**
 * Implements the stream's handlers: frames and reconnects only say when to read (and what a block
 * must contain); blocks are read over HTTP and handed to `blocks` in height order.
 */
export class HeightSequencer implements StreamHandlers {
  private next: number;
  private knownTip: number;
  private probe = true;
  private probeWindow = 1;
  private readonly wake = new WakeSignal();
  private readonly framesByHeight = new Map<number, Set<string>>();
  /** v1 frames carry no height: their tx ids wait here until a block containing them is read. */
  private readonly v1Pending = new Map<string, number>();
  /** Transactions read from blocks that no frame has (yet) announced: id -> [height, readAt]. */
  private readonly unannounced = new Map<string, [number, number]>();
  /** Height of the first announced block: lower heights are backlog, not stream losses. */
  private liveSince: number | undefined;
  private silentSince: number | undefined;
  private seenAt = new Map<number, number>();
  /** Moving average of transactions per block, to bound read-ahead memory. */
  private averageBlockSize = 1;
  private readonly now: () => number;

  constructor(private readonly options: HeightSequencerOptions) {
    this.next = options.startHeight;
    this.knownTip = options.startHeight - 1;
    this.now = options.now ?? Date.now;
    // The checkpointed height exists: report it at once, so lag is never negative after a restart.
    if (this.knownTip >= 0) options.metrics.lastSeenHeight.set(this.knownTip);
  }

  /** The next height to be handed out (everything below it has been handed to processBlock). */
  get nextHeight(): number {
    return this.next;
  }

  get highestKnownHeight(): number {
    return this.knownTip;
  }

  /** When the oldest height not yet handed out was first known to exist (for lag in seconds). */
  firstSeenAt(height: number): number | undefined {
    return this.seenAt.get(height);
  }

  processFrame(frame: StreamFrame): void {
    this.silentSince = undefined;
    if (frame.format === 'v2') {
      this.noteExists(frame.height);
      if (this.unannounced.delete(frame.transactionId)) return; // late frame of a block already read
      if (frame.height < this.next) return;
      let ids = this.framesByHeight.get(frame.height);
      if (!ids) this.framesByHeight.set(frame.height, (ids = new Set()));
      ids.add(frame.transactionId);
      this.liveSince ??= frame.height;
    } else {
      if (this.unannounced.delete(frame.transactionId)) return;
      this.v1Pending.set(frame.transactionId, this.now());
      this.probe = true;
    }
    this.wake.notify();
  }

  /** After every (re)connect, anything may have been missed: read up to the tip. */
  processStateChange(state: StreamState): void {
    if (state !== 'connected') return;
    this.probe = true;
    this.wake.notify();
  }

  /** Reads and hands out blocks until `signal` aborts (then it resolves); throws on a failure. */
  async run(signal: AbortSignal): Promise<void> {
    const inflight = new Map<number, Promise<LedgerBlock | null>>();
    try {
      await this.read(signal, inflight);
    } catch (error) {
      if (!signal.aborted && !(error instanceof AbortedError)) throw error;
    } finally {
      // dropped prefetches end with an AbortedError nobody needs
      for (const p of inflight.values()) p.catch(() => undefined);
    }
  }

  private async read(signal: AbortSignal, inflight: Map<number, Promise<LedgerBlock | null>>): Promise<void> {
    const { blocks } = this.options;
    const lagRetry = this.options.lagRetry ?? LEDGER_TUNING.indexLagRetry;
    const fetchAt = (height: number): Promise<LedgerBlock | null> => {
      const p = this.options.ledger.getBlock(height, signal).then((block) => {
        if (block) blocks.processBlockRead?.(block);
        return block;
      });
      p.catch(() => undefined); // observed when awaited; avoids an unhandled rejection if dropped
      return p;
    };
    let lagAttempt = 0;
    while (!signal.aborted) {
      this.sweepUnannounced();
      this.checkStall();
      const byMemory = Math.max(
        1,
        Math.floor(this.options.maxPrefetchTransactions / Math.max(1, this.averageBlockSize)),
      );
      const window = Math.min(byMemory, this.probe ? this.probeWindow : this.options.fetchConcurrency);
      const target = this.probe ? this.next + window - 1 : Math.min(this.knownTip, this.next + window - 1);
      for (let h = this.next; h <= target; h++) if (!inflight.has(h)) inflight.set(h, fetchAt(h));
      const pending = inflight.get(this.next);
      if (!pending) {
        await this.wake.wait(this.options.tipPollMs, signal);
        if (!this.probe && this.knownTip < this.next) this.probe = true; // idle: poll the tip
        continue;
      }
      const block = await pending;
      inflight.delete(this.next);
      if (block === null) {
        const expected = this.next <= this.knownTip || this.v1Pending.size > 0;
        for (const h of [...inflight.keys()]) if (h > this.next) inflight.delete(h);
        this.probeWindow = 1;
        if (!expected) {
          this.probe = false;
          lagAttempt = 0;
          continue;
        }
        this.dropStaleV1Frames();
        lagAttempt += 1;
        this.options.metrics.ledgerRetries.inc(1, { reason: 'index-lag' });
        const delayMs = backoffDelay(lagRetry, lagAttempt);
        this.options.logger.debug('block announced but not readable yet; retrying', { height: this.next, delayMs });
        await sleep(delayMs, signal);
        continue;
      }
      const ids = block.transactions.map(rawTransactionId);
      const announced = this.framesByHeight.get(this.next);
      const missing = announced ? [...announced].filter((id) => !ids.includes(id)) : [];
      if (missing.length > 0) {
        lagAttempt += 1;
        this.options.metrics.ledgerRetries.inc(1, { reason: 'index-lag' });
        const delayMs = backoffDelay(lagRetry, lagAttempt);
        this.options.logger.warn('block lacks transactions its stream frames announced; re-reading', {
          height: this.next,
          missing: missing.length,
          delayMs,
        });
        await sleep(delayMs, signal);
        continue;
      }
      lagAttempt = 0;
      this.averageBlockSize = 0.8 * this.averageBlockSize + 0.2 * block.transactions.length;
      if (this.probe) this.probeWindow = Math.min(this.probeWindow * 2, this.options.fetchConcurrency);
      this.noteExists(this.next);
      this.trackAnnouncements(block.height, ids, announced);
      await blocks.processBlock(block, this.seenAt.get(this.next), signal);
      this.framesByHeight.delete(this.next);
      this.seenAt.delete(this.next);
      this.next += 1;
    }
  }

  private noteExists(height: number): void {
    if (height > this.knownTip) {
      const at = this.now();
      for (
        let h = Math.max(this.knownTip + 1, this.next);
        h <= height && this.seenAt.size < LEDGER_TUNING.maxSeenHeights;
        h++
      )
        this.seenAt.set(h, at);
      this.knownTip = height;
      this.options.metrics.lastSeenHeight.set(height);
    }
  }

  private trackAnnouncements(height: number, ids: string[], announced: Set<string> | undefined): void {
    const at = this.now();
    let anyAnnounced = false;
    for (const id of ids) {
      if (announced?.has(id)) {
        anyAnnounced = true;
        continue;
      }
      if (this.v1Pending.delete(id)) {
        anyAnnounced = true;
        this.liveSince ??= height;
        continue;
      }
      this.unannounced.set(id, [height, at]);
    }
    if (ids.length > 0 && !anyAnnounced && this.options.stream.currentState === 'connected') this.silentSince ??= at;
  }

  /** Transactions whose frames never came within the grace period were missed by the stream. */
  private sweepUnannounced(): void {
    const cutoff = this.now() - LEDGER_TUNING.lateFrameGraceMs;
    for (const [id, [height, at]] of this.unannounced) {
      if (at > cutoff) break; // insertion order = read order
      this.unannounced.delete(id);
      if (this.liveSince !== undefined && height >= this.liveSince) this.options.metrics.catchupRecovered.inc();
    }
  }

  private checkStall(): void {
    if (this.silentSince !== undefined && this.now() - this.silentSince > this.options.stallTimeoutMs) {
      this.silentSince = undefined;
      this.options.logger.warn('stream stalled: new blocks over HTTP but no frames', {
        stallTimeoutMs: this.options.stallTimeoutMs,
      });
      this.options.stream.forceReconnect('stream stalled');
    }
  }

  private dropStaleV1Frames(): void {
    const cutoff = this.now() - LEDGER_TUNING.v1FrameGiveUpMs;
    for (const [id, at] of this.v1Pending) {
      if (at < cutoff) {
        this.v1Pending.delete(id);
        this.options.logger.warn('v1 frame names a transaction no block contains; giving up on it', {
          transactionId: id,
        });
      }
    }
  }
}
