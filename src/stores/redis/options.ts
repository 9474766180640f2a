import { ValidationError, describeValue } from '../../core/errors.js';

export interface RedisOptions {
  /** e.g. `redis://:password@host:6379/0` or `rediss://...` (TLS) */
  url: string;
  /**
   * The name every key of this store starts with, inside a Cluster hash tag: `{taskwright}:job:1`.
   * Default `taskwright`. Two stores on one Redis with different prefixes share nothing.
   */
  prefix?: string;
  /** how long the first connection may take before the store reports Redis unreachable, in ms. Default 5000. */
  connectTimeoutMs?: number;
}

export interface CompiledRedisOptions {
  url: string;
  prefix: string;
  connectTimeoutMs: number;
}

export const DEFAULT_PREFIX = 'taskwright';

/** Prefixes go inside `{...}`: no braces, no spaces, no colons (the key separator). */
const PREFIX = /^[A-Za-z0-9_.-]{1,64}$/;

export function compileRedisOptions(options: RedisOptions | string): CompiledRedisOptions {
  const o = typeof options === 'string' ? { url: options } : options;
  if (typeof o !== 'object' || o === null) {
    throw new ValidationError(`expected redis store options { url, prefix? } or a redis:// URL, got ${describeValue(o)}`);
  }
  if (typeof o.url !== 'string' || !/^rediss?:\/\//i.test(o.url)) {
    throw new ValidationError(`expected url to be a redis:// or rediss:// URL, got ${describeValue(typeof o.url === 'string' ? redactRedisUrl(o.url) : o.url)}`);
  }
  let parsed: URL;
  try {
    parsed = new URL(o.url);
  } catch {
    throw new ValidationError(`expected url to be a URL like redis://host:6379/0, got ${describeValue(redactRedisUrl(o.url))}`);
  }
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d{1,5}$/.test(db)) {
    throw new ValidationError(`expected the database in ${redactRedisUrl(o.url)} to be a number (redis://host:6379/0), got ${JSON.stringify(db)}`);
  }
  const prefix = o.prefix ?? DEFAULT_PREFIX;
  if (typeof prefix !== 'string' || !PREFIX.test(prefix)) {
    throw new ValidationError(`expected prefix to be 1-64 letters, digits, '_', '.' or '-', got ${describeValue(prefix)}`);
  }
  const connectTimeoutMs = o.connectTimeoutMs ?? 5000;
  if (!Number.isInteger(connectTimeoutMs) || connectTimeoutMs < 1) {
    throw new ValidationError(`expected connectTimeoutMs to be a positive integer, got ${describeValue(connectTimeoutMs)}`);
  }
  return { url: o.url, prefix, connectTimeoutMs };
}

/** A URL safe to print: the password is masked. */
export function redactRedisUrl(url: string): string {
  return url.replace(/^(rediss?:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}
