-- Jobs, their transition history and logs, workflow steps and events. Times are epoch
-- milliseconds (bigint); the store never reads the database clock. Runs with search_path set to
-- the store's schema, so every name here is unqualified.
CREATE TABLE jobs (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  queue text NOT NULL,
  name text NOT NULL,
  payload text NOT NULL,
  state text NOT NULL CHECK (state IN ('scheduled', 'queued', 'running', 'completed', 'failed', 'dead', 'cancelled')),
  priority integer NOT NULL DEFAULT 0,
  run_at bigint NOT NULL,
  attempt integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL,
  backoff text NOT NULL,
  timeout_ms bigint,
  dead_letter boolean NOT NULL DEFAULT true,
  tags jsonb,
  idempotency_key text,
  idempotency_expires_at bigint,
  created_at bigint NOT NULL,
  started_at bigint,
  finished_at bigint,
  result text,
  error text,
  progress text,
  worker_id text,
  lease_expires_at bigint,
  cancel_requested boolean NOT NULL DEFAULT false,
  -- set once the job saved a checkpoint (a record of its step journal), so claims read the
  -- journal only for those jobs: a plain job pays no extra read
  checkpointed boolean NOT NULL DEFAULT false,
  budget text,
  -- every transition, one line each: at, from, to, attempt, reason (see history.ts)
  history text NOT NULL,
  updated_at bigint NOT NULL
);

-- Partial indexes: a row sits only in the index of the state it is in, so claims walk a small
-- tree in priority order and finished jobs (most of a large table) cost nothing there. Finished
-- jobs have no index of their own: pruning walks the oldest ids instead (see maintenance.ts).
CREATE INDEX jobs_queued ON jobs (queue, priority DESC, id) WHERE state = 'queued';
CREATE INDEX jobs_scheduled ON jobs (run_at) WHERE state = 'scheduled';
CREATE INDEX jobs_running ON jobs (worker_id) WHERE state = 'running';
CREATE INDEX jobs_cancel_requested ON jobs (worker_id) WHERE cancel_requested;
CREATE UNIQUE INDEX jobs_idempotency_key ON jobs (idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX jobs_idempotency_expiry ON jobs (idempotency_expires_at) WHERE idempotency_key IS NOT NULL;

CREATE TABLE job_logs (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  job_id bigint NOT NULL,
  attempt integer NOT NULL,
  at bigint NOT NULL,
  level text NOT NULL,
  message text NOT NULL,
  fields text,
  -- the workflow step that wrote it, if any
  step_id text
);
CREATE INDEX job_logs_job ON job_logs (job_id);

-- The step journal: one row per step of a workflow run (a run is a job), and the job's checkpoint
-- (step_id '$checkpoint', one per job). A recorded step is never run again. Large outputs are
-- stored gzipped (output_gzip, output NULL).
CREATE TABLE steps (
  job_id bigint NOT NULL,
  step_id text NOT NULL,
  seq integer NOT NULL,
  status text NOT NULL,
  input text,
  output text,
  output_gzip bytea,
  -- checkpoint records only
  token text,
  error text,
  attempts integer NOT NULL DEFAULT 1,
  started_at bigint NOT NULL,
  finished_at bigint,
  usage text,
  PRIMARY KEY (job_id, step_id)
);
-- checkpointStats reads only the checkpoint records
CREATE INDEX steps_checkpoints ON steps (job_id) WHERE step_id = '$checkpoint';

-- Events sent to workflows, and the runs waiting for them.
CREATE TABLE events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL,
  data text NOT NULL,
  created_at bigint NOT NULL
);
CREATE INDEX events_name ON events (name, created_at);

CREATE TABLE event_waits (
  job_id bigint NOT NULL,
  step_id text NOT NULL,
  event text NOT NULL,
  -- set when a matching event is sent while the run is running; the park that follows stays due
  woken_at bigint,
  PRIMARY KEY (job_id, step_id)
);
CREATE INDEX event_waits_event ON event_waits (event);
