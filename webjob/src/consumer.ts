// One leadership term of live consumption: checkpoint -> sequencer (stream + HTTP blocks) ->
// processor -> delivery lanes -> height tracker -> checkpoint. Stopping has two stages: intake
// stops first (no new blocks), then deliveries get a grace period before they are cut off.
import type { WebJobConfig } from './config';
import type { CheckpointStore } from './checkpoint/checkpoint-store';
import { CheckpointConflictError } from './checkpoint/checkpoint-store';
import { HeightTracker } from './checkpoint/height-tracker';
import type { DeadLetterStore } from './deadletter/dead-letter-store';
import { DeliveryDispatcher, deadLetterOfEvent, dispatcherTuning } from './delivery/delivery-dispatcher';
import type { WebhookSender } from './delivery/webhook-sender';
import type { LedgerClient } from './ledger/ledger-client';
import type { Logger } from './ops/logger';
import type { WebJobMetrics } from './ops/metrics';
import { BlockHandler } from './pipeline/block-handler';
import { transactionProcessorFor } from './pipeline/transaction-processor';
import { HeightSequencer } from './sequencer/height-sequencer';
import { StreamClient, type StreamState } from './stream/stream-client';
import { AbortedError } from './util/aborted';
import { untilAborted } from './util/abort-race';
import { sleep } from './util/abortable-sleep';

export interface ConsumerDeps {
  config: WebJobConfig;
  logger: Logger;
  metrics: WebJobMetrics;
  ledger: LedgerClient;
  checkpoints: CheckpointStore;
  deadLetters: DeadLetterStore;
  sender: WebhookSender;
}

export interface ConsumerStatus {
  stream: StreamState;
  nextHeight: number | undefined;
  checkpoint: number | undefined;
  /** Seconds the checkpoint has not advanced while events are pending (0 otherwise). */
  stalledSeconds: number;
}

export class Consumer {
  private stream: StreamClient | undefined;
  private sequencer: HeightSequencer | undefined;
  private tracker: HeightTracker | undefined;
  private saved: number | undefined;
  /** The tracker's completed height when last looked at, and when it last moved. */
  private progress = { height: -1, advancedAt: Date.now() };

  constructor(private readonly deps: ConsumerDeps) {}

  status(): ConsumerStatus {
    return { stream: this.stream?.currentState ?? 'idle', nextHeight: this.sequencer?.nextHeight, checkpoint: this.saved, stalledSeconds: this.stalledSeconds() };
  }

  /**
   * How long the checkpoint has been held back: since it last advanced or since the oldest pending
   * event's block was seen, whichever is later (a stream idle for an hour is no stall).
   */
  private stalledSeconds(now = Date.now()): number {
    const tracker = this.tracker;
    if (!tracker) return 0;
    if (tracker.completedHeight !== this.progress.height) this.progress = { height: tracker.completedHeight, advancedAt: now };
    const pendingSince = tracker.oldestOpenSince;
    return pendingSince === undefined ? 0 : Math.max(0, (now - Math.max(this.progress.advancedAt, pendingSince)) / 1000);
  }

