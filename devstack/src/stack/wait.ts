// Bounded polling, the one way the stack waits for something to become true.
import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Completes the sentence "timed out after N ms waiting for ...". */
  what: string;
}

/** Polls `check` until it resolves true; rethrows what `check` throws; times out with a clear message. */
export async function waitUntil(check: () => Promise<boolean>, options: WaitOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 200;
  for (;;) {
    if (await check()) return;
    if (Date.now() >= deadline) throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.what}`);
    await sleep(interval);
  }
}

/** True when an HTTP GET answers with one of `okStatuses` (any status when omitted) within 2 s. */
export async function httpAnswers(url: string, okStatuses?: readonly number[]): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return okStatuses ? okStatuses.includes(response.status) : true;
  } catch {
    return false;
  }
}
