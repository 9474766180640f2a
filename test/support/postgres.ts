// PostgreSQL for the tests: where the server is (TW_TEST_PG_URL, default the local trust-auth
// cluster), whether it is reachable, and scratch databases and schemas named tw_pg_* (this
// branch's prefix) that are dropped afterwards. When the server cannot be reached the PostgreSQL
// tests FAIL under CI=true and are reported as skipped, with the reason, everywhere else.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const PG_URL = process.env.TW_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A URL for another database on the same server. */
export function databaseUrl(database: string, base = PG_URL): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

export const randomName = (label: string): string => `tw_pg_${label}_${randomBytes(4).toString('hex')}`;

let reachability: Promise<string | null> | null = null;

/** null when the server answers, else why not. */
export function pgUnavailable(): Promise<string | null> {
  reachability ??= (async () => {
    const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return null;
    } catch (error) {
      return `PostgreSQL unreachable at ${PG_URL}: ${(error as Error).message}`;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return reachability;
}

/**
 * The skip reason for a PostgreSQL test, or undefined to run it. Under CI=true an unreachable
 * server is an error instead (thrown, so the test file fails).
 */
export async function pgSkipReason(): Promise<string | undefined> {
  const reason = await pgUnavailable();
  if (reason === null) return undefined;
  if (process.env.CI === 'true') throw new Error(`${reason} (CI=true: PostgreSQL tests must run)`);
  return reason;
}

/** Runs one statement on the server's maintenance database (or `url`). */
export async function adminQuery(sql: string, url = PG_URL): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Creates a fresh database; returns its URL and a function that drops it (closing stray connections). */
export async function createDatabase(label: string): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const name = randomName(label);
  await adminQuery(`CREATE DATABASE "${name}"`);
  return { name, url: databaseUrl(name), drop: () => adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).then(() => undefined) };
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  await adminQuery(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`, url);
}
