// Loading state for one request, optionally refreshed every `refreshMs` ("live" pages poll: the
// Function App has no push channel, and a few requests a minute per open page cost nothing).
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { describeError } from './api/client';

export interface Data<T> {
  value: T | undefined;
  error: string | undefined;
  loading: boolean;
  reload: () => void;
}

export function useData<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[], refreshMs?: number): Data<T> {
  const [value, setValue] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const reload = useCallback(() => setTick((n) => n + 1), []);

  useEffect(() => {
    setValue(undefined);
  }, deps);

  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    loadRef.current(controller.signal).then(
      (result) => {
        if (controller.signal.aborted) return;
        // A refresh that brings nothing new keeps the old value, so memoized views do not re-render.
        setValue((previous) =>
          previous !== undefined && JSON.stringify(previous) === JSON.stringify(result) ? previous : result,
        );
        setError(undefined);
        setLoading(false);
      },
      (failure: unknown) => {
        if (controller.signal.aborted) return;
        setError(describeError(failure));
        setLoading(false);
      },
    );
    const timer = refreshMs ? setTimeout(reload, refreshMs) : undefined;
    return () => {
      controller.abort();
      if (timer) clearTimeout(timer);
    };
  }, [...deps, tick]);

  return { value, error, loading, reload };
}
