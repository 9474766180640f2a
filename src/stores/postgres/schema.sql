--
-- PostgreSQL database dump
--

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: taskwright; Type: SCHEMA; Schema: -; Owner: -
--

CREATE SCHEMA taskwright;

--
-- Name: flow_claim_check(text[], text[], bigint); Type: FUNCTION; Schema: taskwright; Owner: -
--

CREATE FUNCTION taskwright.flow_claim_check(p_queues text[], p_tags text[], p_now bigint, OUT gated boolean, OUT paused text[]) RETURNS record
    LANGUAGE plpgsql STABLE
    SET search_path TO 'taskwright'
    AS $$
BEGIN
  gated := EXISTS (SELECT 1 FROM flow_limits WHERE key = ANY (SELECT 'queue:' || q FROM unnest(p_queues) AS q))
    OR EXISTS (SELECT 1 FROM jobs WHERE state = 'queued' AND (concurrency_key IS NOT NULL OR rate_key IS NOT NULL OR breaker_key IS NOT NULL)
      AND required_tags IS NULL AND queue = ANY (p_queues))
    OR (cardinality(p_tags) > 0 AND EXISTS (SELECT 1 FROM jobs WHERE state = 'queued' AND required_tags IS NOT NULL AND queue = ANY (p_queues)));
  paused := ARRAY(SELECT queue FROM flow_queues WHERE flow_queues.paused AND queue = ANY (p_queues));
END
$$;

--
-- Name: flow_record_outcomes(text[], bigint[], boolean[], bigint); Type: FUNCTION; Schema: taskwright; Owner: -
--

CREATE FUNCTION taskwright.flow_record_outcomes(p_keys text[], p_jobs bigint[], p_success boolean[], p_now bigint) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO 'taskwright'
    AS $$
DECLARE
  i integer;
  b flow_breakers%ROWTYPE;
  from_state text;
  to_state text;
  why text;
  changes jsonb := '[]'::jsonb;
BEGIN
  FOR i IN SELECT o FROM generate_subscripts(p_keys, 1) AS o ORDER BY p_keys[o], o LOOP
    SELECT * INTO b FROM flow_breakers WHERE key = p_keys[i] FOR UPDATE;
    IF NOT FOUND THEN
      -- a closed breaker with no failures has nothing to count
      CONTINUE WHEN p_success[i];
      INSERT INTO flow_breakers (key, changed_at, window_start) VALUES (p_keys[i], p_now, p_now) ON CONFLICT (key) DO NOTHING;
      SELECT * INTO b FROM flow_breakers WHERE key = p_keys[i] FOR UPDATE;
    END IF;
    from_state := b.state;
    to_state := NULL;
    IF b.state = 'closed' THEN
      -- a success with nothing to reset changes nothing
      CONTINUE WHEN p_success[i] AND b.error_rate IS NULL AND b.consecutive_failures = 0;
      IF p_now - b.window_start >= b.window_ms THEN
        b.window_start := p_now;
        b.window_calls := 0;
        b.window_failures := 0;
      END IF;
      b.window_calls := b.window_calls + 1;
      IF p_success[i] THEN
        b.consecutive_failures := 0;
      ELSE
        b.consecutive_failures := b.consecutive_failures + 1;
        b.window_failures := b.window_failures + 1;
        IF b.consecutive_failures >= b.failure_threshold THEN
          to_state := 'open';
          why := b.consecutive_failures || ' consecutive failures';
        ELSIF b.error_rate IS NOT NULL AND b.window_calls >= b.min_calls AND b.window_failures::float8 / b.window_calls >= b.error_rate THEN
          to_state := 'open';
          why := 'error rate ' || b.window_failures || '/' || b.window_calls || ' in the window';
        END IF;
        IF to_state = 'open' THEN
          b.opened_at := p_now;
        END IF;
      END IF;
    ELSIF b.state = 'half_open' AND b.probe_job_id = p_jobs[i] THEN
      IF p_success[i] THEN
        to_state := 'closed';
        why := 'probe job ' || p_jobs[i] || ' succeeded';
        b.consecutive_failures := 0;
        b.window_start := p_now;
        b.window_calls := 0;
        b.window_failures := 0;
        b.opened_at := NULL;
      ELSE
        to_state := 'open';
        why := 'probe job ' || p_jobs[i] || ' failed';
        b.opened_at := p_now;
      END IF;
      b.probe_job_id := NULL;
    ELSE
      CONTINUE;
    END IF;
    IF to_state IS NOT NULL THEN
      b.state := to_state;
      b.changed_at := p_now;
      b.reason := why;
      changes := changes || jsonb_build_array(jsonb_build_object('key', b.key, 'from', from_state, 'to', to_state, 'at', p_now, 'reason', why));
    END IF;
    UPDATE flow_breakers SET state = b.state, consecutive_failures = b.consecutive_failures, window_start = b.window_start,
      window_calls = b.window_calls, window_failures = b.window_failures, opened_at = b.opened_at, probe_job_id = b.probe_job_id,
      changed_at = b.changed_at, reason = b.reason
    WHERE key = b.key;
  END LOOP;
  RETURN changes;
