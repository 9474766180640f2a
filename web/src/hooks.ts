import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api';
import { onLive, type LiveEvent } from './live';

export interface Resource<T> {
  data: T | null;
  error: ApiError | null;
  loading: boolean;
  reload: () => void;
}

/**
 * Loads `load()` and loads it again when a live event passes `relevant` (at most every
 * `throttleMs`, so a burst of 1,000 completions costs a few requests, not 1,000), or when the
 * live connection comes back. The last good data stays on screen while a reload runs.
 */
export function useResource<T>(load: () => Promise<T>, deps: readonly unknown[], relevant: (event: LiveEvent) => boolean = () => false, throttleMs = 700): Resource<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const relevantRef = useRef(relevant);
  relevantRef.current = relevant;

  const reload = useCallback(() => {
    const mine = ++generation.current;
    setLoading(true);
    loadRef.current().then(
      (value) => {
        if (mine !== generation.current) return; // a newer load answers for the current filters
        setData(value);
        setError(null);
        setLoading(false);
      },
      (e: unknown) => {
        if (mine !== generation.current) return;
        setError(e instanceof ApiError ? e : new ApiError(0, 'client', String(e)));
        setLoading(false);
      },
    );
  }, []);

  useEffect(() => {
    setData(null);
    reload();
  }, deps);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const off = onLive((event) => {
      if (event.type !== 'live:reconnected' && !relevantRef.current(event)) return;
      timer ??= setTimeout(() => {
        timer = null;
        reload();
      }, throttleMs);
    });
    return () => {
      off();
      if (timer) clearTimeout(timer);
    };
  }, [reload, throttleMs]);

  return { data, error, loading, reload };
}

/** Re-renders every `ms`, for "3 s ago" texts. */
export function useTick(ms = 5000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}
