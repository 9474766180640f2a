import { parseDuration, type Duration } from './duration.js';
import { ValidationError, describeValue } from './errors.js';

/** Priority names accepted wherever a priority number is. */
export const PRIORITY_NAMES = { high: 10, normal: 0, low: -10 } as const;
export type PriorityName = keyof typeof PRIORITY_NAMES;

/** Default aging: a job gains one priority level for every 10 seconds it waits. */
export const DEFAULT_AGING_STEP_MS = 10_000;
/** With aging off, one priority level outweighs this much waiting (about 11.5 days). */
export const NO_AGING_STEP_MS = 1_000_000_000;

/** `priorityAging` option to milliseconds of waiting per priority level. */
export function compileAging(value: Duration | false | undefined): number {
  if (value === undefined) return DEFAULT_AGING_STEP_MS;
  if (value === false) return NO_AGING_STEP_MS;
  const ms = parseDuration(value, 'priorityAging');
  if (ms < 1 || ms > NO_AGING_STEP_MS) {
    throw new ValidationError(`expected priorityAging to be a duration between 1ms and 11d (or false), got ${describeValue(value)}`);
  }
  return ms;
}

const KEY = /^[\w.:/@#-]{1,200}$/;

/** Group, concurrency, rate and breaker keys: `tenant:42`, `api:stripe`, `queue:mail`. */
export function validateFlowKey(field: string, value: unknown): string {
  if (typeof value !== 'string' || !KEY.test(value)) {
    throw new ValidationError(`expected ${field} to be 1 to 200 letters, digits or _ . : / @ # -, got ${describeValue(value)}`, { field });
  }
  return value;
}

/** The limit key that applies to every job of a queue. */
export const queueLimitKey = (queue: string): string => `queue:${queue}`;

/** A concurrency and/or rate limit on a key, as stored. */
export interface FlowLimit {
  key: string;
  /** at most this many running at once, across every worker */
  concurrency: number | null;
  /** at most `count` starts in any window of `intervalMs` */
  rate: { count: number; intervalMs: number } | null;
}

export interface LimitInput {
  concurrency?: number | null;
  /** `10/1s`, `100/1m`, or { count, per } */
  rate?: string | { count: number; per: Duration } | null;
}

/** `N/DURATION` (e.g. `10/1s`) to a rate. */
export function parseRate(field: string, value: unknown): { count: number; intervalMs: number } {
  if (typeof value === 'object' && value !== null) {
    const { count, per } = value as { count?: unknown; per?: unknown };
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) {
      throw new ValidationError(`expected ${field}.count to be a positive integer, got ${describeValue(count)}`);
    }
    const intervalMs = parseDuration(per as Duration, `${field}.per`);
    if (intervalMs < 1) throw new ValidationError(`expected ${field}.per to be at least 1ms, got ${describeValue(per)}`);
    return { count, intervalMs };
  }
  const match = typeof value === 'string' ? /^\s*(\d+)\s*\/\s*(\S+)\s*$/.exec(value) : null;
  if (!match || Number(match[1]) < 1) {
    throw new ValidationError(`expected ${field} to be N/DURATION like 10/1s (N starts per interval), got ${describeValue(value)}`);
  }
  const intervalMs = parseDuration(match[2] as string, field);
  if (intervalMs < 1) throw new ValidationError(`expected ${field} to have an interval of at least 1ms, got ${describeValue(value)}`);
  return { count: Number(match[1]), intervalMs };
}

export function compileLimit(key: string, input: LimitInput): FlowLimit {
  validateFlowKey('limit key', key);
  if (typeof input !== 'object' || input === null) {
    throw new ValidationError(`expected limit to be { concurrency, rate }, got ${describeValue(input)}`);
  }
  const unknown = Object.keys(input).filter((k) => k !== 'concurrency' && k !== 'rate');
  if (unknown.length) throw new ValidationError(`unknown limit option ${JSON.stringify(unknown[0])}; expected concurrency or rate`);
  const { concurrency = null, rate = null } = input;
  if (concurrency !== null && (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 1_000_000)) {
    throw new ValidationError(`expected concurrency to be a positive integer, got ${describeValue(concurrency)}`);
  }
  const compiled = { key, concurrency, rate: rate === null ? null : parseRate('rate', rate) };
  if (compiled.concurrency === null && compiled.rate === null) {
    throw new ValidationError(`expected a concurrency or a rate for limit ${JSON.stringify(key)}, got neither`);
  }
  return compiled;
}

export type BreakerState = 'closed' | 'open' | 'half_open';

/** When a breaker opens, and how long it stays open before letting a probe through. */
export interface BreakerConfig {
  /** open after this many consecutive failures */
  failureThreshold: number;
  /** also open when failures / calls in the window reach this (0..1), or null */
  errorRate: number | null;
  windowMs: number;
  /** the error rate counts only once the window has this many calls */
  minCalls: number;
  cooldownMs: number;
}

export const DEFAULT_BREAKER: BreakerConfig = { failureThreshold: 5, errorRate: null, windowMs: 60_000, minCalls: 10, cooldownMs: 30_000 };

export interface BreakerInput {
  failures?: number;
  errorRate?: number | null;
  window?: Duration;
  minCalls?: number;
  cooldown?: Duration;
}

export function compileBreakerConfig(input: BreakerInput): BreakerConfig {
  if (typeof input !== 'object' || input === null) {
    throw new ValidationError(`expected breaker options { failures, errorRate, window, minCalls, cooldown }, got ${describeValue(input)}`);
  }
  const known = ['failures', 'errorRate', 'window', 'minCalls', 'cooldown'];
  const unknown = Object.keys(input).filter((k) => !known.includes(k));
  if (unknown.length) throw new ValidationError(`unknown breaker option ${JSON.stringify(unknown[0])}; expected one of ${known.join(', ')}`);
  const positive = (field: string, value: number | undefined, fallback: number): number => {
    if (value === undefined) return fallback;
    if (!Number.isInteger(value) || value < 1) throw new ValidationError(`expected ${field} to be a positive integer, got ${describeValue(value)}`);
    return value;
  };
  const errorRate = input.errorRate ?? null;
  if (errorRate !== null && (typeof errorRate !== 'number' || !(errorRate > 0 && errorRate <= 1))) {
    throw new ValidationError(`expected errorRate to be a fraction in (0, 1], got ${describeValue(errorRate)}`);
  }
  const config: BreakerConfig = {
    failureThreshold: positive('failures', input.failures, DEFAULT_BREAKER.failureThreshold),
    errorRate,
    windowMs: input.window === undefined ? DEFAULT_BREAKER.windowMs : parseDuration(input.window, 'window'),
    minCalls: positive('minCalls', input.minCalls, DEFAULT_BREAKER.minCalls),
    cooldownMs: input.cooldown === undefined ? DEFAULT_BREAKER.cooldownMs : parseDuration(input.cooldown, 'cooldown'),
  };
  if (config.windowMs < 1) throw new ValidationError(`expected window to be at least 1ms, got ${describeValue(input.window)}`);
  return config;
}

/** A breaker as stored and read back. */
export interface Breaker extends BreakerConfig {
  key: string;
  state: BreakerState;
  consecutiveFailures: number;
  windowCalls: number;
  windowFailures: number;
  openedAt: number | null;
  /** the job let through while half-open */
  probeJobId: string | null;
  changedAt: number;
  reason: string | null;
}

/** A breaker state change, reported by the store operation that made it. */
export interface BreakerChange {
  key: string;
  from: BreakerState;
  to: BreakerState;
  at: number;
  reason: string;
}
