import type { JobLogEntry } from '../../core/job.js';
import type { SqliteDatabase } from './connection.js';
import { parseJobId } from './rows.js';

/** Writes a worker makes while it runs jobs: lease renewals, progress, logs (checkpoints are journal records, see steps.ts). */
export function createRunningOps(db: SqliteDatabase) {
  // A job past its timeout by more than a lease is no longer renewed: its handler is stuck (the
  // worker could not abort it), so the lease runs out and the lifeline takes the job back.
  const extend = db.prepare(`UPDATE tw_jobs SET lease_expires_at = @now + @leaseMs WHERE worker_id = @workerId AND state = 'running'
    AND (timeout_ms IS NULL OR started_at + timeout_ms + @leaseMs > @now)`);
  // the registry heartbeat rides along with the lease renewal (same thread, same moment)
  const registryBeat = db.prepare("UPDATE tw_workers SET heartbeat_at = @now WHERE id = @workerId AND state IN ('running', 'stopping')");
  const renew = db.transaction((params: { workerId: string; leaseMs: number; now: number }): number => {
    registryBeat.run({ workerId: params.workerId, now: params.now });
    return extend.run(params).changes;
  });
  const owned = db.prepare("SELECT id FROM tw_jobs WHERE worker_id = ? AND state = 'running'").pluck();
  const cancelRequests = db
    .prepare("SELECT id FROM tw_jobs WHERE worker_id = ? AND cancel_requested = 1 AND state = 'running'")
    .pluck();
  const progress = db.prepare(
    "UPDATE tw_jobs SET progress = ?, updated_at = ? WHERE id = ? AND worker_id = ? AND attempt = ? AND state = 'running'",
  );
  const insertLog = db.prepare(
    'INSERT INTO tw_job_logs (job_id, attempt, at, level, message, fields, step_id) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );

  const logTx = db.transaction((entries: readonly JobLogEntry[]) => {
    for (const e of entries) {
      const id = parseJobId(e.jobId);
      if (id === null) continue;
      insertLog.run(id, e.attempt, e.at, e.level, e.message, e.fields === undefined ? null : JSON.stringify(e.fields), e.stepId ?? null);
    }
  });

  return {
    extendLeases: (workerId: string, leaseMs: number, now: number): number => renew.immediate({ workerId, leaseMs, now }),
    runningJobIds: (workerId: string): string[] => (owned.all(workerId) as number[]).map(String),
    cancellationRequests: (workerId: string): string[] => (cancelRequests.all(workerId) as number[]).map(String),
    saveProgress(jobId: string, workerId: string, attempt: number, progressJson: string, now: number): boolean {
      const id = parseJobId(jobId);
      if (id === null) return false;
      return progress.run(progressJson, now, id, workerId, attempt).changes === 1;
    },
    appendLogs: (entries: readonly JobLogEntry[]) => logTx.immediate(entries),
  };
}
