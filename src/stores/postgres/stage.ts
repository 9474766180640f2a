import type { StageResult } from '../../store/types.js';
import type { Queryable } from './connection.js';
import { createFairness } from './fairness.js';
import { appendHistory, historyLine } from './history.js';
import type { SchemaNames } from './sql.js';

/**
 * The stager's statements: due scheduled jobs become queued, earliest due first, at most `limit`
 * per call. A grouped job takes its group's fairness turn (as it would have at enqueue); the rest
 * keep their run time as their place in the order. Rows are locked with SKIP LOCKED, so a second
 * stager (an older Taskwright that stages in its claims) never waits on this one.
 * Runs inside the caller's transaction (the turns lock their group rows until it commits).
 */
export function createStage(t: SchemaNames) {
  const assignTurns = createFairness(t);
  const staging = historyLine('$1::bigint', 'j.state', "'queued'", 'j.attempt', "'due'");
  const dueGrouped = {
    name: `${t.prefix}stage_due_grouped`,
    text: `SELECT id, queue, group_key, run_at FROM ${t.jobs} WHERE state = 'scheduled' AND run_at <= $1 AND group_key IS NOT NULL
      ORDER BY run_at, id LIMIT $2 FOR UPDATE SKIP LOCKED`,
  };
  const stageGrouped = {
    name: `${t.prefix}stage_grouped`,
    text: `UPDATE ${t.jobs} j SET state = 'queued', ${appendHistory('j.history', staging)}, order_key = u.turn - j.priority_lead_ms, updated_at = $1
      FROM unnest($2::bigint[], $3::bigint[]) AS u(id, turn) WHERE j.id = u.id AND j.state = 'scheduled'`,
  };
  const stagePlain = {
    name: `${t.prefix}stage_plain`,
    text: `UPDATE ${t.jobs} j SET state = 'queued', ${appendHistory('j.history', staging)}, order_key = j.run_at - j.priority_lead_ms, updated_at = $1
      WHERE j.id IN (SELECT id FROM ${t.jobs} WHERE state = 'scheduled' AND run_at <= $1 AND group_key IS NULL
        ORDER BY run_at, id LIMIT $2 FOR UPDATE SKIP LOCKED)`,
  };
  const nextDue = {
    name: `${t.prefix}stage_next_due`,
    text: `SELECT min(run_at) AS at FROM ${t.jobs} WHERE state = 'scheduled' AND run_at > $1`,
  };

  return async function stageDue(db: Queryable, now: number, limit: number): Promise<StageResult> {
    let staged = 0;
    const grouped = (await db.query<{ id: number; queue: string; group_key: string; run_at: number }>({ ...dueGrouped, values: [now, limit] })).rows;
    if (grouped.length) {
      const turns = await assignTurns(db, grouped.map((row) => ({ queue: row.queue, group: row.group_key, eligibleAt: row.run_at })));
      staged += (await db.query({ ...stageGrouped, values: [now, grouped.map((row) => row.id), turns] })).rowCount ?? 0;
    }
    if (staged < limit) staged += (await db.query({ ...stagePlain, values: [now, limit - staged] })).rowCount ?? 0;
    const at = (await db.query<{ at: number | null }>({ ...nextDue, values: [now] })).rows[0]?.at ?? null;
    return { staged, nextDueAt: at };
  };
}
