import type { SqliteDatabase } from './connection.js';

/** Virtual time between two jobs of the same group. */
const SPACING_MS = 1;

/**
 * Per-group fairness as ordering, so the claim stays one ordered index read. Each group keeps a
 * virtual clock: its next job is placed one spacing after the group's previous one, but never
 * before the queue's current head (a group that was idle does not jump ahead with a burst of old
 * turns). Two groups enqueuing backlogs therefore alternate in the order key, whatever their sizes.
 */
export function createFairness(db: SqliteDatabase) {
  const lastTurn = db.prepare('SELECT last_vtime FROM tw_groups WHERE queue = ? AND group_key = ?').pluck();
  const saveTurn = db.prepare(`INSERT INTO tw_groups (queue, group_key, last_vtime) VALUES (?, ?, ?)
    ON CONFLICT (queue, group_key) DO UPDATE SET last_vtime = excluded.last_vtime`);
  // The head's own eligible time (its order key plus its priority lead).
  const head = db.prepare(`SELECT order_key + priority_lead_ms FROM tw_jobs
    WHERE state = 'queued' AND required_tags IS NULL AND queue = ? ORDER BY order_key, id LIMIT 1`).pluck();
  // The head is read once per queue per batch: jobs inserted by the batch itself do not move it.
  let heads = new Map<string, number | null>();

  return {
    beginBatch(): void {
      if (heads.size) heads = new Map();
    },
    /** The virtual time at which this group's next job becomes eligible (and records it). */
    nextTurn(queue: string, group: string, eligibleAt: number): number {
      let current = heads.get(queue);
      if (current === undefined) heads.set(queue, (current = (head.get(queue) as number | undefined) ?? null));
      const floor = current === null ? eligibleAt : Math.min(current, eligibleAt);
      const last = lastTurn.get(queue, group) as number | undefined;
      const turn = last === undefined ? floor : Math.max(floor, last + SPACING_MS);
      saveTurn.run(queue, group, turn);
      return turn;
    },
  };
}
