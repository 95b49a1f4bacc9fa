// Moves the stored checkpoint up to the height tracker's completed height. Writes go one at a time
// and in order (a flush waits for the one before it), only when the height moved, and never once
// the term may no longer write (leadership lost or a failure: another instance may own the
// checkpoint by now). A failed write is logged and left to the next flush; a conflict (someone
// else wrote the checkpoint since our last write) means this instance lost it for good.
import type { Logger } from '../ops/logger';
import type { WebJobMetrics } from '../ops/metrics';
import { CheckpointConflictError, type CheckpointStore } from './checkpoint-store';
import type { HeightTracker } from './height-tracker';

export interface CheckpointFlusherOptions {
  store: CheckpointStore;
  tracker: HeightTracker;
  /** The height already stored (undefined: none yet). */
  saved: number | undefined;
  /** Aborts when this term may no longer write the checkpoint. */
  signal: AbortSignal;
  /** Another writer moved the checkpoint: the term must end. */
  onConflict: (error: CheckpointConflictError) => void;
  logger: Logger;
  metrics: WebJobMetrics;
}

export class CheckpointFlusher {
  private stored: number | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly options: CheckpointFlusherOptions) {
    this.stored = options.saved;
  }

  /** The last height stored. */
  get saved(): number | undefined {
    return this.stored;
  }

  /** Stores the completed height if it moved, after any write still under way; never rejects. */
  flush(): Promise<void> {
    return (this.writing = this.writing.then(() => this.write()));
  }

  private async write(): Promise<void> {
    const { store, tracker, signal, logger, metrics } = this.options;
    if (signal.aborted) return;
    const height = tracker.completedHeight;
    if (this.stored !== undefined && height <= this.stored) return;
    try {
      await store.save(height);
      this.stored = height;
      metrics.checkpointWrites.inc();
      logger.debug('checkpoint stored', { height });
    } catch (error) {
      if (error instanceof CheckpointConflictError) this.options.onConflict(error);
      else logger.warn('checkpoint write failed; will retry', { height, error });
    }
  }
}
