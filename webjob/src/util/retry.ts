// Retrying and waiting, with one convention for the whole WebJob:
//
// - Every wait (a backoff delay, a back-pressure wait, a grace period) takes the AbortSignal of
//   whoever owns the work, and when that signal aborts the wait REJECTS with AbortedError. It never
//   resolves early in silence, so no line after a wait runs on behalf of work that was stopped.
// - AbortedError is caught only where the work is owned and its stop is expected: a stage's
//   `run(signal)` (which then resolves), a delivery request, the leadership loop. Everything in
//   between lets it through.
// - Retries wait `backoffDelay`: exponential backoff with full jitter (AWS Architecture Blog,
//   "Exponential Backoff And Jitter": https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/),
//   so many clients retrying at once do not hit a recovering service in one synchronized wave.
//   Each loop's policy (base and ceiling) is a tuning value in ../tuning.ts or a setting.
import { AbortedError, throwIfAborted } from './aborted';

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

/** Resolves after `ms`; rejects with AbortedError as soon as `signal` aborts (at once if it has). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(new AbortedError());
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new AbortedError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Awaits `promise`, but rejects with AbortedError as soon as `signal` aborts. */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new AbortedError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new AbortedError());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** An attempt's answer that it failed in a way worth another try, after the backoff delay. */
export class RetryLater {
  constructor(
    /** What went wrong (logged by the caller's onRetry). */
    readonly problem: unknown,
    /** Bounds on the delay: at least this long (e.g. the server's Retry-After) ... */
    readonly atLeastMs = 0,
    /** ... and at most this long (e.g. what is left of a deadline). */
    readonly atMostMs = Number.POSITIVE_INFINITY,
  ) {}
}

/** What onRetry is told before each wait. */
export interface RetryNotice {
  attempt: number;
  delayMs: number;
  problem: unknown;
}

export interface RetryOptions {
  policy: BackoffPolicy;
  /** Aborting ends the retries with AbortedError (before an attempt or during a wait, never mid-attempt). */
  signal?: AbortSignal | undefined;
  /** Called before each wait: count it, log it. */
  onRetry?: (notice: RetryNotice) => void;
}

/**
 * Runs `attempt` (numbered from 1) until it returns anything but a RetryLater, and returns that;
 * an error it throws ends the retries. There is no attempt limit: a loop that must give up returns
 * its own answer (e.g. null past a deadline).
 */
export async function retry<T>(options: RetryOptions, attempt: (n: number) => Promise<T | RetryLater>): Promise<T> {
  for (let n = 1; ; n++) {
    throwIfAborted(options.signal);
    const outcome = await attempt(n);
    if (!(outcome instanceof RetryLater)) return outcome;
    const delayMs = Math.min(Math.max(backoffDelay(options.policy, n), outcome.atLeastMs), outcome.atMostMs);
    options.onRetry?.({ attempt: n, delayMs, problem: outcome.problem });
    await sleep(delayMs, options.signal);
  }
}
