import { z } from 'zod';
import type { Taskwright } from '../../runtime/engine.js';
import { defineRoute, type RouteSpec } from '../route.js';

const QueueStatsSchema = z.object({ queue: z.string(), counts: z.record(z.string(), z.number()), oldestQueuedAgeMs: z.number().nullable() }).meta({ id: 'QueueStats' });
const NameStatsSchema = z
  .object({ name: z.string(), total: z.number(), counts: z.record(z.string(), z.number()), averageDurationMs: z.number().nullable(), tokens: z.number(), costUsd: z.number() })
  .meta({ id: 'NameStats' });

/** Stats (as in the CLI) and health probes. */
export function operationRoutes(engine: Taskwright): RouteSpec[] {
  return [
    defineRoute({
      method: 'GET', url: '/api/stats', tag: 'stats', role: 'read',
      summary: 'Counts per queue and state, and the age of the oldest queued job',
      responses: { 200: z.object({ queues: z.array(QueueStatsSchema), checkpoints: z.object({ count: z.number(), totalBytes: z.number() }) }) },
      handler: async () => ({ status: 200, body: { queues: await engine.stats(), checkpoints: await engine.checkpointStats() } }),
    }),
    defineRoute({
      method: 'GET', url: '/api/stats/executions', tag: 'stats', role: 'read',
      summary: 'Per job or workflow name: counts by state, mean duration, reported tokens and cost',
      query: z.object({ tag: z.string().min(1).max(100).optional() }).strict(),
      responses: { 200: z.object({ stats: z.array(NameStatsSchema) }) },
      handler: async ({ query }) => ({ status: 200, body: { stats: await engine.statsByName(query.tag === undefined ? {} : { tag: query.tag }) } }),
    }),
    defineRoute({
      method: 'GET', url: '/healthz', tag: 'health', role: 'public',
      summary: 'The process is up',
      responses: { 200: z.object({ status: z.literal('ok') }) },
      handler: async () => ({ status: 200, body: { status: 'ok' } }),
    }),
    defineRoute({
      method: 'GET', url: '/readyz', tag: 'health', role: 'public',
      summary: 'The store answers and its schema is current (503 otherwise)',
      responses: { 200: z.object({ status: z.literal('ready'), store: z.string() }), 503: z.object({ status: z.literal('unavailable'), store: z.string(), reason: z.string() }) },
      handler: async () => {
        const store = engine.store;
        try {
          const pending = store.checkHealth ? (await store.checkHealth()).pendingMigrations : (await store.pendingCount(), 0);
          if (pending > 0) return { status: 503, body: { status: 'unavailable', store: store.driver, reason: `${pending} schema migration(s) pending; run taskwright migrate` } };
          return { status: 200, body: { status: 'ready', store: store.driver } };
        } catch (error) {
          return { status: 503, body: { status: 'unavailable', store: store.driver, reason: `store unreachable: ${(error as Error).message}` } };
        }
      },
    }),
  ];
}
