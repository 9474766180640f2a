-- Schedules (cron, interval, one-time) and the history of their fires. A due time is fired by the
-- transaction that advances next_fire_at, so any number of schedulers fire it once.
CREATE TABLE tw_schedules (
  id TEXT PRIMARY KEY,
  -- the compiled definition (ScheduleDefinition) and the input it came from, as JSON
  definition TEXT NOT NULL,
  input TEXT NOT NULL,
  paused INTEGER NOT NULL DEFAULT 0,
  next_fire_at INTEGER,
  buffered_due_at INTEGER,
  run_count INTEGER NOT NULL DEFAULT 0,
  last_fire_at INTEGER,
  last_job_id INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX tw_schedules_due ON tw_schedules (next_fire_at) WHERE paused = 0 AND next_fire_at IS NOT NULL;
CREATE INDEX tw_schedules_buffered ON tw_schedules (buffered_due_at) WHERE paused = 0 AND buffered_due_at IS NOT NULL;

CREATE TABLE tw_schedule_fires (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  schedule_id TEXT NOT NULL,
  due_at INTEGER NOT NULL,
  fired_at INTEGER NOT NULL,
  action TEXT NOT NULL,
  job_id INTEGER,
  count INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX tw_schedule_fires_schedule ON tw_schedule_fires (schedule_id, id);

-- Running attempts with a time limit, for the stored timeout timers (fired by any worker).
CREATE INDEX tw_jobs_running_timeout ON tw_jobs (started_at) WHERE state = 'running' AND timeout_ms IS NOT NULL;
