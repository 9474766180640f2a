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
    created_at bigint NOT NULL
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
-- Name: workers workers_pkey; Type: CONSTRAINT; Schema: taskwright; Owner: -
--

ALTER TABLE ONLY taskwright.workers
    ADD CONSTRAINT workers_pkey PRIMARY KEY (id);

--
-- Name: event_waits_event; Type: INDEX; Schema: taskwright; Owner: -
--

CREATE INDEX event_waits_event ON taskwright.event_waits USING btree (event);

--
-- Name: events_name; Type: INDEX; Schema: taskwright; Owner: -
--

CREATE INDEX events_name ON taskwright.events USING btree (name, created_at);

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

CREATE INDEX jobs_queued ON taskwright.jobs USING btree (queue, priority DESC, id) WHERE (state = 'queued'::text);

--
-- Name: jobs_running; Type: INDEX; Schema: taskwright; Owner: -
--

CREATE INDEX jobs_running ON taskwright.jobs USING btree (worker_id) WHERE (state = 'running'::text);

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
-- PostgreSQL database dump complete
--
