import type { StoredEvent } from '../../store/types.js';
import type { Queryable } from './connection.js';
import { parseJobId, type SchemaNames } from './sql.js';

interface EventRow {
  id: number;
  name: string;
  data: string;
  created_at: number;
}

const toEvent = (row: EventRow): StoredEvent => ({ id: String(row.id), name: row.name, dataJson: row.data, createdAt: row.created_at });

/**
 * Events for workflows. Sending one stores it and, in the same statement, makes every run parked
 * waiting for its name due now; a run still running when the event arrives gets a mark instead,
 * so its park that follows stays due (the settle uses the mark up). Two statements in one
 * transaction: the first locks the waiting runs' rows (waiting for a park in flight to commit),
 * the second reads them in a snapshot taken after that, so a run parking at this moment is either
 * still running (and marked) or already parked (and made due). The settle of a snooze likewise
 * locks its row before it reads the marks (see store.ts).
 */
export function createEvents(t: SchemaNames) {
  // Registering a wait and sending an event of the same name take turns (a transaction-scoped
  // advisory lock per schema and event name). Without it a wait committed while a send is under
  // way is missed by the send, and the waiter's look for the event, before the send commits,
  // misses the event too: the run would park until its timeout.
  const eventLockKey = `hashtext('${t.schema.replace(/'/g, "''")}:events')`;
  const takeTurn = { name: `${t.prefix}event_turn`, text: `SELECT pg_advisory_xact_lock(${eventLockKey}, hashtext($1))` };
  const registerWait = {
    name: `${t.prefix}wait_for_event`,
    text: `WITH turn AS (SELECT pg_advisory_xact_lock(${eventLockKey}, hashtext($5)))
      INSERT INTO ${t.waits} (job_id, step_id, event, woken_at)
      SELECT $1, $4, $5, NULL FROM turn WHERE EXISTS (SELECT 1 FROM ${t.jobs} WHERE id = $1 AND worker_id = $2 AND attempt = $3 AND state = 'running')
      ON CONFLICT (job_id, step_id) DO UPDATE SET event = EXCLUDED.event, woken_at = NULL`,
  };
  const send = {
    name: `${t.prefix}send_event`,
    text: `WITH event AS (
        INSERT INTO ${t.events} (name, data, created_at) VALUES ($1, $2, $3) RETURNING *
      ), waiting AS (
        SELECT w.job_id, w.step_id, j.state FROM ${t.waits} w JOIN ${t.jobs} j ON j.id = w.job_id WHERE w.event = $1
      ), marked AS (
        UPDATE ${t.waits} w SET woken_at = $3 FROM waiting x
        WHERE w.job_id = x.job_id AND w.step_id = x.step_id AND x.state = 'running' RETURNING w.job_id
      ), due AS (
        UPDATE ${t.jobs} SET run_at = $3, updated_at = $3
        WHERE state = 'scheduled' AND id IN (SELECT job_id FROM waiting WHERE state = 'scheduled') RETURNING id
      )
      SELECT event.*, (SELECT count(DISTINCT job_id) FROM waiting WHERE state IN ('scheduled', 'running'))::int AS woken,
        (SELECT count(*) FROM due) + (SELECT count(*) FROM marked) AS changed
      FROM event, (SELECT pg_notify('${t.channel}', '')) AS wake`,
  };
  const lockWaiting = {
    name: `${t.prefix}lock_waiting`,
    text: `SELECT j.id FROM ${t.jobs} j WHERE j.id IN (SELECT job_id FROM ${t.waits} WHERE event = $1) ORDER BY j.id FOR UPDATE`,
  };
  const list = {
    name: `${t.prefix}list_events`,
    text: `SELECT * FROM ${t.events} WHERE name = $1 AND created_at >= $2 ORDER BY id LIMIT $3`,
  };

  return {
    async waitForEvent(db: Queryable, jobId: string, workerId: string, attempt: number, stepId: string, event: string): Promise<boolean> {
      const id = parseJobId(jobId);
      return id !== null && (await db.query({ ...registerWait, values: [id, workerId, attempt, stepId, event] })).rowCount === 1;
    },
    /** Run inside a transaction. */
    async sendEvent(db: Queryable, name: string, dataJson: string, now: number): Promise<{ event: StoredEvent; woken: number }> {
      await db.query({ ...takeTurn, values: [name] });
      await db.query({ ...lockWaiting, values: [name] });
      const row = (await db.query<EventRow & { woken: number }>({ ...send, values: [name, dataJson, now] })).rows[0] as EventRow & { woken: number };
      return { event: toEvent(row), woken: row.woken };
    },
    async listEvents(db: Queryable, name: string, since: number, limit: number): Promise<StoredEvent[]> {
      return (await db.query<EventRow>({ ...list, values: [name, since, limit] })).rows.map(toEvent);
    },
  };
}
