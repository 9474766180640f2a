import type { Job } from '../../core/job.js';
import { jobFromRow, parseOr, type CommonJobColumns } from '../../store/job-rows.js';
import { decodeFlowKeys } from './flow-keys.js';
import { CHECKPOINT_STEP_ID } from '../../store/journal.js';

/**
 * How reads select a job: every column, plus the token of its checkpoint record (looked up in the
 * journal only for jobs marked `checkpointed`). Reads only; claim never pays for it.
 */
export const JOB_SELECT = `SELECT *, CASE WHEN checkpointed = 1 THEN
  (SELECT token FROM tw_steps s WHERE s.job_id = tw_jobs.id AND s.step_id = '${CHECKPOINT_STEP_ID}') END AS checkpoint_token FROM tw_jobs`;

/** A tw_jobs row as SQLite returns it. */
export interface JobRow extends CommonJobColumns {
  dead_letter: number;
  tags: string | null;
  cancel_requested: number;
  checkpointed: number;
  flow_keys: string | null;
  required_tags: string | null;
}

function jobFlowKeys(text: string | null): Pick<Job, 'groupKey' | 'concurrencyKey' | 'rateKey' | 'breakerKey'> {
  const keys = decodeFlowKeys(text);
  return { groupKey: keys.group, concurrencyKey: keys.concurrency, rateKey: keys.rate, breakerKey: keys.breaker };
}

export function rowToJob(row: JobRow): Job {
  return jobFromRow(row, {
    tags: parseOr<string[]>(row.tags, []),
    deadLetter: row.dead_letter === 1,
    cancelRequested: row.cancel_requested === 1,
    ...jobFlowKeys(row.flow_keys),
    requiredTags: parseOr<string[]>(row.required_tags, []),
  });
}

export { parseBackoff, parseJobId } from '../../store/job-rows.js';