END
$$;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: event_waits; Type: TABLE; Schema: taskwright; Owner: -
--

CREATE TABLE taskwright.event_waits (
    job_id bigint NOT NULL,
    step_id text NOT NULL,
    event text NOT NULL,
    woken_at bigint
);

--
-- Name: events; Type: TABLE; Schema: taskwright; Owner: -
--

CREATE TABLE taskwright.events (
    id bigint NOT NULL,
    name text NOT NULL,
    data text NOT NULL,
    created_at bigint NOT NULL,
    key text
);

--
-- Name: events_id_seq; Type: SEQUENCE; Schema: taskwright; Owner: -
--

ALTER TABLE taskwright.events ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME taskwright.events_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: feed; Type: TABLE; Schema: taskwright; Owner: -
--

CREATE TABLE taskwright.feed (
    id bigint NOT NULL,
    source text NOT NULL,
    at bigint NOT NULL,
    count integer NOT NULL,
    types text[] NOT NULL,
    ats bigint[] NOT NULL,
    data text[] NOT NULL
);

--
-- Name: feed_id_seq; Type: SEQUENCE; Schema: taskwright; Owner: -
--

ALTER TABLE taskwright.feed ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME taskwright.feed_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: flow_breakers; Type: TABLE; Schema: taskwright; Owner: -
--

CREATE TABLE taskwright.flow_breakers (
    key text NOT NULL,
    failure_threshold integer DEFAULT 5 NOT NULL,
    error_rate double precision,
    window_ms bigint DEFAULT 60000 NOT NULL,
    min_calls integer DEFAULT 10 NOT NULL,
    cooldown_ms bigint DEFAULT 30000 NOT NULL,
    state text DEFAULT 'closed'::text NOT NULL,
    consecutive_failures integer DEFAULT 0 NOT NULL,
    window_start bigint DEFAULT 0 NOT NULL,
    window_calls integer DEFAULT 0 NOT NULL,
    window_failures integer DEFAULT 0 NOT NULL,
    opened_at bigint,
    probe_job_id bigint,
    changed_at bigint DEFAULT 0 NOT NULL,
    reason text,
    CONSTRAINT flow_breakers_state_check CHECK ((state = ANY (ARRAY['closed'::text, 'open'::text, 'half_open'::text])))
);

--
-- Name: flow_groups; Type: TABLE; Schema: taskwright; Owner: -
--

CREATE TABLE taskwright.flow_groups (
    queue text NOT NULL,
    group_key text NOT NULL,
    last_vtime bigint
);

--
-- Name: flow_limits; Type: TABLE; Schema: taskwright; Owner: -
--

CREATE TABLE taskwright.flow_limits (
    key text NOT NULL,
    concurrency integer,
    rate_count integer,
    rate_interval_ms bigint,
    updated_at bigint NOT NULL
);

