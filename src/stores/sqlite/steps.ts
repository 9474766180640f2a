import type { Usage } from '../../core/budget.js';
import type { JobError } from '../../core/job.js';
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
}

/** Workflow step records; a write is fenced on the job's owner and attempt like every other. */
export function createSteps(db: SqliteDatabase) {
  const save = db.prepare(`INSERT OR REPLACE INTO tw_steps (job_id, step_id, seq, status, output, error, attempts, started_at, finished_at, usage)
    SELECT @jobId, @stepId, @seq, @status, @output, @error, @attempts, @startedAt, @finishedAt, @usage
    WHERE EXISTS (SELECT 1 FROM tw_jobs WHERE id = @jobId AND worker_id = @workerId AND attempt = @attempt AND state = 'running')`);
  const list = db.prepare('SELECT * FROM tw_steps WHERE job_id = ? ORDER BY seq');
  return {
    saveStep(jobId: string, workerId: string, attempt: number, step: StepRecord): boolean {
      const id = parseJobId(jobId);
      if (id === null) return false;
      return (
        save.run({
          jobId: id,
          workerId,
          attempt,
          stepId: step.stepId,
          seq: step.seq,
          status: step.status,
          output: step.outputJson,
          error: step.error === null ? null : JSON.stringify(step.error),
          attempts: step.attempts,
          startedAt: step.startedAt,
          finishedAt: step.finishedAt,
          usage: step.usage ? JSON.stringify(step.usage) : null,
        }).changes === 1
      );
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
      }));
    },
  };
}
