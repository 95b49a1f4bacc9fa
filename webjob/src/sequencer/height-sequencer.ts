// Turns two unreliable signals (live stream frames, which can be missed, and HTTP probes) into
// one gapless, ordered feed of blocks read over HTTP. Heights are dense and final in BigchainDB
// (GET /blocks/{h} answers every h up to the tip), so reading next, next+1, ... until 404 can
// never skip a transaction; frames only tell us when to read and let us detect what the stream
// dropped (counted, then recovered from the block).
import type { LedgerBlock, LedgerClient } from '../ledger/ledger-client';
import type { StreamFrame } from '../stream/frames';
import type { Logger } from '../ops/logger';
import type { WebJobMetrics } from '../ops/metrics';
import { backoffDelay, type BackoffPolicy } from '../util/backoff';
import { sleep } from '../util/abortable-sleep';
import { AbortedError } from '../util/aborted';
import { WakeSignal } from '../util/signal';
import { rawTransactionId } from '../ledger/ledger-transaction';

export interface HeightSequencerOptions {
  ledger: LedgerClient;
  /** The first height to read (checkpoint + 1). */
  startHeight: number;
  fetchConcurrency: number;
  /** Read ahead no more than about this many transactions (big blocks: fewer blocks in flight). */
  maxPrefetchTransactions: number;
  tipPollMs: number;
  stallTimeoutMs: number;
  /** Backoff while the node lags what its stream announced. */
  lagRetry: BackoffPolicy;
  logger: Logger;
  metrics: WebJobMetrics;
  /** A block was read (maybe ahead of its turn): work on it may start, e.g. signature checks. */
  onBlockRead?: (block: LedgerBlock) => void;
  /** Handles one block; awaited, so a slow consumer holds reading back (bounded memory). */
  onBlock: (block: LedgerBlock) => Promise<void>;
  /** The stream has been silent for stallTimeoutMs while HTTP shows new blocks. */
  onStalled: () => void;
  isStreamConnected: () => boolean;
  now?: () => number;
}

const LATE_FRAME_GRACE_MS = 5_000;
const V1_FRAME_GIVE_UP_MS = 10 * 60_000;

export class HeightSequencer {
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

  /** The next height to be handed out (everything below it has been handed to onBlock). */
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

  noteFrame(frame: StreamFrame): void {
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
  noteReconnected(): void {
    this.probe = true;
    this.wake.notify();
  }

  async run(signal: AbortSignal): Promise<void> {
    const inflight = new Map<number, Promise<LedgerBlock | null>>();
    const fetchAt = (height: number): Promise<LedgerBlock | null> => {
      const p = this.options.ledger.getBlock(height, signal).then((block) => {
        if (block) this.options.onBlockRead?.(block);
        return block;
      });
      p.catch(() => undefined); // observed when awaited; avoids an unhandled rejection if dropped
      return p;
    };
    let lagAttempt = 0;
    while (!signal.aborted) {
      this.sweepUnannounced();
      this.checkStall();
      const byMemory = Math.max(1, Math.floor(this.options.maxPrefetchTransactions / Math.max(1, this.averageBlockSize)));
      const window = Math.min(byMemory, this.probe ? this.probeWindow : this.options.fetchConcurrency);
      const target = this.probe ? this.next + window - 1 : Math.min(this.knownTip, this.next + window - 1);
      for (let h = this.next; h <= target; h++) if (!inflight.has(h)) inflight.set(h, fetchAt(h));
      const pending = inflight.get(this.next);
      if (!pending) {
        await this.wake.wait(this.options.tipPollMs, signal);
        if (!signal.aborted && !this.probe && this.knownTip < this.next) this.probe = true; // idle: poll the tip
        continue;
      }
      let block: LedgerBlock | null;
      try {
        block = await pending;
      } catch (error) {
        if (signal.aborted || error instanceof AbortedError) break;
        inflight.delete(this.next);
        throw error;
      }
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
        const delayMs = backoffDelay(this.options.lagRetry, lagAttempt);
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
        const delayMs = backoffDelay(this.options.lagRetry, lagAttempt);
        this.options.logger.warn('block lacks transactions its stream frames announced; re-reading', { height: this.next, missing: missing.length, delayMs });
        await sleep(delayMs, signal);
        continue;
      }
      lagAttempt = 0;
      this.averageBlockSize = 0.8 * this.averageBlockSize + 0.2 * block.transactions.length;
      if (this.probe) this.probeWindow = Math.min(this.probeWindow * 2, this.options.fetchConcurrency);
      this.noteExists(this.next);
      this.trackAnnouncements(block.height, ids, announced);
      await this.options.onBlock(block);
      this.framesByHeight.delete(this.next);
      this.seenAt.delete(this.next);
      this.next += 1;
    }
    // dropped prefetches end with an AbortedError nobody needs
    for (const p of inflight.values()) p.catch(() => undefined);
  }

  private noteExists(height: number): void {
    if (height > this.knownTip) {
      const at = this.now();
      for (let h = Math.max(this.knownTip + 1, this.next); h <= height && this.seenAt.size < 100_000; h++) this.seenAt.set(h, at);
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
    if (ids.length > 0 && !anyAnnounced && this.options.isStreamConnected()) this.silentSince ??= at;
  }

  /** Transactions whose frames never came within the grace period were missed by the stream. */
  private sweepUnannounced(): void {
    const cutoff = this.now() - LATE_FRAME_GRACE_MS;
    for (const [id, [height, at]] of this.unannounced) {
      if (at > cutoff) break; // insertion order = read order
      this.unannounced.delete(id);
      if (this.liveSince !== undefined && height >= this.liveSince) this.options.metrics.catchupRecovered.inc();
    }
  }

  private checkStall(): void {
    if (this.silentSince !== undefined && this.now() - this.silentSince > this.options.stallTimeoutMs) {
      this.silentSince = undefined;
      this.options.logger.warn('stream stalled: new blocks over HTTP but no frames', { stallTimeoutMs: this.options.stallTimeoutMs });
      this.options.onStalled();
    }
  }

  private dropStaleV1Frames(): void {
    const cutoff = this.now() - V1_FRAME_GIVE_UP_MS;
    for (const [id, at] of this.v1Pending) {
      if (at < cutoff) {
        this.v1Pending.delete(id);
        this.options.logger.warn('v1 frame names a transaction no block contains; giving up on it', { transactionId: id });
      }
    }
  }
}
