import type { ClaimedJob } from '../store/types.js';

/** Weight of the newest sample in the moving averages. */
const SMOOTHING = 0.3;
/** Jobs kept ahead: enough for this many claim round trips at the current start rate. */
const ROUND_TRIPS_AHEAD = 2;
/**
 * The default prefetch bound and the unwritten outcomes past which starts pause are each at least
 * this many jobs. Large claims and outcome batches are what make a busy worker cheap for the
 * database (one claim of 500 costs far less than ten of 50); the buffer still holds only what the
 * worker starts in about two round trips.
 */
const BATCH_FLOOR = 1000;

/** The prefetch bound when the worker was given none. */
export function defaultPrefetchCap(concurrency: number): number {
  return Math.max(4 * concurrency, BATCH_FLOOR);
}

/** Unwritten outcomes past which a networked worker starts nothing more. */
export function unwrittenBound(concurrency: number): number {
  return Math.max(2 * concurrency, BATCH_FLOOR);
}

/**
 * Jobs claimed ahead of free slots (networked stores), so a slot freed by a finished job starts
 * the next one at once instead of after a round trip. The buffer is sized from what the worker
 * actually starts: the start rate times the claim round trip, times two, within `cap`. A busy
 * worker with short jobs keeps a few round trips of work in hand; a worker with slow jobs keeps
 * about none, so it does not sit on jobs other workers could run. Buffered jobs are claimed
 * (running, leased to this worker, renewed by its heartbeat); on stop they are released, and so is
 * one that waited here past its lease less a heartbeat (the feed checks when it would start it).
 */
export class PrefetchBuffer {
  private readonly jobs: ClaimedJob[] = [];
  /** when each buffered job's claim was sent (its lease runs from then), parallel to `jobs` */
  private readonly claimedAt: number[] = [];
  private head = 0;
  /** jobs started per ms, smoothed */
  private rate = 0;
  /** claim round trip in ms, smoothed */
  private roundTrip = 0;
  private started = 0;
  private lastSample: number;

  constructor(now: number) {
    this.lastSample = now;
  }

  get size(): number {
    return this.jobs.length - this.head;
  }

  /** Adds a claim's jobs; `claimedAt` is when the claim was sent. */
  push(jobs: readonly ClaimedJob[], claimedAt: number): void {
    for (const job of jobs) {
      this.jobs.push(job);
      this.claimedAt.push(claimedAt);
    }
  }

  /** When the next job to take was claimed (claims are pushed in order, so it is the oldest); Infinity when empty. */
  get nextClaimedAt(): number {
    return this.head < this.jobs.length ? (this.claimedAt[this.head] as number) : Number.POSITIVE_INFINITY;
  }

  take(): ClaimedJob | undefined {
    if (this.head >= this.jobs.length) return undefined;
    const job = this.jobs[this.head++];
    if (this.head > 1024 && this.head * 2 > this.jobs.length) {
      this.jobs.splice(0, this.head);
      this.claimedAt.splice(0, this.head);
      this.head = 0;
    }
    this.started++;
    return job;
  }

  /** Removes the jobs claimed before `time` (the buffer's head: claims are pushed in order), not counted as started. */
  takeClaimedBefore(time: number): ClaimedJob[] {
    const taken: ClaimedJob[] = [];
    while (this.head < this.jobs.length && (this.claimedAt[this.head] as number) < time) taken.push(this.jobs[this.head++] as ClaimedJob);
    return taken;
  }

  /** Empties the buffer (shutdown: the jobs are released). */
  takeAll(): ClaimedJob[] {
    const rest = this.jobs.slice(this.head);
    this.jobs.length = 0;
    this.claimedAt.length = 0;
    this.head = 0;
    return rest;
  }

  /** Records a claim's round trip and the start rate since the previous one. */
  noteClaim(sentAt: number, now: number): void {
    const elapsed = now - this.lastSample;
    if (elapsed > 0) {
      this.rate = this.rate === 0 ? this.started / elapsed : this.rate + SMOOTHING * (this.started / elapsed - this.rate);
      this.started = 0;
      this.lastSample = now;
    }
    const trip = Math.max(0.1, now - sentAt);
    this.roundTrip = this.roundTrip === 0 ? trip : this.roundTrip + SMOOTHING * (trip - this.roundTrip);
  }

  /** Jobs worth holding beyond the free slots now, at most `cap`. */
  target(cap: number): number {
    if (cap <= 0) return 0;
    return Math.min(cap, Math.ceil(this.rate * this.roundTrip * ROUND_TRIPS_AHEAD));
  }
}
