import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { MAX_HOOK_BODY_BYTES } from '../core/trigger.js';
import type { Taskwright } from '../runtime/engine.js';
import type { TriggerRecord } from '../store/trigger-types.js';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, verifyHook } from './hook-signature.js';
import { HttpError } from './http-error.js';
import type { RouteSpec } from './route.js';
import { TriggerParams } from './routes/triggers.js';

const HookAccepted = z.object({
  eventId: z.string(), key: z.string().nullable(), deduplicated: z.boolean(),
  jobId: z.string().nullable().meta({ description: "the job or run this hook's trigger started, null when its match did not hold" }),
  started: z.array(z.object({ triggerId: z.string(), jobId: z.string() })),
});

/** The webhook route as the OpenAPI document shows it (it is served by `registerHooks`, not the route table). */
export const hookRouteDoc: RouteSpec = {
  method: 'POST', url: '/api/hooks/:id', tag: 'triggers', role: 'public',
  summary: "Publish the trigger's event with the JSON body as data, signed with the hook's secret (202 with the started job; a replay starts nothing new)",
  params: TriggerParams,
  headers: {
    'Taskwright-Signature': { description: 't=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<event id>.<body>" with the secret>', schema: z.string() },
    'Taskwright-Event-Id': { description: "the sender's delivery id (signed): a resend with it starts nothing new", schema: z.string().max(200) },
  },
  body: z.unknown(),
  errors: [401, 404, 409, 413],
  responses: { 202: HookAccepted },
  handler: () => Promise.reject(new Error('served by registerHooks')),
};

const EVENT_ID = /^[\x21-\x7e]{1,200}$/;
const header = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * POST /api/hooks/:id: public (the signature is the credential). The hook is looked up before the
 * body is read, so an unknown hook or a declared length over its limit costs no upload; the raw
 * bytes are kept for the signature check.
 */
export function registerHooks(app: FastifyInstance, engine: Taskwright): void {
  const hooks = new WeakMap<FastifyRequest, TriggerRecord>();
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_HOOK_BODY_BYTES }, (_request, body, done) => done(null, body));
    scope.post('/api/hooks/:id', {
      bodyLimit: MAX_HOOK_BODY_BYTES,
      onRequest: async (request) => {
        const id = (request.params as { id: string }).id;
        const parsed = TriggerParams.safeParse({ id });
        if (!parsed.success) throw new HttpError(400, 'invalid_input', `expected a hook id of 1 to 200 letters, digits or _ . : / -, got ${JSON.stringify(id.slice(0, 120))}`, { field: 'params.id' });
        const record = await engine.triggerService.load(id).catch(() => null);
        if (!record?.webhook) throw new HttpError(404, 'not_found', `no webhook with id ${JSON.stringify(id)}`);
        const declared = Number(header(request, 'content-length') ?? 0);
        if (declared > record.webhook.maxBodyBytes) throw new HttpError(413, 'payload_too_large', `the body of ${declared} bytes is over this hook's limit of ${record.webhook.maxBodyBytes}`);
        hooks.set(request, record);
      },
      handler: async (request, reply) => {
        const record = hooks.get(request) as TriggerRecord;
        const webhook = record.webhook as NonNullable<TriggerRecord['webhook']>;
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        if (body.byteLength > webhook.maxBodyBytes) throw new HttpError(413, 'payload_too_large', `the body of ${body.byteLength} bytes is over this hook's limit of ${webhook.maxBodyBytes}`);
        const eventId = header(request, EVENT_ID_HEADER);
        if (eventId !== undefined && !EVENT_ID.test(eventId)) throw new HttpError(400, 'invalid_input', `expected Taskwright-Event-Id to be 1 to 200 printable characters without spaces, got ${JSON.stringify(eventId.slice(0, 120))}`);
        const signature = verifyHook(webhook.secret, header(request, SIGNATURE_HEADER), eventId ?? '', body, engine.clock.now(), webhook.toleranceMs);
        if (record.paused) throw new HttpError(409, 'conflict', `trigger ${JSON.stringify(record.id)} is paused; resume it to accept its webhook`);
        let data: unknown = null;
        if (body.byteLength > 0) {
          try {
            data = JSON.parse(body.toString('utf8'));
          } catch (error) {
            throw new HttpError(400, 'invalid_json', `expected the body to be JSON (${(error as Error).message})`);
          }
        }
        // the key makes a replay inside the tolerance window a no-op: by delivery id, else by signature
        const key = eventId === undefined ? `hook:${record.id}:sig:${signature}` : `hook:${record.id}:${eventId}`;
        const sent = await engine.sendEvent(record.event, data, { id: key });
        const own = sent.started.find((s) => s.triggerId === record.id);
        return reply.code(202).send({ ...sent, jobId: own?.jobId ?? null });
      },
    });
  });
}
