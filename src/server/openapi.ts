import { z } from 'zod';
import type { RouteSpec } from './route.js';
import { ErrorSchema } from './schemas/common.js';

type JsonSchema = Record<string, unknown>;

const ERROR_TEXT: Record<number, string> = {
  400: 'invalid input (the message names the field)', 401: 'no or unknown token', 403: 'the token may only read',
  404: 'not found', 409: 'the current state does not allow it', 413: 'body over the size limit', 415: 'not JSON',
};

const toSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema =>
  z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any', reused: 'inline' }) as JsonSchema;

/** Query and path parameters from a zod object's fields. */
function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const json = toSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return { name, in: where, required: where === 'path' || (json.required ?? []).includes(name), ...(description ? { description } : {}), schema: rest };
  });
}

/** The OpenAPI 3 document, built from the same zod schemas that validate each request. */
export function openApiDocument(routes: readonly RouteSpec[], info: { title: string; version: string }): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.url.replace(/:(\w+)/g, '{$1}');
    const responses: Record<string, unknown> = {};
    for (const [status, schema] of Object.entries(route.responses)) {
      responses[status] = { description: Number(status) < 300 ? 'success' : 'see the body', content: { 'application/json': { schema: toSchema(schema, 'output') } } };
    }
    const errors = new Set([...(route.query || route.params || route.body || route.headers ? [400] : []), ...(route.role === 'public' ? [] : [401]), ...(route.role === 'admin' ? [403] : []), ...(route.body ? [413, 415] : []), ...(route.errors ?? [])]);
    for (const status of [...errors].sort()) {
      responses[String(status)] = { description: ERROR_TEXT[status] ?? 'error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
    }
    const headerParams = Object.entries(route.headers ?? {}).map(([name, h]) => ({ name, in: 'header', required: false, description: h.description, schema: toSchema(h.schema, 'input') }));
    (paths[path] ??= {})[route.method.toLowerCase()] = {
      tags: [route.tag],
      summary: route.summary,
      ...(route.role === 'public' ? { security: [] } : { 'x-required-role': route.role }),
      parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query'), ...headerParams],
      ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: toSchema(route.body, 'input') } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.0.3',
    info: { ...info, description: 'Taskwright REST API. Real-time events: WebSocket at /api/events/ws.' },
    paths,
    components: {
      schemas: { Error: toSchema(ErrorSchema, 'output') },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'an API token (role read or admin)' } },
    },
    security: [{ bearer: [] }],
  };
}
