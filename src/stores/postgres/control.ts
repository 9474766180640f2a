import { ConflictError, NotFoundError } from '../../core/errors.js';
import type { Job } from '../../core/job.js';
import { RETRYABLE_STATES } from '../../core/state-machine.js';
import type { CancelResult } from '../../store/types.js';
import type { Queryable } from './connection.js';
import { appendHistory, historyLine } from './history.js';
import { rowToJob, type JobRow } from './rows.js';
import { jobColumns, parseJobId, type SchemaNames } from './sql.js';

/**
 * Operator actions from any process: cancel, retry, redrive, setBudget. Each runs inside one
 * transaction (the caller opens it) and locks its rows first, so the state it checks is the state
 * it changes.
 */
export function createControl(t: SchemaNames) {
  const lock = `SELECT * FROM ${t.jobs} WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE`;
  const returning = `RETURNING ${jobColumns(t, 'j')}`;
  const cancelWaiting = `UPDATE ${t.jobs} AS j SET state = 'cancelled',
      ${appendHistory('history', historyLine('$2::bigint', 'state', "'cancelled'", 'attempt', "'cancelled by request'"))},
      finished_at = $2, updated_at = $2 WHERE id = $1 AND state IN ('scheduled', 'queued') ${returning}`;
  const requestCancel = `UPDATE ${t.jobs} AS j SET cancel_requested = true, updated_at = $2 WHERE id = $1 AND state = 'running' ${returning}`;
  const requeue = `UPDATE ${t.jobs} AS j SET state = 'queued', ${appendHistory('history', historyLine('$2::bigint', 'state', "'queued'", '0', '$3::text'))},
      attempt = 0, run_at = $2, order_key = $2 - priority_lead_ms, finished_at = NULL, error = NULL, result = NULL, progress = NULL, cancel_requested = false, updated_at = $2
    WHERE id = ANY($1::bigint[]) ${returning}`;
  const setBudget = `UPDATE ${t.jobs} AS j SET budget = $2, updated_at = $3, run_at = CASE WHEN state = 'scheduled' THEN $3 ELSE run_at END
    WHERE id = $1 ${returning}`;
  const wake = `SELECT pg_notify('${t.channel}', '')`;

  /** Locks the rows of these ids; throws not_found naming the first unknown one. */
  const load = async (db: Queryable, jobIds: readonly string[]): Promise<JobRow[]> => {
    const ids = jobIds.map(parseJobId);
    const rows = (await db.query<JobRow>({ text: lock, values: [ids.filter((id) => id !== null)] })).rows;
    const found = new Set(rows.map((r) => String(r.id)));
    const unknown = jobIds.find((id, i) => ids[i] === null || !found.has(String(ids[i])));
    if (unknown !== undefined) throw new NotFoundError(`no job with id ${JSON.stringify(unknown)}`, { jobId: unknown });
    return rows;
  };

  return {
    async cancel(db: Queryable, jobId: string, now: number): Promise<CancelResult> {
      const [row] = (await load(db, [jobId])) as [JobRow];
      if (row.state === 'scheduled' || row.state === 'queued') {
        const { rows } = await db.query<JobRow>({ text: cancelWaiting, values: [row.id, now] });
        return { job: rowToJob(rows[0] as JobRow), requested: false };
      }
      if (row.state === 'running') {
        const { rows } = await db.query<JobRow>({ text: requestCancel, values: [row.id, now] });
        return { job: rowToJob(rows[0] as JobRow), requested: true };
      }
      throw new ConflictError(`cannot cancel job ${jobId}: it is already ${row.state}`, { jobId, state: row.state });
    },

    async retry(db: Queryable, jobId: string, now: number): Promise<Job> {
      const [row] = (await load(db, [jobId])) as [JobRow];
      if (!RETRYABLE_STATES.includes(row.state)) {
        throw new ConflictError(`cannot retry job ${jobId}: it is ${row.state}, expected failed, dead or cancelled`, { jobId, state: row.state });
      }
      const { rows } = await db.query<JobRow>({ text: requeue, values: [[row.id], now, 'retried by request'] });
      await db.query(wake);
      return rowToJob(rows[0] as JobRow);
    },

    async redrive(db: Queryable, ids: readonly string[] | 'all', now: number): Promise<string[]> {
      let rows: JobRow[];
      if (ids === 'all') {
        rows = (await db.query<JobRow>({ text: `SELECT * FROM ${t.jobs} WHERE state = 'dead' ORDER BY id FOR UPDATE` })).rows;
      } else {
        rows = await load(db, [...new Set(ids)]);
        const intruder = rows.find((r) => r.state !== 'dead');
        if (intruder) throw new ConflictError(`cannot redrive job ${intruder.id}: it is ${intruder.state}, expected dead`, { jobId: String(intruder.id) });
      }
      if (rows.length === 0) return [];
      await db.query({ text: requeue, values: [rows.map((r) => r.id), now, 'redriven from the dead-letter queue'] });
      await db.query(wake);
      return rows.map((r) => String(r.id));
    },

    async setBudget(db: Queryable, jobId: string, budget: string | null, now: number): Promise<Job> {
      const [row] = (await load(db, [jobId])) as [JobRow];
      if (row.state !== 'scheduled' && row.state !== 'queued' && row.state !== 'running') {
        throw new ConflictError(`cannot change the budget of job ${jobId}: it is already ${row.state}`, { jobId, state: row.state });
      }
      const { rows } = await db.query<JobRow>({ text: setBudget, values: [row.id, budget, now] });
      await db.query(wake);
      return rowToJob(rows[0] as JobRow);
    },
  };
}
