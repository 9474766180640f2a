import type { SqliteDatabase } from './connection.js';

/**
 * Deletes a job with its logs, steps and waits (pruning; completions the engine keeps no record
 * of). `keyless`: only a job without an idempotency key, since a live key must outlive its job to
 * keep deduplicating. Returns whether the job was deleted.
 */
export function createJobRemoval(db: SqliteDatabase): (id: number, options?: { keyless?: boolean }) => boolean {
  const deleteJob = db.prepare('DELETE FROM tw_jobs WHERE id = ?');
  const deleteKeyless = db.prepare('DELETE FROM tw_jobs WHERE id = ? AND idempotency_key IS NULL');
  const related = ['tw_job_logs', 'tw_steps', 'tw_event_waits'].map((table) => db.prepare(`DELETE FROM ${table} WHERE job_id = ?`));
  return (id, options = {}) => {
    if ((options.keyless ? deleteKeyless : deleteJob).run(id).changes === 0) return false;
    for (const statement of related) statement.run(id);
    return true;
  };
}
