import pg from 'pg';
import type { CompiledPostgresOptions } from './options.js';

/** What a query needs: the pool, a pooled client, or a caller's own client inside its transaction. */
export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(config: pg.QueryConfig | string): Promise<pg.QueryResult<R>>;
}

const INT8 = 20;
/** connections of the hot-path pool: a worker keeps one claim and a few outcome batches in flight */
const HOT_POOL_SIZE = 5;

/**
 * Type parsing for this store's connections only (never the process-wide pg defaults, which the
 * application may rely on): bigint columns hold epoch milliseconds and ids, both well inside
 * Number's exact range, so they come back as numbers instead of strings.
 */
export const storeTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8 && format !== 'binary') return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/**
 * Settings of the hot-path pool's sessions. `hotPath`: a small pool that runs only the claim and the
 * outcome (settle) statements, always with their generic plans (plan_cache_mode): each is one
 * large statement whose planning took about as long as the rest of its work (0.8 ms of 2.9 ms for
 * a claim of 100 jobs; 0.7 ms of 1 ms for an outcome of one job). A generic plan is made once,
 * perhaps while the table is nearly empty, when reading the whole table looks cheapest; such a
 * plan kept while the table grows read every job on every claim (start latency at 500 jobs/s went
 * from 1.8 to 5.3 ms). So these sessions also rule out sequential scans: every read of both
 * statements has an index made for it. They commit like everything else (the server's
 * synchronous_commit).
 */
export const HOT_PATH_SESSION: Readonly<Record<string, string>> = { plan_cache_mode: 'force_generic_plan', enable_seqscan: 'off' };

export function createPool(options: CompiledPostgresOptions, hotPath = false): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: hotPath ? HOT_POOL_SIZE : options.poolSize,
    types: storeTypes,
    application_name: hotPath ? 'taskwright-hot-path' : 'taskwright',
    ...(hotPath && { options: Object.entries(HOT_PATH_SESSION).map(([name, value]) => `-c ${name}=${value}`).join(' ') }),
  });
  // An idle connection dropped by the server (restart, failover) must not crash the process; the
  // pool discards it and the next query opens a new one.
  pool.on('error', () => undefined);
  return pool;
}

/** Runs `body` inside BEGIN/COMMIT on one pooled client; rolls back on error. */
export async function inTransaction<T>(pool: pg.Pool, body: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // a connection that drops between two statements emits 'error' on the checked-out client (the
  // pool only listens while it is idle); the next statement fails with it instead of a crash
  const ignore = (): void => undefined;
  client.on('error', ignore);
  let broken = false;
  try {
    await client.query('BEGIN');
    const result = await body(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch {
      broken = true; // the connection itself failed: do not return it to the pool
    }
    throw error;
  } finally {
    client.off('error', ignore);
    client.release(broken);
  }
}
