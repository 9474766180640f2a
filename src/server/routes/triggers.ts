import { z } from 'zod';
import type { TriggerInput } from '../../core/trigger.js';
import type { Taskwright } from '../../runtime/engine.js';
import { defineRoute, type RouteSpec } from '../route.js';
import { JsonValue, NAME, NoBody } from '../schemas/common.js';
import { EnqueueOptionsSchema } from '../schemas/jobs.js';

/** The trigger definition as the library takes it (the engine checks match operators and templates). */
const TriggerInputSchema = z
  .object({
    event: NAME,
    match: z.record(z.string(), JsonValue).optional(),
    job: NAME.optional(),
    workflow: NAME.optional(),
    payload: JsonValue.optional(),
    options: EnqueueOptionsSchema.optional(),
    webhook: z
      .object({ secret: z.string().min(16).max(512), maxBodyBytes: z.number().int().min(1).optional(), tolerance: z.union([z.string().max(50), z.number()]).optional() })
      .strict()
      .optional(),
  })
  .strict()
  .meta({ id: 'TriggerInput' });

const TriggerSchema = z
  .object({ id: z.string(), event: z.string(), target: z.string(), paused: z.boolean(), input: z.record(z.string(), z.unknown()), webhook: z.object({ maxBodyBytes: z.number(), toleranceMs: z.number() }).nullable(), createdAt: z.number(), updatedAt: z.number() })
  .passthrough()
  .meta({ id: 'Trigger', description: 'a trigger; the webhook secret is never returned' });
const TriggerFireSchema = z
  .object({ triggerId: z.string(), eventKey: z.string(), eventId: z.string(), jobId: z.string(), firedAt: z.number() })
  .meta({ id: 'TriggerFire' });
export const TriggerParams = z.object({ id: z.string().regex(/^[\w.:/-]{1,200}$/).meta({ description: 'trigger id' }) }).strict();

/** Triggers CRUD with pause and resume. Events are sent with POST /api/events. */
export function triggerRoutes(engine: Taskwright): RouteSpec[] {
  const action = (verb: 'pause' | 'resume', run: (id: string) => Promise<unknown>) =>
    defineRoute({
      method: 'POST', url: `/api/triggers/:id/${verb}`, tag: 'triggers', role: 'admin',
      summary: verb === 'pause' ? 'Start nothing until resumed' : 'Start jobs for events again',
      params: TriggerParams, body: NoBody, errors: [404],
      responses: { 200: z.object({ trigger: TriggerSchema }) },
      handler: async ({ params }) => ({ status: 200, body: { trigger: await run(params.id) } }),
    });
  return [
    defineRoute({
      method: 'GET', url: '/api/triggers', tag: 'triggers', role: 'read',
      summary: 'Every trigger',
      responses: { 200: z.object({ triggers: z.array(TriggerSchema) }) },
      handler: async () => ({ status: 200, body: { triggers: await engine.listTriggers() } }),
    }),
    defineRoute({
      method: 'POST', url: '/api/triggers', tag: 'triggers', role: 'admin',
      summary: 'Create a trigger that starts a job or workflow run for each matching event; 409 when the id exists (unless replace)',
      body: TriggerInputSchema.extend({ id: TriggerParams.shape.id, paused: z.boolean().optional(), replace: z.boolean().optional() }).strict(), errors: [409],
      responses: { 201: z.object({ trigger: TriggerSchema }) },
      handler: async ({ body }) => {
        const { id, paused, replace, ...input } = body;
        return { status: 201, body: { trigger: await engine.createTrigger(id, input as TriggerInput, { paused, replace }) } };
      },
    }),
    defineRoute({
      method: 'GET', url: '/api/triggers/:id', tag: 'triggers', role: 'read',
      summary: 'A trigger with the jobs it started, newest first',
      params: TriggerParams, query: z.object({ history: z.coerce.number().int().min(1).max(1000).default(50) }).strict(), errors: [404],
      responses: { 200: z.object({ trigger: TriggerSchema, fires: z.array(TriggerFireSchema) }) },
      handler: async ({ params, query }) => ({ status: 200, body: await engine.getTrigger(params.id, query.history) }),
    }),
    defineRoute({
      method: 'DELETE', url: '/api/triggers/:id', tag: 'triggers', role: 'admin',
      summary: 'Delete a trigger and its fire history (jobs it started are kept)',
      params: TriggerParams, body: NoBody, errors: [404],
      responses: { 200: z.object({ deleted: z.string() }) },
      handler: async ({ params }) => {
        await engine.deleteTrigger(params.id);
        return { status: 200, body: { deleted: params.id } };
      },
    }),
    action('pause', (id) => engine.pauseTrigger(id)),
    action('resume', (id) => engine.resumeTrigger(id)),
  ];
}
