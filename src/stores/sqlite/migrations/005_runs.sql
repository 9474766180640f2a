-- Runs seen as runs: a step's input, and the step a log line was written from.
ALTER TABLE tw_steps ADD COLUMN input TEXT;
ALTER TABLE tw_job_logs ADD COLUMN step_id TEXT;
