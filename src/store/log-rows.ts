import type { JobLogEntry } from '../core/job.js';

/** A job log line as the SQL drivers read it. */
export interface LogRow {
  job_id: number;
  attempt: number;
  at: number;
  level: JobLogEntry['level'];
  message: string;
  fields: string | null;
  step_id: string | null;
}

export const logFromRow = (r: LogRow): JobLogEntry => ({
  jobId: String(r.job_id),
  attempt: r.attempt,
  at: r.at,
  level: r.level,
  message: r.message,
  fields: r.fields === null ? undefined : (JSON.parse(r.fields) as Record<string, unknown>),
  ...(r.step_id !== null && { stepId: r.step_id }),
});
