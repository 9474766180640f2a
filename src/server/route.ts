import type { z } from 'zod';
import type { Role } from './auth.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What a handler gets: the validated parts of the request. */
export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  headers: Record<string, string | string[] | undefined>;
}

export interface RouteResult {
  status: number;
  body: unknown;
}

/**
 * One REST route: its zod schemas validate the request (and, when asked, the response) and are
 * the source of the OpenAPI document, so the two cannot drift apart.
 */
export interface RouteSpec<P = unknown, Q = unknown, B = unknown> {
  method: Method;
  /** a path with `:name` parameters */
  url: string;
  tag: string;
  summary: string;
  /** the least role that may call it; `public` needs no token */
  role: Role | 'public';
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** request headers the route reads, documented as parameters */
  headers?: Record<string, { description: string; schema: z.ZodType }>;
  /** success responses by status; errors share one documented shape */
  responses: Record<number, z.ZodType>;
  /** error statuses this route can answer with, besides 400/401/403 */
  errors?: number[];
  handler: (input: RouteInput<P, Q, B>) => Promise<RouteResult>;
}

/** Keeps the parameter types of one route together (a typed identity). */
export function defineRoute<P, Q, B>(spec: RouteSpec<P, Q, B>): RouteSpec {
  return spec as unknown as RouteSpec;
}
