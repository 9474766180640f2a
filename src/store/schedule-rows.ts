import type { ScheduleInput } from '../core/schedule.js';
import type { ScheduleDefinition } from '../core/schedule-definition.js';
import type { ScheduleFire, ScheduleRecord } from './schedule-types.js';

/**
 * A schedule row as the SQL drivers read it (one table shape in every SQL store); `paused` is a
 * boolean where the database has one and 0/1 where it has not.
 */
export interface ScheduleRow {
  id: string;
  definition: string;
  input: string;
  paused: boolean | number;
  next_fire_at: number | null;
  buffered_due_at: number | null;
  run_count: number;
  last_fire_at: number | null;
  last_job_id: number | null;
  created_at: number;
  updated_at: number;
}

/** One entry of a schedule's fire history. */
export interface FireRow {
  id: number;
  schedule_id: string;
  due_at: number;
  fired_at: number;
  action: ScheduleFire['action'];
  job_id: number | null;
  count: number;
}

/** history entries kept per schedule (older ones are deleted as new ones are written) */
export const HISTORY_KEPT = 1000;

/** What the fire planner's decisions are called in the history. */
export const FIRE_ACTION: Record<string, ScheduleFire['action']> = { skip: 'skipped', buffer: 'buffered', missed: 'missed' };

export function scheduleFromRow(row: ScheduleRow): ScheduleRecord {
  return {
    ...(JSON.parse(row.definition) as ScheduleDefinition),
    input: JSON.parse(row.input) as ScheduleInput,
    paused: row.paused === true || row.paused === 1,
    nextFireAt: row.next_fire_at,
    runCount: row.run_count,
    bufferedDueAt: row.buffered_due_at,
    lastFireAt: row.last_fire_at,
    lastJobId: row.last_job_id === null ? null : String(row.last_job_id),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export const fireFromRow = (row: FireRow): ScheduleFire => ({
  id: String(row.id),
  scheduleId: row.schedule_id,
  dueAt: row.due_at,
  firedAt: row.fired_at,
  action: row.action,
  jobId: row.job_id === null ? null : String(row.job_id),
  count: row.count,
});
