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

const NOT_YET_AVAILABLE = new Set(['postgres', 'postgresql', 'redis', 'rediss']);

/** Only `sqlite:PATH`, `sqlite://PATH`, `sqlite::memory:` and bare `.db`/`.sqlite` paths have a driver today. */
export function sqlitePathOf(choice: StoreChoice): string {
  const { url, source } = choice;
  if (url === 'sqlite::memory:' || url === 'sqlite://:memory:') return ':memory:';
  const prefixed = /^sqlite:(?:\/\/)?(.+)$/i.exec(url);
  const path = prefixed ? (prefixed[1] as string) : /^[^:]+\.(db|sqlite|sqlite3)$/i.test(url) ? url : undefined;
  if (path !== undefined) return resolve(path.startsWith('~/') ? `${homedir()}${path.slice(1)}` : path);
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme !== undefined && NOT_YET_AVAILABLE.has(scheme)) {
    throw new ValidationError(
      `the ${scheme} store driver is not available yet; use sqlite:PATH (got ${source} ${JSON.stringify(redactUrl(url))})`,
    );
  }
  throw new ValidationError(
    `expected ${source === 'default' ? 'the store' : source} to be sqlite:PATH, sqlite::memory: or a path ending in .db or .sqlite, got ${JSON.stringify(redactUrl(url))}`,
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

/** Opens the chosen store. Only the CLI (and user code) picks a driver; the runtime receives a Store. */
export function openStore(choice: StoreChoice): Store {
  const path = sqlitePathOf(choice);
  try {
    if (path !== ':memory:') ensureParentDirectory(path);
    return sqliteStore(path);
  } catch (error) {
    if (error instanceof TaskwrightError) throw error;
    // e.g. a directory that cannot be created or a file that cannot be opened: one line, no stack
    throw new TaskwrightError('store_unavailable', `cannot open the store at ${path}: ${(error as Error).message}`);
  }
}
