import type { StepRecord, StoredCheckpoint } from './types.js';

/**
 * A job's explicit checkpoint (`ctx.checkpoint`) is a record in its step journal under this
 * reserved step id: saving one replaces the last, the next attempt is handed it by `claim`, and
 * completing the job deletes it. Workflow steps may not use this id.
 */
export const CHECKPOINT_STEP_ID = '$checkpoint';

/** Checkpoint records sort before every workflow step of a journal. */
const CHECKPOINT_SEQ = -1;

/** The journal record that stores a checkpoint saved at `now` by attempt `attempt`. */
export function checkpointRecord(checkpoint: StoredCheckpoint, attempt: number, now: number): StepRecord {
  const gzip = checkpoint.encoding === 'gzip';
  return {
    stepId: CHECKPOINT_STEP_ID,
    seq: CHECKPOINT_SEQ,
    status: 'completed',
    token: checkpoint.token,
    outputJson: gzip ? null : Buffer.from(checkpoint.data).toString('utf8'),
    outputGzip: gzip ? checkpoint.data : null,
    error: null,
    attempts: attempt,
    startedAt: now,
    finishedAt: now,
    usage: null,
  };
}

/** The checkpoint a journal record holds, as `claim` hands it over; null for a workflow step. */
export function checkpointFromRecord(record: Pick<StepRecord, 'stepId' | 'token' | 'outputJson' | 'outputGzip'>): StoredCheckpoint | null {
  if (record.stepId !== CHECKPOINT_STEP_ID || typeof record.token !== 'string') return null;
  if (record.outputGzip) return { token: record.token, data: record.outputGzip, encoding: 'gzip' };
  return { token: record.token, data: Buffer.from(record.outputJson ?? 'null', 'utf8'), encoding: 'json' };
}
