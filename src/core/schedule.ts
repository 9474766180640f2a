import { compileCron } from './cron.js';
import { parseDuration, type Duration } from './duration.js';
import { ValidationError, describeValue } from './errors.js';
import { compileJobOptions, type EnqueueOptions } from './options.js';
import {
  CATCH_UP_POLICIES,
  OVERLAP_POLICIES,
  type CatchUpPolicy,
  type OverlapPolicy,
  type ScheduleDefinition,
  type ScheduleTiming,
} from './schedule-definition.js';

export * from './schedule-definition.js';

/** What a caller passes to create or update a schedule. Exactly one of cron, every, at; one of job, workflow. */
export interface ScheduleInput {
  cron?: string;
  /** IANA zone the cron expression is read in. Default UTC. */
  timezone?: string;
  every?: Duration;
  at?: Date | number | string;
  job?: string;
  workflow?: string;
  payload?: unknown;
  /** job options for every fired job (not delay, runAt or idempotencyKey: the schedule sets those) */
  options?: EnqueueOptions;
  start?: Date | number | string;
  end?: Date | number | string;
  maxRuns?: number;
  /** Default skip. */
  overlap?: OverlapPolicy;
  /** Default latest. */
  catchUp?: CatchUpPolicy;
  /** Default 1d. */
  catchUpWindow?: Duration;
}

export const DEFAULT_CATCH_UP_WINDOW_MS = 86_400_000;
/** how long fired jobs' idempotency keys (schedule id + due time) are remembered */
export const SCHEDULE_KEY_TTL_MS = 7 * 86_400_000;
const INPUT_KEYS = new Set(['cron', 'timezone', 'every', 'at', 'job', 'workflow', 'payload', 'options', 'start', 'end', 'maxRuns', 'overlap', 'catchUp', 'catchUpWindow']);

export function validateScheduleId(id: unknown): string {
  if (typeof id !== 'string' || !/^[\w.:/-]{1,200}$/.test(id)) {
    throw new ValidationError(`expected schedule id to be 1 to 200 letters, digits or _ . : / -, got ${describeValue(id)}`, { field: 'id' });
  }
  return id;
}

function toTime(value: Date | number | string, field: string): number {
  const time = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : NaN;
  if (!Number.isFinite(time)) throw new ValidationError(`expected ${field} to be a Date, epoch milliseconds or an ISO date, got ${describeValue(value)}`, { field });
  return time;
}

function oneOf<T extends string>(values: readonly T[], value: unknown, field: string): T {
  if (!(values as readonly unknown[]).includes(value)) {
    throw new ValidationError(`expected ${field} to be one of ${values.join(', ')}, got ${describeValue(value)}`, { field });
  }
  return value as T;
}

function compileTiming(input: ScheduleInput, startAt: number | null, now: number): ScheduleTiming {
  const given = (['cron', 'every', 'at'] as const).filter((k) => input[k] !== undefined);
  if (given.length !== 1) {
    throw new ValidationError(`expected exactly one of cron, every or at, got ${given.length === 0 ? 'none' : given.join(' and ')}`);
  }
  if (input.timezone !== undefined && input.cron === undefined) throw new ValidationError(`expected timezone only with cron, got timezone ${describeValue(input.timezone)} without it`);
  if (input.cron !== undefined) {
    const cron = compileCron(input.cron, input.timezone ?? 'UTC');
    return { kind: 'cron', cron: cron.expression, timezone: cron.timezone };
  }
  if (input.every !== undefined) {
    const everyMs = parseDuration(input.every, 'every');
    if (everyMs < 1000) throw new ValidationError(`expected every to be at least 1s, got ${describeValue(input.every)}`, { field: 'every' });
    return { kind: 'every', everyMs, anchorAt: startAt ?? now + everyMs };
  }
  return { kind: 'at', at: toTime(input.at as Date | number | string, 'at') };
}

/** Validates a schedule and compiles its job, so the store holds complete rows. Throws naming the bad value. */
export function compileSchedule(id: string, input: ScheduleInput, now: number): ScheduleDefinition {
  validateScheduleId(id);
  if (typeof input !== 'object' || input === null) throw new ValidationError(`expected schedule to be an object, got ${describeValue(input)}`);
  const unknown = Object.keys(input).filter((k) => !INPUT_KEYS.has(k));
  if (unknown.length) throw new ValidationError(`unknown schedule option ${JSON.stringify(unknown[0])}; expected one of: ${[...INPUT_KEYS].join(', ')}`);
  const startAt = input.start === undefined ? null : toTime(input.start, 'start');
  const endAt = input.end === undefined ? null : toTime(input.end, 'end');
  const timing = compileTiming(input, startAt, now);
  if ((input.job === undefined) === (input.workflow === undefined)) {
    throw new ValidationError(`expected exactly one of job or workflow, got ${input.job === undefined ? 'neither' : 'both'}`);
  }
  for (const banned of ['delay', 'runAt', 'idempotencyKey'] as const) {
    if (input.options?.[banned] !== undefined) throw new ValidationError(`expected options without ${banned} (the schedule sets it), got ${banned} ${describeValue(input.options[banned])}`);
  }
  const compiled = compileJobOptions((input.job ?? input.workflow) as string, input.payload, input.options, now);
  const { runAt: _runAt, idempotencyKey: _key, ...job } = compiled;
  if (startAt !== null && endAt !== null && endAt <= startAt) {
    throw new ValidationError(`expected end to be after start (${new Date(startAt).toISOString()}), got ${new Date(endAt).toISOString()}`, { field: 'end' });
  }
  if (input.maxRuns !== undefined && (!Number.isSafeInteger(input.maxRuns) || input.maxRuns < 1)) {
    throw new ValidationError(`expected maxRuns to be a positive integer, got ${describeValue(input.maxRuns)}`, { field: 'maxRuns' });
  }
  return {
    id,
    timing,
    target: input.workflow === undefined ? 'job' : 'workflow',
    job: { ...job, idempotencyTtlMs: SCHEDULE_KEY_TTL_MS },
    startAt,
    endAt,
    maxRuns: input.maxRuns ?? null,
    overlap: input.overlap === undefined ? 'skip' : oneOf(OVERLAP_POLICIES, input.overlap, 'overlap'),
    catchUp: input.catchUp === undefined ? 'latest' : oneOf(CATCH_UP_POLICIES, input.catchUp, 'catchUp'),
    catchUpWindowMs: input.catchUpWindow === undefined ? DEFAULT_CATCH_UP_WINDOW_MS : parseDuration(input.catchUpWindow, 'catchUpWindow'),
  };
}
