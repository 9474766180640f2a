import type { StoreHealth } from '../../store/types.js';
import type { Queryable } from './connection.js';
import { MIGRATIONS, type Migration } from './migrations/generated.js';
import type { SchemaNames } from './sql.js';

/**
 * Proves the database answers and counts the known migrations its ledger lacks (every one when
 * the schema or its ledger does not exist). Reads only: a schema behind this version is reported,
 * never upgraded, so a readiness probe cannot start a migration.
 */
export async function checkHealth(db: Queryable, t: SchemaNames, migrations: readonly Migration[] = MIGRATIONS): Promise<StoreHealth> {
  const { rows } = await db.query<{ ledger: string | null }>({ text: 'SELECT to_regclass($1) AS ledger', values: [t.migrations] });
  if ((rows[0]?.ledger ?? null) === null) return { pendingMigrations: migrations.length };
  const done = new Set((await db.query<{ version: number }>(`SELECT version FROM ${t.migrations}`)).rows.map((r) => r.version));
  return { pendingMigrations: migrations.filter((m) => !done.has(m.version)).length };
}
