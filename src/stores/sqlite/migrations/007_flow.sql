-- Flow control: priorities with aging, per-group fairness, concurrency and rate limits, circuit
-- breakers, queue pause, worker tags, and the worker registry.
--
-- order_key is the one column the claim orders by: (the time the job became eligible, spaced out
-- per group for fairness) minus priority_lead_ms (priority times the aging step). Ordering by it
-- equals ordering by "priority + time waited / aging step", so a waiting job's effective priority
-- rises with its age, yet the claim still reads one index in order.
ALTER TABLE tw_jobs ADD COLUMN order_key INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tw_jobs ADD COLUMN priority_lead_ms INTEGER NOT NULL DEFAULT 0;
-- fairness group and limit / breaker keys as JSON { g, c, r, b }, NULL for most jobs: one column
-- instead of four, since every column costs on each write of the hot path
ALTER TABLE tw_jobs ADD COLUMN flow_keys TEXT;
-- JSON array of worker tags the job needs (e.g. ["gpu"]), or NULL for any worker
ALTER TABLE tw_jobs ADD COLUMN required_tags TEXT;

UPDATE tw_jobs SET order_key = run_at WHERE state IN ('queued', 'scheduled');

-- Jobs any worker may run and jobs that need worker tags sit in separate partial indexes, so a
-- worker without tags never walks past a backlog of, say, gpu jobs.
DROP INDEX tw_jobs_queued;
CREATE INDEX tw_jobs_queued ON tw_jobs (queue, order_key, id) WHERE state = 'queued' AND required_tags IS NULL;
CREATE INDEX tw_jobs_queued_tagged ON tw_jobs (queue, order_key, id) WHERE state = 'queued' AND required_tags IS NOT NULL;
-- Running jobs per concurrency key (only keyed jobs are in it: nothing on the plain hot path).
CREATE INDEX tw_jobs_running_key ON tw_jobs (json_extract(flow_keys, '$.c')) WHERE state = 'running' AND flow_keys IS NOT NULL;

-- Fairness: the virtual time of each group's last enqueued job, per queue.
CREATE TABLE tw_groups (
  queue TEXT NOT NULL,
  group_key TEXT NOT NULL,
  last_vtime INTEGER NOT NULL,
  PRIMARY KEY (queue, group_key)
) WITHOUT ROWID;

-- Concurrency and rate limits by key; `queue:NAME` keys limit a whole queue.
CREATE TABLE tw_limits (
  key TEXT PRIMARY KEY,
  concurrency INTEGER,
  rate_count INTEGER,
  rate_interval_ms INTEGER,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;

-- Start times inside the current rate window (a sliding log: exact, pruned as it slides).
CREATE TABLE tw_rate_starts (
  key TEXT NOT NULL,
  at INTEGER NOT NULL,
  seq INTEGER PRIMARY KEY
);
CREATE INDEX tw_rate_starts_key ON tw_rate_starts (key, at);

CREATE TABLE tw_queues (
  queue TEXT PRIMARY KEY,
  paused INTEGER NOT NULL DEFAULT 0,
  changed_at INTEGER NOT NULL
) WITHOUT ROWID;

-- Circuit breakers: configuration (defaults here) and state.
CREATE TABLE tw_breakers (
  key TEXT PRIMARY KEY,
  failure_threshold INTEGER NOT NULL DEFAULT 5,
  error_rate REAL,
  window_ms INTEGER NOT NULL DEFAULT 60000,
  min_calls INTEGER NOT NULL DEFAULT 10,
  cooldown_ms INTEGER NOT NULL DEFAULT 30000,
  state TEXT NOT NULL DEFAULT 'closed',
  consecutive_failures INTEGER NOT NULL DEFAULT 0,
  window_start INTEGER NOT NULL DEFAULT 0,
  window_calls INTEGER NOT NULL DEFAULT 0,
  window_failures INTEGER NOT NULL DEFAULT 0,
  opened_at INTEGER,
  probe_job_id INTEGER,
  changed_at INTEGER NOT NULL DEFAULT 0,
  reason TEXT
) WITHOUT ROWID;

CREATE TABLE tw_workers (
  id TEXT PRIMARY KEY,
  host TEXT NOT NULL,
  pid INTEGER NOT NULL,
  queues TEXT NOT NULL,
  tags TEXT NOT NULL,
  concurrency INTEGER NOT NULL,
  autoscale TEXT,
  state TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  heartbeat_at INTEGER NOT NULL,
  dead_after_ms INTEGER NOT NULL,
  running INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
