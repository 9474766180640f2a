import { z } from 'zod';
import { DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
import { compileBudget, type BudgetInput } from './budget.js';
import { parseDuration, type Duration } from './duration.js';
import { ValidationError, describeValue } from './errors.js';
import { DEFAULT_AGING_STEP_MS, PRIORITY_NAMES, validateFlowKey, type PriorityName } from './flow.js';
import type { NewJob } from './job.js';
import { rejectNul, rejectNulInList } from './text.js';

const durationSchema = z.union([z.number(), z.string()]);

/** What a caller may pass when enqueuing a job. All fields are optional. */
export interface EnqueueOptions {
  /** queue name; workers select queues. Default `default`. */
  queue?: string;
  /** higher runs first: an integer or `high` (10), `normal` (0), `low` (-10). Default 0. A waiting job gains a level per aging step. */
  priority?: number | PriorityName;
  /** run no sooner than this long from now */
  delay?: Duration;
  /** run no sooner than this time (Date, epoch ms or ISO text) */
  runAt?: Date | number | string;
  /** total attempts including the first. Default 3. */
  attempts?: number;
  /** a base delay, or a full policy */
  backoff?: Duration | { base?: Duration; max?: Duration; multiplier?: number; jitter?: number };
  /** abort the attempt after this long */
  timeout?: Duration;
  /** a second enqueue with the same key while the first is remembered returns the first job */
  idempotencyKey?: string;
  /** how long the idempotency key is remembered. Default 24h. */
  idempotencyTtl?: Duration;
  tags?: string[];
  /** when attempts run out: true (default) moves the job to the dead-letter queue, false marks it failed */
  deadLetter?: boolean;
  /** for workflow runs: what the run may spend, and what happens when it passes a limit */
  budget?: BudgetInput;
  /** fairness group (e.g. a tenant): jobs of different groups interleave instead of queueing behind one backlog */
  group?: string;
  /** the limit key whose concurrency limit this job counts against (see `setLimit`) */
  concurrencyKey?: string;
  /** the limit key whose rate limit this job counts against */
  rateKey?: string;
  /** the circuit breaker this job's outcomes feed, and that holds it while open */
  breakerKey?: string;
  /** only workers that have every one of these tags claim the job (e.g. ['gpu']) */
  requireTags?: string[];
}

const enqueueSchema = z
  .object({
    queue: z.string().min(1).max(200).regex(/^[\w.:-]+$/),
    priority: z.union([z.number().int().min(-1_000_000).max(1_000_000), z.enum(['high', 'normal', 'low'])]),
    delay: durationSchema,
    runAt: z.union([z.date(), z.number(), z.string()]),
    attempts: z.number().int().min(1).max(1000),
    backoff: z.union([
      durationSchema,
      z
        .object({
          base: durationSchema,
          max: durationSchema,
          multiplier: z.number().min(1).max(100),
          jitter: z.number().min(0).max(1),
        })
        .partial()
        .strict(),
    ]),
    timeout: durationSchema,
    idempotencyKey: z.string().min(1).max(500),
    idempotencyTtl: durationSchema,
    tags: z.array(z.string().min(1).max(100)).max(50),
    deadLetter: z.boolean(),
    budget: z.record(z.string(), z.unknown()),
    group: z.string(),
    concurrencyKey: z.string(),
    rateKey: z.string(),
    breakerKey: z.string(),
    requireTags: z.array(z.string().regex(/^[\w.:-]{1,100}$/)).max(20),
  })
  .partial()
  .strict();

/** What each option must look like, for error messages that say what was expected. */
const EXPECTED: Record<string, string> = {
  queue: 'a name of letters, digits, _ . : or - (1 to 200 characters)',
  priority: 'an integer between -1000000 and 1000000, or high, normal or low',
  delay: 'a duration like 5s or a number of milliseconds',
  runAt: 'a Date, epoch milliseconds or an ISO date',
  attempts: 'a positive integer (at most 1000)',
  backoff: 'a duration or { base, max, multiplier >= 1, jitter 0..1 }',
  timeout: 'a duration like 30s',
  idempotencyKey: 'a non-empty string of at most 500 characters',
  idempotencyTtl: 'a duration like 24h',
  tags: 'an array of non-empty strings',
  deadLetter: 'a boolean',
  budget: 'an object { tokens, costUsd, wallTime, steps, onBreach }',
  group: 'a key like tenant:42',
  concurrencyKey: 'a key like tenant:42',
  rateKey: 'a key like api:stripe',
  breakerKey: 'a key like api:stripe',
  requireTags: 'an array of worker tags (letters, digits, _ . : -)',
};

/** Turns the first zod issue into one line: `expected attempts to be a positive integer, got 0`. */
export function zodIssueMessage(error: z.ZodError, input: unknown, expected: Record<string, string>, context = ''): string {
  const issue = error.issues[0];
  if (!issue) return `invalid ${context || 'input'}`;
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => JSON.stringify(k)).join(', ');
    if (issue.path.length > 0) {
      const field = String(issue.path[0]);
      return `unknown option ${keys} in ${issue.path.join('.')}; expected ${field} to be ${expected[field] ?? 'a known shape'}`;
    }
    return `unknown option ${keys}${context ? ` in ${context}` : ''}; expected one of: ${Object.keys(expected).join(', ')}`;
  }
  if (issue.path.length === 0) return `expected ${context || 'input'} to be an object, got ${describeValue(input)}`;
  const field = String(issue.path[0] ?? '');
  let value: unknown = input;
  for (const key of issue.path) value = (value as Record<PropertyKey, unknown> | undefined)?.[key as PropertyKey];
  const name = issue.path.join('.') || context || 'input';
  const want = expected[field] ?? issue.message;
  return `expected ${name} to be ${want}, got ${describeValue(value)}`;
}

