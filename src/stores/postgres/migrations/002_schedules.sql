-- Schedules (cron, interval, one-time) and the history of their fires. A due time is fired by the
-- transaction that locks the schedule (SKIP LOCKED) and advances next_fire_at, so any number of
-- schedulers fire it once.
CREATE TABLE schedules (
  id text PRIMARY KEY,
  -- the compiled definition (ScheduleDefinition) and the input it came from, as JSON
  definition text NOT NULL,
  input text NOT NULL,
  paused boolean NOT NULL DEFAULT false,
  next_fire_at bigint,
  buffered_due_at bigint,
  run_count integer NOT NULL DEFAULT 0,
  last_fire_at bigint,
  last_job_id bigint,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL
);
CREATE INDEX schedules_due ON schedules (next_fire_at) WHERE NOT paused AND next_fire_at IS NOT NULL;
CREATE INDEX schedules_buffered ON schedules (buffered_due_at) WHERE NOT paused AND buffered_due_at IS NOT NULL;

CREATE TABLE schedule_fires (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  schedule_id text NOT NULL,
  due_at bigint NOT NULL,
  fired_at bigint NOT NULL,
  action text NOT NULL,
  job_id bigint,
  count integer NOT NULL DEFAULT 1
);
CREATE INDEX schedule_fires_schedule ON schedule_fires (schedule_id, id);

-- Running attempts with a time limit, for the stored timeout timers.
CREATE INDEX jobs_running_timeout ON jobs (started_at) WHERE state = 'running' AND timeout_ms IS NOT NULL;
