import type { Clock } from '../core/clock.js';
import type { ScheduleOperations } from '../store/store.js';
import type { ScheduleFire } from '../store/schedule-types.js';
import type { EngineEventBus } from '../telemetry/events.js';

/** schedules claimed per store call; a call that fills it is followed by another at once */
const BATCH = 50;
/** after a wake-up (a commit in any process may have changed a schedule), re-read no sooner than this */
const WAKE_DEBOUNCE_MS = 250;
/** while a schedule holds a fire back for its running job, check this often */
const WAITING_RECHECK_MS = 1000;
/** a re-read even without a wake-up, in case one was lost */
const SAFETY_RECHECK_MS = 10_000;

/**
 * Fires due schedules. The engine elected to the `scheduler` role runs it (every engine, on stores
 * without leader election); the store's atomic claim makes sure each due time fires once however
 * many run, even while two engines briefly both believe they lead. It holds no durable state: the next due time it remembers is
 * only when to ask the store again, and a restart simply asks at once.
 */
export class ScheduleRunner {
  private nextFireAt: number | null = null;
  private lastCheck = Number.NEGATIVE_INFINITY;
  private woke = true;
  private waiting = false;
  private running: Promise<ScheduleFire[]> | null = null;

  constructor(
    private readonly store: ScheduleOperations,
    private readonly clock: Clock,
    private readonly events: EngineEventBus,
  ) {}

  /** Something changed in the store: re-read the next due time soon. */
  readonly wake = (): void => {
    this.woke = true;
  };

  /** When the runner next needs to look, given what it knows (for a wake-up timer). */
  get nextCheckAt(): number | null {
    return this.nextFireAt;
  }

  private shouldCheck(now: number): boolean {
    const since = now - this.lastCheck;
    if (this.nextFireAt !== null && now >= this.nextFireAt) return true;
    if (this.woke && since >= WAKE_DEBOUNCE_MS) return true;
    if (this.waiting && since >= WAITING_RECHECK_MS) return true;
    return since >= SAFETY_RECHECK_MS;
  }

  /** Called on the worker's tick: fires what is due, if anything may be. */
  async tick(now = this.clock.now()): Promise<ScheduleFire[]> {
    if (this.running || !this.shouldCheck(now)) return [];
    return this.fireDue(now);
  }

  /** Fires everything due at `now` (all schedules, in batches). Calls made meanwhile share the run. */
  fireDue(now = this.clock.now()): Promise<ScheduleFire[]> {
    this.running ??= this.claimAll(now).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async claimAll(now: number): Promise<ScheduleFire[]> {
    this.woke = false;
    this.lastCheck = now;
    const all: ScheduleFire[] = [];
    for (;;) {
      const result = await this.store.claimDueSchedules(now, BATCH);
      for (const fire of result.fired) {
        all.push(fire);
        this.events.emit('schedule:fired', { scheduleId: fire.scheduleId, dueAt: fire.dueAt, action: fire.action, jobId: fire.jobId, count: fire.count });
      }
      this.nextFireAt = result.nextFireAt;
      this.waiting = result.waiting;
      const schedulesTouched = new Set(result.fired.map((f) => f.scheduleId)).size;
      if (schedulesTouched < BATCH || result.nextFireAt === null || result.nextFireAt > now) return all;
    }
  }
}
