import type { Clock } from '../core/clock.js';

export interface CompiledAutoscale {
  min: number;
  max: number;
  /** how often a decision is made */
  intervalMs: number;
  /** grow when mean utilization (running / concurrency) is at least this and jobs are waiting */
  scaleUpAt: number;
  /** shrink when mean utilization is below this */
  scaleDownAt: number;
  upCooldownMs: number;
  downCooldownMs: number;
}

export interface ScaleDecision {
  from: number;
  to: number;
  reason: string;
  utilization: number;
  queued: number;
}

/**
 * Decides a pool's concurrency from its utilization (sampled on every worker tick) and the depth
 * of its queues. Grows by up to the current size (never past what the backlog needs) when busy
 * with work waiting; halves (never below what is running) when mostly idle. A cooldown after each
 * change keeps one burst from causing a swing per interval. Pure: the worker supplies the numbers.
 */
export class Autoscaler {
  private samples = 0;
  private busySum = 0;
  private lastDecision: number;
  private lastChange = Number.NEGATIVE_INFINITY;

  constructor(
    readonly config: CompiledAutoscale,
    private readonly clock: Clock,
  ) {
    this.lastDecision = clock.now();
  }

  sample(running: number, concurrency: number): void {
    this.samples++;
    this.busySum += Math.min(1, running / concurrency);
  }

  /** True when a decision is due (the caller then reads the queue depth and calls `decide`). */
  due(now = this.clock.now()): boolean {
    return now - this.lastDecision >= this.config.intervalMs;
  }

  /**
   * One worker tick: samples how busy the pool is (`busy` counts unwritten outcomes too) and, when a
   * decision is due, reads the queue depth and decides.
   */
  async step(busy: number, running: number, concurrency: number, queueDepth: () => Promise<number>, now: number): Promise<ScaleDecision | null> {
    this.sample(busy, concurrency);
    if (!this.due(now)) return null;
    return this.decide(concurrency, running, await queueDepth(), now);
  }

  /** A manual change also starts a cooldown. */
  noteChange(now = this.clock.now()): void {
    this.lastChange = now;
  }

  decide(concurrency: number, running: number, queued: number, now = this.clock.now()): ScaleDecision | null {
    const utilization = this.samples ? this.busySum / this.samples : Math.min(1, running / concurrency);
    this.samples = 0;
    this.busySum = 0;
    this.lastDecision = now;
    const { min, max, scaleUpAt, scaleDownAt, upCooldownMs, downCooldownMs } = this.config;
    const sinceChange = now - this.lastChange;
    const rounded = Math.round(utilization * 100) / 100;
    let to = concurrency;
    let reason = '';
    if (concurrency < min) {
      to = min;
      reason = `below the minimum ${min}`;
    } else if (concurrency > max) {
      to = max;
      reason = `above the maximum ${max}`;
    } else if (queued > 0 && utilization >= scaleUpAt && concurrency < max && sinceChange >= upCooldownMs) {
      to = Math.min(max, concurrency + Math.max(1, Math.min(concurrency, queued)));
      reason = `utilization ${rounded} >= ${scaleUpAt} with ${queued} queued`;
    } else if (utilization < scaleDownAt && concurrency > min && sinceChange >= downCooldownMs) {
      to = Math.max(min, running, Math.floor(concurrency / 2));
      reason = `utilization ${rounded} < ${scaleDownAt}`;
    }
    if (to === concurrency) return null;
    this.lastChange = now;
    return { from: concurrency, to, reason, utilization: rounded, queued };
  }
}
