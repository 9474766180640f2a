-- Workflow steps: one row per step of a run (a run is a job). A recorded step is never run
-- again; its stored output is returned on replay.
CREATE TABLE tw_steps (
  job_id INTEGER NOT NULL,
  step_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  status TEXT NOT NULL,
  output TEXT,
  error TEXT,
  attempts INTEGER NOT NULL DEFAULT 1,
  started_at INTEGER NOT NULL,
  finished_at INTEGER,
  PRIMARY KEY (job_id, step_id)
) WITHOUT ROWID;
