import type { Clock } from '../core/clock.js';
import { ConflictError, JobTimeoutError, NotFoundError, ValidationError, describeValue } from '../core/errors.js';
import { definitionOf } from '../core/schedule.js';
import { nextDueTime } from '../core/schedule-plan.js';
import type { Store } from '../store/store.js';
import { TIMER_KINDS, type Timer, type TimerFilter, type TimerStats } from '../store/schedule-types.js';
import type { ClaimedJob, Outcome } from '../store/types.js';
import type { EngineEventBus } from '../telemetry/events.js';
import { outcomeForError } from './outcome.js';
import { scheduleStore } from './schedules.js';

/**
 * Fires stored timeouts: an attempt still running past `started_at + timeout` plus `graceMs` has a
 * worker that could not end it (it died, or its event loop is blocked while the heartbeat thread
 * keeps the lease). Any worker ends it here, as a timeout, through the fenced settle: if the owner
 * settles first, or another worker already fired it, this changes nothing, so it fires once.
 * Returns the attempts it ended and how.
 */
export async function fireStoredTimeouts(store: Store, events: EngineEventBus, now: number, graceMs: number): Promise<{ jobId: string; to: Outcome['type'] }[]> {
  if (!store.capabilities.schedules || !store.listTimers) return [];
  const due = await store.listTimers({ kind: 'timeout', dueBy: now - graceMs, limit: 100 });
  const fired: { jobId: string; to: Outcome['type'] }[] = [];
  for (const timer of due) {
    const job = timer.jobId === null ? null : await store.getJob(timer.jobId);
    if (!job || job.state !== 'running' || job.attempt !== timer.attempt || job.workerId === null) continue;
    const claimed = { ...job, attempt: job.attempt } as unknown as ClaimedJob;
    const outcome = outcomeForError(claimed, new JobTimeoutError(job.timeoutMs ?? 0), now);
    const { applied } = await store.settle([{ id: job.id, workerId: job.workerId, attempt: job.attempt, outcome }], now);
    if (applied.length === 0) continue;
    fired.push({ jobId: job.id, to: outcome.type });
    events.emit('timer:timeout', { jobId: job.id, name: job.name, queue: job.queue, attempt: job.attempt, workerId: job.workerId, to: outcome.type });
  }
  return fired;
}

/** Read and cancel stored timers. */
export class TimerService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async list(filter: TimerFilter = {}): Promise<Timer[]> {
    if (filter.kind !== undefined && !(TIMER_KINDS as readonly string[]).includes(filter.kind)) {
      throw new ValidationError(`expected timer kind to be one of ${TIMER_KINDS.join(', ')}, got ${describeValue(filter.kind)}`);
    }
    if (filter.limit !== undefined && (!Number.isSafeInteger(filter.limit) || filter.limit < 1)) {
      throw new ValidationError(`expected limit to be a positive integer, got ${describeValue(filter.limit)}`);
    }
    return scheduleStore(this.store).listTimers(filter);
  }

  async stats(): Promise<TimerStats> {
    return scheduleStore(this.store).timerStats();
  }

  /**
   * Cancel what a timer would do. `job:ID`: the waiting job is cancelled (it never runs);
   * `schedule:ID`: that one due time is skipped and the schedule waits for the following one.
   * A timeout ends with its attempt and cannot be cancelled; cancel the job instead.
   */
  async cancel(id: string): Promise<{ timer: string; result: string }> {
    const ops = scheduleStore(this.store);
    const match = typeof id === 'string' ? /^(job|schedule|timeout):(.+)$/.exec(id) : null;
    if (!match) throw new ValidationError(`expected a timer id like job:42 or schedule:nightly, got ${describeValue(id)}`);
    const [, kind, ref] = match as unknown as [string, string, string];
    const now = this.clock.now();
    if (kind === 'timeout') throw new ConflictError(`timer ${id} is a running attempt's timeout: it ends with the attempt; cancel job ${ref.split(':')[0]} instead`);
    if (kind === 'job') {
      const job = await this.store.getJob(ref);
      if (!job || job.state !== 'scheduled') throw new NotFoundError(`no pending timer ${JSON.stringify(id)} (job ${ref} is ${job ? job.state : 'unknown'})`);
      await this.store.cancel(ref, now);
      return { timer: id, result: `job ${ref} cancelled` };
    }
    const schedule = await ops.getSchedule(ref);
    if (!schedule || schedule.nextFireAt === null || schedule.paused) throw new NotFoundError(`no pending timer ${JSON.stringify(id)}`);
    const skipped = schedule.nextFireAt;
    const nextFireAt = nextDueTime(schedule, skipped);
    await ops.saveSchedule({ definition: definitionOf(schedule), input: schedule.input, paused: false, nextFireAt, resetRuns: false }, now);
    return { timer: id, result: `due time ${new Date(skipped).toISOString()} skipped; next ${nextFireAt === null ? 'none' : new Date(nextFireAt).toISOString()}` };
  }
}
