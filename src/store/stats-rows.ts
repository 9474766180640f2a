import { JOB_STATES, type JobState } from '../core/job.js';
import type { NameStats, QueueStats } from './types.js';

/** Grouped count rows as the SQL drivers read them, folded into the contract's stats shapes. */
export interface QueueCountRow {
  queue: string;
  state: JobState;
  n: number;
}

export interface OldestQueuedRow {
  queue: string;
  oldest: number;
}

export interface NameStateRow {
  name: string;
  state: JobState;
  n: number;
  avg_ms: number | null;
  tokens: number;
  cost: number;
}

const emptyCounts = (): Record<JobState, number> => Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as Record<JobState, number>;

/** Per queue: jobs in each state and how long the oldest queued job has waited; by queue name. */
export function queueStatsFromRows(counts: readonly QueueCountRow[], oldest: readonly OldestQueuedRow[], now: number): QueueStats[] {
  const byQueue = new Map<string, QueueStats>();
  const entry = (queue: string): QueueStats => {
    let stats = byQueue.get(queue);
    if (!stats) byQueue.set(queue, (stats = { queue, counts: emptyCounts(), oldestQueuedAgeMs: null }));
    return stats;
  };
  for (const row of counts) entry(row.queue).counts[row.state] = row.n;
  for (const row of oldest) entry(row.queue).oldestQueuedAgeMs = now - row.oldest;
  return [...byQueue.values()].sort((a, b) => a.queue.localeCompare(b.queue));
}

/** Per job or workflow name: counts by state, mean completed duration, summed usage; by name. */
export function nameStatsFromRows(rows: readonly NameStateRow[]): NameStats[] {
  const byKey = new Map<string, NameStats>();
  for (const row of rows) {
    let stats = byKey.get(row.name);
    if (!stats) byKey.set(row.name, (stats = { name: row.name, total: 0, counts: emptyCounts(), averageDurationMs: null, tokens: 0, costUsd: 0 }));
    stats.total += row.n;
    stats.counts[row.state] = row.n;
    if (row.state === 'completed' && row.avg_ms !== null) stats.averageDurationMs = Math.round(row.avg_ms);
    stats.tokens += row.tokens;
    stats.costUsd += row.cost;
  }
  return [...byKey.values()].sort((a, b) => a.name.localeCompare(b.name));
}
