import { z } from 'zod';
import type { Taskwright } from '../../runtime/engine.js';
import { cancelRun, rerunFrom } from '../../workflow/runs.js';
import { getRun, RUN_STATUSES } from '../../workflow/run-view.js';
import { pageRuns } from '../run-pages.js';
import { HttpError } from '../http-error.js';
import { defineRoute, type RouteSpec } from '../route.js';
import { IdParams, NoBody, JsonValue, NAME, PageQuery } from '../schemas/common.js';
import { EnqueueOptionsSchema, JobSchema } from '../schemas/jobs.js';
import { RunLogSchema, RunSchema } from '../schemas/runs.js';

const ExecuteBody = z
  .object({
    input: JsonValue.optional(),
    priority: z.number().int().min(-1_000_000).max(1_000_000).optional(),
    budget: EnqueueOptionsSchema.shape.budget,
    idempotencyKey: EnqueueOptionsSchema.shape.idempotencyKey,
    tags: EnqueueOptionsSchema.shape.tags,
    queue: EnqueueOptionsSchema.shape.queue,
  })
  .strict();

const WorkflowSchema = z
  .object({ name: z.string(), registered: z.boolean(), counts: z.record(z.string(), z.number()), total: z.number(), averageDurationMs: z.number().nullable(), tokens: z.number(), costUsd: z.number() })
  .meta({ id: 'Workflow' });

/** The workflow names this server knows: registered workflow definitions plus configured names. */
export type KnownWorkflows = () => string[];

export function workflowRoutes(engine: Taskwright, known: KnownWorkflows): RouteSpec[] {
  const requireWorkflow = (name: string): void => {
    if (!known().includes(name)) throw new HttpError(404, 'not_found', `no workflow named ${JSON.stringify(name)}; known: ${known().join(', ') || 'none'}`, { workflowId: name });
  };
  return [
    defineRoute({
      method: 'GET', url: '/api/workflows', tag: 'workflows', role: 'read',
      summary: 'Known workflows with their run counts, mean duration, tokens and cost',
      responses: { 200: z.object({ workflows: z.array(WorkflowSchema) }) },
      handler: async () => {
        const stats = new Map((await engine.statsByName()).map((s) => [s.name, s]));
        const registered = new Set(engine.handlerNames());
        const workflows = known().map((name) => {
          const s = stats.get(name);
          return { name, registered: registered.has(name), counts: s?.counts ?? {}, total: s?.total ?? 0, averageDurationMs: s?.averageDurationMs ?? null, tokens: s?.tokens ?? 0, costUsd: s?.costUsd ?? 0 };
        });
        return { status: 200, body: { workflows } };
      },
    }),
    defineRoute({
      method: 'POST', url: '/api/workflows/:id/execute', tag: 'workflows', role: 'admin',
      summary: 'Start a run of a workflow; answers 202 with the execution id',
      params: z.object({ id: NAME.meta({ description: 'workflow name' }) }).strict(), body: ExecuteBody, errors: [404],
      responses: { 202: z.object({ executionId: z.string(), deduplicated: z.boolean() }) },
      handler: async ({ params, body }) => {
        requireWorkflow(params.id);
        const { input, ...options } = body;
        const result = await engine.enqueue(params.id, input ?? null, options);
        return { status: 202, body: { executionId: result.id, deduplicated: result.deduplicated } };
      },
    }),
    defineRoute({
      method: 'GET', url: '/api/executions', tag: 'executions', role: 'read',
      summary: 'Workflow runs, newest first, filtered by workflow and run status (pending, running, paused, completed, failed, cancelled)',
      query: z.object({ workflowId: NAME.optional(), status: z.enum(RUN_STATUSES).optional(), ...PageQuery }).strict(),
      responses: { 200: z.object({ executions: z.array(JobSchema.extend({ runStatus: z.enum(RUN_STATUSES) })), nextCursor: z.string().nullable() }) },
      handler: async ({ query }) => {
        const { runs, nextCursor } = await pageRuns(engine, { workflows: query.workflowId === undefined ? known() : [query.workflowId], status: query.status, limit: query.limit, before: query.before });
        return { status: 200, body: { executions: runs, nextCursor } };
      },
    }),
    defineRoute({
      method: 'GET', url: '/api/executions/:id', tag: 'executions', role: 'read',
      summary: 'One run: status, status history, steps (input, output, error, timing, attempts, usage), usage and cost, budget',
      params: IdParams, errors: [404],
      responses: { 200: RunSchema },
      handler: async ({ params }) => {
        const { logs: _logs, ...run } = await getRun(engine, params.id);
        return { status: 200, body: { ...run, cost: run.usage.costUsd } };
      },
    }),
    defineRoute({
      method: 'GET', url: '/api/executions/:id/logs', tag: 'executions', role: 'read',
      summary: 'The log lines a run wrote, oldest first, each with the step that wrote it',
      params: IdParams, errors: [404],
      responses: { 200: z.object({ logs: z.array(RunLogSchema) }) },
      handler: async ({ params }) => ({ status: 200, body: { logs: (await getRun(engine, params.id)).logs } }),
    }),
    defineRoute({
      method: 'POST', url: '/api/executions/:id/cancel', tag: 'executions', role: 'admin',
      summary: 'Cancel a run and the runs it started (409 when it already finished)',
      params: IdParams, body: NoBody, errors: [404, 409],
      responses: { 200: z.object({ cancelled: z.array(z.string()) }) },
      handler: async ({ params }) => {
        const run = await engine.getJob(params.id);
        if (run.state !== 'scheduled' && run.state !== 'queued' && run.state !== 'running') {
          throw new HttpError(409, 'conflict', `cannot cancel execution ${params.id}: it is already ${run.state}`, { executionId: params.id, state: run.state });
        }
        return { status: 200, body: { cancelled: await cancelRun(engine, params.id) } };
      },
    }),
    defineRoute({
      method: 'POST', url: '/api/executions/:id/rerun', tag: 'executions', role: 'admin',
      summary: 'Start a new run that reuses the outputs of the steps before fromStep (202 with its id)',
      params: IdParams, body: z.object({ fromStep: z.string().min(1).max(200) }).strict(), errors: [404, 409],
      responses: { 202: z.object({ executionId: z.string(), rerunOf: z.string(), fromStep: z.string() }) },
      handler: async ({ params, body }) => {
        const job = await rerunFrom(engine, params.id, body.fromStep);
        return { status: 202, body: { executionId: job.id, rerunOf: params.id, fromStep: body.fromStep } };
      },
    }),
    defineRoute({
      method: 'POST', url: '/api/events', tag: 'executions', role: 'admin',
      summary: 'Send an event: wakes the runs waiting for it and starts every matching trigger (202; with an id, a resend changes nothing)',
      body: z.object({ name: z.string().min(1).max(200).regex(/^[\w.:/-]+$/), data: JsonValue.optional(), id: z.string().min(1).max(200).optional() }).strict(),
      responses: {
        202: z.object({
          eventId: z.string(), key: z.string().nullable(), deduplicated: z.boolean(), woken: z.number(),
          started: z.array(z.object({ triggerId: z.string(), jobId: z.string() })),
        }),
      },
      handler: async ({ body }) => ({ status: 202, body: await engine.sendEvent(body.name, body.data ?? null, body.id === undefined ? {} : { id: body.id }) }),
    }),
  ];
}
