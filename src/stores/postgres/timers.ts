import type { Timer, TimerFilter, TimerKind, TimerStats } from '../../store/schedule-types.js';
import type { Queryable } from './connection.js';
import { historyReason } from './history.js';
import type { SchemaNames } from './sql.js';

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
 * waits for an event or waits to retry, else its last transition (back from running with its
 * error: a retry; back without one: a snooze), else a delayed enqueue.
 */
function kindOf(row: WaitingRow): TimerKind {
  if (row.step_status === 'sleeping') return 'sleep';
  if (row.step_status === 'waiting') return 'event';
  if (row.step_status === 'failed') return 'retry';
  const last = row.history.slice(row.history.lastIndexOf('\n') + 1).split('\t');
  if (last[1] !== 'running') return 'delay';
  return row.error_message !== null && last[4] === (historyReason(row.error_message) ?? '') ? 'retry' : 'snooze';
}

const JOB_KINDS: readonly TimerKind[] = ['delay', 'retry', 'snooze', 'sleep', 'event'];

/** The timer views: every pending time-based action, read from jobs and schedules. */
export function createTimers(t: SchemaNames) {
  const s = `"${t.schema}".schedules`;
  const waiting = `SELECT j.id, j.name, j.run_at, j.history, (j.error::jsonb ->> 'message') AS error_message,
      (SELECT st.status FROM ${t.steps} st WHERE st.job_id = j.id AND st.status IN ('sleeping', 'waiting', 'failed')
        ORDER BY CASE st.status WHEN 'sleeping' THEN 0 WHEN 'waiting' THEN 1 ELSE 2 END LIMIT 1) AS step_status
    FROM ${t.jobs} j WHERE j.state = 'scheduled' AND j.run_at <= $1 ORDER BY j.run_at, j.id LIMIT $2`;
  const timeouts = `SELECT id, name, started_at + timeout_ms AS fire_at, attempt, worker_id FROM ${t.jobs}
    WHERE state = 'running' AND timeout_ms IS NOT NULL AND started_at + timeout_ms <= $1 ORDER BY fire_at, id LIMIT $2`;
  const schedules = `SELECT id, (definition::jsonb -> 'job' ->> 'name') AS name, next_fire_at FROM ${s}
    WHERE NOT paused AND next_fire_at IS NOT NULL AND next_fire_at <= $1 ORDER BY next_fire_at, id LIMIT $2`;
  const stats = `SELECT
      (SELECT count(*) FROM ${t.jobs} WHERE state = 'scheduled') AS jobs,
      (SELECT min(run_at) FROM ${t.jobs} WHERE state = 'scheduled') AS next_job,
      (SELECT count(*) FROM ${t.jobs} WHERE state = 'running' AND timeout_ms IS NOT NULL) AS timeouts,
      (SELECT min(started_at + timeout_ms) FROM ${t.jobs} WHERE state = 'running' AND timeout_ms IS NOT NULL) AS next_timeout,
      (SELECT count(*) FROM ${s} WHERE NOT paused AND next_fire_at IS NOT NULL) AS schedules,
      (SELECT min(next_fire_at) FROM ${s} WHERE NOT paused AND next_fire_at IS NOT NULL) AS next_schedule`;

  return {
    async listTimers(db: Queryable, filter: TimerFilter): Promise<Timer[]> {
      const dueBy = filter.dueBy ?? Number.MAX_SAFE_INTEGER;
      const limit = filter.limit ?? 100;
      const want = (kinds: readonly TimerKind[]) => filter.kind === undefined || kinds.includes(filter.kind);
      const timers: Timer[] = [];
      if (want(JOB_KINDS)) {
        // a kind filter on job timers is applied after classifying, so read a little more
        for (const row of (await db.query<WaitingRow>({ text: waiting, values: [dueBy, filter.kind ? limit * 4 : limit] })).rows) {
          const kind = kindOf(row);
          if (filter.kind === undefined || filter.kind === kind) {
            timers.push({ id: `job:${row.id}`, kind, fireAt: row.run_at, jobId: String(row.id), scheduleId: null, name: row.name, attempt: null, workerId: null });
          }
        }
      }
      if (want(['timeout'])) {
        const { rows } = await db.query<{ id: number; name: string; fire_at: number; attempt: number; worker_id: string | null }>({ text: timeouts, values: [dueBy, limit] });
        for (const row of rows) {
          timers.push({ id: `timeout:${row.id}:${row.attempt}`, kind: 'timeout', fireAt: row.fire_at, jobId: String(row.id), scheduleId: null, name: row.name, attempt: row.attempt, workerId: row.worker_id });
        }
      }
      if (want(['schedule'])) {
        for (const row of (await db.query<{ id: string; name: string; next_fire_at: number }>({ text: schedules, values: [dueBy, limit] })).rows) {
          timers.push({ id: `schedule:${row.id}`, kind: 'schedule', fireAt: row.next_fire_at, jobId: null, scheduleId: row.id, name: row.name, attempt: null, workerId: null });
        }
      }
      return timers.sort((a, b) => a.fireAt - b.fireAt).slice(0, limit);
    },
    async timerStats(db: Queryable): Promise<TimerStats> {
      const row = (await db.query(stats)).rows[0] as Record<'jobs' | 'timeouts' | 'schedules', number> & Record<'next_job' | 'next_timeout' | 'next_schedule', number | null>;
      const next = [row.next_job, row.next_timeout, row.next_schedule].filter((x): x is number => x !== null);
      return { pending: row.jobs + row.timeouts + row.schedules, nextFireAt: next.length ? Math.min(...next) : null, jobs: row.jobs, timeouts: row.timeouts, schedules: row.schedules };
    },
  };
}
