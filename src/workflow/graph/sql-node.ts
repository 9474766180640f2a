import { ValidationError, describeValue } from '../../core/errors.js';
import type { SqlQueryOptions, SqlQueryResult } from '../../store/store.js';
import { readPath } from './builtin-nodes.js';
import type { NodeInput } from './execute.js';

/** Anything that runs SQL the way a Store with `capabilities.sqlQuery` does (another store, a pool wrapper). */
export interface SqlConnection {
  sqlQuery?(sql: string, params: readonly unknown[] | Record<string, unknown>, options: SqlQueryOptions): Promise<SqlQueryResult>;
}

export interface SqlNodeConfig {
  query: string;
  /** dotted paths into the node's input (`parents.fetch.body.id`, `input.userId`), positional or named */
  params?: readonly string[] | Record<string, string>;
  /** default true: a statement that could write is rejected before it runs */
  readOnly?: boolean;
  maxRows?: number;
  /** another database; default: the store's own */
  connection?: SqlConnection;
}

/**
 * sql: one statement against the store's database (or `connection`), parameters mapped from the
 * node's input. Read-only by default, so a DAG cannot change data unless it says so.
 */
export function sqlNode(config: SqlNodeConfig) {
  if (typeof config?.query !== 'string' || config.query.trim() === '') throw new ValidationError(`expected an sql node query, got ${describeValue(config?.query)}`);
  if (config.maxRows !== undefined && (!Number.isInteger(config.maxRows) || config.maxRows < 1)) {
    throw new ValidationError(`expected sql node maxRows to be a positive integer, got ${describeValue(config.maxRows)}`);
  }
  if (config.connection !== undefined && typeof config.connection?.sqlQuery !== 'function') {
    throw new ValidationError(`expected sql node connection to have a sqlQuery method (a store with capabilities.sqlQuery), got ${describeValue(config.connection)}`);
  }
  const options: SqlQueryOptions = { readOnly: config.readOnly ?? true, maxRows: config.maxRows ?? 1000 };
  return async (args: NodeInput): Promise<SqlQueryResult> => {
    const params = Array.isArray(config.params)
      ? config.params.map((path) => readPath(args, path) ?? null)
      : Object.fromEntries(Object.entries(config.params ?? {}).map(([name, path]) => [name, readPath(args, path as string) ?? null]));
    if (config.connection?.sqlQuery) return config.connection.sqlQuery(config.query, params, options);
    if (!args.sql) throw new ValidationError('the sql node needs a run context or a connection');
    return args.sql(config.query, params, options);
  };
}
