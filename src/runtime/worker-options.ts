import { z } from 'zod';
import { parseDuration, type Duration } from '../core/duration.js';
import { ValidationError } from '../core/errors.js';
import { DEFAULT_QUEUE, zodIssueMessage } from '../core/options.js';
import type { CompiledAutoscale } from './autoscaler.js';

export interface AutoscaleOptions {
  /** the pool's concurrency stays between min and max */
  min: number;
  max: number;
  /** how often to decide. Default 1s. */
  interval?: Duration;
  /** grow when mean utilization is at least this and jobs wait. Default 0.8. */
  scaleUpAt?: number;
  /** shrink when mean utilization is below this. Default 0.3. */
  scaleDownAt?: number;
  /** no growth sooner than this after a change. Default 5s. */
  upCooldown?: Duration;
  /** no shrinking sooner than this after a change. Default 30s. */
  downCooldown?: Duration;
}

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
  /** this worker's tags: it also claims jobs that require some of them (`requireTags`). Default none. */
  tags?: string[];
  /** grow and shrink concurrency between min and max from queue depth and utilization */
  autoscale?: AutoscaleOptions;
  /** fire due schedules from this worker (any number of workers may; each due time fires once). Default true. */
  schedules?: boolean;
  /**
   * Networked stores: at most this many jobs claimed ahead of free slots, so a freed slot starts
   * its next job without a round trip. The worker keeps only what it starts within about two
   * claim round trips. 0 turns it off. Default max(4 × concurrency, 1000). Embedded stores never prefetch.
   */
  prefetch?: number;
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
  tags: string[];
  autoscale: CompiledAutoscale | null;
  schedules: boolean;
  /** the prefetch bound, or null for the default (max(4 × the current concurrency, 1000)) */
  prefetch: number | null;
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
    tags: z.array(z.string().regex(/^[\w.:-]{1,100}$/)).max(50),
    autoscale: z
      .object({
        min: z.number().int().min(1).max(10_000),
        max: z.number().int().min(1).max(10_000),
        interval: durationSchema,
        scaleUpAt: z.number().gt(0).max(1),
        scaleDownAt: z.number().min(0).lt(1),
        upCooldown: durationSchema,
        downCooldown: durationSchema,
      })
      .partial({ interval: true, scaleUpAt: true, scaleDownAt: true, upCooldown: true, downCooldown: true })
      .strict(),
    schedules: z.boolean(),
    prefetch: z.number().int().min(0).max(100_000),
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
  tags: 'an array of tags (letters, digits, _ . : -)',
  autoscale: '{ min, max } positive integers, with optional interval, scaleUpAt (0..1], scaleDownAt [0..1), upCooldown, downCooldown',
  schedules: 'a boolean',
  prefetch: 'an integer from 0 to 100000',
};

function compileAutoscale(input: AutoscaleOptions | undefined): CompiledAutoscale | null {
  if (input === undefined) return null;
  const compiled: CompiledAutoscale = {
    min: input.min,
    max: input.max,
    intervalMs: parseDuration(input.interval ?? '1s', 'autoscale.interval'),
    scaleUpAt: input.scaleUpAt ?? 0.8,
    scaleDownAt: input.scaleDownAt ?? 0.3,
    upCooldownMs: parseDuration(input.upCooldown ?? '5s', 'autoscale.upCooldown'),
    downCooldownMs: parseDuration(input.downCooldown ?? '30s', 'autoscale.downCooldown'),
  };
  if (compiled.min > compiled.max) throw new ValidationError(`expected autoscale.min to be at most autoscale.max (${compiled.max}), got ${compiled.min}`);
  if (compiled.scaleDownAt >= compiled.scaleUpAt) {
    throw new ValidationError(`expected autoscale.scaleDownAt to be below scaleUpAt (${compiled.scaleUpAt}), got ${compiled.scaleDownAt}`);
  }
  if (compiled.intervalMs < 10) throw new ValidationError(`expected autoscale.interval to be at least 10ms, got ${compiled.intervalMs}ms`);
  return compiled;
}

export function compileWorkerOptions(options: WorkerOptions = {}): CompiledWorkerOptions {
  const parsed = schema.safeParse(options);
  if (!parsed.success) throw new ValidationError(zodIssueMessage(parsed.error, options, EXPECTED, 'worker options'));
  const o = parsed.data;
  const autoscale = compileAutoscale(o.autoscale);
  const concurrency = autoscale ? Math.min(autoscale.max, Math.max(autoscale.min, o.concurrency ?? autoscale.min)) : (o.concurrency ?? 10);
  const compiled: CompiledWorkerOptions = {
    concurrency,
    queues: o.queues ?? [DEFAULT_QUEUE],
    leaseMs: parseDuration(o.lease ?? '30s', 'lease'),
    heartbeatMs: parseDuration(o.heartbeat ?? '10s', 'heartbeat'),
    graceMs: parseDuration(o.grace ?? '10s', 'grace'),
    pollMs: parseDuration(o.pollInterval ?? '1s', 'pollInterval'),
    cancelPollMs: parseDuration(o.cancelPollInterval ?? '500ms', 'cancelPollInterval'),
    rescueMs: parseDuration(o.rescueInterval ?? '5s', 'rescueInterval'),
    handleSignals: o.handleSignals ?? false,
    tags: [...new Set(o.tags ?? [])].sort(),
    autoscale,
    schedules: o.schedules ?? true,
    prefetch: o.prefetch ?? null,
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
