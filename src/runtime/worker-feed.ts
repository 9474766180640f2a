import type { BreakerChange } from '../core/flow.js';
import type { ClaimedJob, ClaimResult } from '../store/types.js';
import { PrefetchBuffer } from './worker-prefetch.js';

/**
 * Claims in flight at once. One: each claim then takes the jobs that follow the previous claim's
 * in the queue's order, so jobs start in priority and fairness order. Two overlapping claims ran
 * no faster (PostgreSQL, 50k jobs at concurrency 50, three runs each: 18,583 vs 18,876 jobs/s
 * median), nor later with claims of ~480 jobs, when the claim stream was busy 93% of the time
 * (100k jobs, two runs each: 48,748 and 49,336 vs 49,523 and 52,096 jobs/s): the second claim
 * walks past the rows the first one locked. And their answers could arrive out of order.
 */
const CLAIMS_IN_FLIGHT = 1;

/** What the feed needs from its worker. */
export interface FeedHost {
  isRunning(): boolean;
  /** handlers that may start now (free slots, zero while the unwritten backlog is too long) */
  startable(): number;
  /** free slots, counting every running handler */
  freeSlots(): number;
  /** the prefetch bound */
  prefetchCap(): number;
  /** the smallest refill claim worth a round trip while jobs are still in hand */
  minRefill(): number;
  start(job: ClaimedJob, now: number): void;
  /**
   * How long a claimed job may wait in the buffer and still start. One held longer waited through a
   * stall (a blocked event loop, a starved process) long enough that its lease may have run out and
   * another worker may run it: it goes back to the queue instead (`release`).
   */
  maxBufferedMs(): number;
  release(job: ClaimedJob): void;
  claim(limit: number, now: number): Promise<ClaimResult>;
  breakers(changes: BreakerChange[] | undefined): void;
  /** the queue looked empty: wait for a wake-up, the next due time or the poll */
  idle(nextDueAt: number | null): void;
  failed(error: Error): void;
  now(): number;
}

/**
 * Feeds a worker on a networked store. Free slots take jobs from the prefetch buffer at once;
 * a claim for the slots still free plus the prefetch target runs beside the outcome writes, so
 * neither waits for the other's round trip.
 */
export class PipelinedFeed {
  private readonly buffer: PrefetchBuffer;
  private claims = 0;
  /** jobs asked for by the claims in flight */
  private asked = 0;
  private again = false;
  /** the last claim came back short: the queue is empty until a wake-up (or the timer) says otherwise */
  private drained = false;

  constructor(
    private readonly host: FeedHost,
    now: number,
  ) {
    this.buffer = new PrefetchBuffer(now);
  }

  get claiming(): boolean {
    return this.claims > 0;
  }

  /** Jobs claimed and not started. */
  get buffered(): number {
    return this.buffer.size;
  }

  /** Woken (new work, the timer, more slots): starts buffered jobs and claims. */
  pump(): void {
    this.drained = false;
    this.feed(true);
  }

  /** A slot freed or outcomes were written: starts buffered jobs; claims unless the queue is drained. */
  refill(): void {
    this.feed(!this.drained);
  }

  /** Starts buffered jobs in free slots, then claims if worth it (`mayClaim` false: only start). */
  private feed(mayClaim: boolean): void {
    const host = this.host;
    const now = host.now();
    const startable = host.startable();
    // only when a slot is free, i.e. just before such a job would start
    const staleBefore = now - host.maxBufferedMs();
    if (startable > 0 && this.buffer.nextClaimedAt < staleBefore) for (const job of this.buffer.takeClaimedBefore(staleBefore)) host.release(job);
    for (let n = startable; n > 0; n--) {
      const job = this.buffer.take();
      if (!job) break;
      host.start(job, now);
    }
    if (!mayClaim || !host.isRunning()) return;
    const target = this.buffer.target(host.prefetchCap());
    const want = host.freeSlots() + target - this.buffer.size - this.asked;
    // with jobs still in hand, a refill waits until it is worth a round trip: few large claims
    // cost the database less than many small ones
    if (want <= 0 || (this.buffer.size > 0 && want < Math.max(host.minRefill(), target / 2))) return;
    if (this.claims >= CLAIMS_IN_FLIGHT) {
      this.again = true;
      return;
    }
    this.claims++;
    this.asked += want;
    this.again = false;
    host.claim(want, now).then(
      (result) => {
        this.claims--;
        this.asked -= want;
        this.buffer.noteClaim(now, host.now());
        host.breakers(result.breakerChanges);
        this.buffer.push(result.jobs, now);
        // a short answer means the queue is empty: claim again only when woken (or on the timer)
        const again = this.again || result.jobs.length === want;
        if (!again) this.drained = true;
        this.feed(again);
        if (!again && !this.claiming && host.isRunning()) host.idle(result.nextDueAt);
      },
      (error: Error) => {
        this.claims--;
        this.asked -= want;
        host.failed(error);
        if (host.isRunning()) host.idle(null);
      },
    );
  }

  /** Empties the buffer (on stop, the jobs are released). */
  takeAll(): ClaimedJob[] {
    return this.buffer.takeAll();
  }
}
