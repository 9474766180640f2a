import { z } from 'zod';
import type { ScheduleInput } from '../../core/schedule.js';
import type { Taskwright } from '../../runtime/engine.js';
import { defineRoute, type RouteSpec } from '../route.js';
import { JsonValue, NAME, NoBody } from '../schemas/common.js';
import { EnqueueOptionsSchema } from '../schemas/jobs.js';

const Duration = z.union([z.string().max(50), z.number()]);
const Time = z.union([z.string().max(50), z.number()]).meta({ description: 'ISO time or epoch ms' });

/** The schedule definition as the library takes it (the engine checks cron syntax, zones and the one-of rules). */
const ScheduleInputSchema = z
  .object({
    cron: z.string().min(1).max(200).optional(),
    timezone: z.string().min(1).max(100).optional(),
    every: Duration.optional(),
    at: Time.optional(),
    job: NAME.optional(),
    workflow: NAME.optional(),
    payload: JsonValue.optional(),
    options: EnqueueOptionsSchema.optional(),
    start: Time.optional(),
    end: Time.optional(),
    maxRuns: z.number().int().min(1).optional(),
    overlap: z.enum(['skip', 'allow', 'queue-one']).optional(),
    catchUp: z.enum(['none', 'latest', 'all']).optional(),
    catchUpWindow: Duration.optional(),
  })
  .strict()
  .meta({ id: 'ScheduleInput' });

const ScheduleSchema = z
  .object({ id: z.string(), paused: z.boolean(), input: z.record(z.string(), z.unknown()), lastFireAt: z.number().nullable(), lastJobId: z.string().nullable(), createdAt: z.number(), updatedAt: z.number() })
  .passthrough()
  .meta({ id: 'Schedule' });
const FireSchema = z
  .object({ id: z.string(), scheduleId: z.string(), dueAt: z.number(), firedAt: z.number(), action: z.string(), jobId: z.string().nullable(), count: z.number() })
  .passthrough()
  .meta({ id: 'ScheduleFire' });
const TimerSchema = z
  .object({ id: z.string(), kind: z.string(), fireAt: z.number(), jobId: z.string().nullable(), scheduleId: z.string().nullable(), name: z.string() })
  .passthrough()
  .meta({ id: 'Timer' });
const BackfillSchema = z
  .object({
    scheduleId: z.string(), from: z.number(), to: z.number(), dryRun: z.boolean(), dueTimes: z.array(z.number()),
    enqueued: z.array(z.object({ dueAt: z.number(), jobId: z.string() })),
    existing: z.array(z.object({ dueAt: z.number(), jobId: z.string().nullable() })),
  })
  .meta({ id: 'ScheduleBackfill' });
const ScheduleParams = z.object({ id: z.string().regex(/^[\w.:/-]{1,200}$/).meta({ description: 'schedule id' }) }).strict();

