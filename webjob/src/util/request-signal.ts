// A per-request AbortSignal that fires on the caller's signal or after a timeout, and lets go of
// both when the request is over. (AbortSignal.any() ties every composite signal to a long-lived
// parent; per-request composites then accumulated and kept whole response bodies reachable.)
export interface RequestSignal {
  readonly signal: AbortSignal;
  /** True when the timeout (not the caller) aborted the request. */
  readonly timedOut: boolean;
  dispose(): void;
}

export function requestSignal(parent: AbortSignal | undefined, timeoutMs: number): RequestSignal {
  const controller = new AbortController();
  let timedOut = false;
  const onAbort = (): void => controller.abort();
  parent?.addEventListener('abort', onAbort, { once: true });
  if (parent?.aborted) controller.abort();
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  return {
    signal: controller.signal,
    get timedOut() {
      return timedOut;
    },
    dispose: () => {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onAbort);
    },
  };
}
