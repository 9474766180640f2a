import type { StoredEvent } from '../../store/types.js';
import type { SqliteDatabase } from './connection.js';
import { parseJobId } from './rows.js';

interface EventRow {
  id: number;
  name: string;
  data: string;
  created_at: number;
}

const toEvent = (row: EventRow): StoredEvent => ({ id: String(row.id), name: row.name, dataJson: row.data, createdAt: row.created_at });

/** Events for workflows: stored, and waking the runs that wait for them in the same transaction. */
export function createEvents(db: SqliteDatabase) {
  const registerWait = db.prepare(`INSERT OR REPLACE INTO tw_event_waits (job_id, step_id, event, woken_at)
    SELECT @jobId, @stepId, @event, NULL
    WHERE EXISTS (SELECT 1 FROM tw_jobs WHERE id = @jobId AND worker_id = @workerId AND attempt = @attempt AND state = 'running')`);
  const insert = db.prepare('INSERT INTO tw_events (name, data, created_at) VALUES (?, ?, ?) RETURNING *');
  // Waiting runs sleep as scheduled jobs; pulling their run time to now makes the next claim stage them.
  const wake = db.prepare(`UPDATE tw_jobs SET run_at = @now, updated_at = @now
    WHERE state = 'scheduled' AND id IN (SELECT job_id FROM tw_event_waits WHERE event = @name)`);
  // Only a run that is running right now needs the mark (it may have looked for events before this
  // one was stored); a parked run is simply made due, and the mark is consumed by its next snooze.
  const markWoken = db.prepare(`UPDATE tw_event_waits SET woken_at = @now
    WHERE event = @name AND job_id IN (SELECT id FROM tw_jobs WHERE state = 'running')`);
  const list = db.prepare('SELECT * FROM tw_events WHERE name = ? AND created_at >= ? ORDER BY id LIMIT ?');
  const clearWaits = db.prepare('DELETE FROM tw_event_waits WHERE job_id = ?');

  const sendTx = db.transaction((name: string, dataJson: string, now: number) => {
    const event = toEvent(insert.get(name, dataJson, now) as EventRow);
    const woken = markWoken.run({ now, name }).changes + wake.run({ now, name }).changes;
    return { event, woken };
  });

  return {
    waitForEvent(jobId: string, workerId: string, attempt: number, stepId: string, event: string): boolean {
      const id = parseJobId(jobId);
      return id !== null && registerWait.run({ jobId: id, workerId, attempt, stepId, event }).changes === 1;
    },
    sendEvent: (name: string, dataJson: string, now: number) => sendTx.immediate(name, dataJson, now),
    /** the same, as part of a transaction the caller holds (publishing an event with triggers) */
    sendInTransaction: (name: string, dataJson: string, now: number) => sendTx(name, dataJson, now),
    listEvents: (name: string, since: number, limit: number): StoredEvent[] => (list.all(name, since, limit) as EventRow[]).map(toEvent),
    /** for pruning */
    clearWaits: (jobId: number) => clearWaits.run(jobId),
  };
}

