import type { Timer, TimerFilter, TimerKind, TimerStats } from '../../store/schedule-types.js';
import {
  JOB_TIMER_KINDS,
  jobTimerKind,
  timerFromSchedule,
  timerFromTimeout,
  timerFromWaiting,
  timerStatsFromRow,
  type ScheduleTimerRow,
  type TimeoutRow,
  type TimerStatsRow,
  type WaitingRow,
} from '../../store/timer-rows.js';
import type { Queryable } from './connection.js';
import type { SchemaNames } from './sql.js';


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
      if (want(JOB_TIMER_KINDS)) {
        // a kind filter on job timers is applied after classifying, so read a little more
        for (const row of (await db.query<WaitingRow>({ text: waiting, values: [dueBy, filter.kind ? limit * 4 : limit] })).rows) {
          const kind = jobTimerKind(row);
          if (filter.kind === undefined || filter.kind === kind) {
            timers.push(timerFromWaiting(row, kind));
          }
        }
      }
      if (want(['timeout'])) {
        const { rows } = await db.query<TimeoutRow>({ text: timeouts, values: [dueBy, limit] });
        for (const row of rows) {
          timers.push(timerFromTimeout(row));
        }
      }
      if (want(['schedule'])) {
        for (const row of (await db.query<ScheduleTimerRow>({ text: schedules, values: [dueBy, limit] })).rows) {
          timers.push(timerFromSchedule(row));
        }
      }
      return timers.sort((a, b) => a.fireAt - b.fireAt).slice(0, limit);
    },
    async timerStats(db: Queryable): Promise<TimerStats> {
      return timerStatsFromRow((await db.query<TimerStatsRow>(stats)).rows[0] as TimerStatsRow);
    },
  };
}
