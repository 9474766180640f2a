import { resolve } from 'node:path';
import { ValidationError } from '../core/errors.js';
import type { Store } from '../store/store.js';
import { sqliteStore } from '../stores/sqlite/index.js';

export const DEFAULT_STORE_URL = 'sqlite:./.taskwright/taskwright.db';

/** The store URL from `--store`, then `TASKWRIGHT_STORE`, then the embedded default. */
export function storeUrlFrom(flag: string | undefined): string {
  return flag ?? process.env.TASKWRIGHT_STORE ?? DEFAULT_STORE_URL;
}

/** Only the CLI (and user code) picks a driver; the runtime receives a Store. */
export function openStore(url: string): Store {
  if (url === 'sqlite::memory:') return sqliteStore(':memory:');
  const sqlite = /^sqlite:(?:\/\/)?(.+)$/.exec(url);
  if (sqlite) return sqliteStore(resolve(sqlite[1] as string));
  if (/^[^:]+\.(db|sqlite|sqlite3)$/.test(url)) return sqliteStore(resolve(url));
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
  if (scheme === 'postgres' || scheme === 'postgresql' || scheme === 'redis' || scheme === 'rediss') {
    throw new ValidationError(`the ${scheme} store is not available in this version yet; use sqlite:PATH (got --store ${url})`);
  }
  throw new ValidationError(`expected --store to be sqlite:PATH, sqlite::memory: or a .db file path, got ${JSON.stringify(url)}`);
}
