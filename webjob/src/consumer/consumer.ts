// One leadership term of live consumption: resolve where to start (the checkpoint), run the live
// pipeline (pipeline/live-pipeline.ts) and store its progress with the checkpoint flusher until the
// term stops. A shutdown stops in two stages: intake first (no new blocks), then deliveries in
// flight get a grace period before they are cut off and the checkpoint is stored. A lost
// leadership or a failure abandons the term at once: nothing more is delivered or stored.
import { CheckpointFlusher } from '../checkpoint/checkpoint-flusher';
import type { CheckpointStore } from '../checkpoint/checkpoint-store';
import type { DeliveryDispatcher } from '../delivery/delivery-dispatcher';
import { LivePipeline, type PipelineDeps } from '../pipeline/live-pipeline';
import type { StreamState } from '../stream/stream-client';
import { AbortedError } from '../util/aborted';
import { untilAborted } from '../util/retry';
import { TermStop } from './stop-reason';

export interface ConsumerDeps extends PipelineDeps {
  checkpoints: CheckpointStore;
}

export interface ConsumerStatus {
  stream: StreamState;
  nextHeight: number | undefined;
  checkpoint: number | undefined;
  /** Seconds the checkpoint has not advanced while events are pending (0 otherwise). */
  stalledSeconds: number;
}

export class Consumer {
  private pipeline: LivePipeline | undefined;
  private flusher: CheckpointFlusher | undefined;
  /** The tracker's completed height when last looked at, and when it last moved. */
  private progress = { height: -1, advancedAt: Date.now() };

  constructor(private readonly deps: ConsumerDeps) {}

  status(): ConsumerStatus {
    return {
      stream: this.pipeline?.stream.currentState ?? 'idle',
      nextHeight: this.pipeline?.sequencer.nextHeight,
      checkpoint: this.flusher?.saved,
      stalledSeconds: this.stalledSeconds(),
    };
  }

  /**
   * Consumes until `shutdown` aborts (graceful: drain within the grace period, store the checkpoint)
   * or `leadership` aborts (immediate: nothing more is delivered or stored). Throws on failures.
   */
  async run(leadership: AbortSignal, shutdown: AbortSignal): Promise<void> {
    const { config, logger, metrics, checkpoints } = this.deps;
    const startHeight = await this.startHeight(leadership);
    const stop = new TermStop(leadership, shutdown);
    const pipeline = (this.pipeline = new LivePipeline(this.deps, startHeight, stop));
    const flusher = (this.flusher = new CheckpointFlusher({
      store: checkpoints,
      tracker: pipeline.tracker,
      saved: startHeight - 1,
      signal: stop.abandonSignal,
      onConflict: (error) => stop.fail(error),
      logger,
      metrics,
    }));
    logger.info('consumption starting', { startHeight, checkpoint: flusher.saved ?? null });
    const checkpointing = setInterval(() => {
      this.updateGauges();
      void flusher.flush();
    }, config.checkpointIntervalMs);
    try {
      await pipeline.read();
      if (stop.reason === 'shutdown') await this.finishDeliveries(pipeline.dispatcher, stop);
      stop.endDeliveries();
      clearInterval(checkpointing);
      this.updateGauges();
      await flusher.flush();
      logger.info('consumption stopped', { checkpoint: flusher.saved ?? null, reason: stop.reason });
    } finally {
      clearInterval(checkpointing);
      stop.endDeliveries();
      stop.dispose();
      await pipeline.close();
    }
    if (stop.error) throw stop.error;
  }

  /** The grace period: deliveries in flight may finish, unless the term is abandoned meanwhile. */
  private async finishDeliveries(dispatcher: DeliveryDispatcher, stop: TermStop): Promise<void> {
    const { config, logger } = this.deps;
    logger.info('intake stopped; finishing deliveries in flight', {
      pending: dispatcher.pending,
      graceMs: config.shutdown.graceMs,
    });
    try {
      await untilAborted(
        dispatcher.drained(),
        AbortSignal.any([stop.abandonSignal, AbortSignal.timeout(config.shutdown.graceMs)]),
      );
    } catch (error) {
      if (!(error instanceof AbortedError)) throw error;
    }
    if (dispatcher.pending > 0)
      logger.warn('grace period over: undelivered events will be redelivered after restart', {
        pending: dispatcher.pending,
      });
  }

  /**
   * How long the checkpoint has been held back: since it last advanced or since the oldest pending
   * event's block was seen, whichever is later (a stream idle for an hour is no stall).
   */
  private stalledSeconds(now = Date.now()): number {
    const tracker = this.pipeline?.tracker;
    if (!tracker) return 0;
    if (tracker.completedHeight !== this.progress.height)
      this.progress = { height: tracker.completedHeight, advancedAt: now };
    const pendingSince = tracker.oldestOpenSince;
    return pendingSince === undefined
      ? 0
      : Math.max(0, (now - Math.max(this.progress.advancedAt, pendingSince)) / 1000);
  }

  private updateGauges(): void {
    const { metrics } = this.deps;
    if (!this.pipeline) return;
    const { tracker, sequencer } = this.pipeline;
    const delivered = tracker.completedHeight;
    metrics.lastDeliveredHeight.set(delivered);
    metrics.lagBlocks.set(Math.max(0, sequencer.highestKnownHeight - delivered));
    const now = Date.now();
    const oldestPending = tracker.oldestOpenSince;
    const since =
      oldestPending ?? (sequencer.highestKnownHeight > delivered ? sequencer.firstSeenAt(delivered + 1) : undefined);
    metrics.lagSeconds.set(since === undefined ? 0 : Math.max(0, (now - since) / 1000));
    metrics.oldestPendingEventAge.set(oldestPending === undefined ? 0 : Math.max(0, (now - oldestPending) / 1000));
    metrics.checkpointStalled.set(this.stalledSeconds(now));
  }

  /** The first height to read: after the stored checkpoint, or the configured start position on a first run. */
  private async startHeight(signal: AbortSignal): Promise<number> {
    const { config, checkpoints, ledger, logger } = this.deps;
    const stored = await checkpoints.load();
    if (stored !== undefined) return stored + 1;
    const position = config.startPosition;
    const start =
      position.kind === 'earliest'
        ? 0
        : position.kind === 'height'
          ? position.height
          : (await ledger.findTipHeight(signal)) + 1;
    // Store the first position at once: a restart must not re-resolve "latest" and skip what came between.
    await checkpoints.save(start - 1);
    logger.info('no checkpoint yet: starting from the configured position', {
      startPosition: position.kind,
      startHeight: start,
    });
    return start;
  }
}