function parseRunAt(value: Date | number | string): number {
  const time = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(time)) {
    throw new ValidationError(`expected runAt to be ${EXPECTED.runAt}, got ${describeValue(value)}`, { field: 'runAt' });
  }
  return time;
}

function compileBackoff(input: EnqueueOptions['backoff']): BackoffPolicy {
  if (input === undefined) return DEFAULT_BACKOFF;
  if (typeof input === 'number' || typeof input === 'string') {
    const baseMs = parseDuration(input, 'backoff');
    return { ...DEFAULT_BACKOFF, baseMs, maxMs: Math.max(DEFAULT_BACKOFF.maxMs, baseMs) };
  }
  const baseMs = input.base === undefined ? DEFAULT_BACKOFF.baseMs : parseDuration(input.base, 'backoff.base');
  const maxMs = input.max === undefined ? Math.max(DEFAULT_BACKOFF.maxMs, baseMs) : parseDuration(input.max, 'backoff.max');
  if (maxMs < baseMs) {
    throw new ValidationError(`expected backoff.max to be at least backoff.base (${baseMs}ms), got ${maxMs}ms`, { field: 'backoff.max' });
  }
  return {
    baseMs,
    maxMs,
    multiplier: input.multiplier ?? DEFAULT_BACKOFF.multiplier,
    jitter: input.jitter ?? DEFAULT_BACKOFF.jitter,
  };
}

export const DEFAULT_QUEUE = 'default';
export const DEFAULT_ATTEMPTS = 3;
export const DEFAULT_IDEMPOTENCY_TTL_MS = 86_400_000;

export function validateJobName(name: unknown): string {
  if (typeof name !== 'string' || !/^[\w.:/-]{1,200}$/.test(name)) {
    throw new ValidationError(`expected job name to be 1 to 200 letters, digits or _ . : / -, got ${describeValue(name)}`, { field: 'name' });
  }
  return name;
}

/**
 * Validates enqueue options and fills every default, so stores receive complete rows.
 * `agingStepMs`: how long a job waits to gain one priority level.
 */
export function compileJobOptions(name: string, payload: unknown, options: EnqueueOptions | undefined, now: number, agingStepMs = DEFAULT_AGING_STEP_MS): NewJob {
  validateJobName(name);
  const parsed = enqueueSchema.safeParse(options ?? {});
  if (!parsed.success) throw new ValidationError(zodIssueMessage(parsed.error, options, EXPECTED, 'enqueue options'));
  const opts = parsed.data;
  rejectNul('idempotencyKey', opts.idempotencyKey);
  rejectNulInList('tags', opts.tags);
  if (opts.delay !== undefined && opts.runAt !== undefined) {
    throw new ValidationError('expected either delay or runAt, got both');
  }
  let payloadJson: string | undefined;
  try {
    payloadJson = payload === undefined ? 'null' : JSON.stringify(payload);
  } catch (error) {
    throw new ValidationError(`expected payload to be JSON-serializable, got a value JSON cannot encode (${(error as Error).message})`, {
      field: 'payload',
    });
  }
  if (payloadJson === undefined) {
    throw new ValidationError(`expected payload to be JSON-serializable, got ${describeValue(payload)}`, { field: 'payload' });
  }
  let runAt = now;
  if (opts.delay !== undefined) runAt = now + parseDuration(opts.delay, 'delay');
  if (opts.runAt !== undefined) runAt = parseRunAt(opts.runAt);
  const timeoutMs = opts.timeout === undefined ? null : parseDuration(opts.timeout, 'timeout');
  if (timeoutMs === 0) throw new ValidationError('expected timeout to be a positive duration, got 0');
  const priority = typeof opts.priority === 'string' ? PRIORITY_NAMES[opts.priority] : (opts.priority ?? 0);
  const key = (field: 'group' | 'concurrencyKey' | 'rateKey' | 'breakerKey'): string | null =>
    opts[field] === undefined ? null : validateFlowKey(field, opts[field]);
  return {
    queue: opts.queue ?? DEFAULT_QUEUE,
    name,
    payloadJson,
    priority,
    priorityLeadMs: priority * agingStepMs,
    groupKey: key('group'),
    concurrencyKey: key('concurrencyKey'),
    rateKey: key('rateKey'),
    breakerKey: key('breakerKey'),
    requiredTags: opts.requireTags?.length ? [...new Set(opts.requireTags)].sort() : [],
    runAt,
    maxAttempts: opts.attempts ?? DEFAULT_ATTEMPTS,
    backoff: compileBackoff(opts.backoff),
    timeoutMs,
    idempotencyKey: opts.idempotencyKey ?? null,
    idempotencyTtlMs: opts.idempotencyTtl === undefined ? DEFAULT_IDEMPOTENCY_TTL_MS : parseDuration(opts.idempotencyTtl, 'idempotencyTtl'),
    tags: opts.tags ?? [],
    deadLetter: opts.deadLetter ?? true,
    budgetJson: opts.budget === undefined ? null : JSON.stringify(compileBudget(opts.budget as BudgetInput)),
  };
}
