import { ValidationError, describeValue } from '../core/errors.js';
import type { NewJob } from '../core/job.js';
import { scheduleJobKey, type ScheduleDefinition } from '../core/schedule-definition.js';
import { nextDueTime } from '../core/schedule-plan.js';
import type { ScheduleFire } from '../store/schedule-types.js';

export interface BackfillInput {
  /** the first instant of the range (inclusive): a Date, epoch ms or an ISO date */
  from: Date | number | string;
  /** the last instant of the range (inclusive), at or before now */
  to: Date | number | string;
  /** list the due times without enqueueing anything */
  dryRun?: boolean;
}

export interface BackfillResult {
  scheduleId: string;
  from: number;
  to: number;
  dryRun: boolean;
  /** every due time of the range, oldest first */
  dueTimes: number[];
  /** due times that got a job now */
  enqueued: { dueAt: number; jobId: string }[];
  /** due times that already had their job (fired on time, by catch-up, or by an earlier backfill) */
  existing: { dueAt: number; jobId: string | null }[];
}

/** At most this many due times per backfill: a wider range is refused (split it). */
export const MAX_BACKFILL_DUE_TIMES = 1000;
/** Backfilled jobs remember their due time's key this long, so repeating a backfill adds nothing. */
export const BACKFILL_KEY_TTL_MS = 365 * 86_400_000;

function toTime(value: unknown, field: string): number {
  const time = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Date.parse(value) : NaN;
  if (!Number.isFinite(time)) throw new ValidationError(`expected ${field} to be a Date, epoch milliseconds or an ISO date, got ${describeValue(value)}`, { field });
  return time;
}

/** The validated range: from before to, to not in the future. */
export function backfillRange(input: BackfillInput, now: number): { from: number; to: number; dryRun: boolean } {
  if (typeof input !== 'object' || input === null) throw new ValidationError(`expected backfill to be { from, to, dryRun? }, got ${describeValue(input)}`);
  const from = toTime(input.from, 'from');
  const to = toTime(input.to, 'to');
  if (to < from) throw new ValidationError(`expected to to be at or after from (${new Date(from).toISOString()}), got ${new Date(to).toISOString()}`, { field: 'to' });
  if (to > now) throw new ValidationError(`expected to to be at or before now (${new Date(now).toISOString()}): backfill covers past due times, got ${new Date(to).toISOString()}`, { field: 'to' });
  if (input.dryRun !== undefined && typeof input.dryRun !== 'boolean') throw new ValidationError(`expected dryRun to be true or false, got ${describeValue(input.dryRun)}`, { field: 'dryRun' });
  return { from, to, dryRun: input.dryRun === true };
}

/** Every due time of the schedule in [from, to], honouring its start and end; refuses more than the cap. */
export function dueTimesIn(def: ScheduleDefinition, from: number, to: number): number[] {
  const times: number[] = [];
  for (let t = nextDueTime(def, from - 1); t !== null && t <= to; t = nextDueTime(def, t)) {
    if (times.length === MAX_BACKFILL_DUE_TIMES) {
      throw new ValidationError(`the range ${new Date(from).toISOString()} to ${new Date(to).toISOString()} holds more than ${MAX_BACKFILL_DUE_TIMES} due times of schedule ${JSON.stringify(def.id)}; backfill a shorter range`, { field: 'to' });
    }
    times.push(t);
  }
  return times;
}

/** Due times the schedule's history says already fired (the keys also catch those beyond its history). */
export function firedDueTimes(fires: readonly ScheduleFire[]): Map<number, string | null> {
  const fired = new Map<number, string | null>();
  for (const f of fires) if (f.action === 'enqueued' || f.action === 'deduplicated') fired.set(f.dueAt, f.jobId);
  return fired;
}

/** The job of one due time: keyed like the on-time fire of that due time, so the two never both run. */
export function backfillJob(def: ScheduleDefinition, dueAt: number, now: number): NewJob {
  return { ...def.job, runAt: now, idempotencyKey: scheduleJobKey(def.id, dueAt), idempotencyTtlMs: BACKFILL_KEY_TTL_MS };
}
