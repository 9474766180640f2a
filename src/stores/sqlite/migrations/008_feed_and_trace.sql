-- The event feed: workers append engine events in batches; a server in another process tails it
-- after a cursor, woken by the WAL watch. One row holds one appended batch (one line per event:
-- type TAB at TAB data), so publishing costs one insert per flush, not one per event. Rows are
-- short-lived: trimFeed drops old ones.
CREATE TABLE tw_feed (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  source TEXT NOT NULL,
  -- time of the batch's last event
  at INTEGER NOT NULL,
  count INTEGER NOT NULL,
  entries TEXT NOT NULL
);

-- W3C traceparent of the span that enqueued the job, so its attempts join the same trace.
ALTER TABLE tw_jobs ADD COLUMN trace_parent TEXT;
