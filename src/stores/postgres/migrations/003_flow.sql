-- Flow control: priorities with aging, per-group fairness, concurrency and rate limits, circuit
-- breakers, queue pause and worker tags.
-- taskwright: breaking
-- (an older Taskwright would claim limited jobs without the flow gate and order by priority only)
--
-- order_key is the one column claims order by: (the time the job became eligible, spaced out per
-- fairness group) minus priority_lead_ms (priority times the aging step). Ordering by it equals
-- ordering by "priority + time waited / aging step", so a waiting job's effective priority rises
-- with its age while the claim still reads one index in order.
ALTER TABLE jobs ADD COLUMN order_key bigint NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN priority_lead_ms bigint NOT NULL DEFAULT 0;
-- NULL for most jobs (a NULL costs one bit of the row's null bitmap)
ALTER TABLE jobs ADD COLUMN group_key text;
ALTER TABLE jobs ADD COLUMN concurrency_key text;
ALTER TABLE jobs ADD COLUMN rate_key text;
ALTER TABLE jobs ADD COLUMN breaker_key text;
-- worker tags the job needs, sorted (e.g. {gpu}), or NULL for any worker
ALTER TABLE jobs ADD COLUMN required_tags text[];

-- existing jobs keep their priority order under the default aging step (10s per level)
UPDATE jobs SET priority_lead_ms = priority::bigint * 10000, order_key = run_at - priority::bigint * 10000
  WHERE state IN ('queued', 'scheduled');

-- Plain jobs (no limit or breaker key, no required tags), keyed jobs and jobs needing worker tags
-- sit in separate partial indexes: the plain claim stays one ordered read of its own index, a
-- backlog of held jobs never lies in its way, and a worker without tags never walks past, say, a
-- backlog of gpu jobs. Fairness groups only shape order_key, so grouped jobs are plain.
DROP INDEX jobs_queued;
CREATE INDEX jobs_queued ON jobs (queue, order_key, id)
  WHERE state = 'queued' AND concurrency_key IS NULL AND rate_key IS NULL AND breaker_key IS NULL AND required_tags IS NULL;
CREATE INDEX jobs_queued_keyed ON jobs (queue, order_key, id)
  WHERE state = 'queued' AND (concurrency_key IS NOT NULL OR rate_key IS NOT NULL OR breaker_key IS NOT NULL) AND required_tags IS NULL;
CREATE INDEX jobs_queued_tagged ON jobs (queue, order_key, id) WHERE state = 'queued' AND required_tags IS NOT NULL;
-- Running jobs per concurrency key (only keyed jobs enter it: nothing on the plain hot path).
CREATE INDEX jobs_running_key ON jobs (concurrency_key) WHERE state = 'running' AND concurrency_key IS NOT NULL;

-- Fairness: the virtual time of each group's last eligible job, per queue (NULL: none yet).
CREATE TABLE flow_groups (
  queue text NOT NULL,
  group_key text NOT NULL,
  last_vtime bigint,
  PRIMARY KEY (queue, group_key)
);

-- Concurrency and rate limits by key; `queue:NAME` keys limit a whole queue.
CREATE TABLE flow_limits (
  key text PRIMARY KEY,
  concurrency integer,
  rate_count integer,
  rate_interval_ms bigint,
  updated_at bigint NOT NULL
);

-- Start times inside the current rate window (a sliding log: exact, pruned as it slides).
CREATE TABLE flow_rate_starts (
  key text NOT NULL,
  at bigint NOT NULL
);
CREATE INDEX flow_rate_starts_key ON flow_rate_starts (key, at);

CREATE TABLE flow_queues (
  queue text PRIMARY KEY,
  paused boolean NOT NULL DEFAULT false,
  changed_at bigint NOT NULL
);

-- Circuit breakers: configuration (defaults here) and state.
CREATE TABLE flow_breakers (
  key text PRIMARY KEY,
  failure_threshold integer NOT NULL DEFAULT 5,
  error_rate double precision,
  window_ms bigint NOT NULL DEFAULT 60000,
  min_calls integer NOT NULL DEFAULT 10,
  cooldown_ms bigint NOT NULL DEFAULT 30000,
  state text NOT NULL DEFAULT 'closed' CHECK (state IN ('closed', 'open', 'half_open')),
  consecutive_failures integer NOT NULL DEFAULT 0,
  window_start bigint NOT NULL DEFAULT 0,
  window_calls integer NOT NULL DEFAULT 0,
  window_failures integer NOT NULL DEFAULT 0,
  opened_at bigint,
  probe_job_id bigint,
  changed_at bigint NOT NULL DEFAULT 0,
  reason text
);

-- Feeds the outcomes of settled jobs that carry a breaker key to their breakers, inside the settle
-- statement that applied them (so a settle and its breaker counts commit together). Outcomes go
-- key by key in key order (every settle locks breaker rows in the same order), each key's in the
-- order given. A closed breaker counts consecutive failures and failures in its window and opens
-- past its thresholds; a half-open one closes on its probe's success and opens again on its
-- failure; other outcomes while not closed are ignored (they started before it opened).
-- Returns the state changes as a JSON array of { key, from, to, at, reason }.
CREATE FUNCTION flow_record_outcomes(p_keys text[], p_jobs bigint[], p_success boolean[], p_now bigint) RETURNS jsonb
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
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

-- What the plain claim statement (claim.ts) needs to know about flow control, in one call whose
-- queries PL/pgSQL prepares once per connection (the statement around it stays as cheap to plan
-- as without flow control). `gated`: this claim must go through the flow gate instead, because a
-- selected queue has a `queue:NAME` limit, a queued job in a selected queue has a limit or breaker
-- key (or needs worker tags, and this worker has some), or a due scheduled job is grouped or keyed.
-- Each is a probe of an index or a small table that is empty for plain work. `paused`: the
-- selected queues that are paused.
CREATE FUNCTION flow_claim_check(p_queues text[], p_tags text[], p_now bigint, OUT gated boolean, OUT paused text[])
LANGUAGE plpgsql STABLE SET search_path FROM CURRENT AS $$
BEGIN
  gated := EXISTS (SELECT 1 FROM flow_limits WHERE key = ANY (SELECT 'queue:' || q FROM unnest(p_queues) AS q))
    OR EXISTS (SELECT 1 FROM jobs WHERE state = 'queued' AND (concurrency_key IS NOT NULL OR rate_key IS NOT NULL OR breaker_key IS NOT NULL)
      AND required_tags IS NULL AND queue = ANY (p_queues))
    OR (cardinality(p_tags) > 0 AND EXISTS (SELECT 1 FROM jobs WHERE state = 'queued' AND required_tags IS NOT NULL AND queue = ANY (p_queues)))
    OR EXISTS (SELECT 1 FROM jobs WHERE state = 'scheduled' AND run_at <= p_now
      AND (group_key IS NOT NULL OR concurrency_key IS NOT NULL OR rate_key IS NOT NULL OR breaker_key IS NOT NULL OR required_tags IS NOT NULL));
  paused := ARRAY(SELECT queue FROM flow_queues WHERE flow_queues.paused AND queue = ANY (p_queues));
END
$$;
