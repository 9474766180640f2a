import { ConflictError, NotFoundError } from '../../core/errors.js';
import type { Job, JobState } from '../../core/job.js';
import { RETRYABLE_STATES } from '../../core/state-machine.js';
import type { CancelResult } from '../../store/types.js';
import type { SqliteDatabase } from './connection.js';
import { appendHistory } from './history.js';
import { JOB_SELECT, parseJobId, rowToJob, type JobRow } from './rows.js';

/** Operator actions that can come from any process: cancel, retry, redrive. */
export function createControl(db: SqliteDatabase) {
  const select = db.prepare(`${JOB_SELECT} WHERE id = ?`);
  const cancelWaiting = db.prepare(
    `UPDATE tw_jobs SET state = 'cancelled', ${appendHistory("'cancelled'", 'attempt', "'cancelled by request'")},
      finished_at = @now, updated_at = @now WHERE id = @id AND state IN ('scheduled', 'queued')`,
  );
  const requestCancel = db.prepare("UPDATE tw_jobs SET cancel_requested = 1, updated_at = @now WHERE id = @id AND state = 'running'");
  const requeue = db.prepare(`UPDATE tw_jobs SET state = 'queued', ${appendHistory("'queued'", '0', '@reason')}, attempt = 0, run_at = @now, order_key = @now - priority_lead_ms, finished_at = NULL, error = NULL,
    result = NULL, progress = NULL, cancel_requested = 0, updated_at = @now WHERE id = @id`);
  const setBudget = db.prepare(`UPDATE tw_jobs SET budget = @budget, updated_at = @now,
    run_at = CASE WHEN state = 'scheduled' THEN @now ELSE run_at END WHERE id = @id`);
  const deadIds = db.prepare("SELECT id FROM tw_jobs WHERE state = 'dead' ORDER BY id").pluck();

  const load = (jobId: string): JobRow => {
    const id = parseJobId(jobId);
    const row = id === null ? undefined : (select.get(id) as JobRow | undefined);
    if (!row) throw new NotFoundError(`no job with id ${JSON.stringify(jobId)}`, { jobId });
    return row;
  };

  const cancelTx = db.transaction((jobId: string, now: number): CancelResult => {
    const row = load(jobId);
    if (row.state === 'scheduled' || row.state === 'queued') {
      cancelWaiting.run({ now, id: row.id });
      return { job: rowToJob(select.get(row.id) as JobRow), requested: false };
    }
    if (row.state === 'running') {
      requestCancel.run({ now, id: row.id });
      return { job: rowToJob(select.get(row.id) as JobRow), requested: true };
    }
    throw new ConflictError(`cannot cancel job ${jobId}: it is already ${row.state}`, { jobId, state: row.state });
  });

  const requeueRow = (row: JobRow, now: number, reason: string): void => {
    requeue.run({ now, id: row.id, reason });
  };

  const retryTx = db.transaction((jobId: string, now: number): Job => {
    const row = load(jobId);
    if (!RETRYABLE_STATES.includes(row.state)) {
      throw new ConflictError(`cannot retry job ${jobId}: it is ${row.state}, expected failed, dead or cancelled`, {
        jobId,
        state: row.state,
      });
    }
    requeueRow(row, now, 'retried by request');
    return rowToJob(select.get(row.id) as JobRow);
  });

  const redriveTx = db.transaction((ids: readonly string[] | 'all', now: number): string[] => {
    // an id listed twice is moved (and reported) once
    const rows = ids === 'all' ? (deadIds.all() as number[]).map((id) => select.get(id) as JobRow) : [...new Set(ids)].map(load);
    for (const row of rows) {
      if (row.state !== 'dead') {
        throw new ConflictError(`cannot redrive job ${row.id}: it is ${row.state}, expected dead`, { jobId: String(row.id) });
      }
    }
    for (const row of rows) requeueRow(row, now, 'redriven from the dead-letter queue');
    return rows.map((row) => String(row.id));
  });

  const setBudgetTx = db.transaction((jobId: string, budget: string | null, now: number): Job => {
    const row = load(jobId);
    if (row.state !== 'scheduled' && row.state !== 'queued' && row.state !== 'running') {
      throw new ConflictError(`cannot change the budget of job ${jobId}: it is already ${row.state}`, { jobId, state: row.state });
    }
    setBudget.run({ budget, now, id: row.id });
    return rowToJob(select.get(row.id) as JobRow);
  });

  return {
    setBudget: (jobId: string, budget: string | null, now: number) => setBudgetTx.immediate(jobId, budget, now),
    cancel: (jobId: string, now: number) => cancelTx.immediate(jobId, now),
    retry: (jobId: string, now: number) => retryTx.immediate(jobId, now),
    redrive: (ids: readonly string[] | 'all', now: number) => redriveTx.immediate(ids, now),
  };
}

export type { JobState };
