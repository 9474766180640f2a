import { ValidationError, describeValue } from '../../core/errors.js';

export interface PostgresOptions {
  /** e.g. `postgres://user:password@host:5432/db` (libpq-style parameters accepted) */
  connectionString: string;
  /** the PostgreSQL schema holding Taskwright's tables. Default `taskwright`. */
  schema?: string;
  /** connections in this store's pool. Default 10. */
  poolSize?: number;
  /** how long the wake-up listener waits before reconnecting after its connection drops, in ms. Default 500. */
  listenerRetryMs?: number;
}

export interface CompiledPostgresOptions {
  connectionString: string;
  schema: string;
  poolSize: number;
  listenerRetryMs: number;
}

export const DEFAULT_SCHEMA = 'taskwright';

/** Schema names are used as identifiers in SQL: letters, digits and underscores only, so quoting is exact. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function compilePostgresOptions(options: PostgresOptions | string): CompiledPostgresOptions {
  const o = typeof options === 'string' ? { connectionString: options } : options;
  if (typeof o !== 'object' || o === null) {
    throw new ValidationError(`expected postgres store options { connectionString, schema? } or a connection string, got ${describeValue(o)}`);
  }
  if (typeof o.connectionString !== 'string' || !/^postgres(ql)?:\/\//i.test(o.connectionString)) {
    throw new ValidationError(`expected connectionString to be a postgres:// or postgresql:// URL, got ${describeValue(o.connectionString)}`);
  }
  const schema = o.schema ?? DEFAULT_SCHEMA;
  if (typeof schema !== 'string' || !SCHEMA_NAME.test(schema)) {
    throw new ValidationError(`expected schema to be a lowercase identifier (letters, digits, _; at most 63), got ${describeValue(schema)}`);
  }
  // PostgreSQL reserves these names for its own schemas and refuses to create them
  if (schema.startsWith('pg_')) throw new ValidationError(`expected schema not to start with pg_ (reserved by PostgreSQL), got ${describeValue(schema)}`);
  const poolSize = o.poolSize ?? 10;
  if (!Number.isInteger(poolSize) || poolSize < 1 || poolSize > 1000) {
    throw new ValidationError(`expected poolSize to be an integer from 1 to 1000, got ${describeValue(poolSize)}`);
  }
  const listenerRetryMs = o.listenerRetryMs ?? 500;
  if (!Number.isInteger(listenerRetryMs) || listenerRetryMs < 10) {
    throw new ValidationError(`expected listenerRetryMs to be an integer of at least 10, got ${describeValue(listenerRetryMs)}`);
  }
  return { connectionString: o.connectionString, schema, poolSize, listenerRetryMs };
}
