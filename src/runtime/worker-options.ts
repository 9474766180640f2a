import { z } from 'zod';
import { parseDuration, type Duration } from '../core/duration.js';
import { ValidationError } from '../core/errors.js';
import { DEFAULT_QUEUE, zodIssueMessage } from '../core/options.js';

export interface WorkerOptions {
  /** handlers running at once. Default 10. */
  concurrency?: number;
  /** queues to take jobs from. Default ['default']. */
  queues?: string[];
  /** how long a claimed job stays owned without a heartbeat. Default 30s. */
  lease?: Duration;
  /** how often leases are renewed. Default 10s (must be shorter than the lease). */
  heartbeat?: Duration;
  /** on stop, how long running jobs may finish before they are aborted and released. Default 10s. */
  grace?: Duration;
  /** fallback poll when no wake-up arrives. Default 1s. */
  pollInterval?: Duration;
  /** how often running jobs are checked for cancel requests. Default 500ms. */
  cancelPollInterval?: Duration;
  /** how often expired leases are rescued. Default 5s. */
  rescueInterval?: Duration;
  /** stop on SIGTERM / SIGINT. Default false in the library, true in the CLI. */
  handleSignals?: boolean;
}

export interface CompiledWorkerOptions {
  concurrency: number;
  queues: string[];
  leaseMs: number;
  heartbeatMs: number;
  graceMs: number;
  pollMs: number;
  cancelPollMs: number;
  rescueMs: number;
  handleSignals: boolean;
}

const durationSchema = z.union([z.number(), z.string()]);
const schema = z
  .object({
    concurrency: z.number().int().min(1).max(10_000),
    queues: z.array(z.string().min(1).regex(/^[\w.:-]+$/)).min(1),
    lease: durationSchema,
    heartbeat: durationSchema,
    grace: durationSchema,
    pollInterval: durationSchema,
    cancelPollInterval: durationSchema,
    rescueInterval: durationSchema,
    handleSignals: z.boolean(),
  })
  .partial()
  .strict();

const EXPECTED: Record<string, string> = {
  concurrency: 'a positive integer (at most 10000)',
  queues: 'a non-empty array of queue names',
  lease: 'a duration like 30s',
  heartbeat: 'a duration like 10s',
  grace: 'a duration like 10s',
  pollInterval: 'a duration like 1s',
  cancelPollInterval: 'a duration like 500ms',
  rescueInterval: 'a duration like 5s',
  handleSignals: 'a boolean',
};

export function compileWorkerOptions(options: WorkerOptions = {}): CompiledWorkerOptions {
  const parsed = schema.safeParse(options);
  if (!parsed.success) throw new ValidationError(zodIssueMessage(parsed.error, options, EXPECTED, 'worker options'));
  const o = parsed.data;
  const compiled: CompiledWorkerOptions = {
    concurrency: o.concurrency ?? 10,
    queues: o.queues ?? [DEFAULT_QUEUE],
    leaseMs: parseDuration(o.lease ?? '30s', 'lease'),
    heartbeatMs: parseDuration(o.heartbeat ?? '10s', 'heartbeat'),
    graceMs: parseDuration(o.grace ?? '10s', 'grace'),
    pollMs: parseDuration(o.pollInterval ?? '1s', 'pollInterval'),
    cancelPollMs: parseDuration(o.cancelPollInterval ?? '500ms', 'cancelPollInterval'),
    rescueMs: parseDuration(o.rescueInterval ?? '5s', 'rescueInterval'),
    handleSignals: o.handleSignals ?? false,
  };
  if (compiled.leaseMs < 100) throw new ValidationError(`expected lease to be at least 100ms, got ${compiled.leaseMs}ms`);
  if (compiled.heartbeatMs < 10 || compiled.heartbeatMs >= compiled.leaseMs) {
    throw new ValidationError(
      `expected heartbeat to be at least 10ms and shorter than the lease (${compiled.leaseMs}ms), got ${compiled.heartbeatMs}ms`,
    );
  }
  for (const [field, value] of [['pollInterval', compiled.pollMs], ['cancelPollInterval', compiled.cancelPollMs], ['rescueInterval', compiled.rescueMs]] as const) {
    if (value < 1) throw new ValidationError(`expected ${field} to be at least 1ms, got ${value}ms`);
  }
  return compiled;
}
