/**
 * Retry delay: `min(base * multiplier^(attempt-1), max)` plus jitter. Jitter is a fraction
 * (0..1) of the computed delay added at random, so retries of many jobs failing together spread out.
 */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  multiplier: number;
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1000, maxMs: 3_600_000, multiplier: 2, jitter: 0.1 };

/** @param attempt the attempt that just failed, starting at 1 */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: () => number = Math.random): number {
  const exponent = Math.max(0, attempt - 1);
  const raw = policy.baseMs * Math.pow(policy.multiplier, exponent);
  const capped = Math.min(raw, policy.maxMs);
  const jitter = policy.jitter > 0 ? capped * policy.jitter * random() : 0;
  return Math.round(capped + jitter);
}
