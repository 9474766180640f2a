import { definitionJson, triggerFireFromRow, triggerFromRow, type TriggerFireRow, type TriggerRow } from '../../store/trigger-rows.js';
import type { PlannedTriggerJob, PublishResult, TriggerFire, TriggerRecord, TriggerWrite } from '../../store/trigger-types.js';
import type { Queryable } from './connection.js';
import type { createEnqueue } from './enqueue.js';
import type { createEvents } from './events.js';
import type { SchemaNames } from './sql.js';

interface KeyedEventRow {
  id: number;
  name: string;
  data: string;
  created_at: number;
}

/**
 * Triggers and the publishing of keyed events. Publishers of one key take turns under a
 * transaction-scoped advisory lock on (schema, key): the first stores the event, wakes its waiting
 * runs and starts the jobs; one that waited reads, after the first committed, the event and fires
 * it left. The unique index on events.key is the backstop.
 */
export function createTriggers(t: SchemaNames, enqueue: ReturnType<typeof createEnqueue>, events: ReturnType<typeof createEvents>) {
  const tr = `"${t.schema}".triggers`;
  const fi = `"${t.schema}".trigger_fires`;
  const keyLock = `hashtext('${t.schema.replace(/'/g, "''")}:event-key')`;

  return {
    async saveTrigger(db: Queryable, write: TriggerWrite, now: number): Promise<TriggerRecord> {
      const { rows } = await db.query<TriggerRow>({
        text: `INSERT INTO ${tr} (id, event, definition, input, paused, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)
          ON CONFLICT (id) DO UPDATE SET event = EXCLUDED.event, definition = EXCLUDED.definition, input = EXCLUDED.input,
            paused = EXCLUDED.paused, updated_at = EXCLUDED.updated_at
          RETURNING *`,
        values: [write.definition.id, write.definition.event, definitionJson(write), JSON.stringify(write.input), write.paused, now],
      });
      return triggerFromRow(rows[0] as TriggerRow);
    },
    async getTrigger(db: Queryable, id: string): Promise<TriggerRecord | null> {
      const row = (await db.query<TriggerRow>({ text: `SELECT * FROM ${tr} WHERE id = $1`, values: [id] })).rows[0];
      return row ? triggerFromRow(row) : null;
    },
    async listTriggers(db: Queryable, filter: { event?: string } = {}): Promise<TriggerRecord[]> {
      const query = filter.event === undefined
        ? { text: `SELECT * FROM ${tr} ORDER BY id COLLATE "C"` }
        : { name: `${t.prefix}triggers_of_event`, text: `SELECT * FROM ${tr} WHERE event = $1 AND NOT paused ORDER BY id COLLATE "C"`, values: [filter.event] };
      return (await db.query<TriggerRow>(query)).rows.map(triggerFromRow);
    },
    /** Run inside a transaction. */
    async deleteTrigger(db: Queryable, id: string): Promise<boolean> {
      await db.query({ text: `DELETE FROM ${fi} WHERE trigger_id = $1`, values: [id] });
      return (await db.query({ text: `DELETE FROM ${tr} WHERE id = $1`, values: [id] })).rowCount === 1;
    },
    /** Run inside a transaction. */
    async publishEvent(db: Queryable, key: string, name: string, dataJson: string, planned: readonly PlannedTriggerJob[], now: number): Promise<PublishResult> {
      await db.query({ text: `SELECT pg_advisory_xact_lock(${keyLock}, hashtext($1))`, values: [key] });
      const existing = (await db.query<KeyedEventRow>({ text: `SELECT id, name, data, created_at FROM ${t.events} WHERE key = $1`, values: [key] })).rows[0];
      if (existing) {
        const fires = await db.query<TriggerFireRow>({ text: `SELECT * FROM ${fi} WHERE event_key = $1 ORDER BY trigger_id COLLATE "C"`, values: [key] });
        const event = { id: String(existing.id), name: existing.name, dataJson: existing.data, createdAt: Number(existing.created_at) };
        return { event, deduplicated: true, woken: 0, fires: fires.rows.map(triggerFireFromRow) };
      }
      const { event, woken } = await events.sendEvent(db, name, dataJson, now);
      await db.query({ text: `UPDATE ${t.events} SET key = $1 WHERE id = $2`, values: [key, Number(event.id)] });
      // a trigger deleted or paused since the runtime read it starts nothing; FOR SHARE holds it until commit
      const ids = [...new Set(planned.map((p) => p.triggerId))];
      const live = ids.length === 0 ? new Set<string>() : new Set(
        (await db.query<{ id: string }>({ text: `SELECT id FROM ${tr} WHERE id = ANY($1) AND NOT paused FOR SHARE`, values: [ids] })).rows.map((r) => r.id),
      );
      const starting = planned.filter((p) => live.has(p.triggerId));
      const fires: TriggerFire[] = [];
      if (starting.length > 0) {
        const started = await enqueue.insertKeyed(db, starting.map((p) => p.job), now);
        const { rows } = await db.query<TriggerFireRow>({
          text: `INSERT INTO ${fi} (trigger_id, event_key, event_id, job_id, fired_at)
            SELECT trigger_id, $2, $3, job_id, $4 FROM unnest($1::text[], $5::bigint[]) AS x (trigger_id, job_id) RETURNING *`,
          values: [starting.map((p) => p.triggerId), key, Number(event.id), now, started.map((r) => Number(r.id))],
        });
        fires.push(...rows.map(triggerFireFromRow).sort((a, b) => (a.triggerId < b.triggerId ? -1 : a.triggerId > b.triggerId ? 1 : 0)));
      }
      return { event, deduplicated: false, woken, fires };
    },
    async listTriggerFires(db: Queryable, triggerId: string, limit: number): Promise<TriggerFire[]> {
      const { rows } = await db.query<TriggerFireRow>({ text: `SELECT * FROM ${fi} WHERE trigger_id = $1 ORDER BY fired_at DESC, event_key DESC LIMIT $2`, values: [triggerId, limit] });
      return rows.map(triggerFireFromRow);
    },
  };
}