--
-- Name: flow_queues; Type: TABLE; Schema: taskwright; Owner: -
--

CREATE TABLE taskwright.flow_queues (
    queue text NOT NULL,
    paused boolean DEFAULT false NOT NULL,
    changed_at bigint NOT NULL
);

--
-- Name: flow_rate_starts; Type: TABLE; Schema: taskwright; Owner: -
--

CREATE TABLE taskwright.flow_rate_starts (
    key text NOT NULL,
    at bigint NOT NULL
);

--
-- Name: job_logs; Type: TABLE; Schema: taskwright; Owner: -
--

CREATE TABLE taskwright.job_logs (
    id bigint NOT NULL,
    job_id bigint NOT NULL,
    attempt integer NOT NULL,
    at bigint NOT NULL,
    level text NOT NULL,
    message text NOT NULL,
    fields text,
    step_id text
);

--
-- Name: job_logs_id_seq; Type: SEQUENCE; Schema: taskwright; Owner: -
--

ALTER TABLE taskwright.job_logs ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME taskwright.job_logs_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: jobs; Type: TABLE; Schema: taskwright; Owner: -
--

CREATE TABLE taskwright.jobs (
    id bigint NOT NULL,
    queue text NOT NULL,
    name text NOT NULL,
    payload text NOT NULL,
    state text NOT NULL,
    priority integer DEFAULT 0 NOT NULL,
    run_at bigint NOT NULL,
    attempt integer DEFAULT 0 NOT NULL,
    max_attempts integer NOT NULL,
    backoff text NOT NULL,
    timeout_ms bigint,
    dead_letter boolean DEFAULT true NOT NULL,
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
    cancel_requested boolean DEFAULT false NOT NULL,
    checkpointed boolean DEFAULT false NOT NULL,
    budget text,
    history text NOT NULL,
    updated_at bigint NOT NULL,
    order_key bigint DEFAULT 0 NOT NULL,
    priority_lead_ms bigint DEFAULT 0 NOT NULL,
    group_key text,
    concurrency_key text,
    rate_key text,
    breaker_key text,
    required_tags text[],
    trace_parent text,
    CONSTRAINT jobs_state_check CHECK ((state = ANY (ARRAY['scheduled'::text, 'queued'::text, 'running'::text, 'completed'::text, 'failed'::text, 'dead'::text, 'cancelled'::text])))
);

--
-- Name: jobs_id_seq; Type: SEQUENCE; Schema: taskwright; Owner: -
--

ALTER TABLE taskwright.jobs ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME taskwright.jobs_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: leaders; Type: TABLE; Schema: taskwright; Owner: -
--

CREATE TABLE taskwright.leaders (
    role text NOT NULL,
    holder text NOT NULL,
    expires_at bigint NOT NULL,
    acquired_at bigint NOT NULL
);

--
-- Name: migrations; Type: TABLE; Schema: taskwright; Owner: -
--

