import { z } from 'zod';
import type { LimitInput } from '../../core/flow.js';
import type { Taskwright } from '../../runtime/engine.js';
import { defineRoute, type RouteSpec } from '../route.js';
import { NAME, NoBody } from '../schemas/common.js';

const QueueSchema = z.object({ queue: z.string(), paused: z.boolean(), counts: z.record(z.string(), z.number()), oldestQueuedAgeMs: z.number().nullable() }).passthrough().meta({ id: 'Queue' });
const WorkerSchema = z
  .object({ id: z.string(), host: z.string(), pid: z.number(), queues: z.array(z.string()), tags: z.array(z.string()), concurrency: z.number(), state: z.string(), startedAt: z.number(), heartbeatAt: z.number(), running: z.number() })
  .passthrough()
  .meta({ id: 'Worker' });
const LeaderSchema = z
  .object({ role: z.string(), holder: z.string(), expiresAt: z.number(), acquiredAt: z.number(), live: z.boolean(), remainingMs: z.number() })
  .meta({ id: 'Leader' });
const BreakerSchema = z
  .object({ key: z.string(), state: z.string(), consecutiveFailures: z.number(), openedAt: z.number().nullable(), changedAt: z.number(), reason: z.string().nullable() })
  .passthrough()
  .meta({ id: 'Breaker' });
const LimitSchema = z.object({ key: z.string(), concurrency: z.number().nullable(), rate: z.object({ count: z.number(), intervalMs: z.number() }).nullable() }).meta({ id: 'Limit' });
const LimitParams = z.object({ key: z.string().min(1).max(200) }).strict();
const QueueParams = z.object({ queue: NAME.meta({ description: 'queue name' }) }).strict();

/** Queues (list, pause, resume), the worker registry and elected leaders, circuit breakers and limits. */
export function flowRoutes(engine: Taskwright): RouteSpec[] {
  const queueAction = (verb: 'pause' | 'resume') =>
    defineRoute({
      method: 'POST', url: `/api/queues/:queue/${verb}`, tag: 'queues', role: 'admin',
      summary: verb === 'pause' ? 'Stop every worker from starting jobs of this queue (running jobs finish)' : 'Let workers start jobs of this queue again',
      params: QueueParams, body: NoBody,
      responses: { 200: z.object({ queue: z.string(), paused: z.boolean() }) },
      handler: async ({ params }) => {
        await (verb === 'pause' ? engine.pauseQueue(params.queue) : engine.resumeQueue(params.queue));
        return { status: 200, body: { queue: params.queue, paused: verb === 'pause' } };
      },
    });
  return [
    defineRoute({
      method: 'GET', url: '/api/queues', tag: 'queues', role: 'read',
      summary: 'Every queue with its counts per state and whether it is paused',
      responses: { 200: z.object({ queues: z.array(QueueSchema) }) },
      handler: async () => ({ status: 200, body: { queues: await engine.listQueues() } }),
    }),
    queueAction('pause'),
    queueAction('resume'),
    defineRoute({
      method: 'GET', url: '/api/workers', tag: 'workers', role: 'read',
      summary: 'Registered workers of every process on this store, with their last heartbeat',
      responses: { 200: z.object({ workers: z.array(WorkerSchema) }) },
      handler: async () => ({ status: 200, body: { workers: await engine.listWorkers() } }),
    }),
    defineRoute({
      method: 'GET', url: '/api/leaders', tag: 'workers', role: 'read',
      summary: 'Which worker process holds each elected role (stager, scheduler) and until when; empty on a store without leader election',
      responses: { 200: z.object({ leaders: z.array(LeaderSchema) }) },
      handler: async () => ({ status: 200, body: { leaders: await engine.listLeaders() } }),
    }),
    defineRoute({
      method: 'GET', url: '/api/breakers', tag: 'flow control', role: 'read',
      summary: 'Circuit breakers with their state (closed, open, half-open), counters and last change',
      responses: { 200: z.object({ breakers: z.array(BreakerSchema) }) },
      handler: async () => ({ status: 200, body: { breakers: await engine.listBreakers() } }),
    }),
    defineRoute({
      method: 'POST', url: '/api/breakers/:key/reset', tag: 'flow control', role: 'admin',
      summary: 'Close a breaker now and clear its counters',
      params: z.object({ key: z.string().min(1).max(200) }).strict(), body: NoBody, errors: [404],
      responses: { 200: z.object({ reset: z.string() }) },
      handler: async ({ params }) => {
        await engine.resetBreaker(params.key);
        return { status: 200, body: { reset: params.key } };
      },
    }),
    defineRoute({
      method: 'GET', url: '/api/limits', tag: 'flow control', role: 'read',
      summary: 'Concurrency and rate limits per key',
      responses: { 200: z.object({ limits: z.array(LimitSchema) }) },
      handler: async () => ({ status: 200, body: { limits: await engine.listLimits() } }),
    }),
    defineRoute({
      method: 'PUT', url: '/api/limits/:key', tag: 'flow control', role: 'admin',
      summary: 'Set the concurrency and/or rate limit of a key (a queue, or a concurrency key); rate as "10/1s" or { count, per }',
      params: LimitParams,
      body: z.object({ concurrency: z.number().int().nullable().optional(), rate: z.union([z.string().max(50), z.object({ count: z.number(), per: z.union([z.string().max(50), z.number()]) }).strict(), z.null()]).optional() }).strict(),
      responses: { 200: z.object({ limit: LimitSchema }) },
      handler: async ({ params, body }) => ({ status: 200, body: { limit: await engine.setLimit(params.key, body as LimitInput) } }),
    }),
    defineRoute({
      method: 'DELETE', url: '/api/limits/:key', tag: 'flow control', role: 'admin',
      summary: 'Remove the limits of a key',
      params: LimitParams, body: NoBody,
      responses: { 200: z.object({ deleted: z.string() }) },
      handler: async ({ params }) => {
        await engine.deleteLimit(params.key);
        return { status: 200, body: { deleted: params.key } };
      },
    }),
  ];
}
