-- Three schemas for the shapes in this folder (see README.md): xa (shapes 1 and 2: the store's own
-- jobs table and indexes, as migrations 001-006 leave it), xb (shape 3), xg (shape 4).
DROP SCHEMA IF EXISTS xa CASCADE; DROP SCHEMA IF EXISTS xb CASCADE; DROP SCHEMA IF EXISTS xg CASCADE;
CREATE SCHEMA xa; CREATE SCHEMA xb; CREATE SCHEMA xg;
-- A: current wide table
CREATE TABLE xa.jobs (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, queue text NOT NULL, name text NOT NULL, payload text NOT NULL, state text NOT NULL,
    priority integer DEFAULT 0 NOT NULL, run_at bigint NOT NULL, attempt integer DEFAULT 0 NOT NULL, max_attempts integer NOT NULL,
    backoff text NOT NULL, timeout_ms bigint, dead_letter boolean DEFAULT true NOT NULL, tags jsonb, idempotency_key text,
    idempotency_expires_at bigint, created_at bigint NOT NULL, started_at bigint, finished_at bigint, result text, error text,
    progress text, worker_id text, lease_expires_at bigint, cancel_requested boolean DEFAULT false NOT NULL,
    checkpointed boolean DEFAULT false NOT NULL, budget text, history text NOT NULL, updated_at bigint NOT NULL,
    order_key bigint DEFAULT 0 NOT NULL, priority_lead_ms bigint DEFAULT 0 NOT NULL, group_key text, concurrency_key text,
    rate_key text, breaker_key text, required_tags text[], trace_parent text);
CREATE INDEX ON xa.jobs (worker_id) WHERE cancel_requested;
CREATE INDEX ON xa.jobs (idempotency_expires_at) WHERE (idempotency_key IS NOT NULL);
CREATE UNIQUE INDEX ON xa.jobs (idempotency_key) WHERE (idempotency_key IS NOT NULL);
CREATE INDEX ON xa.jobs (queue, order_key, id) WHERE ((state = 'queued'::text) AND (concurrency_key IS NULL) AND (rate_key IS NULL) AND (breaker_key IS NULL) AND (required_tags IS NULL));
CREATE INDEX ON xa.jobs (queue, order_key, id) WHERE ((state = 'queued'::text) AND ((concurrency_key IS NOT NULL) OR (rate_key IS NOT NULL) OR (breaker_key IS NOT NULL)) AND (required_tags IS NULL));
CREATE INDEX ON xa.jobs (queue, order_key, id) WHERE ((state = 'queued'::text) AND (required_tags IS NOT NULL));
CREATE INDEX ON xa.jobs (worker_id) WHERE (state = 'running'::text);
CREATE INDEX ON xa.jobs (concurrency_key) WHERE ((state = 'running'::text) AND (concurrency_key IS NOT NULL));
CREATE INDEX ON xa.jobs (started_at) WHERE ((state = 'running'::text) AND (timeout_ms IS NOT NULL));
CREATE INDEX ON xa.jobs (run_at) WHERE (state = 'scheduled'::text);
-- B: narrow live table + wide record table (pkey only, HOT updates)
CREATE TABLE xb.jobs (LIKE xa.jobs INCLUDING DEFAULTS) WITH (fillfactor = 90);
ALTER TABLE xb.jobs ADD PRIMARY KEY (id);
CREATE TABLE xb.live (id bigint PRIMARY KEY, queue text NOT NULL, state text NOT NULL, order_key bigint NOT NULL, run_at bigint NOT NULL,
   attempt int NOT NULL DEFAULT 0, worker_id text, lease_expires_at bigint, cancel_requested boolean NOT NULL DEFAULT false, concurrency_key text, rate_key text, breaker_key text, required_tags text[], timeout_ms bigint, started_at bigint);
CREATE INDEX ON xb.live (queue, order_key, id) WHERE ((state = 'queued'::text) AND (concurrency_key IS NULL) AND (rate_key IS NULL) AND (breaker_key IS NULL) AND (required_tags IS NULL));
CREATE INDEX ON xb.live (worker_id) WHERE (state = 'running'::text);
CREATE INDEX ON xb.live (run_at) WHERE (state = 'scheduled'::text);
CREATE INDEX ON xb.live (worker_id) WHERE cancel_requested;
-- G: graphile-like
CREATE TABLE xg.jobs (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, queue text, task text, payload text, priority int, run_at bigint, attempts int default 0, max_attempts int default 25, locked_at bigint, locked_by text, created_at bigint, updated_at bigint, key text, last_error text,
  is_available boolean GENERATED ALWAYS AS (locked_at IS NULL AND attempts < max_attempts) STORED);
CREATE INDEX ON xg.jobs (priority, run_at) INCLUDE (id, queue) WHERE is_available;
