import type { JobLogEntry } from '../../core/job.js';
import type { Queryable } from './connection.js';
import { parseJobId, type SchemaNames } from './sql.js';
import { heartbeatCte } from './workers.js';

const OWNER = "id = $1 AND worker_id = $2 AND attempt = $3 AND state = 'running'";

/** Writes a worker makes while it runs jobs: lease renewals, progress, logs (checkpoints are journal records, see steps.ts). */
export function createRunningOps(t: SchemaNames) {
  // A job past its timeout by more than a lease is no longer renewed: its handler is stuck (the
  // worker could not abort it), so the lease runs out and the lifeline takes the job back.
  // Rows are locked in id order, as settles lock theirs: the worker writes outcomes while its
  // heartbeat runs, and two writers locking the same rows in different orders can deadlock.
  const extend = {
    name: `${t.prefix}extend_leases`,
    // the registry heartbeat rides along (same statement, same moment)
    text: `WITH ${heartbeatCte(t, '$1::text', '$3::bigint')} UPDATE ${t.jobs} j SET lease_expires_at = $3::bigint + $2::bigint FROM (
        SELECT id FROM ${t.jobs} WHERE worker_id = $1 AND state = 'running'
          AND (timeout_ms IS NULL OR started_at + timeout_ms + $2::bigint > $3::bigint)
        ORDER BY id FOR UPDATE
      ) owned WHERE j.id = owned.id`,
  };
  const owned = { name: `${t.prefix}owned`, text: `SELECT id FROM ${t.jobs} WHERE worker_id = $1 AND state = 'running' ORDER BY id`, rowMode: 'array' as const };
  const cancelRequests = {
    name: `${t.prefix}cancel_requests`,
    text: `SELECT id FROM ${t.jobs} WHERE worker_id = $1 AND cancel_requested AND state = 'running' ORDER BY id`,
    rowMode: 'array' as const,
  };
  const progress = { name: `${t.prefix}progress`, text: `UPDATE ${t.jobs} SET progress = $4, updated_at = $5 WHERE ${OWNER}` };
  const logs = {
    name: `${t.prefix}append_logs`,
    text: `INSERT INTO ${t.logs} (job_id, attempt, at, level, message, fields, step_id)
      SELECT * FROM unnest($1::bigint[], $2::int[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[])`,
  };
  const ids = (rows: unknown[][]): string[] => rows.map((r) => String(r[0]));

  return {
    extendLeases: async (db: Queryable, workerId: string, leaseMs: number, now: number): Promise<number> =>
      (await db.query({ ...extend, values: [workerId, leaseMs, now] })).rowCount ?? 0,
    runningJobIds: async (db: Queryable, workerId: string): Promise<string[]> => ids((await db.query({ ...owned, values: [workerId] })).rows as unknown[][]),
    cancellationRequests: async (db: Queryable, workerId: string): Promise<string[]> =>
      ids((await db.query({ ...cancelRequests, values: [workerId] })).rows as unknown[][]),
    async saveProgress(db: Queryable, jobId: string, workerId: string, attempt: number, progressJson: string, now: number): Promise<boolean> {
      const id = parseJobId(jobId);
      if (id === null) return false;
      return (await db.query({ ...progress, values: [id, workerId, attempt, progressJson, now] })).rowCount === 1;
    },
    async appendLogs(db: Queryable, entries: readonly JobLogEntry[]): Promise<void> {
      const valid = entries.flatMap((e) => {
        const id = parseJobId(e.jobId);
        return id === null ? [] : [{ id, e }];
      });
      if (valid.length === 0) return;
      await db.query({
        ...logs,
        values: [
          valid.map((v) => v.id),
          valid.map((v) => v.e.attempt),
          valid.map((v) => v.e.at),
          valid.map((v) => v.e.level),
          valid.map((v) => v.e.message),
          valid.map((v) => (v.e.fields === undefined ? null : JSON.stringify(v.e.fields))),
          valid.map((v) => v.e.stepId ?? null),
        ],
      });
    },
  };
}
