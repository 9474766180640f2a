/** The flow-control columns of a claim candidate. */
export interface FlowFields {
  id: number;
  queue: string;
  concurrencyKey: string | null;
  rateKey: string | null;
  breakerKey: string | null;
}

/** Keys that cannot admit another job in this claim; the candidate query skips their jobs. */
export interface Blocked {
  concurrency: Set<string>;
  rate: Set<string>;
  breaker: Set<string>;
  queues: Set<string>;
}

/** Starts counted in a rate limit's current window. */
export interface RateWindow {
  used: number;
  oldest: number | null;
}

/**
 * What a driver's flow gate knows during one claim (read from its store under its lock) and how
 * it records what an admitted job uses. The decision itself is the same for every store.
 */
export interface AdmissionState {
  now: number;
  blocked: Blocked;
  /** running jobs per limited key (queue limit keys included); only keys with a concurrency limit */
  running: Map<string, number>;
  /** current windows of keys with a rate limit */
  rates: Map<string, RateWindow>;
  concurrencyFree(key: string, isQueue: boolean): boolean;
  rateFree(key: string): boolean;
  /** 'closed' lets the job through; 'probe' lets it through as the half-open probe; null holds it */
  breakerVerdict(key: string): 'closed' | 'probe' | null;
  /** a start counted against a rate limit, to be stored */
  recordStart(key: string): void;
  /** the job goes through as its breaker's half-open probe, to be stored */
  startProbe(job: FlowFields, key: string): void;
}

/**
 * Whether this job may start now: its queue's limits, its concurrency key, its rate key and its
 * breaker, in that order. A key that refuses one job refuses the rest of the claim's jobs too
 * (`blocked`). When admitted, the job counts everywhere it counts.
 */
export function admitJob(job: FlowFields, s: AdmissionState, queueKey: string): boolean {
  const { blocked } = s;
  if (blocked.queues.has(job.queue)) return false;
  if (job.concurrencyKey !== null && blocked.concurrency.has(job.concurrencyKey)) return false;
  if (job.rateKey !== null && blocked.rate.has(job.rateKey)) return false;
  if (job.breakerKey !== null && blocked.breaker.has(job.breakerKey)) return false;
  if (!s.concurrencyFree(queueKey, true) || !s.rateFree(queueKey)) {
    blocked.queues.add(job.queue);
    return false;
  }
  if (job.concurrencyKey !== null && !s.concurrencyFree(job.concurrencyKey, false)) {
    blocked.concurrency.add(job.concurrencyKey);
    return false;
  }
  if (job.rateKey !== null && !s.rateFree(job.rateKey)) {
    blocked.rate.add(job.rateKey);
    return false;
  }
  const verdict = job.breakerKey === null ? 'closed' : s.breakerVerdict(job.breakerKey);
  if (verdict === null) {
    blocked.breaker.add(job.breakerKey as string);
    return false;
  }
  for (const key of [queueKey, job.concurrencyKey]) if (key !== null && s.running.has(key)) s.running.set(key, (s.running.get(key) as number) + 1);
  for (const key of [queueKey, job.rateKey]) {
    const window = key === null ? undefined : s.rates.get(key);
    if (key === null || !window) continue;
    window.used++;
    window.oldest ??= s.now;
    s.recordStart(key);
  }
  if (verdict === 'probe') {
    const key = job.breakerKey as string;
    s.startProbe(job, key);
    // the probe holds the breaker's other jobs until its outcome is known
    blocked.breaker.add(key);
  }
  return true;
}
