import type { Timer, TimerFilter, TimerKind, TimerStats } from '../../store/schedule-types.js';
import type { SqliteDatabase } from './connection.js';
import { historyReason } from './history.js';

interface WaitingRow {
  id: number;
  name: string;
  run_at: number;
  history: string;
  error_message: string | null;
  step_status: 'sleeping' | 'waiting' | 'failed' | null;
}

/**
 * What a scheduled job waits for, read from where it already is: a workflow step that sleeps,
 * waits for an event or waits to retry, else its last transition (back from running with its error: a retry; back
 * without one: a snooze), else a delayed enqueue.
 */
function kindOf(row: WaitingRow): TimerKind {
  if (row.step_status === 'sleeping') return 'sleep';
  if (row.step_status === 'waiting') return 'event';
  if (row.step_status === 'failed') return 'retry'; // a step waiting for its own retry
  const last = row.history.slice(row.history.lastIndexOf('\n') + 1).split('\t');
  if (last[1] !== 'running') return 'delay';
  return row.error_message !== null && last[4] === (historyReason(row.error_message) ?? '') ? 'retry' : 'snooze';
}

const JOB_KINDS: readonly TimerKind[] = ['delay', 'retry', 'snooze', 'sleep', 'event'];

/** The timer views: every pending time-based action, read from jobs and schedules. */
export function createTimers(db: SqliteDatabase) {
  const waiting = db.prepare(`SELECT j.id, j.name, j.run_at, j.history, json_extract(j.error, '$.message') AS error_message,
      (SELECT s.status FROM tw_steps s WHERE s.job_id = j.id AND s.status IN ('sleeping', 'waiting', 'failed')
        ORDER BY CASE s.status WHEN 'sleeping' THEN 0 WHEN 'waiting' THEN 1 ELSE 2 END LIMIT 1) AS step_status
    FROM tw_jobs j WHERE j.state = 'scheduled' AND j.run_at <= @dueBy ORDER BY j.run_at, j.id LIMIT @limit`);
  const timeouts = db.prepare(`SELECT id, name, started_at + timeout_ms AS fire_at, attempt, worker_id FROM tw_jobs
    WHERE state = 'running' AND timeout_ms IS NOT NULL AND started_at + timeout_ms <= @dueBy ORDER BY fire_at, id LIMIT @limit`);
  const schedules = db.prepare(`SELECT id, json_extract(definition, '$.job.name') AS name, next_fire_at FROM tw_schedules
    WHERE paused = 0 AND next_fire_at IS NOT NULL AND next_fire_at <= @dueBy ORDER BY next_fire_at, id LIMIT @limit`);
  const stats = db.prepare(`SELECT
      (SELECT count(*) FROM tw_jobs WHERE state = 'scheduled') AS jobs,
      (SELECT min(run_at) FROM tw_jobs WHERE state = 'scheduled') AS next_job,
      (SELECT count(*) FROM tw_jobs WHERE state = 'running' AND timeout_ms IS NOT NULL) AS timeouts,
      (SELECT min(started_at + timeout_ms) FROM tw_jobs WHERE state = 'running' AND timeout_ms IS NOT NULL) AS next_timeout,
      (SELECT count(*) FROM tw_schedules WHERE paused = 0 AND next_fire_at IS NOT NULL) AS schedules,
      (SELECT min(next_fire_at) FROM tw_schedules WHERE paused = 0 AND next_fire_at IS NOT NULL) AS next_schedule`);

  return {
    listTimers(filter: TimerFilter): Timer[] {
      const params = { dueBy: filter.dueBy ?? Number.MAX_SAFE_INTEGER, limit: filter.limit ?? 100 };
      const want = (kinds: readonly TimerKind[]) => filter.kind === undefined || kinds.includes(filter.kind);
      const timers: Timer[] = [];
      if (want(JOB_KINDS)) {
        // a kind filter on job timers is applied after classifying, so read a little more
        for (const row of waiting.all({ ...params, limit: filter.kind ? params.limit * 4 : params.limit }) as WaitingRow[]) {
          const kind = kindOf(row);
          if (filter.kind === undefined || filter.kind === kind) {
            timers.push({ id: `job:${row.id}`, kind, fireAt: row.run_at, jobId: String(row.id), scheduleId: null, name: row.name, attempt: null, workerId: null });
          }
        }
      }
      if (want(['timeout'])) {
        for (const row of timeouts.all(params) as { id: number; name: string; fire_at: number; attempt: number; worker_id: string | null }[]) {
          timers.push({ id: `timeout:${row.id}:${row.attempt}`, kind: 'timeout', fireAt: row.fire_at, jobId: String(row.id), scheduleId: null, name: row.name, attempt: row.attempt, workerId: row.worker_id });
        }
      }
      if (want(['schedule'])) {
        for (const row of schedules.all(params) as { id: string; name: string; next_fire_at: number }[]) {
          timers.push({ id: `schedule:${row.id}`, kind: 'schedule', fireAt: row.next_fire_at, jobId: null, scheduleId: row.id, name: row.name, attempt: null, workerId: null });
        }
      }
      return timers.sort((a, b) => a.fireAt - b.fireAt).slice(0, params.limit);
    },
    timerStats(): TimerStats {
      const row = stats.get() as Record<'jobs' | 'timeouts' | 'schedules', number> & Record<'next_job' | 'next_timeout' | 'next_schedule', number | null>;
      const next = [row.next_job, row.next_timeout, row.next_schedule].filter((t): t is number => t !== null);
      return {
        pending: row.jobs + row.timeouts + row.schedules,
        nextFireAt: next.length ? Math.min(...next) : null,
        jobs: row.jobs,
        timeouts: row.timeouts,
        schedules: row.schedules,
      };
    },
  };
}
