-- Jobs, their transition history and their logs. Times are epoch milliseconds.
CREATE TABLE tw_jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  queue TEXT NOT NULL,
  name TEXT NOT NULL,
  payload TEXT NOT NULL,
  state TEXT NOT NULL,
  priority INTEGER NOT NULL DEFAULT 0,
  run_at INTEGER NOT NULL,
  attempt INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  backoff TEXT NOT NULL,
  timeout_ms INTEGER,
  dead_letter INTEGER NOT NULL DEFAULT 1,
  tags TEXT,
  idempotency_key TEXT,
  idempotency_expires_at INTEGER,
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER,
  result TEXT,
  error TEXT,
  progress TEXT,
  worker_id TEXT,
  lease_expires_at INTEGER,
  cancel_requested INTEGER NOT NULL DEFAULT 0,
  checkpoint_token TEXT,
  checkpoint_data BLOB,
  checkpoint_encoding TEXT,
  -- every transition, one line each: at, from, to, attempt, reason (see history.ts)
  history TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);

-- Partial indexes: each row sits only in the index of the state it is in, so the claim path
-- touches small trees and finished jobs cost nothing there. Finished jobs have no index of their
-- own: pruning walks the oldest ids instead (see maintenance.ts).
CREATE INDEX tw_jobs_queued ON tw_jobs (queue, priority DESC, id) WHERE state = 'queued';
CREATE INDEX tw_jobs_scheduled ON tw_jobs (run_at) WHERE state = 'scheduled';
CREATE INDEX tw_jobs_running ON tw_jobs (worker_id) WHERE state = 'running';
CREATE INDEX tw_jobs_cancel_requested ON tw_jobs (worker_id) WHERE cancel_requested = 1;
CREATE UNIQUE INDEX tw_jobs_idempotency ON tw_jobs (idempotency_key) WHERE idempotency_key IS NOT NULL;

CREATE TABLE tw_job_logs (
  id INTEGER PRIMARY KEY,
  job_id INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  at INTEGER NOT NULL,
  level TEXT NOT NULL,
  message TEXT NOT NULL,
  fields TEXT
);
CREATE INDEX tw_job_logs_job ON tw_job_logs (job_id);
