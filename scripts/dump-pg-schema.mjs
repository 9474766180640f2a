#!/usr/bin/env node
// Writes src/stores/postgres/schema.sql: the schema a fresh migrate creates, as pg_dump prints it
// (schema only, normalized: no version banners, no session-specific lines). The test suite
// migrates a fresh schema and compares its dump with this committed file, so a migration that
// changes the schema shows up in review as a diff of this file.
//
//   node scripts/dump-pg-schema.mjs [--check]     (needs a built dist/ and pg_dump on PATH)
//
// The server is TW_TEST_PG_URL or postgres://postgres@127.0.0.1:5432/postgres.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import { postgresStore } from '../dist/stores/postgres/index.js';

export const SCHEMA_FILE = 'src/stores/postgres/schema.sql';

/** Drops what differs between two dumps of the same schema: banners, \restrict keys, blank runs. */
export function normalizeDump(text) {
  return `${text
    .split('\n')
    .filter((line) => !/^-- Dumped (from|by)/.test(line) && !/^\\(un)?restrict /.test(line))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}

/** Migrates a fresh `taskwright` schema in a scratch database and returns its normalized dump. */
export async function dumpFreshSchema(base = process.env.TW_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres') {
  const database = `tw_pg_dump_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${database}"`);
  const url = new URL(base);
  url.pathname = `/${database}`;
  try {
    const store = postgresStore(url.toString());
    await store.migrate();
    await store.close();
    const dump = execFileSync('pg_dump', ['--schema-only', '--no-owner', '--no-privileges', '--schema=taskwright', '--dbname', url.toString()], {
      encoding: 'utf8',
    });
    return normalizeDump(dump);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.end();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dump = await dumpFreshSchema();
  if (process.argv.includes('--check')) {
    const committed = readFileSync(SCHEMA_FILE, 'utf8');
    if (committed !== dump) {
      console.error(`${SCHEMA_FILE} differs from a fresh migrate: run node scripts/dump-pg-schema.mjs`);
      process.exit(1);
    }
  } else {
    writeFileSync(SCHEMA_FILE, dump);
    console.log(`wrote ${SCHEMA_FILE}`);
  }
}
