import type { Queryable } from './connection.js';
import { flowNames, KEYED, PLAIN } from './flow-names.js';
import type { SchemaNames } from './sql.js';

/** Virtual time between two jobs of the same group. */
const SPACING_MS = 1;

/** A grouped job becoming eligible (at enqueue or when it falls due). */
export interface GroupedJob {
  queue: string;
  group: string;
  eligibleAt: number;
}

/**
 * Per-group fairness as ordering, so claims stay one ordered index read. Each group keeps a virtual
 * clock: its next job is placed one spacing after the group's previous one, but never before the
 * queue's current head (a group that was idle does not jump ahead with a burst of old turns). Two
 * groups enqueuing backlogs therefore alternate in the order key, whatever their sizes.
 *
 * The group rows are locked (in key order, so batches never deadlock) for the rest of the caller's
 * transaction: concurrent enqueues of one group take turns one after the other.
 */
export function createFairness(t: SchemaNames) {
  const f = flowNames(t);
  // the head's own eligible time (order key plus priority lead), over jobs without required tags
  const heads = {
    name: `${t.prefix}flow_heads`,
    text: `SELECT q.name, (SELECT h.order_key + h.priority_lead_ms FROM (
        (SELECT order_key, id, priority_lead_ms FROM ${t.jobs} WHERE state = 'queued' AND ${PLAIN} AND queue = q.name ORDER BY order_key, id LIMIT 1)
        UNION ALL
        (SELECT order_key, id, priority_lead_ms FROM ${t.jobs} WHERE state = 'queued' AND ${KEYED} AND queue = q.name ORDER BY order_key, id LIMIT 1)
      ) h ORDER BY h.order_key, h.id LIMIT 1) AS head FROM unnest($1::text[]) AS q(name)`,
  };
  const ensure = {
    name: `${t.prefix}flow_groups_ensure`,
    text: `INSERT INTO ${f.groups} (queue, group_key) SELECT * FROM unnest($1::text[], $2::text[]) AS g(queue, group_key)
      ORDER BY 1, 2 ON CONFLICT (queue, group_key) DO NOTHING`,
  };
  const lock = {
    name: `${t.prefix}flow_groups_lock`,
    text: `SELECT g.queue, g.group_key, g.last_vtime FROM ${f.groups} g JOIN unnest($1::text[], $2::text[]) AS u(queue, group_key)
      ON g.queue = u.queue AND g.group_key = u.group_key ORDER BY g.queue, g.group_key FOR UPDATE OF g`,
  };
  const save = {
    name: `${t.prefix}flow_groups_save`,
    text: `UPDATE ${f.groups} g SET last_vtime = u.last_vtime FROM unnest($1::text[], $2::text[], $3::bigint[]) AS u(queue, group_key, last_vtime)
      WHERE g.queue = u.queue AND g.group_key = u.group_key`,
  };

  /** The virtual time at which each job becomes eligible, in input order (and records the groups' turns). */
  return async function assignTurns(db: Queryable, jobs: readonly GroupedJob[]): Promise<number[]> {
    if (jobs.length === 0) return [];
    const queues = [...new Set(jobs.map((j) => j.queue))];
    const pairs = [...new Map(jobs.map((j) => [`${j.queue}\n${j.group}`, j])).values()].sort(
      (a, b) => (a.queue < b.queue ? -1 : a.queue > b.queue ? 1 : a.group < b.group ? -1 : a.group > b.group ? 1 : 0),
    );
    const pairColumns = [pairs.map((p) => p.queue), pairs.map((p) => p.group)];
    await db.query({ ...ensure, values: pairColumns });
    const last = new Map<string, number | null>();
    for (const row of (await db.query<{ queue: string; group_key: string; last_vtime: number | null }>({ ...lock, values: pairColumns })).rows) {
      last.set(`${row.queue}\n${row.group_key}`, row.last_vtime);
    }
    // the head is read once per queue per batch: jobs inserted by the batch itself do not move it
    const head = new Map<string, number | null>();
    for (const row of (await db.query<{ name: string; head: number | null }>({ ...heads, values: [queues] })).rows) head.set(row.name, row.head);
    const turns = jobs.map((job) => {
      const current = head.get(job.queue) ?? null;
      const floor = current === null ? job.eligibleAt : Math.min(current, job.eligibleAt);
      const key = `${job.queue}\n${job.group}`;
      const previous = last.get(key) ?? null;
      const turn = previous === null ? floor : Math.max(floor, previous + SPACING_MS);
      last.set(key, turn);
      return turn;
    });
    await db.query({ ...save, values: [...pairColumns, pairs.map((p) => last.get(`${p.queue}\n${p.group}`) as number)] });
    return turns;
  };
}
