-- Event triggers: an event of a trigger's name whose data matches starts the trigger's job or
-- workflow run. Publishing an event with a key stores it once: a second publish of the key finds
-- it and starts nothing, so each trigger starts one job per event.
CREATE TABLE tw_triggers (
  id TEXT PRIMARY KEY,
  event TEXT NOT NULL,
  -- the compiled definition (TriggerDefinition) and the input it came from, as JSON
  definition TEXT NOT NULL,
  input TEXT NOT NULL,
  paused INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX tw_triggers_event ON tw_triggers (event) WHERE paused = 0;

CREATE TABLE tw_trigger_fires (
  trigger_id TEXT NOT NULL,
  event_key TEXT NOT NULL,
  event_id INTEGER NOT NULL,
  job_id INTEGER NOT NULL,
  fired_at INTEGER NOT NULL,
  PRIMARY KEY (trigger_id, event_key)
) WITHOUT ROWID;
CREATE INDEX tw_trigger_fires_event ON tw_trigger_fires (event_key);
CREATE INDEX tw_trigger_fires_recent ON tw_trigger_fires (trigger_id, fired_at);

-- the publisher's id of an event (NULL for events sent without one): the idempotency key
ALTER TABLE tw_events ADD COLUMN key TEXT;
CREATE UNIQUE INDEX tw_events_key ON tw_events (key) WHERE key IS NOT NULL;
