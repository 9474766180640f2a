import { ValidationError } from '../../core/errors.js';
import type { NodeInput } from './execute.js';

/** Reads a dotted path such as `parents.fetch.body.total` or `input.userId` from a node's input. */
export function readPath(from: NodeInput, path: string): unknown {
  let value: unknown = from;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** transform: a pure mapping of inputs to outputs, `{ outputKey: 'dotted.path' }`. */
export function transformNode(map: Record<string, string>) {
  return (args: NodeInput): Record<string, unknown> => Object.fromEntries(Object.entries(map).map(([key, path]) => [key, readPath(args, path)]));
}

/** condition: compares the value at `path` with `equals`; children choose a branch with `when`. */
export function conditionNode(path: string, equals: unknown) {
  return (args: NodeInput): boolean => JSON.stringify(readPath(args, path)) === JSON.stringify(equals);
}

export interface HttpNodeConfig {
  method?: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  timeoutMs?: number;
}

/** http: one request; a non-2xx answer is an error naming the status. JSON answers are parsed. */
export function httpNode(config: HttpNodeConfig) {
  if (typeof config?.url !== 'string' || !/^https?:\/\//.test(config.url)) {
    throw new ValidationError(`expected an http node url starting with http:// or https://, got ${JSON.stringify(config?.url)}`);
  }
  return async (args?: NodeInput): Promise<{ status: number; body: unknown }> => {
    const timeout = AbortSignal.timeout(config.timeoutMs ?? 30_000);
    const response = await fetch(config.url, {
      method: config.method ?? (config.body === undefined ? 'GET' : 'POST'),
      headers: { ...(config.body !== undefined && { 'content-type': 'application/json' }), ...config.headers },
      body: config.body === undefined ? undefined : JSON.stringify(config.body),
      // a cancelled run or its timebox aborts the request too
      signal: args?.signal ? AbortSignal.any([timeout, args.signal]) : timeout,
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${config.method ?? 'GET'} ${config.url} answered ${response.status}: ${text.slice(0, 200)}`);
    let body: unknown = text;
    if (response.headers.get('content-type')?.includes('application/json')) body = JSON.parse(text);
    return { status: response.status, body };
  };
}
