import type { JobState } from '../../core/job.js';
import type { SqliteDatabase } from './connection.js';

export type RecordTransition = (jobId: number, at: number, from: JobState | null, to: JobState, attempt: number, reason: string | null) => void;

/** Every state change writes one history row in the same transaction as the change itself. */
export function transitionRecorder(db: SqliteDatabase): RecordTransition {
  const insert = db.prepare(
    'INSERT INTO tw_job_transitions (job_id, at, from_state, to_state, attempt, reason) VALUES (?, ?, ?, ?, ?, ?)',
  );
  return (jobId, at, from, to, attempt, reason) => {
    insert.run(jobId, at, from, to, attempt, reason);
  };
}
