import type { NewJob } from './job.js';

// The schedule definition as stored, and what every driver needs to fire it. Kept apart from the
// input validation (schedule.ts) so a store driver loads no validation library.

export const OVERLAP_POLICIES = ['skip', 'allow', 'queue-one'] as const;
export const CATCH_UP_POLICIES = ['none', 'latest', 'all'] as const;
/** what to do at a due time while the previous fired job is unfinished */
export type OverlapPolicy = (typeof OVERLAP_POLICIES)[number];
/** which due times missed while no scheduler ran are fired late */
export type CatchUpPolicy = (typeof CATCH_UP_POLICIES)[number];

/** When a schedule fires. Times are epoch milliseconds. */
export type ScheduleTiming =
  | { kind: 'cron'; cron: string; timezone: string }
  /** fires at anchorAt + k * everyMs: the start time, or one period after creation */
  | { kind: 'every'; everyMs: number; anchorAt: number }
  | { kind: 'at'; at: number };

/** The job a schedule enqueues at each fire: a compiled job without its run time or key. */
export type ScheduledJob = Omit<NewJob, 'runAt' | 'idempotencyKey'>;

/** A validated schedule definition, as stored. */
export interface ScheduleDefinition {
  id: string;
  timing: ScheduleTiming;
  target: 'job' | 'workflow';
  job: ScheduledJob;
  startAt: number | null;
  endAt: number | null;
  maxRuns: number | null;
  overlap: OverlapPolicy;
  catchUp: CatchUpPolicy;
  /** with catch-up `latest` or `all`, due times older than this are not fired late */
  catchUpWindowMs: number;
}

/** The idempotency key of the job fired for one due time: a second guard against firing it twice. */
export function scheduleJobKey(scheduleId: string, dueAt: number): string {
  return `schedule:${scheduleId}:${dueAt}`;
}

/** The definition part of a stored schedule (which also carries run state and input). */
export function definitionOf(schedule: ScheduleDefinition): ScheduleDefinition {
  const { id, timing, target, job, startAt, endAt, maxRuns, overlap, catchUp, catchUpWindowMs } = schedule;
  return { id, timing, target, job, startAt, endAt, maxRuns, overlap, catchUp, catchUpWindowMs };
}
