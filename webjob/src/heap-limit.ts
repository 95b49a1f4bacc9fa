// WEBJOB_HEAP_LIMIT_MB, read by the process's main thread before anything else is loaded (the
// main thread only supervises the worker that runs the WebJob, so it must stay small: no zod, no SDKs).
export function heapLimitMb(env: Record<string, string | undefined>): number {
  const raw = env.WEBJOB_HEAP_LIMIT_MB?.trim();
  if (!raw) return 64;
  if (!/^\d+$/.test(raw) || (Number(raw) !== 0 && (Number(raw) < 32 || Number(raw) > 16_384))) {
    throw new Error(`WEBJOB_HEAP_LIMIT_MB: must be 0 (no limit, no worker) or an integer from 32 to 16384, got "${raw}"`);
  }
  return Number(raw);
}
