-- Checkpoints become records of the step journal (step_id '$checkpoint', one per job): one write
-- path and one read path for steps and checkpoints. Large outputs of either are stored gzipped.
ALTER TABLE tw_steps ADD COLUMN token TEXT;
ALTER TABLE tw_steps ADD COLUMN output_gzip BLOB;
-- Set when a job saved a checkpoint, so claim reads the journal only for those jobs: a plain job
-- pays no extra read or join.
ALTER TABLE tw_jobs ADD COLUMN checkpointed INTEGER NOT NULL DEFAULT 0;
-- checkpointStats reads only the checkpoint records
CREATE INDEX tw_steps_checkpoints ON tw_steps (job_id) WHERE step_id = '$checkpoint';

INSERT OR REPLACE INTO tw_steps (job_id, step_id, seq, status, token, output, output_gzip, attempts, started_at, finished_at)
  SELECT id, '$checkpoint', -1, 'completed', checkpoint_token,
    CASE WHEN checkpoint_encoding = 'gzip' THEN NULL ELSE CAST(checkpoint_data AS TEXT) END,
    CASE WHEN checkpoint_encoding = 'gzip' THEN checkpoint_data END,
    max(attempt, 1), updated_at, updated_at
  FROM tw_jobs WHERE checkpoint_token IS NOT NULL AND checkpoint_data IS NOT NULL;
UPDATE tw_jobs SET checkpointed = 1 WHERE checkpoint_token IS NOT NULL AND checkpoint_data IS NOT NULL;

ALTER TABLE tw_jobs DROP COLUMN checkpoint_token;
ALTER TABLE tw_jobs DROP COLUMN checkpoint_data;
ALTER TABLE tw_jobs DROP COLUMN checkpoint_encoding;
