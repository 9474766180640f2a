import { SqliteStore } from './store.js';
import type { SqliteOptions } from './connection.js';

export { SqliteStore };
export type { SqliteOptions };

/** Opens (and creates if needed) an embedded SQLite store. */
export function sqliteStore(options: SqliteOptions | string): SqliteStore {
  return new SqliteStore(typeof options === 'string' ? { path: options } : options);
}
