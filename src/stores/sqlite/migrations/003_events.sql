-- Events sent to workflows, and the runs waiting for them. Sending an event makes every run
-- waiting on that name due at once, so it replays and finds the event.
CREATE TABLE tw_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  data TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX tw_events_name ON tw_events (name, created_at);

CREATE TABLE tw_event_waits (
  job_id INTEGER NOT NULL,
  step_id TEXT NOT NULL,
  event TEXT NOT NULL,
  -- set when a matching event is sent; a run parking in that same moment then stays due
  woken_at INTEGER,
  PRIMARY KEY (job_id, step_id)
) WITHOUT ROWID;
CREATE INDEX tw_event_waits_event ON tw_event_waits (event);
