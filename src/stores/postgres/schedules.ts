import { NotFoundError } from '../../core/errors.js';
import type { NewJob } from '../../core/job.js';
import { definitionOf, scheduleJobKey } from '../../core/schedule-definition.js';
import { planFires } from '../../core/schedule-plan.js';
import { FIRE_ACTION, HISTORY_KEPT, fireFromRow, scheduleFromRow, type FireRow, type ScheduleRow } from '../../store/schedule-rows.js';
import type { ClaimSchedulesResult, ScheduleFire, ScheduleRecord, ScheduleWrite } from '../../store/schedule-types.js';
import type { Queryable } from './connection.js';
import type { createEnqueue } from './enqueue.js';
import type { SchemaNames } from './sql.js';


/**
 * Schedules: definitions, the atomic firing of due times, manual triggers and history. Firing runs
 * in one transaction that locks the due schedules with SKIP LOCKED: schedulers in other processes
 * take other schedules (or none) and never fire a due time twice; each fired job also carries the
 * idempotency key of its due time.
 */
export function createSchedules(t: SchemaNames, enqueue: ReturnType<typeof createEnqueue>) {
  const s = `"${t.schema}".schedules`;
  const f = `"${t.schema}".schedule_fires`;
  const earliestDue = `SELECT min(next_fire_at) AS at, EXISTS (SELECT 1 FROM ${s} WHERE NOT paused AND buffered_due_at IS NOT NULL) AS waiting
    FROM ${s} WHERE NOT paused AND next_fire_at IS NOT NULL`;
  const saveRunState = `UPDATE ${s} SET next_fire_at = $2, run_count = $3, buffered_due_at = $4, last_fire_at = coalesce($5, last_fire_at),
    last_job_id = coalesce($6, last_job_id), updated_at = $7 WHERE id = $1`;
  const insertFire = `INSERT INTO ${f} (schedule_id, due_at, fired_at, action, job_id, count) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`;
  const trimFires = `DELETE FROM ${f} WHERE schedule_id = $1 AND id <= (SELECT id FROM ${f} WHERE schedule_id = $1 ORDER BY id DESC LIMIT 1 OFFSET ${HISTORY_KEPT})`;

  const record = async (db: Queryable, scheduleId: string, dueAt: number, now: number, action: ScheduleFire['action'], jobId: string | null, count = 1) =>
    fireFromRow((await db.query<FireRow>({ text: insertFire, values: [scheduleId, dueAt, now, action, jobId === null ? null : Number(jobId), count] })).rows[0] as FireRow);

  /** Enqueues the job of one due time; its idempotency key makes a second fire of it a no-op. */
  const fireJob = async (db: Queryable, schedule: ScheduleRecord, key: string, now: number) => {
    const job: NewJob = { ...schedule.job, runAt: now, idempotencyKey: key };
    const [result] = await enqueue.insertKeyed(db, [job], now);
    return result!;
  };

  const readEarliest = async (db: Queryable) => {
    const row = (await db.query<{ at: number | null; waiting: boolean }>(earliestDue)).rows[0];
    return { nextFireAt: row?.at ?? null, waiting: row?.waiting ?? false };
  };

  return {
    /** Run inside a transaction. */
    async saveSchedule(db: Queryable, write: ScheduleWrite, now: number): Promise<ScheduleRecord> {
      const values = [write.definition.id, JSON.stringify(definitionOf(write.definition)), JSON.stringify(write.input), write.paused, write.nextFireAt, write.keepNextFireAt === true, now, write.resetRuns];
      const { rows } = await db.query<ScheduleRow>({
        text: `INSERT INTO ${s} AS x (id, definition, input, paused, next_fire_at, created_at, updated_at)
          VALUES ($1, $2, $3, $4, $5, $7, $7)
          ON CONFLICT (id) DO UPDATE SET definition = EXCLUDED.definition, input = EXCLUDED.input, paused = EXCLUDED.paused,
            next_fire_at = CASE WHEN $6 THEN x.next_fire_at ELSE EXCLUDED.next_fire_at END, updated_at = EXCLUDED.updated_at,
            run_count = CASE WHEN $8 THEN 0 ELSE x.run_count END,
            buffered_due_at = CASE WHEN $8 THEN NULL ELSE x.buffered_due_at END,
            last_fire_at = CASE WHEN $8 THEN NULL ELSE x.last_fire_at END,
            last_job_id = CASE WHEN $8 THEN NULL ELSE x.last_job_id END
          RETURNING *`,
        values,
      });
      return scheduleFromRow(rows[0] as ScheduleRow);
    },
    async getSchedule(db: Queryable, id: string): Promise<ScheduleRecord | null> {
      const row = (await db.query<ScheduleRow>({ text: `SELECT * FROM ${s} WHERE id = $1`, values: [id] })).rows[0];
      return row ? scheduleFromRow(row) : null;
    },
    async listSchedules(db: Queryable): Promise<ScheduleRecord[]> {
      return (await db.query<ScheduleRow>(`SELECT * FROM ${s} ORDER BY id`)).rows.map(scheduleFromRow);
    },
    /** Run inside a transaction. */
    async deleteSchedule(db: Queryable, id: string): Promise<boolean> {
      await db.query({ text: `DELETE FROM ${f} WHERE schedule_id = $1`, values: [id] });
      return (await db.query({ text: `DELETE FROM ${s} WHERE id = $1`, values: [id] })).rowCount === 1;
    },
    /** The common case, nothing due, is one read without a transaction. */
    readEarliest,
    /** Run inside a transaction. */
    async claimDueSchedules(db: Queryable, now: number, limit: number): Promise<ClaimSchedulesResult> {
      const { rows } = await db.query<ScheduleRow>({
        text: `SELECT * FROM ${s} WHERE NOT paused AND ((next_fire_at IS NOT NULL AND next_fire_at <= $1) OR buffered_due_at IS NOT NULL)
          ORDER BY next_fire_at NULLS LAST, id LIMIT $2 FOR UPDATE SKIP LOCKED`,
        values: [now, limit],
      });
      const fired: ScheduleFire[] = [];
      for (const row of rows) {
        const schedule = scheduleFromRow(row);
        const busy =
          schedule.lastJobId !== null &&
          (await db.query({ text: `SELECT 1 FROM ${t.jobs} WHERE id = $1 AND state IN ('scheduled', 'queued', 'running')`, values: [Number(schedule.lastJobId)] })).rowCount === 1;
        const plan = planFires(schedule, schedule, busy, now);
        let lastFireAt: number | null = null;
        let lastJobId: string | null = null;
        for (const fire of plan.fires) {
          if (fire.action !== 'enqueue') {
            fired.push(await record(db, schedule.id, fire.dueAt, now, FIRE_ACTION[fire.action] as ScheduleFire['action'], null, fire.count));
            continue;
          }
          const result = await fireJob(db, schedule, scheduleJobKey(schedule.id, fire.dueAt), now);
          fired.push(await record(db, schedule.id, fire.dueAt, now, result.deduplicated ? 'deduplicated' : 'enqueued', result.id));
          lastFireAt = now;
          lastJobId = result.id;
        }
        await db.query({
          text: saveRunState,
          values: [schedule.id, plan.state.nextFireAt, plan.state.runCount, plan.state.bufferedDueAt, lastFireAt, lastJobId === null ? null : Number(lastJobId), now],
        });
        if (plan.fires.length > 0) await db.query({ text: trimFires, values: [schedule.id] });
      }
      return { fired, ...(await readEarliest(db)) };
    },
    /** Run inside a transaction. */
    async triggerSchedule(db: Queryable, id: string, now: number): Promise<ScheduleFire> {
      const row = (await db.query<ScheduleRow>({ text: `SELECT * FROM ${s} WHERE id = $1 FOR UPDATE`, values: [id] })).rows[0];
      if (!row) throw new NotFoundError(`no schedule with id ${JSON.stringify(id)}`, { scheduleId: id });
      const schedule = scheduleFromRow(row);
      const result = await fireJob(db, schedule, `${scheduleJobKey(id, now)}:manual`, now);
      await db.query({ text: saveRunState, values: [id, schedule.nextFireAt, schedule.runCount, schedule.bufferedDueAt, now, Number(result.id), now] });
      return record(db, id, now, now, 'triggered', result.id);
    },
    async listScheduleFires(db: Queryable, id: string, limit: number): Promise<ScheduleFire[]> {
      return (await db.query<FireRow>({ text: `SELECT * FROM ${f} WHERE schedule_id = $1 ORDER BY id DESC LIMIT $2`, values: [id, limit] })).rows.map(fireFromRow);
    },
  };
}
