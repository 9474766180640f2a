import { parseDuration, type Duration } from './duration.js';
import { ValidationError, describeValue } from './errors.js';
import { validateMatch, validateTemplate, type EventMatch } from './event-match.js';
import { compileJobOptions, type EnqueueOptions } from './options.js';
import type { ScheduledJob } from './schedule-definition.js';

/** A trigger's webhook: `POST /api/hooks/:id` signed with this secret publishes its event. */
export interface WebhookInput {
  /** shared with the sender; it signs each request with HMAC-SHA256 (16 to 512 characters) */
  secret: string;
  /** bodies over this many bytes get 413. Default 1 MiB, at most 10 MiB. */
  maxBodyBytes?: number;
  /** a signature older or newer than this is refused (and the window replays are remembered in). Default 5m. */
  tolerance?: Duration;
}

/** What a caller passes to create a trigger. Exactly one of job, workflow. */
export interface TriggerInput {
  /** the event name that fires it */
  event: string;
  /** conditions on the event data (see event-match.ts); all must hold */
  match?: EventMatch;
  job?: string;
  workflow?: string;
  /** payload template over the event (`$.data.orderId`); default: the event data */
  payload?: unknown;
  /** job options for every started job (not runAt or idempotencyKey: each event sets those) */
  options?: EnqueueOptions;
  webhook?: WebhookInput;
}

export interface CompiledWebhook {
  secret: string;
  maxBodyBytes: number;
  toleranceMs: number;
}

/** A validated trigger, as stored. */
export interface TriggerDefinition {
  id: string;
  event: string;
  match: EventMatch | null;
  target: 'job' | 'workflow';
  /** the job every matching event starts, without its payload, run time or key */
  job: ScheduledJob;
  /** the options' delay: the job runs this long after the event */
  delayMs: number;
  /** the payload template, or null for "the event data" */
  payloadTemplate: { value: unknown } | null;
  webhook: CompiledWebhook | null;
}

export const DEFAULT_HOOK_BODY_BYTES = 1024 * 1024;
export const MAX_HOOK_BODY_BYTES = 10 * 1024 * 1024;
export const DEFAULT_HOOK_TOLERANCE_MS = 5 * 60_000;
const MAX_HOOK_TOLERANCE_MS = 24 * 3_600_000;
const INPUT_KEYS = new Set(['event', 'match', 'job', 'workflow', 'payload', 'options', 'webhook']);
const WEBHOOK_KEYS = new Set(['secret', 'maxBodyBytes', 'tolerance']);
const NAME = /^[\w.:/-]{1,200}$/;

export function validateTriggerId(id: unknown): string {
  if (typeof id !== 'string' || !NAME.test(id)) {
    throw new ValidationError(`expected trigger id to be 1 to 200 letters, digits or _ . : / -, got ${describeValue(id)}`, { field: 'id' });
  }
  return id;
}

export function validateEventName(name: unknown, field = 'event name'): string {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new ValidationError(`expected ${field} to be 1 to 200 letters, digits or _ . : / -, got ${describeValue(name)}`, { field });
  }
  return name;
}

function compileWebhook(input: unknown): CompiledWebhook | null {
  if (input === undefined || input === null) return null;
  if (typeof input !== 'object' || Array.isArray(input)) throw new ValidationError(`expected webhook to be { secret, maxBodyBytes?, tolerance? }, got ${describeValue(input)}`, { field: 'webhook' });
  const unknown = Object.keys(input).filter((k) => !WEBHOOK_KEYS.has(k));
  if (unknown.length) throw new ValidationError(`unknown webhook option ${JSON.stringify(unknown[0])}; expected one of: ${[...WEBHOOK_KEYS].join(', ')}`, { field: 'webhook' });
  const { secret, maxBodyBytes, tolerance } = input as WebhookInput;
  if (typeof secret !== 'string' || secret.length < 16 || secret.length > 512) {
    throw new ValidationError(`expected webhook.secret to be a string of 16 to 512 characters, got ${typeof secret === 'string' ? `${secret.length} characters` : describeValue(secret)}`, { field: 'webhook.secret' });
  }
  const bytes = maxBodyBytes ?? DEFAULT_HOOK_BODY_BYTES;
  if (!Number.isSafeInteger(bytes) || bytes < 1 || bytes > MAX_HOOK_BODY_BYTES) {
    throw new ValidationError(`expected webhook.maxBodyBytes to be an integer from 1 to ${MAX_HOOK_BODY_BYTES}, got ${describeValue(maxBodyBytes)}`, { field: 'webhook.maxBodyBytes' });
  }
  const toleranceMs = tolerance === undefined ? DEFAULT_HOOK_TOLERANCE_MS : parseDuration(tolerance, 'webhook.tolerance');
  if (toleranceMs < 1000 || toleranceMs > MAX_HOOK_TOLERANCE_MS) {
    throw new ValidationError(`expected webhook.tolerance to be from 1s to 24h, got ${describeValue(tolerance)}`, { field: 'webhook.tolerance' });
  }
  return { secret, maxBodyBytes: bytes, toleranceMs };
}

/** Validates a trigger and compiles its job, so the store holds complete rows. Throws naming the bad value. */
export function compileTrigger(id: string, input: TriggerInput, now: number): TriggerDefinition {
  validateTriggerId(id);
  if (typeof input !== 'object' || input === null) throw new ValidationError(`expected trigger to be an object, got ${describeValue(input)}`);
  const unknown = Object.keys(input).filter((k) => !INPUT_KEYS.has(k));
  if (unknown.length) throw new ValidationError(`unknown trigger option ${JSON.stringify(unknown[0])}; expected one of: ${[...INPUT_KEYS].join(', ')}`);
  const event = validateEventName(input.event, 'event');
  if ((input.job === undefined) === (input.workflow === undefined)) {
    throw new ValidationError(`expected exactly one of job or workflow, got ${input.job === undefined ? 'neither' : 'both'}`);
  }
  for (const banned of ['runAt', 'idempotencyKey'] as const) {
    if (input.options?.[banned] !== undefined) throw new ValidationError(`expected options without ${banned} (each event sets it), got ${banned} ${describeValue(input.options[banned])}`, { field: `options.${banned}` });
  }
  const match = validateMatch(input.match);
  if (input.payload !== undefined) validateTemplate(input.payload);
  const compiled = compileJobOptions((input.job ?? input.workflow) as string, null, input.options, now);
  const { runAt, idempotencyKey: _key, ...job } = compiled;
  return {
    id,
    event,
    match,
    target: input.workflow === undefined ? 'job' : 'workflow',
    job,
    delayMs: runAt - now,
    payloadTemplate: input.payload === undefined ? null : { value: input.payload },
    webhook: compileWebhook(input.webhook),
  };
}
