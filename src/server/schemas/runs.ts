import { z } from 'zod';
import { RUN_STATUSES } from '../../workflow/run-view.js';
import { JsonValue } from './common.js';

const RunStatusSchema = z.enum(RUN_STATUSES);
const ErrorSchema = z.object({ message: z.string(), name: z.string().optional(), code: z.string().optional(), stack: z.string().optional(), attempt: z.number(), at: z.number() }).nullable();

export const RunStepSchema = z
  .object({
    id: z.string(),
    status: z.enum(['pending', 'running', 'completed', 'failed', 'skipped', 'cancelled']),
    parked: z.enum(['sleeping', 'waiting']).optional(),
    input: JsonValue.optional(),
    output: JsonValue.optional(),
    error: ErrorSchema,
    startedAt: z.number().nullable(),
    finishedAt: z.number().nullable(),
    durationMs: z.number().nullable(),
    attempts: z.number(),
    usage: z.object({ tokens: z.number(), costUsd: z.number() }).nullable(),
  })
  .meta({ id: 'RunStep' });

export const RunLogSchema = z
  .object({ at: z.number(), level: z.enum(['debug', 'info', 'warn', 'error']), message: z.string(), fields: z.record(z.string(), z.unknown()).optional(), stepId: z.string().nullable(), attempt: z.number() })
  .meta({ id: 'RunLog' });

export const RunSchema = z
  .object({
    id: z.string(),
    workflow: z.string(),
    status: RunStatusSchema,
    input: JsonValue.optional(),
    output: JsonValue.optional(),
    error: ErrorSchema,
    parentId: z.string().nullable(),
    tags: z.array(z.string()),
    createdAt: z.number(),
    finishedAt: z.number().nullable(),
    attempt: z.number(),
    history: z.array(z.object({ at: z.number(), from: RunStatusSchema.nullable(), to: RunStatusSchema, cause: z.string().nullable() })),
    steps: z.array(RunStepSchema),
    usage: z.object({ tokens: z.number(), costUsd: z.number(), steps: z.number(), wallTimeMs: z.number() }),
    cost: z.number().meta({ description: 'usage.costUsd: what the steps reported spending, in USD' }),
    budget: z.record(z.string(), z.unknown()).nullable(),
    graph: z
      .array(z.object({ id: z.string(), parents: z.array(z.string()) }))
      .nullable()
      .meta({ description: "the DAG's nodes and their parents, when this server has the workflow's definition; null otherwise" }),
  })
  .meta({ id: 'Execution' });