CREATE TABLE taskwright.migrations (
    version integer NOT NULL,
    name text NOT NULL,
    breaking boolean DEFAULT false NOT NULL,
    applied_at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: schedule_fires; Type: TABLE; Schema: taskwright; Owner: -
--

CREATE TABLE taskwright.schedule_fires (
    id bigint NOT NULL,
    schedule_id text NOT NULL,
    due_at bigint NOT NULL,
    fired_at bigint NOT NULL,
    action text NOT NULL,
    job_id bigint,
    count integer DEFAULT 1 NOT NULL
);

--
-- Name: schedule_fires_id_seq; Type: SEQUENCE; Schema: taskwright; Owner: -
--

ALTER TABLE taskwright.schedule_fires ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME taskwright.schedule_fires_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: schedules; Type: TABLE; Schema: taskwright; Owner: -
--

CREATE TABLE taskwright.schedules (
    id text NOT NULL,
    definition text NOT NULL,
    input text NOT NULL,
    paused boolean DEFAULT false NOT NULL,
    next_fire_at bigint,
    buffered_due_at bigint,
    run_count integer DEFAULT 0 NOT NULL,
    last_fire_at bigint,
    last_job_id bigint,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL
);

--
-- Name: steps; Type: TABLE; Schema: taskwright; Owner: -
--

CREATE TABLE taskwright.steps (
    job_id bigint NOT NULL,
    step_id text NOT NULL,
    seq integer NOT NULL,
    status text NOT NULL,
    input text,
    output text,
    output_gzip bytea,
    token text,
    error text,
    attempts integer DEFAULT 1 NOT NULL,
    started_at bigint NOT NULL,
    finished_at bigint,
    usage text
);

--
-- Name: trigger_fires; Type: TABLE; Schema: taskwright; Owner: -
--

CREATE TABLE taskwright.trigger_fires (
    trigger_id text NOT NULL,
    event_key text NOT NULL,
    event_id bigint NOT NULL,
    job_id bigint NOT NULL,
    fired_at bigint NOT NULL
);

--
-- Name: triggers; Type: TABLE; Schema: taskwright; Owner: -
--

CREATE TABLE taskwright.triggers (
    id text NOT NULL,
    event text NOT NULL,
    definition text NOT NULL,
    input text NOT NULL,
    paused boolean DEFAULT false NOT NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL
);

--
-- Name: workers; Type: TABLE; Schema: taskwright; Owner: -
--

CREATE TABLE taskwright.workers (
    id text NOT NULL,
    host text NOT NULL,
    pid integer NOT NULL,
    queues text NOT NULL,
    tags text NOT NULL,
    concurrency integer NOT NULL,
    autoscale text,
    state text NOT NULL,
    started_at bigint NOT NULL,
    heartbeat_at bigint NOT NULL,
    dead_after_ms bigint NOT NULL,
    running integer DEFAULT 0 NOT NULL,
    CONSTRAINT workers_state_check CHECK ((state = ANY (ARRAY['running'::text, 'stopping'::text, 'stopped'::text, 'dead'::text])))
);

--
-- Name: event_waits event_waits_pkey; Type: CONSTRAINT; Schema: taskwright; Owner: -
--

ALTER TABLE ONLY taskwright.event_waits
    ADD CONSTRAINT event_waits_pkey PRIMARY KEY (job_id, step_id);

--
-- Name: events events_pkey; Type: CONSTRAINT; Schema: taskwright; Owner: -
--

ALTER TABLE ONLY taskwright.events
    ADD CONSTRAINT events_pkey PRIMARY KEY (id);

--
-- Name: feed feed_pkey; Type: CONSTRAINT; Schema: taskwright; Owner: -
--

ALTER TABLE ONLY taskwright.feed
    ADD CONSTRAINT feed_pkey PRIMARY KEY (id);

--
-- Name: flow_breakers flow_breakers_pkey; Type: CONSTRAINT; Schema: taskwright; Owner: -
--

ALTER TABLE ONLY taskwright.flow_breakers
    ADD CONSTRAINT flow_breakers_pkey PRIMARY KEY (key);

--
-- Name: flow_groups flow_groups_pkey; Type: CONSTRAINT; Schema: taskwright; Owner: -
--

ALTER TABLE ONLY taskwright.flow_groups
    ADD CONSTRAINT flow_groups_pkey PRIMARY KEY (queue, group_key);

--
-- Name: flow_limits flow_limits_pkey; Type: CONSTRAINT; Schema: taskwright; Owner: -
--

ALTER TABLE ONLY taskwright.flow_limits
    ADD CONSTRAINT flow_limits_pkey PRIMARY KEY (key);

--
-- Name: flow_queues flow_queues_pkey; Type: CONSTRAINT; Schema: taskwright; Owner: -
--

ALTER TABLE ONLY taskwright.flow_queues
    ADD CONSTRAINT flow_queues_pkey PRIMARY KEY (queue);

--
-- Name: job_logs job_logs_pkey; Type: CONSTRAINT; Schema: taskwright; Owner: -
--

ALTER TABLE ONLY taskwright.job_logs
    ADD CONSTRAINT job_logs_pkey PRIMARY KEY (id);

--
-- Name: jobs jobs_pkey; Type: CONSTRAINT; Schema: taskwright; Owner: -
--

ALTER TABLE ONLY taskwright.jobs
    ADD CONSTRAINT jobs_pkey PRIMARY KEY (id);

--
-- Name: leaders leaders_pkey; Type: CONSTRAINT; Schema: taskwright; Owner: -
--

ALTER TABLE ONLY taskwright.leaders
    ADD CONSTRAINT leaders_pkey PRIMARY KEY (role);

--
-- Name: migrations migrations_pkey; Type: CONSTRAINT; Schema: taskwright; Owner: -
--

ALTER TABLE ONLY taskwright.migrations
    ADD CONSTRAINT migrations_pkey PRIMARY KEY (version);

--
-- Name: schedule_fires schedule_fires_pkey; Type: CONSTRAINT; Schema: taskwright; Owner: -
--

ALTER TABLE ONLY taskwright.schedule_fires
    ADD CONSTRAINT schedule_fires_pkey PRIMARY KEY (id);

--
-- Name: schedules schedules_pkey; Type: CONSTRAINT; Schema: taskwright; Owner: -
--

ALTER TABLE ONLY taskwright.schedules
    ADD CONSTRAINT schedules_pkey PRIMARY KEY (id);

--
-- Name: steps steps_pkey; Type: CONSTRAINT; Schema: taskwright; Owner: -
--

ALTER TABLE ONLY taskwright.steps
    ADD CONSTRAINT steps_pkey PRIMARY KEY (job_id, step_id);

--
-- Name: trigger_fires trigger_fires_pkey; Type: CONSTRAINT; Schema: taskwright; Owner: -
--

ALTER TABLE ONLY taskwright.trigger_fires
    ADD CONSTRAINT trigger_fires_pkey PRIMARY KEY (trigger_id, event_key);

--
-- Name: triggers triggers_pkey; Type: CONSTRAINT; Schema: taskwright; Owner: -
--

ALTER TABLE ONLY taskwright.triggers
    ADD CONSTRAINT triggers_pkey PRIMARY KEY (id);

--
-- Name: workers workers_pkey; Type: CONSTRAINT; Schema: taskwright; Owner: -
--

ALTER TABLE ONLY taskwright.workers
    ADD CONSTRAINT workers_pkey PRIMARY KEY (id);

--
-- Name: event_waits_event; Type: INDEX; Schema: taskwright; Owner: -
--

CREATE INDEX event_waits_event ON taskwright.event_waits USING btree (event);

--
-- Name: events_key; Type: INDEX; Schema: taskwright; Owner: -
--

CREATE UNIQUE INDEX events_key ON taskwright.events USING btree (key) WHERE (key IS NOT NULL);

--
-- Name: events_name; Type: INDEX; Schema: taskwright; Owner: -
--

CREATE INDEX events_name ON taskwright.events USING btree (name, created_at);

--
-- Name: flow_rate_starts_key; Type: INDEX; Schema: taskwright; Owner: -
--

CREATE INDEX flow_rate_starts_key ON taskwright.flow_rate_starts USING btree (key, at);

--
-- Name: job_logs_job; Type: INDEX; Schema: taskwright; Owner: -
--

CREATE INDEX job_logs_job ON taskwright.job_logs USING btree (job_id);

--
-- Name: jobs_cancel_requested; Type: INDEX; Schema: taskwright; Owner: -
--

CREATE INDEX jobs_cancel_requested ON taskwright.jobs USING btree (worker_id) WHERE cancel_requested;

--
-- Name: jobs_idempotency_expiry; Type: INDEX; Schema: taskwright; Owner: -
--

CREATE INDEX jobs_idempotency_expiry ON taskwright.jobs USING btree (idempotency_expires_at) WHERE (idempotency_key IS NOT NULL);

--
-- Name: jobs_idempotency_key; Type: INDEX; Schema: taskwright; Owner: -
--

CREATE UNIQUE INDEX jobs_idempotency_key ON taskwright.jobs USING btree (idempotency_key) WHERE (idempotency_key IS NOT NULL);

--
-- Name: jobs_queued; Type: INDEX; Schema: taskwright; Owner: -
--

CREATE INDEX jobs_queued ON taskwright.jobs USING btree (queue, order_key, id) WHERE ((state = 'queued'::text) AND (concurrency_key IS NULL) AND (rate_key IS NULL) AND (breaker_key IS NULL) AND (required_tags IS NULL));

--
-- Name: jobs_queued_keyed; Type: INDEX; Schema: taskwright; Owner: -
--

CREATE INDEX jobs_queued_keyed ON taskwright.jobs USING btree (queue, order_key, id) WHERE ((state = 'queued'::text) AND ((concurrency_key IS NOT NULL) OR (rate_key IS NOT NULL) OR (breaker_key IS NOT NULL)) AND (required_tags IS NULL));

--
-- Name: jobs_queued_tagged; Type: INDEX; Schema: taskwright; Owner: -
--

CREATE INDEX jobs_queued_tagged ON taskwright.jobs USING btree (queue, order_key, id) WHERE ((state = 'queued'::text) AND (required_tags IS NOT NULL));

--
-- Name: jobs_running; Type: INDEX; Schema: taskwright; Owner: -
--

CREATE INDEX jobs_running ON taskwright.jobs USING btree (worker_id) WHERE (state = 'running'::text);

--
-- Name: jobs_running_key; Type: INDEX; Schema: taskwright; Owner: -
--

CREATE INDEX jobs_running_key ON taskwright.jobs USING btree (concurrency_key) WHERE ((state = 'running'::text) AND (concurrency_key IS NOT NULL));

--
-- Name: jobs_running_timeout; Type: INDEX; Schema: taskwright; Owner: -
--

CREATE INDEX jobs_running_timeout ON taskwright.jobs USING btree (started_at) WHERE ((state = 'running'::text) AND (timeout_ms IS NOT NULL));

--
-- Name: jobs_scheduled; Type: INDEX; Schema: taskwright; Owner: -
--

CREATE INDEX jobs_scheduled ON taskwright.jobs USING btree (run_at) WHERE (state = 'scheduled'::text);

--
-- Name: schedule_fires_schedule; Type: INDEX; Schema: taskwright; Owner: -
--

CREATE INDEX schedule_fires_schedule ON taskwright.schedule_fires USING btree (schedule_id, id);

--
-- Name: schedules_buffered; Type: INDEX; Schema: taskwright; Owner: -
--

CREATE INDEX schedules_buffered ON taskwright.schedules USING btree (buffered_due_at) WHERE ((NOT paused) AND (buffered_due_at IS NOT NULL));

--
-- Name: schedules_due; Type: INDEX; Schema: taskwright; Owner: -
--

CREATE INDEX schedules_due ON taskwright.schedules USING btree (next_fire_at) WHERE ((NOT paused) AND (next_fire_at IS NOT NULL));

--
-- Name: steps_checkpoints; Type: INDEX; Schema: taskwright; Owner: -
--

CREATE INDEX steps_checkpoints ON taskwright.steps USING btree (job_id) WHERE (step_id = '$checkpoint'::text);

--
-- Name: trigger_fires_event; Type: INDEX; Schema: taskwright; Owner: -
--

CREATE INDEX trigger_fires_event ON taskwright.trigger_fires USING btree (event_key);

--
-- Name: trigger_fires_recent; Type: INDEX; Schema: taskwright; Owner: -
--

CREATE INDEX trigger_fires_recent ON taskwright.trigger_fires USING btree (trigger_id, fired_at);

--
-- Name: triggers_event; Type: INDEX; Schema: taskwright; Owner: -
--

CREATE INDEX triggers_event ON taskwright.triggers USING btree (event) WHERE (NOT paused);

--
-- PostgreSQL database dump complete
--
