// Adaptive limit on webhook requests in flight (AIMD, as TCP congestion control and Netflix's
// concurrency-limits): start low, add about one request per round trip while answers come back
// at a healthy latency, halve on an overload signal (timeout, 408/429/502/503/504, connection
// error, or latency blowing up against the receiver's unloaded latency). A CPU-bound receiver such
// as the Function App gains no throughput from more parallel requests, only latency; a fixed high
// concurrency turned that latency into timeouts, re-sends of batches still being processed and
// congestion collapse. Pure: no timers, no I/O; the dispatcher feeds it samples.
import { DELIVERY_TUNING } from '../tuning';

export interface ConcurrencyLimitOptions {
  /** Limit at start (clamped to [minimum, maximum]). */
  initial: number;
  /** Ceiling (WEBJOB_MAX_CONCURRENCY). */
  maximum: number;
  /** Floor; at least 1 so delivery always makes progress. */
  minimum?: number;
  /** A sample is a latency blow-up when it exceeds tolerance (default 3) x the baseline for its batch size... */
  latencyTolerance?: number;
  /** ...and the baseline by at least this much (ignores jitter of fast local receivers). */
  latencyNoiseFloorMs?: number;
  /** Clock of the samples' `startedAt` (default performance.now). */
  now?: () => number;
}

/** What a finished request tells the limiter. */
export type LimitSample =
  | { kind: 'ok'; latencyMs: number; batchSize: number; inFlight: number; startedAt: number }
  | { kind: 'overload'; startedAt: number };

const BASELINE_DRIFT = 0.05; // baselines creep up towards slower unloaded answers: a lasting slowdown is learnt

/** Batches of similar size share a latency baseline: bucket by the power of two of the size. */
function bucketOf(batchSize: number): number {
  return Math.floor(Math.log2(Math.max(1, batchSize)));
}

export class AdaptiveConcurrencyLimit {
  private value: number;
  private readonly minimum: number;
  private readonly maximum: number;
  private readonly tolerance: number;
  /**
   * Latency alone never cuts below 2: a saturated receiver that shares its CPU between requests
   * answers two at once in twice the time of one, and a single request in flight would leave it
   * idle while the WebJob forms and sends the next batch. Only hard overload signals go to 1.
   */
  private readonly latencyFloor: number;
  private readonly noiseFloorMs: number;
  private readonly baselines = new Map<number, number>();
  /** Requests started before the last decrease do not decrease again (one reaction per window). */
  private lastDecreaseAt = Number.NEGATIVE_INFINITY;
  private readonly now: () => number;

  constructor(options: ConcurrencyLimitOptions) {
    this.maximum = Math.max(1, Math.floor(options.maximum));
    this.minimum = Math.min(this.maximum, Math.max(1, Math.floor(options.minimum ?? 1)));
    this.value = Math.min(this.maximum, Math.max(this.minimum, Math.floor(options.initial)));
    this.latencyFloor = Math.min(this.maximum, Math.max(this.minimum, 2));
    this.tolerance = options.latencyTolerance ?? DELIVERY_TUNING.latencyTolerance;
    this.noiseFloorMs = options.latencyNoiseFloorMs ?? DELIVERY_TUNING.latencyNoiseFloorMs;
    this.now = options.now ?? (() => performance.now());
  }

  /** Requests that may be in flight now. */
  get current(): number {
    return Math.floor(this.value);
  }

  /** Feeds one finished request; returns true when the (integer) limit changed. */
  record(sample: LimitSample): boolean {
    const before = this.current;
    if (sample.kind === 'overload') this.decrease(sample.startedAt, this.minimum);
    else {
      const bucket = bucketOf(sample.batchSize);
      const baseline = this.baselines.get(bucket);
      if (baseline === undefined || sample.latencyMs < baseline) this.baselines.set(bucket, sample.latencyMs);
      // Only answers at the latency floor teach a slower baseline: with few requests in flight a
      // slower answer means the receiver itself got slower, not that the WebJob is queueing on it.
      else if (sample.inFlight <= this.latencyFloor)
        this.baselines.set(bucket, baseline + (sample.latencyMs - baseline) * BASELINE_DRIFT);
      const blownUp =
        baseline !== undefined &&
        sample.latencyMs > baseline * this.tolerance &&
        sample.latencyMs - baseline > this.noiseFloorMs;
      if (blownUp) this.decrease(sample.startedAt, this.latencyFloor);
      // Grow only while the limit is what holds delivery back (TCP's "cwnd-limited" rule): an
      // idle sender must not build up a limit it has never tested.
      else if (sample.inFlight * 2 >= this.current) this.value = Math.min(this.maximum, this.value + 1 / this.current);
    }
    return this.current !== before;
  }

  private decrease(startedAt: number, floor: number): void {
    if (startedAt <= this.lastDecreaseAt || this.value <= floor) return;
    this.value = Math.max(floor, Math.floor(this.value / 2));
    this.lastDecreaseAt = this.now();
  }
}
