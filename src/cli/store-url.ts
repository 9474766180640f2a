import { existsSync, mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { TaskwrightError, ValidationError } from '../core/errors.js';
import type { Store } from '../store/store.js';
import { sqliteStore } from '../stores/sqlite/index.js';

export const DEFAULT_STORE_URL = 'sqlite:./.taskwright/taskwright.db';

/** Where the store URL came from, so an error names the thing the user has to change. */
export interface StoreChoice {
  url: string;
  source: '--store' | 'TASKWRIGHT_STORE' | 'default';
}

/** The store URL from `--store`, then `TASKWRIGHT_STORE`, then the embedded default. */
export function chooseStore(flag: string | undefined): StoreChoice {
  if (flag !== undefined) return { url: flag, source: '--store' };
  const env = process.env.TASKWRIGHT_STORE;
  if (env !== undefined && env !== '') return { url: env, source: 'TASKWRIGHT_STORE' };
  return { url: DEFAULT_STORE_URL, source: 'default' };
}

/** A URL safe to print: a password in `scheme://user:password@host` is masked. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}

/** What a store URL opens: an embedded SQLite file (or memory), a PostgreSQL database and schema, or a Redis database and key prefix. */
export type StoreSpec =
  | { driver: 'sqlite'; path: string }
  | { driver: 'postgres'; connectionString: string; schema: string | undefined }
  | { driver: 'redis'; url: string; prefix: string | undefined };

/**
 * `postgres://` and `postgresql://` URLs open the PostgreSQL store; a `schema` query parameter
 * picks its schema (default `taskwright`) and is removed before the URL reaches the driver.
 * `redis://` and `rediss://` URLs open the Redis store; a `prefix` query parameter picks its key
 * prefix (default `taskwright`). Everything else must be a SQLite location.
 */
export function parseStoreUrl(choice: StoreChoice): StoreSpec {
  if (/^rediss?:\/\//i.test(choice.url)) {
    let url: URL;
    try {
      url = new URL(choice.url);
    } catch {
      throw new ValidationError(`expected ${choice.source} to be a URL like redis://host:6379/0, got ${JSON.stringify(redactUrl(choice.url))}`);
    }
    const prefix = url.searchParams.get('prefix') ?? undefined;
    url.searchParams.delete('prefix');
    return { driver: 'redis', url: url.toString(), prefix };
  }
  if (/^postgres(ql)?:\/\//i.test(choice.url)) {
    let url: URL;
    try {
      url = new URL(choice.url);
    } catch {
      throw new ValidationError(`expected ${choice.source} to be a URL like postgres://user@host:5432/db, got ${JSON.stringify(redactUrl(choice.url))}`);
    }
    const schema = url.searchParams.get('schema') ?? undefined;
    url.searchParams.delete('schema');
    return { driver: 'postgres', connectionString: url.toString(), schema };
  }
  return { driver: 'sqlite', path: sqlitePathOf(choice) };
}

/** `sqlite:PATH`, `sqlite://PATH`, `sqlite::memory:` and bare `.db`/`.sqlite` paths open the embedded store. */
export function sqlitePathOf(choice: StoreChoice): string {
  const { url, source } = choice;
  if (url === 'sqlite::memory:' || url === 'sqlite://:memory:') return ':memory:';
  const prefixed = /^sqlite:(?:\/\/)?(.+)$/i.exec(url);
  const path = prefixed ? (prefixed[1] as string) : /^[^:]+\.(db|sqlite|sqlite3)$/i.test(url) ? url : undefined;
  if (path !== undefined) return resolve(path.startsWith('~/') ? `${homedir()}${path.slice(1)}` : path);
  throw new ValidationError(
    `expected ${source === 'default' ? 'the store' : source} to be sqlite:PATH, sqlite::memory:, a path ending in .db or .sqlite, or postgres://user@host:5432/db or redis://host:6379/0, got ${JSON.stringify(redactUrl(url))}`,
  );
}

/**
 * Creates the database's missing parent directories one level at a time. Node's recursive mkdir
 * never returns on some filesystems (e.g. under /proc); this one fails with a message instead.
 */
function ensureParentDirectory(path: string): void {
  const missing: string[] = [];
  let dir = dirname(path);
  for (; !existsSync(dir) && dirname(dir) !== dir; dir = dirname(dir)) missing.unshift(dir);
  if (!statSync(dir).isDirectory()) throw new Error(`${dir} is a file, not a directory`);
  for (const each of missing) mkdirSync(each);
}

/**
 * Opens the chosen store. Only the CLI (and user code) picks a driver; the runtime receives a
 * Store. The PostgreSQL and Redis drivers (and their client libraries) load only when their URL is used.
 */
export async function openStore(choice: StoreChoice): Promise<Store> {
  const spec = parseStoreUrl(choice);
  if (spec.driver === 'redis') {
    const { redisStore } = await import('../stores/redis/index.js');
    return redisStore({ url: spec.url, ...(spec.prefix === undefined ? {} : { prefix: spec.prefix }) });
  }
  if (spec.driver === 'postgres') {
    const { postgresStore } = await import('../stores/postgres/index.js');
    return postgresStore({ connectionString: spec.connectionString, ...(spec.schema === undefined ? {} : { schema: spec.schema }) });
  }
  const path = spec.path;
  try {
    if (path !== ':memory:') ensureParentDirectory(path);
    return sqliteStore(path);
  } catch (error) {
    if (error instanceof TaskwrightError) throw error;
    // e.g. a directory that cannot be created or a file that cannot be opened: one line, no stack
    throw new TaskwrightError('store_unavailable', `cannot open the store at ${path}: ${(error as Error).message}`);
  }
}
