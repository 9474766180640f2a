import type { Usage } from '../../core/budget.js';
import type { JobError } from '../../core/job.js';
import { CHECKPOINT_STEP_ID } from '../../store/journal.js';
import type { StepRecord } from '../../store/types.js';
import type { SqliteDatabase } from './connection.js';
import { parseJobId } from './rows.js';

interface StepRow {
  step_id: string;
  seq: number;
  status: StepRecord['status'];
  output: string | null;
  error: string | null;
  attempts: number;
  started_at: number;
  finished_at: number | null;
  usage: string | null;
  input: string | null;
  token: string | null;
  output_gzip: Buffer | null;
}

const COLUMNS = '(job_id, step_id, seq, status, output, output_gzip, token, error, attempts, started_at, finished_at, usage, input)';
const VALUES = '@jobId, @stepId, @seq, @status, @output, @outputGzip, @token, @error, @attempts, @startedAt, @finishedAt, @usage, @input';
const OWNED = "id = @jobId AND worker_id = @workerId AND attempt = @attempt AND state = 'running'";

/**
 * The step journal: workflow steps and the job's checkpoint record. Every write is fenced on the
 * job's owner and attempt like every other.
 */
export function createSteps(db: SqliteDatabase) {
  const save = db.prepare(`INSERT OR REPLACE INTO tw_steps ${COLUMNS} SELECT ${VALUES} WHERE EXISTS (SELECT 1 FROM tw_jobs WHERE ${OWNED})`);
  // A checkpoint also marks its job, so claim knows to read the journal for it (and only for it).
  const markCheckpointed = db.prepare(`UPDATE tw_jobs SET checkpointed = 1, updated_at = @finishedAt WHERE ${OWNED}`);
  const insert = db.prepare(`INSERT OR REPLACE INTO tw_steps ${COLUMNS} VALUES (${VALUES})`);
  const saveCheckpointTx = db.transaction((params: Record<string, unknown>): boolean => {
    if (markCheckpointed.run(params).changes !== 1) return false;
    insert.run(params);
    return true;
  });
  const list = db.prepare('SELECT * FROM tw_steps WHERE job_id = ? ORDER BY seq');
  // a step that no longer waits stops being woken by later events of its name
  const dropWait = db.prepare('DELETE FROM tw_event_waits WHERE job_id = ? AND step_id = ?');
  return {
    saveStep(jobId: string, workerId: string, attempt: number, step: StepRecord): boolean {
      const id = parseJobId(jobId);
      if (id === null) return false;
      const params = {
        jobId: id,
        workerId,
        attempt,
        stepId: step.stepId,
        seq: step.seq,
        status: step.status,
        output: step.outputJson,
        outputGzip: step.outputGzip ? Buffer.from(step.outputGzip) : null,
        token: step.token ?? null,
        error: step.error === null ? null : JSON.stringify(step.error),
        attempts: step.attempts,
        startedAt: step.startedAt,
        finishedAt: step.finishedAt,
        usage: step.usage ? JSON.stringify(step.usage) : null,
        input: step.inputJson ?? null,
      };
      if (step.stepId === CHECKPOINT_STEP_ID) return saveCheckpointTx.immediate(params);
      const saved = save.run(params).changes === 1;
      if (saved && step.status !== 'waiting' && step.status !== 'pending') dropWait.run(id, step.stepId);
      return saved;
    },
    listSteps(jobId: string): StepRecord[] {
      const id = parseJobId(jobId);
      if (id === null) return [];
      return (list.all(id) as StepRow[]).map((r) => ({
        stepId: r.step_id,
        seq: r.seq,
        status: r.status,
        outputJson: r.output,
        error: r.error === null ? null : (JSON.parse(r.error) as JobError),
        attempts: r.attempts,
        startedAt: r.started_at,
        finishedAt: r.finished_at,
        usage: r.usage === null ? null : (JSON.parse(r.usage) as Usage),
        ...(r.input !== null && { inputJson: r.input }),
        ...(r.output_gzip !== null && { outputGzip: r.output_gzip }),
        ...(r.token !== null && { token: r.token }),
      }));
    },
  };
}
