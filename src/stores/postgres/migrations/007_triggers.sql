-- Event triggers: an event of a trigger's name whose data matches starts the trigger's job or
-- workflow run. Publishing an event with a key stores it once (publishers of one key take turns
-- under an advisory lock; the unique index is the backstop): a second publish of the key finds it
-- and starts nothing, so each trigger starts one job per event, whichever process publishes.
CREATE TABLE triggers (
  id text PRIMARY KEY,
  event text NOT NULL,
  -- the compiled definition (TriggerDefinition) and the input it came from, as JSON
  definition text NOT NULL,
  input text NOT NULL,
  paused boolean NOT NULL DEFAULT false,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL
);
CREATE INDEX triggers_event ON triggers (event) WHERE NOT paused;

CREATE TABLE trigger_fires (
  trigger_id text NOT NULL,
  event_key text NOT NULL,
  event_id bigint NOT NULL,
  job_id bigint NOT NULL,
  fired_at bigint NOT NULL,
  PRIMARY KEY (trigger_id, event_key)
);
CREATE INDEX trigger_fires_event ON trigger_fires (event_key);
CREATE INDEX trigger_fires_recent ON trigger_fires (trigger_id, fired_at);

-- the publisher's id of an event (NULL for events sent without one): the idempotency key
ALTER TABLE events ADD COLUMN key text;
CREATE UNIQUE INDEX events_key ON events (key) WHERE key IS NOT NULL;
