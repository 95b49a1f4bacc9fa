// WEBJOB_HEAP_LIMIT_MB, read by the process's main thread before anything else is loaded (the
// main thread only supervises the worker that runs the WebJob, so it must stay small: no zod, no SDKs).
import { PROGRESS_TUNING } from './tuning';

/**
 * The V8 old-generation limit of the WebJob's worker. By default it follows WEBJOB_ASSET_CACHE_SIZE
 * (52 MB for the default 20,000 cars), so a bigger cache never runs into the limit; a malformed
 * cache size is reported by the configuration check, here it counts as the default.
 */
export function heapLimitMb(env: Record<string, string | undefined>): number {
  const raw = env.WEBJOB_HEAP_LIMIT_MB?.trim();
  if (!raw) {
    const cacheRaw = env.WEBJOB_ASSET_CACHE_SIZE?.trim() ?? '';
    const cars = /^\d+$/.test(cacheRaw) ? Number(cacheRaw) : PROGRESS_TUNING.assetCacheSize;
    return PROGRESS_TUNING.baseHeapMb + Math.ceil((cars * PROGRESS_TUNING.heapBytesPerCachedCar) / 1_048_576);
  }
  if (!/^\d+$/.test(raw) || (Number(raw) !== 0 && (Number(raw) < 32 || Number(raw) > 16_384))) {
    throw new Error(
      `WEBJOB_HEAP_LIMIT_MB: must be 0 (no limit, no worker) or an integer from 32 to 16384, got "${raw}"`,
    );
  }
  return Number(raw);
}