  /**
   * Consumes until `intake` aborts (graceful: drain within the grace period, store the checkpoint)
   * or `leadership` aborts (immediate: nothing more is delivered or stored). Throws on failures.
   */
  async run(leadership: AbortSignal, intake: AbortSignal): Promise<void> {
    const { config, logger, metrics, ledger, checkpoints } = this.deps;
    const startHeight = await this.startHeight(leadership);
    logger.info('consumption starting', { startHeight, checkpoint: this.saved ?? null });

    const tracker = (this.tracker = new HeightTracker(startHeight));
    const delivery = new AbortController();
    const stopDelivery = (): void => delivery.abort();
    leadership.addEventListener('abort', stopDelivery, { once: true });
    let fatal: unknown;
    const failed = new AbortController();
    const fail = (error: unknown): void => {
      if (fatal === undefined) fatal = error;
      failed.abort();
      delivery.abort();
    };

    const dispatcher = new DeliveryDispatcher({
      sender: this.deps.sender,
      ...dispatcherTuning(config.webhook),
      logger,
      metrics,
      signal: delivery.signal,
      onFatal: fail,
      hooks: {
        onAcknowledged: (item) => tracker.settle(item.blockHeight),
        onDeadLetter: async (item, refusal) => {
          await this.deps.deadLetters.add(deadLetterOfEvent(item, refusal), delivery.signal);
          tracker.settle(item.blockHeight);
        },
      },
    });
    const processor = transactionProcessorFor(config, ledger, logger);
    const handler = new BlockHandler({ processor, dispatcher, deadLetters: this.deps.deadLetters, metrics, replay: false, tracker });

    const reading = AbortSignal.any([intake, leadership, failed.signal]);
    const stream = (this.stream = new StreamClient({
      resolveUrl: async () => config.ledger.wsUrl ?? (await ledger.discoverStreamsUrl(reading)),
      pingIntervalMs: config.ledger.pingIntervalMs,
      pingTimeoutMs: config.ledger.pingTimeoutMs,
      reconnect: { baseMs: config.ledger.reconnectBaseMs, maxMs: config.ledger.reconnectMaxMs },
      logger: logger.child({ component: 'stream' }),
      metrics,
      onFrame: (frame) => sequencer.noteFrame(frame),
      onStateChange: (state) => {
        if (state === 'connected') sequencer.noteReconnected();
      },
    }));
    const sequencer = (this.sequencer = new HeightSequencer({
      ledger,
      startHeight,
      fetchConcurrency: config.ledger.fetchConcurrency,
      maxPrefetchTransactions: config.maxPendingEvents,
      tipPollMs: config.ledger.tipPollMs,
      stallTimeoutMs: config.ledger.stallTimeoutMs,
      lagRetry: { baseMs: 50, maxMs: 2_000 },
      logger: logger.child({ component: 'sequencer' }),
      metrics,
      isStreamConnected: () => stream.currentState === 'connected',
      onStalled: () => stream.forceReconnect('stream stalled'),
      onBlockRead: (block) => processor.prime(block.transactions),
      onBlock: async (block) => {
        await untilAborted(dispatcher.whenBelow(config.maxPendingEvents), reading);
        await handler.handle(block, reading, sequencer.firstSeenAt(block.height));
      },
    }));

    // Periodic checkpoint + lag gauges.
    let flushing: Promise<void> = Promise.resolve();
    const flush = (): Promise<void> =>
      (flushing = flushing.then(async () => {
        this.updateGauges();
        if (leadership.aborted || fatal !== undefined) return;
        const height = tracker.completedHeight;
        if (this.saved !== undefined && height <= this.saved) return;
        try {
          await checkpoints.save(height);
          this.saved = height;
          metrics.checkpointWrites.inc();
          logger.debug('checkpoint stored', { height });
        } catch (error) {
          if (error instanceof CheckpointConflictError) fail(error);
          else logger.warn('checkpoint write failed; will retry', { height, error });
        }
      }));
    const flusher = setInterval(() => void flush(), config.checkpointIntervalMs);

    stream.start();
    const sequencing = sequencer.run(reading).catch((error: unknown) => {
      if (!(error instanceof AbortedError) && !reading.aborted) fail(error);
    });
    try {
      await new Promise<void>((resolve) => {
        if (reading.aborted) resolve();
        reading.addEventListener('abort', () => resolve(), { once: true });
      });
      await stream.stop();
      await sequencing;
      if (!leadership.aborted && fatal === undefined) {
        logger.info('intake stopped; finishing deliveries in flight', { pending: dispatcher.pending, graceMs: config.shutdown.graceMs });
        await Promise.race([dispatcher.drained(), sleep(config.shutdown.graceMs, AbortSignal.any([leadership, failed.signal]))]);
        if (dispatcher.pending > 0) logger.warn('grace period over: undelivered events will be redelivered after restart', { pending: dispatcher.pending });
      }
      delivery.abort();
      clearInterval(flusher);
      await flush();
      logger.info('consumption stopped', { checkpoint: this.saved ?? null, reason: leadership.aborted ? 'leadership lost' : fatal !== undefined ? 'failure' : 'shutdown' });
    } finally {
      clearInterval(flusher);
      delivery.abort();
      leadership.removeEventListener('abort', stopDelivery);
      await stream.stop();
      await processor.close();
    }
    if (fatal !== undefined) throw fatal instanceof Error ? fatal : new Error('consumer failed', { cause: fatal });
  }

  private updateGauges(): void {
    const { metrics } = this.deps;
    const tracker = this.tracker;
    const sequencer = this.sequencer;
    if (!tracker || !sequencer) return;
    const delivered = tracker.completedHeight;
    metrics.lastDeliveredHeight.set(delivered);
    metrics.lagBlocks.set(Math.max(0, sequencer.highestKnownHeight - delivered));
    const now = Date.now();
    const oldestPending = tracker.oldestOpenSince;
    const since = oldestPending ?? (sequencer.highestKnownHeight > delivered ? sequencer.firstSeenAt(delivered + 1) : undefined);
    metrics.lagSeconds.set(since === undefined ? 0 : Math.max(0, (now - since) / 1000));
    metrics.oldestPendingEventAge.set(oldestPending === undefined ? 0 : Math.max(0, (now - oldestPending) / 1000));
    metrics.checkpointStalled.set(this.stalledSeconds(now));
  }

  private async startHeight(signal: AbortSignal): Promise<number> {
    const { config, checkpoints, ledger, logger } = this.deps;
    const stored = await checkpoints.load();
    if (stored !== undefined) {
      this.saved = stored;
      return stored + 1;
    }
    const position = config.startPosition;
    const start = position.kind === 'earliest' ? 0 : position.kind === 'height' ? position.height : (await ledger.findTipHeight(signal)) + 1;
    // Store the first position at once: a restart must not re-resolve "latest" and skip what came between.
    await checkpoints.save(start - 1);
    this.saved = start - 1;
    logger.info('no checkpoint yet: starting from the configured position', { startPosition: position.kind, startHeight: start });
    return start;
  }
}
