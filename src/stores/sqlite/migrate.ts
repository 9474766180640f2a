import { StoreError } from '../../core/errors.js';
import type { SqliteDatabase } from './connection.js';
import { MIGRATIONS } from './migrations/generated.js';

/**
 * Applies pending migrations inside one IMMEDIATE transaction, so concurrent migrators serialize
 * and the second one finds nothing to do. Refuses a database migrated by a newer Taskwright.
 */
export function migrateDatabase(db: SqliteDatabase, now: number): number[] {
  db.exec('CREATE TABLE IF NOT EXISTS tw_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  const applyAll = db.transaction(() => {
    const rows = db.prepare('SELECT version FROM tw_migrations').all() as { version: number }[];
    const done = new Set(rows.map((r) => r.version));
    const newest = Math.max(0, ...done);
    const known = Math.max(0, ...MIGRATIONS.map((m) => m.version));
    if (newest > known) {
      throw new StoreError(
        `the database was migrated to schema version ${newest} by a newer Taskwright; this version knows up to ${known}. Upgrade Taskwright.`,
      );
    }
    const applied: number[] = [];
    const record = db.prepare('INSERT INTO tw_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const migration of MIGRATIONS) {
      if (done.has(migration.version)) continue;
      db.exec(migration.sql);
      record.run(migration.version, migration.name, now);
      applied.push(migration.version);
    }
    return applied;
  });
  return applyAll.immediate();
}

export function pendingMigrations(db: SqliteDatabase): number {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'tw_migrations'").get();
  if (!exists) return MIGRATIONS.length;
  const rows = db.prepare('SELECT version FROM tw_migrations').all() as { version: number }[];
  const done = new Set(rows.map((r) => r.version));
  return MIGRATIONS.filter((m) => !done.has(m.version)).length;
}
