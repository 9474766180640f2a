// The PostgreSQL schema: the committed dump matches a fresh migrate, concurrent migrations
// serialize, and a schema migrated by a newer breaking version is refused with a clear error.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { StoreError } from '../../dist/core/errors.js';
import { compileJobOptions } from '../../dist/core/options.js';
import { postgresStore } from '../../dist/stores/postgres/index.js';
import { MIGRATIONS } from '../../dist/stores/postgres/migrations/generated.js';
import { adminQuery, createDatabase, pgSkipReason, randomName } from '../support/postgres.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const skip = await pgSkipReason();
const db = skip === undefined ? await createDatabase('schema') : null;
after(async () => db?.drop());

describe('postgres schema', { skip }, () => {
  test('src/stores/postgres/schema.sql is the dump of a fresh migrate', () => {
    const result = spawnSync(process.execPath, ['scripts/dump-pg-schema.mjs', '--check'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(result.status, 0, `${result.stderr}${result.stdout}`);
  });

  test('eight stores migrating one fresh schema at once: one ledger, every migration applied once', async () => {
    const schema = randomName('race');
    const stores = Array.from({ length: 8 }, () => postgresStore({ connectionString: db!.url, schema }));
    try {
      const applied = await Promise.all(stores.map((s) => s.migrateAndReport()));
      const versions = applied.flat().sort((a, b) => a - b);
      assert.deepEqual(versions, MIGRATIONS.map((m) => m.version), 'each version applied by exactly one of them');
      const ledger = await adminQuery(`SELECT version, name FROM "${schema}".migrations ORDER BY version`, db!.url);
      assert.deepEqual(ledger.rows.map((r) => [r.version, r.name]), MIGRATIONS.map((m) => [m.version, m.name]));
      const [created] = await stores[3]!.enqueue([compileJobOptions('after-race', {}, {}, 1)], 1);
      assert.equal((await stores[5]!.getJob(created!.id))?.name, 'after-race');
    } finally {
      await Promise.all(stores.map((s) => s.close()));
      await adminQuery(`DROP SCHEMA "${schema}" CASCADE`, db!.url);
    }
  });

  test('a schema with a newer breaking migration is refused; a newer compatible one is accepted', async () => {
    const schema = randomName('newer');
    const store = postgresStore({ connectionString: db!.url, schema });
    try {
      await store.migrate();
      const known = Math.max(...MIGRATIONS.map((m) => m.version));
      await adminQuery(`INSERT INTO "${schema}".migrations (version, name, breaking) VALUES (${known + 1}, 'added_index', false)`, db!.url);
      const compatible = postgresStore({ connectionString: db!.url, schema });
      await compatible.migrate(); // a newer, non-breaking version: this one can still run
      await compatible.close();

      await adminQuery(`INSERT INTO "${schema}".migrations (version, name, breaking) VALUES (${known + 2}, 'split_jobs', true)`, db!.url);
      const older = postgresStore({ connectionString: db!.url, schema });
      await assert.rejects(older.migrate(), (error: unknown) => {
        assert.ok(error instanceof StoreError, String(error));
        assert.match(
          (error as Error).message,
          new RegExp(`^schema "${schema}" was migrated by a newer Taskwright to version ${known + 2} with a breaking change \\(migration ${known + 2} split_jobs\\); this version knows up to ${known}\\. Upgrade Taskwright\\.$`),
        );
        return true;
      });
      await older.close();
      const ledger = await adminQuery(`SELECT count(*)::int AS n FROM "${schema}".migrations`, db!.url);
      assert.equal(ledger.rows[0].n, MIGRATIONS.length + 2, 'the refused migrate changed nothing');
    } finally {
      await store.close();
      await adminQuery(`DROP SCHEMA "${schema}" CASCADE`, db!.url);
    }
  });

  test('bad options are rejected with the value and what was expected, before anything connects', () => {
    assert.throws(() => postgresStore({ connectionString: 'mysql://x' }), /expected connectionString to be a postgres:\/\/ or postgresql:\/\/ URL, got "mysql:\/\/x"/);
    assert.throws(() => postgresStore({ connectionString: db!.url, schema: 'Robert"; DROP' }), /expected schema to be a lowercase identifier .*got "Robert\\"; DROP"/);
    assert.throws(() => postgresStore({ connectionString: db!.url, schema: 'pg_jobs' }), /expected schema not to start with pg_ \(reserved by PostgreSQL\), got "pg_jobs"/);
    assert.throws(() => postgresStore({ connectionString: db!.url, poolSize: 0 }), /expected poolSize to be an integer from 1 to 1000, got 0/);
  });
});
