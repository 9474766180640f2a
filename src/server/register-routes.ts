import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { contextFromTraceParent } from '../telemetry/trace-context.js';
import { TRACER_NAME } from '../telemetry/tracing.js';
import { allows, bearerToken, type TokenAuthority } from './auth.js';
import { HttpError } from './http-error.js';
import type { RouteSpec } from './route.js';

/** Parses one part of a request; a failure is a 400 naming the field (e.g. `body.options.attempts`). */
function parsePart<T>(schema: z.ZodType<T> | undefined, value: unknown, part: string): T {
  if (!schema) return value as T;
  const result = schema.safeParse(part === 'body' ? value : (value ?? {}));
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({ field: [part, ...issue.path.map(String)].join('.'), message: issue.message }));
  const first = issues[0] ?? { field: part, message: 'invalid' };
  throw new HttpError(400, 'invalid_input', `invalid ${first.field}: ${first.message}`, { field: first.field, issues });
}

/** Checks the bearer token against the route's role: 401 without a known token, 403 when it may only read. */
export function authorize(authority: TokenAuthority, role: RouteSpec['role'], request: FastifyRequest): void {
  if (role === 'public' || !authority.enabled) return;
  const token = bearerToken(request.headers.authorization);
  const granted = authority.roleOf(token);
  if (granted === null) {
    throw new HttpError(401, 'unauthorized', token === undefined ? 'expected an Authorization: Bearer TOKEN header' : 'the bearer token is not known');
  }
  if (!allows(granted, role)) throw new HttpError(403, 'forbidden', `this route needs an ${role} token; the token given has role ${granted}`);
}

export interface RegisterOptions {
  authority: TokenAuthority;
  /** check each success response against its schema (tests; a mismatch is a 500) */
  validateResponses: boolean;
}

/**
 * Adds each route to Fastify. Requests are validated with the route's zod schemas (Fastify's own
 * validator is not used), and each request runs in a server span that becomes the parent of any
 * job it enqueues (the job stores the traceparent).
 */
export function registerRoutes(app: FastifyInstance, routes: readonly RouteSpec[], options: RegisterOptions): void {
  const tracer = trace.getTracer(TRACER_NAME);
  for (const route of routes) {
    const run = async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
      const input = {
        params: parsePart(route.params, request.params, 'params'),
        query: parsePart(route.query, request.query, 'query'),
        body: parsePart(route.body, request.body, 'body'),
        headers: request.headers,
      };
      const result = await route.handler(input);
      const schema = route.responses[result.status];
      if (options.validateResponses && schema) {
        const checked = schema.safeParse(JSON.parse(JSON.stringify(result.body)));
        if (!checked.success) throw new Error(`response of ${route.method} ${route.url} does not match its schema: ${checked.error.message}`);
      }
      return reply.code(result.status).send(result.body);
    };
    app.route({
      method: route.method,
      url: route.url,
      // before the body is read: an unauthorized caller cannot make the server parse anything
      onRequest: async (request) => authorize(options.authority, route.role, request),
      handler: (request, reply) => {
        const header = request.headers.traceparent;
        const parent = typeof header === 'string' ? contextFromTraceParent(header) : propagation.extract(context.active(), request.headers);
        return tracer.startActiveSpan(`${route.method} ${route.url}`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': route.method, 'http.route': route.url } }, parent, async (span) => {
          try {
            return await run(request, reply);
          } catch (error) {
            span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
            throw error;
          } finally {
            span.end();
          }
        });
      },
    });
  }
}
