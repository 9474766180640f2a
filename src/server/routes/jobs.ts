import { z } from 'zod';
import type { EnqueueOptions } from '../../core/options.js';
import type { Taskwright } from '../../runtime/engine.js';
import { HttpError } from '../http-error.js';
import { defineRoute, type RouteSpec } from '../route.js';
import { IdParams, NoBody, nextCursor, PageQuery } from '../schemas/common.js';
import {
  AttemptSchema, EnqueueBody, EnqueueResultSchema, JobListQuery, JobPage, JobSchema, LogSchema, PRIORITY_OF, PriorityHeader,
  RedriveBody, StepSchema, TransitionSchema,
} from '../schemas/jobs.js';
import { attemptsOf, stepView } from '../views.js';

/** The X-Priority header as a priority, or undefined; any other value is a 400 naming the header. */
function headerPriority(headers: Record<string, string | string[] | undefined>): number | undefined {
  const raw = headers['x-priority'];
  if (raw === undefined) return undefined;
  const parsed = PriorityHeader.safeParse(Array.isArray(raw) ? raw[0] : raw);
  if (!parsed.success) {
    throw new HttpError(400, 'invalid_input', `expected header X-Priority to be high, normal or low, got ${JSON.stringify(raw)}`, { field: 'headers.x-priority' });
  }
  return PRIORITY_OF[parsed.data];
}

export function jobRoutes(engine: Taskwright): RouteSpec[] {
  return [
    defineRoute({
      method: 'POST', url: '/api/jobs', tag: 'jobs', role: 'admin',
      summary: 'Enqueue one job ({ name, payload, options }) or a batch ({ jobs: [...] }) in one transaction',
      body: EnqueueBody,
      headers: { 'x-priority': { description: 'high, normal or low; sets the priority of jobs that do not set options.priority', schema: PriorityHeader } },
      responses: { 201: z.union([EnqueueResultSchema, z.object({ jobs: z.array(EnqueueResultSchema) })]) },
      handler: async ({ body, headers }) => {
        const priority = headerPriority(headers);
        const items = 'jobs' in body ? body.jobs : [body];
        const jobs = items.map((item) => {
          const options: EnqueueOptions = { ...(item.options as EnqueueOptions | undefined) };
          if (priority !== undefined && options.priority === undefined) options.priority = priority;
          return { name: item.name, payload: item.payload ?? null, options };
        });
        const results = await engine.enqueueMany(jobs);
        return { status: 201, body: 'jobs' in body ? { jobs: results } : results[0] };
      },
    }),
    defineRoute({
      method: 'GET', url: '/api/jobs', tag: 'jobs', role: 'read',
      summary: 'List jobs, newest first, filtered by state, queue, name or tag',
      query: JobListQuery,
      responses: { 200: JobPage },
      handler: async ({ query }) => {
        const jobs = await engine.listJobs(query);
        return { status: 200, body: { jobs, nextCursor: nextCursor(jobs, query.limit) } };
      },
    }),
    defineRoute({
      method: 'GET', url: '/api/jobs/:id', tag: 'jobs', role: 'read',
      summary: 'One job with its logs, checkpoint token, attempts, transition history and (for runs) steps',
      params: IdParams, errors: [404],
      responses: {
        200: z.object({ job: JobSchema, checkpointToken: z.string().nullable(), attempts: z.array(AttemptSchema), logs: z.array(LogSchema), transitions: z.array(TransitionSchema), steps: z.array(StepSchema) }),
      },
      handler: async ({ params }) => {
        const { job, logs, transitions, steps } = await engine.getJobDetails(params.id);
        return { status: 200, body: { job, checkpointToken: job.checkpointToken, attempts: attemptsOf(transitions), logs, transitions, steps: steps.map(stepView) } };
      },
    }),
    defineRoute({
      method: 'POST', url: '/api/jobs/:id/cancel', tag: 'jobs', role: 'admin',
      summary: 'Cancel a job: a waiting job never starts; a running one is asked to stop (409 when it already finished)',
      params: IdParams, body: NoBody, errors: [404, 409],
      responses: { 200: z.object({ job: JobSchema }) },
      handler: async ({ params }) => ({ status: 200, body: { job: await engine.cancel(params.id) } }),
    }),
    defineRoute({
      method: 'POST', url: '/api/jobs/:id/retry', tag: 'jobs', role: 'admin',
      summary: 'Run a failed, dead or cancelled job again from its first attempt (409 otherwise)',
      params: IdParams, body: NoBody, errors: [404, 409],
      responses: { 200: z.object({ job: JobSchema }) },
      handler: async ({ params }) => ({ status: 200, body: { job: await engine.retry(params.id) } }),
    }),
    defineRoute({
      method: 'GET', url: '/api/dlq', tag: 'dead-letter queue', role: 'read',
      summary: 'Jobs in the dead-letter queue, newest first',
      query: z.object({ ...PageQuery, queue: JobListQuery.shape.queue, name: JobListQuery.shape.name }).strict(),
      responses: { 200: JobPage },
      handler: async ({ query }) => {
        const jobs = await engine.listJobs({ ...query, state: 'dead' });
        return { status: 200, body: { jobs, nextCursor: nextCursor(jobs, query.limit) } };
      },
    }),
    defineRoute({
      method: 'POST', url: '/api/dlq/redrive', tag: 'dead-letter queue', role: 'admin',
      summary: 'Move dead jobs back to the queue: { ids } (all or nothing: 409 when one is not dead) or { all: true }',
      body: RedriveBody, errors: [404, 409],
      responses: { 200: z.object({ redriven: z.array(z.string()) }) },
      handler: async ({ body }) => ({ status: 200, body: { redriven: await engine.redrive('all' in body ? 'all' : [...new Set(body.ids)]) } }),
    }),
  ];
}