/** Schedules CRUD with pause, resume and trigger, and the stored timers. */
export function scheduleRoutes(engine: Taskwright): RouteSpec[] {
  const action = (verb: 'pause' | 'resume', run: (id: string) => Promise<unknown>) =>
    defineRoute({
      method: 'POST', url: `/api/schedules/:id/${verb}`, tag: 'schedules', role: 'admin',
      summary: verb === 'pause' ? 'Stop firing until resumed' : 'Fire again from the next due time after now',
      params: ScheduleParams, body: NoBody, errors: [404],
      responses: { 200: z.object({ schedule: ScheduleSchema }) },
      handler: async ({ params }) => ({ status: 200, body: { schedule: await run(params.id) } }),
    });
  return [
    defineRoute({
      method: 'GET', url: '/api/schedules', tag: 'schedules', role: 'read',
      summary: 'Every schedule with its next and last fire and run count',
      responses: { 200: z.object({ schedules: z.array(ScheduleSchema) }) },
      handler: async () => ({ status: 200, body: { schedules: await engine.listSchedules() } }),
    }),
    defineRoute({
      method: 'POST', url: '/api/schedules', tag: 'schedules', role: 'admin',
      summary: 'Create a schedule (cron with a time zone, every, or at) that enqueues a job or starts a workflow; 409 when the id exists',
      body: ScheduleInputSchema.extend({ id: ScheduleParams.shape.id, paused: z.boolean().optional() }).strict(), errors: [409],
      responses: { 201: z.object({ schedule: ScheduleSchema }) },
      handler: async ({ body }) => {
        const { id, paused, ...input } = body;
        return { status: 201, body: { schedule: await engine.createSchedule(id, input as ScheduleInput, { paused }) } };
      },
    }),
    defineRoute({
      method: 'GET', url: '/api/schedules/:id', tag: 'schedules', role: 'read',
      summary: 'A schedule with its fire history, newest first',
      params: ScheduleParams, query: z.object({ history: z.coerce.number().int().min(1).max(1000).default(50) }).strict(), errors: [404],
      responses: { 200: z.object({ schedule: ScheduleSchema, fires: z.array(FireSchema) }) },
      handler: async ({ params, query }) => ({ status: 200, body: await engine.getSchedule(params.id, query.history) }),
    }),
    defineRoute({
      method: 'PATCH', url: '/api/schedules/:id', tag: 'schedules', role: 'admin',
      summary: 'Change some fields of a schedule (run counts and history are kept)',
      params: ScheduleParams, body: ScheduleInputSchema, errors: [404],
      responses: { 200: z.object({ schedule: ScheduleSchema }) },
      handler: async ({ params, body }) => ({ status: 200, body: { schedule: await engine.updateSchedule(params.id, body as ScheduleInput) } }),
    }),
    defineRoute({
      method: 'DELETE', url: '/api/schedules/:id', tag: 'schedules', role: 'admin',
      summary: 'Delete a schedule and its history (jobs it fired are kept)',
      params: ScheduleParams, body: NoBody, errors: [404],
      responses: { 200: z.object({ deleted: z.string() }) },
      handler: async ({ params }) => {
        await engine.deleteSchedule(params.id);
        return { status: 200, body: { deleted: params.id } };
      },
    }),
    action('pause', (id) => engine.pauseSchedule(id)),
    action('resume', (id) => engine.resumeSchedule(id)),
    defineRoute({
      method: 'POST', url: '/api/schedules/:id/trigger', tag: 'schedules', role: 'admin',
      summary: "Enqueue the schedule's job now, outside its cadence",
      params: ScheduleParams, body: NoBody, errors: [404],
      responses: { 202: z.object({ fire: FireSchema }) },
      handler: async ({ params }) => ({ status: 202, body: { fire: await engine.triggerSchedule(params.id) } }),
    }),
    defineRoute({
      method: 'POST', url: '/api/schedules/:id/backfill', tag: 'schedules', role: 'admin',
      summary: 'Fire each due time of a past range [from, to] that has no job yet (once per due time; 202, or 200 for a dry run)',
      params: ScheduleParams, body: z.object({ from: Time, to: Time, dryRun: z.boolean().optional() }).strict(), errors: [404],
      responses: {
        200: z.object({ backfill: BackfillSchema }),
        202: z.object({ backfill: BackfillSchema }),
      },
      handler: async ({ params, body }) => {
        const backfill = await engine.backfillSchedule(params.id, body);
        return { status: backfill.dryRun ? 200 : 202, body: { backfill } };
      },
    }),
    defineRoute({
      method: 'GET', url: '/api/timers', tag: 'timers', role: 'read',
      summary: 'Pending stored timers, soonest first, with their count and the next fire time',
      query: z.object({ kind: z.string().min(1).max(50).optional(), limit: z.coerce.number().int().min(1).max(1000).default(100) }).strict(),
      responses: { 200: z.object({ timers: z.array(TimerSchema), stats: z.record(z.string(), z.unknown()) }) },
      handler: async ({ query }) => ({
        status: 200,
        body: { timers: await engine.listTimers({ ...(query.kind && { kind: query.kind as never }), limit: query.limit }), stats: await engine.timerStats() },
      }),
    }),
  ];
}
