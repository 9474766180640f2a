-- The event feed, the worker registry and the enqueuer's trace context.

-- Engine events that workers append so a server in another process can stream them. One row holds
-- one appended batch from one source (its events as three parallel arrays), so a worker's flush
-- is one insert. Appends take an advisory lock until they commit (see feed.ts), so ids become
-- visible in increasing order and a reader that has seen id N never misses a smaller one. Rows
-- are short-lived: trimFeed deletes old ones.
CREATE TABLE feed (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  source text NOT NULL,
  -- time of the batch's last event (epoch ms)
  at bigint NOT NULL,
  count integer NOT NULL,
  types text[] NOT NULL,
  ats bigint[] NOT NULL,
  data text[] NOT NULL
);

-- Every worker's record, saved at start, on scaling and at stop; heartbeat_at is renewed with the
-- worker's lease renewals, and the reaper marks silent workers dead.
CREATE TABLE workers (
  id text PRIMARY KEY,
  host text NOT NULL,
  pid integer NOT NULL,
  -- JSON arrays of text
  queues text NOT NULL,
  tags text NOT NULL,
  concurrency integer NOT NULL,
  -- JSON {min, max}, or NULL without autoscaling
  autoscale text,
  state text NOT NULL CHECK (state IN ('running', 'stopping', 'stopped', 'dead')),
  started_at bigint NOT NULL,
  heartbeat_at bigint NOT NULL,
  dead_after_ms bigint NOT NULL,
  running integer NOT NULL DEFAULT 0
);

-- W3C traceparent of the span that enqueued the job, so its attempts join the same trace.
ALTER TABLE jobs ADD COLUMN trace_parent text;
