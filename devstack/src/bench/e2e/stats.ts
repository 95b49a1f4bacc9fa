// Small pure statistics for the benchmark: percentiles of samples, and the median / min / max of a
// figure over several runs (every printed figure is the median of its runs with the range).

export interface Spread {
  median: number;
  min: number;
  max: number;
  /** The value of each run, in run order (NaN where a run did not measure it). */
  runs: number[];
}

/** Nearest-rank percentile of an ascending-sorted array; NaN when empty. */
export function percentileOfSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function latencySummary(values: readonly number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentileOfSorted(sorted, 50),
    p95: percentileOfSorted(sorted, 95),
    p99: percentileOfSorted(sorted, 99),
    max: sorted.length ? (sorted[sorted.length - 1] as number) : Number.NaN,
  };
}

/** Median (mean of the middle two for an even count), min and max, ignoring NaN runs. */
export function spread(runs: readonly number[]): Spread {
  const valid = runs.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (valid.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, runs: [...runs] };
  const mid = Math.floor(valid.length / 2);
  const median = valid.length % 2 ? (valid[mid] as number) : ((valid[mid - 1] as number) + (valid[mid] as number)) / 2;
  return { median, min: valid[0] as number, max: valid[valid.length - 1] as number, runs: [...runs] };
}
