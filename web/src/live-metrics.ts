import { useEffect, useState } from 'preact/hooks';
import { onLive } from './live';

/** Seconds of history the overview charts keep (in this tab, from the live events it saw). */
const WINDOW = 60;

interface Second {
  completed: number;
  failed: number;
  durations: number[];
}

const seconds: Second[] = Array.from({ length: WINDOW }, () => ({ completed: 0, failed: 0, durations: [] }));
let head = Math.floor(Date.now() / 1000);

function bucket(now: number): Second {
  const s = Math.floor(now / 1000);
  while (head < s) {
    head++;
    seconds[head % WINDOW] = { completed: 0, failed: 0, durations: [] };
  }
  return seconds[s % WINDOW] as Second;
}

/** Starts counting completions, failures and durations per second from the live events. */
export function startLiveMetrics(): void {
  onLive((event) => {
    if (event.type === 'job:completed') {
      const b = bucket(Date.now());
      b.completed++;
      if (typeof event.durationMs === 'number') b.durations.push(event.durationMs);
    } else if (event.type === 'job:failed' || event.type === 'job:retrying') bucket(Date.now()).failed++;
  });
}

const median = (values: number[]): number => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

export interface Series {
  throughput: number[];
  failures: number[];
  latency: number[];
}

/** The last minute, oldest first, refreshed every second. */
export function useLiveSeries(): Series {
  const read = (): Series => {
    bucket(Date.now());
    const ordered = Array.from({ length: WINDOW }, (_, i) => seconds[(head + 1 + i) % WINDOW] as Second);
    return { throughput: ordered.map((s) => s.completed), failures: ordered.map((s) => s.failed), latency: ordered.map((s) => median(s.durations)) };
  };
  const [series, setSeries] = useState(read);
  useEffect(() => {
    const timer = setInterval(() => setSeries(read()), 1000);
    return () => clearInterval(timer);
  }, []);
  return series;
}
