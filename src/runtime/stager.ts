import type { Clock } from '../core/clock.js';
import type { DueSignal, Store } from '../store/store.js';
import type { EngineEventBus } from '../telemetry/events.js';

/** due jobs staged per store call; a call that fills it is followed by another at once */
const BATCH = 1000;
/** a look even without a signal, in case one was lost (the listener also reports reconnects) */
const SAFETY_POLL_MS = 5_000;
/** after a failed call, try again this soon */
const RETRY_MS = 1_000;

/**
 * Moves due scheduled jobs to the queue on stores that leave it to one elected process
 * (capability `stagedByLeader`): delayed jobs, retries with backoff, snoozes, workflow sleeps,
 * event and budget wake-ups. It sleeps until the earliest due time the store reports (at most
 * SAFETY_POLL_MS) and is woken earlier by due signals from any process. The store's stage call
 * wakes the workers. It holds no state that matters: a new leader starts with one look.
 */
export class Stager {
  private timer: NodeJS.Timeout | null = null;
  /** when the timer fires, on the engine's clock */
  private armedAt: number | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  /** the earliest due time signalled while a run was in flight (its read may predate that commit) */
  private signalledDuringRun: number | null = null;
  private active = false;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly events: EngineEventBus,
    private readonly holder: string,
  ) {}

  start(): void {
    if (this.active || !this.store.stageDue) return;
    this.active = true;
    this.unsubscribe = this.store.onDue?.(this.onSignal) ?? null;
    this.stageNow();
  }

  async stop(): Promise<void> {
    if (!this.active) return;
    this.active = false;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.disarm();
    await this.running;
  }

  private readonly onSignal = (signal: DueSignal): void => {
    if ('released' in signal) return;
    const dueAt = 'dueAt' in signal ? signal.dueAt : Number.NEGATIVE_INFINITY;
    if (dueAt <= this.clock.now()) this.stageNow();
    else if (this.running) this.signalledDuringRun = Math.min(this.signalledDuringRun ?? dueAt, dueAt);
    else if (this.armedAt === null || dueAt < this.armedAt) this.arm(dueAt);
  };

  /** Stages what is due now (a call during a run makes the run go once more). */
  private stageNow(): void {
    if (!this.active) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.disarm();
    this.signalledDuringRun = null;
    this.running = this.stageAll().finally(() => {
      this.running = null;
      if (this.again && this.active) {
        this.again = false;
        this.stageNow();
      }
    });
  }

  private async stageAll(): Promise<void> {
    const stageDue = this.store.stageDue as NonNullable<Store['stageDue']>;
    try {
      for (;;) {
        const now = this.clock.now();
        const { staged, nextDueAt } = await stageDue.call(this.store, now, BATCH);
        if (staged >= BATCH) continue;
        const candidates = [this.clock.now() + SAFETY_POLL_MS, nextDueAt, this.signalledDuringRun].filter((t): t is number => t !== null);
        this.arm(Math.min(...candidates));
        return;
      }
    } catch (error) {
      this.events.emit('worker:error', { workerId: this.holder, error: error as Error, during: 'stage due jobs' });
      this.arm(this.clock.now() + RETRY_MS);
    }
  }

  private arm(at: number): void {
    if (!this.active) return;
    this.disarm();
    this.armedAt = at;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.armedAt = null;
      this.stageNow();
    }, Math.max(0, at - this.clock.now()));
    this.timer.unref();
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.armedAt = null;
  }
}
