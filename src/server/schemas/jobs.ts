import { z } from 'zod';
import { JobStateSchema, JsonValue, NAME, PageQuery } from './common.js';

const Duration = z.union([z.string().max(50), z.number()]).meta({ description: 'a duration like 5s, 2m, 1h, or milliseconds' });

/** The enqueue options, as the library and the CLI take them (the engine checks the cross-field rules). */
export const EnqueueOptionsSchema = z
  .object({
    queue: NAME.optional(),
    priority: z.number().int().min(-1_000_000).max(1_000_000).optional().meta({ description: 'higher runs first; overrides X-Priority' }),
    delay: Duration.optional(),
    runAt: z.union([z.string().max(50), z.number()]).optional().meta({ description: 'ISO time or epoch ms' }),
    attempts: z.number().int().min(1).max(1000).optional(),
    backoff: z
      .union([Duration, z.object({ base: Duration.optional(), max: Duration.optional(), multiplier: z.number().min(1).max(100).optional(), jitter: z.number().min(0).max(1).optional() }).strict()])
      .optional(),
    timeout: Duration.optional(),
    idempotencyKey: z.string().min(1).max(500).optional(),
    idempotencyTtl: Duration.optional(),
    tags: z.array(z.string().min(1).max(100)).max(50).optional(),
    deadLetter: z.boolean().optional(),
    budget: z.record(z.string(), z.unknown()).optional().meta({ description: '{ tokens, costUsd, wallTime, steps, onBreach } for workflow runs' }),
  })
  .strict()
  .meta({ id: 'EnqueueOptions' });

export const NewJobSchema = z
  .object({ name: NAME.meta({ description: 'the handler to run' }), payload: JsonValue.optional(), options: EnqueueOptionsSchema.optional() })
  .strict()
  .meta({ id: 'NewJob' });

export const EnqueueBody = z.union([NewJobSchema, z.object({ jobs: z.array(NewJobSchema).min(1).max(1000) }).strict()]);

export const EnqueueResultSchema = z.object({ id: z.string(), state: JobStateSchema, deduplicated: z.boolean() }).meta({ id: 'EnqueueResult' });

const JobErrorSchema = z.object({ message: z.string(), name: z.string().optional(), code: z.string().optional(), stack: z.string().optional(), attempt: z.number(), at: z.number() });

export const JobSchema = z
  .object({
    id: z.string(),
    queue: z.string(),
    name: z.string(),
    payload: JsonValue.optional(),
    state: JobStateSchema,
    priority: z.number(),
    attempt: z.number(),
    maxAttempts: z.number(),
    backoff: z.object({ baseMs: z.number(), maxMs: z.number(), multiplier: z.number(), jitter: z.number() }).passthrough(),
    timeoutMs: z.number().nullable(),
    idempotencyKey: z.string().nullable(),
    tags: z.array(z.string()),
    deadLetter: z.boolean(),
    runAt: z.number(),
    createdAt: z.number(),
    startedAt: z.number().nullable(),
    finishedAt: z.number().nullable(),
    result: JsonValue.optional(),
    error: JobErrorSchema.nullable(),
    progress: JsonValue.optional(),
    workerId: z.string().nullable(),
    leaseExpiresAt: z.number().nullable(),
    cancelRequested: z.boolean(),
    checkpointToken: z.string().nullable(),
    budget: z.record(z.string(), z.unknown()).nullable(),
    traceParent: z.string().nullable().optional(),
  })
  .meta({ id: 'Job' });

export const LogSchema = z
  .object({ jobId: z.string(), attempt: z.number(), at: z.number(), level: z.enum(['debug', 'info', 'warn', 'error']), message: z.string(), fields: z.record(z.string(), z.unknown()).optional() })
  .meta({ id: 'LogEntry' });

export const TransitionSchema = z
  .object({ jobId: z.string(), at: z.number(), from: JobStateSchema.nullable(), to: JobStateSchema, attempt: z.number(), reason: z.string().nullable() })
  .meta({ id: 'Transition' });

export const AttemptSchema = z
  .object({ attempt: z.number(), startedAt: z.number(), endedAt: z.number().nullable(), outcome: JobStateSchema.nullable(), workerId: z.string().nullable() })
  .meta({ id: 'Attempt' });

export const StepSchema = z
  .object({
    stepId: z.string(),
    seq: z.number(),
    status: z.string(),
    input: JsonValue.optional(),
    output: JsonValue.optional(),
    error: JobErrorSchema.nullable(),
    attempts: z.number(),
    startedAt: z.number(),
    finishedAt: z.number().nullable(),
    usage: z.object({ tokens: z.number(), costUsd: z.number() }).nullable(),
  })
  .meta({ id: 'Step' });

export const JobListQuery = z
  .object({ state: JobStateSchema.optional(), queue: NAME.optional(), name: NAME.optional(), tag: z.string().min(1).max(100).optional(), ...PageQuery })
  .strict();

export const JobPage = z.object({ jobs: z.array(JobSchema), nextCursor: z.string().nullable() });

export const PriorityHeader = z.enum(['high', 'normal', 'low']);
/** X-Priority values as job priorities (an explicit `options.priority` wins). */
export const PRIORITY_OF = { high: 10, normal: 0, low: -10 } as const;

export const RedriveBody = z
  .union([z.object({ ids: z.array(z.string().min(1).max(100)).min(1).max(10_000) }).strict(), z.object({ all: z.literal(true) }).strict()])
  .meta({ description: '{ ids: [...] } or { all: true }' });
