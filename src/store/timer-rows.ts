import { historyReason } from './history-text.js';
import type { Timer, TimerKind, TimerStats } from './schedule-types.js';

/** A scheduled job as the SQL drivers read it for the timer views. */
export interface WaitingRow {
  id: number;
  name: string;
  run_at: number;
  history: string;
  error_message: string | null;
  step_status: 'sleeping' | 'waiting' | 'failed' | null;
}

export interface TimeoutRow {
  id: number;
  name: string;
  fire_at: number;
  attempt: number;
  worker_id: string | null;
}

export interface ScheduleTimerRow {
  id: string;
  name: string;
  next_fire_at: number;
}

export type TimerStatsRow = Record<'jobs' | 'timeouts' | 'schedules', number> & Record<'next_job' | 'next_timeout' | 'next_schedule', number | null>;

/** The timer kinds a scheduled job can be waiting on. */
export const JOB_TIMER_KINDS: readonly TimerKind[] = ['delay', 'retry', 'snooze', 'sleep', 'event'];

/**
 * What a scheduled job waits for, read from where it already is: a workflow step that sleeps,
 * waits for an event or waits for its own retry, else its last transition (back from running
 * with its error: a retry; back without one: a snooze), else a delayed enqueue.
 */
export function jobTimerKind(row: WaitingRow): TimerKind {
  if (row.step_status === 'sleeping') return 'sleep';
  if (row.step_status === 'waiting') return 'event';
  if (row.step_status === 'failed') return 'retry';
  const last = row.history.slice(row.history.lastIndexOf('\n') + 1).split('\t');
  if (last[1] !== 'running') return 'delay';
  return row.error_message !== null && last[4] === (historyReason(row.error_message) ?? '') ? 'retry' : 'snooze';
}

export const timerFromWaiting = (row: WaitingRow, kind: TimerKind): Timer => ({
  id: `job:${row.id}`, kind, fireAt: row.run_at, jobId: String(row.id), scheduleId: null, name: row.name, attempt: null, workerId: null,
});

export const timerFromTimeout = (row: TimeoutRow): Timer => ({
  id: `timeout:${row.id}:${row.attempt}`, kind: 'timeout', fireAt: row.fire_at, jobId: String(row.id), scheduleId: null, name: row.name, attempt: row.attempt, workerId: row.worker_id,
});

export const timerFromSchedule = (row: ScheduleTimerRow): Timer => ({
  id: `schedule:${row.id}`, kind: 'schedule', fireAt: row.next_fire_at, jobId: null, scheduleId: row.id, name: row.name, attempt: null, workerId: null,
});

export function timerStatsFromRow(row: TimerStatsRow): TimerStats {
  const next = [row.next_job, row.next_timeout, row.next_schedule].filter((t): t is number => t !== null);
  return {
    pending: row.jobs + row.timeouts + row.schedules,
    nextFireAt: next.length ? Math.min(...next) : null,
    jobs: row.jobs,
    timeouts: row.timeouts,
    schedules: row.schedules,
  };
}
