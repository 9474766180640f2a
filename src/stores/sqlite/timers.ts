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
import type { SqliteDatabase } from './connection.js';


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
      if (want(JOB_TIMER_KINDS)) {
        // a kind filter on job timers is applied after classifying, so read a little more
        for (const row of waiting.all({ ...params, limit: filter.kind ? params.limit * 4 : params.limit }) as WaitingRow[]) {
          const kind = jobTimerKind(row);
          if (filter.kind === undefined || filter.kind === kind) {
            timers.push(timerFromWaiting(row, kind));
          }
        }
      }
      if (want(['timeout'])) {
        for (const row of timeouts.all(params) as TimeoutRow[]) {
          timers.push(timerFromTimeout(row));
        }
      }
      if (want(['schedule'])) {
        for (const row of schedules.all(params) as ScheduleTimerRow[]) {
          timers.push(timerFromSchedule(row));
        }
      }
      return timers.sort((a, b) => a.fireAt - b.fireAt).slice(0, params.limit);
    },
    timerStats(): TimerStats {
      return timerStatsFromRow(stats.get() as TimerStatsRow);
    },
  };
}
