import { NotFoundError } from '../../core/errors.js';
import type { NewJob } from '../../core/job.js';
import { definitionOf, scheduleJobKey } from '../../core/schedule-definition.js';
import { planFires } from '../../core/schedule-plan.js';
import { FIRE_ACTION, HISTORY_KEPT, fireFromRow, scheduleFromRow, type FireRow, type ScheduleRow } from '../../store/schedule-rows.js';
import type { ClaimSchedulesResult, ScheduleFire, ScheduleRecord, ScheduleWrite } from '../../store/schedule-types.js';
import type { SqliteDatabase } from './connection.js';
import type { createEnqueue } from './enqueue.js';


/** Schedules: definitions, the atomic firing of due times, manual triggers and history. */
export function createSchedules(db: SqliteDatabase, enqueue: ReturnType<typeof createEnqueue>) {
  const select = db.prepare('SELECT * FROM tw_schedules WHERE id = ?');
  const selectAll = db.prepare('SELECT * FROM tw_schedules ORDER BY id');
  const insert = db.prepare(`INSERT INTO tw_schedules (id, definition, input, paused, next_fire_at, created_at, updated_at)
    VALUES (@id, @definition, @input, @paused, @nextFireAt, @now, @now)`);
  const update = db.prepare(`UPDATE tw_schedules SET definition = @definition, input = @input, paused = @paused,
    next_fire_at = CASE WHEN @keep = 1 THEN next_fire_at ELSE @nextFireAt END, updated_at = @now WHERE id = @id`);
  const resetRuns = db.prepare(
    'UPDATE tw_schedules SET run_count = 0, buffered_due_at = NULL, last_fire_at = NULL, last_job_id = NULL WHERE id = ?',
  );
  const remove = db.prepare('DELETE FROM tw_schedules WHERE id = ?');
  const removeFires = db.prepare('DELETE FROM tw_schedule_fires WHERE schedule_id = ?');
  const earliestDue = db.prepare('SELECT min(next_fire_at) FROM tw_schedules WHERE paused = 0 AND next_fire_at IS NOT NULL').pluck();
  const anyBuffered = db.prepare('SELECT 1 FROM tw_schedules WHERE paused = 0 AND buffered_due_at IS NOT NULL LIMIT 1').pluck();
  const due = db.prepare(`SELECT * FROM tw_schedules WHERE paused = 0 AND next_fire_at IS NOT NULL AND next_fire_at <= @now
    UNION SELECT * FROM tw_schedules WHERE paused = 0 AND buffered_due_at IS NOT NULL ORDER BY next_fire_at LIMIT @limit`);
  const jobUnfinished = db
    .prepare("SELECT 1 FROM tw_jobs WHERE id = ? AND state IN ('scheduled', 'queued', 'running')")
    .pluck();
  const saveRunState = db.prepare(`UPDATE tw_schedules SET next_fire_at = @nextFireAt, run_count = @runCount,
    buffered_due_at = @bufferedDueAt, last_fire_at = coalesce(@lastFireAt, last_fire_at), last_job_id = coalesce(@lastJobId, last_job_id),
    updated_at = @now WHERE id = @id`);
  const insertFire = db.prepare(`INSERT INTO tw_schedule_fires (schedule_id, due_at, fired_at, action, job_id, count)
    VALUES (?, ?, ?, ?, ?, ?) RETURNING *`);
  const fires = db.prepare('SELECT * FROM tw_schedule_fires WHERE schedule_id = ? ORDER BY id DESC LIMIT ?');
  // a schedule keeps its latest HISTORY_KEPT entries: a per-second schedule must not grow without end
  const trimFires = db.prepare(`DELETE FROM tw_schedule_fires WHERE schedule_id = @id AND id <=
    (SELECT id FROM tw_schedule_fires WHERE schedule_id = @id ORDER BY id DESC LIMIT 1 OFFSET ${HISTORY_KEPT})`);

  const record = (scheduleId: string, dueAt: number, now: number, action: ScheduleFire['action'], jobId: string | null, count = 1): ScheduleFire =>
    fireFromRow(insertFire.get(scheduleId, dueAt, now, action, jobId === null ? null : Number(jobId), count) as FireRow);

  /** Enqueues the job of one due time; its idempotency key makes a second fire of it a no-op. */
  const fireJob = (schedule: ScheduleRecord, key: string, now: number) => {
    const job: NewJob = { ...schedule.job, runAt: now, idempotencyKey: key };
    return enqueue.insertOne(job, now);
  };

  const saveTx = db.transaction((write: ScheduleWrite, now: number): ScheduleRecord => {
    const params = {
      id: write.definition.id,
      definition: JSON.stringify(definitionOf(write.definition)),
      input: JSON.stringify(write.input),
      paused: write.paused ? 1 : 0,
      nextFireAt: write.nextFireAt,
      keep: write.keepNextFireAt ? 1 : 0,
      now,
    };
    if (select.get(params.id)) {
      update.run(params);
      if (write.resetRuns) resetRuns.run(params.id);
    } else {
      const { keep: _keep, ...insertParams } = params;
      insert.run(insertParams);
    }
    return scheduleFromRow(select.get(params.id) as ScheduleRow);
  });

  const claimTx = db.transaction((now: number, limit: number): ClaimSchedulesResult => {
    const fired: ScheduleFire[] = [];
    for (const row of due.all({ now, limit }) as ScheduleRow[]) {
      const schedule = scheduleFromRow(row);
      const busy = schedule.lastJobId !== null && jobUnfinished.get(Number(schedule.lastJobId)) === 1;
      const plan = planFires(schedule, schedule, busy, now);
      let lastFireAt: number | null = null;
      let lastJobId: string | null = null;
      for (const fire of plan.fires) {
        if (fire.action !== 'enqueue') {
          fired.push(record(schedule.id, fire.dueAt, now, FIRE_ACTION[fire.action] as ScheduleFire['action'], null, fire.count));
          continue;
        }
        const result = fireJob(schedule, scheduleJobKey(schedule.id, fire.dueAt), now);
        fired.push(record(schedule.id, fire.dueAt, now, result.deduplicated ? 'deduplicated' : 'enqueued', result.id));
        lastFireAt = now;
        lastJobId = result.id;
      }
      saveRunState.run({ id: schedule.id, ...plan.state, lastFireAt, lastJobId: lastJobId === null ? null : Number(lastJobId), now });
      if (plan.fires.length > 0) trimFires.run({ id: schedule.id });
    }
    return { fired, nextFireAt: (earliestDue.get() as number | null) ?? null, waiting: anyBuffered.get() === 1 };
  });

  const triggerTx = db.transaction((id: string, now: number): ScheduleFire => {
    const row = select.get(id) as ScheduleRow | undefined;
    if (!row) throw new NotFoundError(`no schedule with id ${JSON.stringify(id)}`, { scheduleId: id });
    const schedule = scheduleFromRow(row);
    const result = fireJob(schedule, `${scheduleJobKey(id, now)}:manual`, now);
    saveRunState.run({ ...schedule, id, lastFireAt: now, lastJobId: Number(result.id), now });
    return record(id, now, now, 'triggered', result.id);
  });

  const deleteTx = db.transaction((id: string): boolean => {
    removeFires.run(id);
    return remove.run(id).changes === 1;
  });

  return {
    saveSchedule: (write: ScheduleWrite, now: number) => saveTx.immediate(write, now),
    getSchedule: (id: string): ScheduleRecord | null => {
      const row = select.get(id) as ScheduleRow | undefined;
      return row ? scheduleFromRow(row) : null;
    },
    listSchedules: (): ScheduleRecord[] => (selectAll.all() as ScheduleRow[]).map(scheduleFromRow),
    deleteSchedule: (id: string): boolean => deleteTx.immediate(id),
    claimDueSchedules(now: number, limit: number): ClaimSchedulesResult {
      // The common case, nothing due, is a read: no write lock is taken.
      const earliest = (earliestDue.get() as number | null) ?? null;
      const waiting = anyBuffered.get() === 1;
      if (!waiting && (earliest === null || earliest > now)) return { fired: [], nextFireAt: earliest, waiting };
      return claimTx.immediate(now, limit);
    },
    triggerSchedule: (id: string, now: number) => triggerTx.immediate(id, now),
    listScheduleFires: (id: string, limit: number): ScheduleFire[] => (fires.all(id, limit) as FireRow[]).map(fireFromRow),
  };
}
