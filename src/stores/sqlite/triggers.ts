import { definitionJson, triggerFireFromRow, triggerFromRow, type TriggerFireRow, type TriggerRow } from '../../store/trigger-rows.js';
import type { PlannedTriggerJob, PublishResult, TriggerFire, TriggerRecord, TriggerWrite } from '../../store/trigger-types.js';
import type { StoredEvent } from '../../store/types.js';
import type { SqliteDatabase } from './connection.js';
import type { createEnqueue } from './enqueue.js';
import type { createEvents } from './events.js';

interface KeyedEventRow {
  id: number;
  name: string;
  data: string;
  created_at: number;
}

/**
 * Triggers and the publishing of keyed events. A publish is one IMMEDIATE transaction: processes
 * sharing the file take turns, so the first publish of a key stores the event and starts the jobs,
 * and any later one finds the key and returns that outcome.
 */
export function createTriggers(db: SqliteDatabase, enqueue: ReturnType<typeof createEnqueue>, events: ReturnType<typeof createEvents>) {
  const select = db.prepare('SELECT * FROM tw_triggers WHERE id = ?');
  const selectAll = db.prepare('SELECT * FROM tw_triggers ORDER BY id');
  const selectByEvent = db.prepare('SELECT * FROM tw_triggers WHERE event = ? AND paused = 0 ORDER BY id');
  const upsert = db.prepare(`INSERT INTO tw_triggers (id, event, definition, input, paused, created_at, updated_at)
    VALUES (@id, @event, @definition, @input, @paused, @now, @now)
    ON CONFLICT (id) DO UPDATE SET event = excluded.event, definition = excluded.definition, input = excluded.input,
      paused = excluded.paused, updated_at = excluded.updated_at`);
  const remove = db.prepare('DELETE FROM tw_triggers WHERE id = ?');
  const removeFires = db.prepare('DELETE FROM tw_trigger_fires WHERE trigger_id = ?');
  const eventByKey = db.prepare('SELECT id, name, data, created_at FROM tw_events WHERE key = ?');
  const setKey = db.prepare('UPDATE tw_events SET key = ? WHERE id = ?');
  const active = db.prepare('SELECT 1 FROM tw_triggers WHERE id = ? AND paused = 0').pluck();
  const insertFire = db.prepare(`INSERT INTO tw_trigger_fires (trigger_id, event_key, event_id, job_id, fired_at) VALUES (?, ?, ?, ?, ?) RETURNING *`);
  const firesOfEvent = db.prepare('SELECT * FROM tw_trigger_fires WHERE event_key = ? ORDER BY trigger_id');
  const firesOfTrigger = db.prepare('SELECT * FROM tw_trigger_fires WHERE trigger_id = ? ORDER BY fired_at DESC, event_key DESC LIMIT ?');

  const toEvent = (row: KeyedEventRow): StoredEvent => ({ id: String(row.id), name: row.name, dataJson: row.data, createdAt: row.created_at });

  const deleteTx = db.transaction((id: string): boolean => {
    removeFires.run(id);
    return remove.run(id).changes === 1;
  });

  const publishTx = db.transaction((key: string, name: string, dataJson: string, planned: readonly PlannedTriggerJob[], now: number): PublishResult => {
    const existing = eventByKey.get(key) as KeyedEventRow | undefined;
    if (existing) {
      return { event: toEvent(existing), deduplicated: true, woken: 0, fires: (firesOfEvent.all(key) as TriggerFireRow[]).map(triggerFireFromRow) };
    }
    const { event, woken } = events.sendInTransaction(name, dataJson, now);
    setKey.run(key, Number(event.id));
    const fires: TriggerFire[] = [];
    for (const { triggerId, job } of planned) {
      if (active.get(triggerId) !== 1) continue; // deleted or paused since the runtime read it
      const started = enqueue.insertOne(job, now);
      fires.push(triggerFireFromRow(insertFire.get(triggerId, key, Number(event.id), Number(started.id), now) as TriggerFireRow));
    }
    fires.sort((a, b) => (a.triggerId < b.triggerId ? -1 : a.triggerId > b.triggerId ? 1 : 0));
    return { event, deduplicated: false, woken, fires };
  });

  return {
    saveTrigger(write: TriggerWrite, now: number): TriggerRecord {
      const id = write.definition.id;
      upsert.run({ id, event: write.definition.event, definition: definitionJson(write), input: JSON.stringify(write.input), paused: write.paused ? 1 : 0, now });
      return triggerFromRow(select.get(id) as TriggerRow);
    },
    getTrigger(id: string): TriggerRecord | null {
      const row = select.get(id) as TriggerRow | undefined;
      return row ? triggerFromRow(row) : null;
    },
    listTriggers(filter: { event?: string } = {}): TriggerRecord[] {
      const rows = filter.event === undefined ? selectAll.all() : selectByEvent.all(filter.event);
      return (rows as TriggerRow[]).map(triggerFromRow);
    },
    deleteTrigger: (id: string): boolean => deleteTx.immediate(id),
    publishEvent: (key: string, name: string, dataJson: string, planned: readonly PlannedTriggerJob[], now: number): PublishResult =>
      publishTx.immediate(key, name, dataJson, planned, now),
    listTriggerFires: (triggerId: string, limit: number): TriggerFire[] => (firesOfTrigger.all(triggerId, limit) as TriggerFireRow[]).map(triggerFireFromRow),
  };
}
