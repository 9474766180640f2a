import type { Usage } from '../../core/budget.js';
import type { JobError } from '../../core/job.js';
import { CHECKPOINT_STEP_ID } from '../../store/journal.js';
import type { StepRecord } from '../../store/types.js';
import type { Queryable } from './connection.js';
import { parseJobId, type SchemaNames } from './sql.js';

interface StepRow {
  step_id: string;
  seq: number;
  status: StepRecord['status'];
  input: string | null;
  output: string | null;
  output_gzip: Buffer | null;
  token: string | null;
  error: string | null;
  attempts: number;
  started_at: number;
  finished_at: number | null;
  usage: string | null;
}

const COLUMNS = 'job_id, step_id, seq, status, output, output_gzip, token, error, attempts, started_at, finished_at, usage, input';
const VALUES = '$1::bigint, $4, $5::int, $6, $7, $8::bytea, $9, $10, $11::int, $12::bigint, $13::bigint, $14, $15';
const UPSERT = `ON CONFLICT (job_id, step_id) DO UPDATE SET seq = EXCLUDED.seq, status = EXCLUDED.status, output = EXCLUDED.output,
  output_gzip = EXCLUDED.output_gzip, token = EXCLUDED.token, error = EXCLUDED.error, attempts = EXCLUDED.attempts,
  started_at = EXCLUDED.started_at, finished_at = EXCLUDED.finished_at, usage = EXCLUDED.usage, input = EXCLUDED.input`;

/**
 * The step journal: workflow steps and the job's checkpoint record. Every write is one statement
 * fenced on the job's owner and attempt like every other.
 */
export function createSteps(t: SchemaNames) {
  const owner = `SELECT id FROM ${t.jobs} WHERE id = $1 AND worker_id = $2 AND attempt = $3 AND state = 'running'`;
  // A step that no longer waits stops being woken by later events of its name.
  const save = {
    name: `${t.prefix}save_step`,
    text: `WITH saved AS (
        INSERT INTO ${t.steps} (${COLUMNS}) SELECT ${VALUES} WHERE EXISTS (${owner}) ${UPSERT} RETURNING job_id
      ), wait_ended AS (
        DELETE FROM ${t.waits} WHERE $6 NOT IN ('waiting', 'pending') AND job_id = $1 AND step_id = $4 AND EXISTS (SELECT 1 FROM saved)
      )
      SELECT count(*)::int AS n FROM saved`,
  };
  // A checkpoint also marks its job, so claim reads the journal for it (and only for it).
  const saveCheckpoint = {
    name: `${t.prefix}save_checkpoint`,
    text: `WITH marked AS (
        UPDATE ${t.jobs} SET checkpointed = true, updated_at = coalesce($13::bigint, updated_at)
        WHERE id = $1 AND worker_id = $2 AND attempt = $3 AND state = 'running' RETURNING id
      ), saved AS (
        INSERT INTO ${t.steps} (${COLUMNS}) SELECT ${VALUES} FROM marked ${UPSERT} RETURNING job_id
      )
      SELECT count(*)::int AS n FROM saved`,
  };
  const list = { name: `${t.prefix}list_steps`, text: `SELECT * FROM ${t.steps} WHERE job_id = $1 ORDER BY seq` };
  return {
    async saveStep(db: Queryable, jobId: string, workerId: string, attempt: number, step: StepRecord): Promise<boolean> {
      const id = parseJobId(jobId);
      if (id === null) return false;
      const gzip = step.outputGzip ? Buffer.from(step.outputGzip.buffer, step.outputGzip.byteOffset, step.outputGzip.byteLength) : null;
      const values = [
        id, workerId, attempt, step.stepId, step.seq, step.status, step.outputJson, gzip, step.token ?? null,
        step.error === null ? null : JSON.stringify(step.error), step.attempts, step.startedAt, step.finishedAt,
        step.usage ? JSON.stringify(step.usage) : null, step.inputJson ?? null,
      ];
      const statement = step.stepId === CHECKPOINT_STEP_ID ? saveCheckpoint : save;
      return (await db.query<{ n: number }>({ ...statement, values })).rows[0]?.n === 1;
    },
    async listSteps(db: Queryable, jobId: string): Promise<StepRecord[]> {
      const id = parseJobId(jobId);
      if (id === null) return [];
      return (await db.query<StepRow>({ ...list, values: [id] })).rows.map((r) => ({
        stepId: r.step_id,
        seq: r.seq,
        status: r.status,
        ...(r.input !== null && { inputJson: r.input }),
        outputJson: r.output,
        ...(r.output_gzip !== null && { outputGzip: r.output_gzip }),
        ...(r.token !== null && { token: r.token }),
        error: r.error === null ? null : (JSON.parse(r.error) as JobError),
        attempts: r.attempts,
        startedAt: r.started_at,
        finishedAt: r.finished_at,
        usage: r.usage === null ? null : (JSON.parse(r.usage) as Usage),
      }));
    },
  };
}
