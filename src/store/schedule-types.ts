import type { ScheduleDefinition, ScheduleInput } from '../core/schedule.js';
import type { ScheduleRunState } from '../core/schedule-plan.js';

/** A schedule as stored: its definition, the input it was made from, and its run state. */
export interface ScheduleRecord extends ScheduleDefinition, ScheduleRunState {
  /** the input as given (JSON-safe), so an update can change a few fields */
  input: ScheduleInput;
  paused: boolean;
  lastFireAt: number | null;
  lastJobId: string | null;
  createdAt: number;
  updatedAt: number;
}

/** What `saveSchedule` writes: the definition and when it next fires. Run counters are kept. */
export interface ScheduleWrite {
  definition: ScheduleDefinition;
  input: ScheduleInput;
  paused: boolean;
  /** the next due time to store; ignored for an existing schedule when `keepNextFireAt` */
  nextFireAt: number | null;
  /** keep the stored next due time (a pause, or a change that does not touch the timing), so a fire that lands meanwhile is not undone */
  keepNextFireAt?: boolean;
  /** true when the run state starts over (a new definition): run count, held-back fire, last job */
  resetRuns: boolean;
}

/** One entry of a schedule's history. */
export interface ScheduleFire {
  id: string;
  scheduleId: string;
  dueAt: number;
  firedAt: number;
  /**
   * enqueued: a job was enqueued; deduplicated: the job for this due time already existed;
   * skipped: overlap policy skip; buffered: held back (queue-one); missed: not fired by the
   * catch-up policy (`count` due times, at least); triggered: fired by hand
   */
  action: 'enqueued' | 'deduplicated' | 'skipped' | 'buffered' | 'missed' | 'triggered';
  jobId: string | null;
  count: number;
}

export interface ClaimSchedulesResult {
  /** history entries written by this call, oldest first */
  fired: ScheduleFire[];
  /** the earliest due time of an active schedule after this call, to arm the wake-up */
  nextFireAt: number | null;
  /** a schedule holds a due time back until its previous job finishes: check again soon */
  waiting: boolean;
}

export const TIMER_KINDS = ['delay', 'retry', 'snooze', 'sleep', 'event', 'timeout', 'schedule'] as const;
/**
 * delay / retry (backoff) / snooze / sleep (workflow step.sleep) / event (a run waiting for an
 * event, woken at its timeout or timebox): a scheduled job's run time; timeout: the end of a
 * running attempt's time limit; schedule: a schedule's next due time.
 */
export type TimerKind = (typeof TIMER_KINDS)[number];

/** A stored timer: every pending time-based action, wherever the store keeps it. */
export interface Timer {
  /** `job:ID`, `timeout:ID:ATTEMPT` or `schedule:ID` */
  id: string;
  kind: TimerKind;
  fireAt: number;
  jobId: string | null;
  scheduleId: string | null;
  /** the job or the scheduled job's name */
  name: string;
  /** for timeouts: the attempt and worker the timeout ends */
  attempt: number | null;
  workerId: string | null;
}

export interface TimerFilter {
  kind?: TimerKind;
  /** only timers due at or before this time */
  dueBy?: number;
  limit?: number;
}

export interface TimerStats {
  pending: number;
  nextFireAt: number | null;
  /** counts by where the timer lives */
  jobs: number;
  timeouts: number;
  schedules: number;
}
