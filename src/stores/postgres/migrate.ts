import type pg from 'pg';
import { StoreError } from '../../core/errors.js';
import { inTransaction } from './connection.js';
import { MIGRATIONS, type Migration } from './migrations/generated.js';
import type { SchemaNames } from './sql.js';

/**
 * Creates or upgrades the schema in one transaction under a transaction-scoped advisory lock keyed
 * by the schema name, so processes migrating at once serialize and the later ones find nothing
 * to do. The ledger records each applied version and whether it was breaking: a database that a
 * newer Taskwright migrated with a breaking change is refused with an error that says so; newer
 * compatible migrations (an added index, an added nullable column) are accepted as they are.
 * Returns the versions applied by this call.
 */
export async function migrateSchema(pool: pg.Pool, t: SchemaNames, now: number, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  // The common case, every process starting on a current schema, costs one read and no lock.
  if (await isCurrent(pool, t, migrations)) return [];
  return inTransaction(pool, async (client) => {
    await client.query({ text: 'SELECT pg_advisory_xact_lock(hashtext($1))', values: [`taskwright:migrate:${t.schema}`] });
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${t.schema}"`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${t.migrations} (
      version integer PRIMARY KEY, name text NOT NULL, breaking boolean NOT NULL DEFAULT false, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = (await client.query<{ version: number; name: string; breaking: boolean }>(`SELECT version, name, breaking FROM ${t.migrations}`)).rows;
    const known = Math.max(0, ...migrations.map((m) => m.version));
    const newerBreaking = done.filter((row) => row.version > known && row.breaking);
    if (newerBreaking.length) {
      const first = newerBreaking.sort((a, b) => a.version - b.version)[0]!;
      throw new StoreError(
        `schema "${t.schema}" was migrated by a newer Taskwright to version ${Math.max(...done.map((r) => r.version))} with a breaking change (migration ${first.version} ${first.name}); this version knows up to ${known}. Upgrade Taskwright.`,
        { schema: t.schema, known, breakingVersion: first.version },
      );
    }
    const applied = new Set(done.map((row) => row.version));
    const versions: number[] = [];
    await client.query(`SET LOCAL search_path TO "${t.schema}"`);
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      await client.query(migration.sql);
      await client.query({
        text: `INSERT INTO ${t.migrations} (version, name, breaking, applied_at) VALUES ($1, $2, $3, to_timestamp($4::float8 / 1000))`,
        values: [migration.version, migration.name, migration.breaking === true, now],
      });
      versions.push(migration.version);
    }
    return versions;
  });
}

/** True when the ledger lists exactly the known migrations (a missing schema or ledger is not current). */
async function isCurrent(pool: pg.Pool, t: SchemaNames, migrations: readonly Migration[]): Promise<boolean> {
  const exists = await pool.query<{ ledger: string | null }>({ text: 'SELECT to_regclass($1) AS ledger', values: [t.migrations] });
  if (exists.rows[0]?.ledger === null) return false;
  const { rows } = await pool.query<{ version: number }>(`SELECT version FROM ${t.migrations} ORDER BY version`);
  return rows.length === migrations.length && rows.every((row, i) => row.version === migrations[i]?.version);
}
