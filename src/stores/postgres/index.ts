import type { PostgresOptions } from './options.js';
import { PostgresStore } from './store.js';

export { PostgresStore };
export type { PostgresOptions };
export type { Queryable } from './connection.js';
export { DEFAULT_SCHEMA } from './options.js';

/**
 * Opens a PostgreSQL store (a connection pool; nothing connects until the first operation).
 *
 * ```ts
 * const store = postgresStore({ connectionString: 'postgres://app@db:5432/app', schema: 'taskwright' });
 * const tw = new Taskwright({ store });
 * ```
 */
export function postgresStore(options: PostgresOptions | string): PostgresStore {
  return new PostgresStore(options);
}
