// Exponential backoff with full jitter (AWS architecture blog's "full jitter"): spreads retries of
// many clients so a recovering receiver is not hit by a synchronized wave.
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

/** Delay before retry number `attempt` (1 = first retry): uniform in [base/2, min(max, base*2^(attempt-1))]. */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempt - 1, 30));
  const floor = Math.min(ceiling, policy.baseMs / 2);
  return Math.round(floor + random() * (ceiling - floor));
}
