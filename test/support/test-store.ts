// Which store the engine tests run on: SQLite by default, PostgreSQL when TW_TEST_STORE=postgres,
// Redis when TW_TEST_STORE=redis (scripts/run-tests.mjs runs the engine groups once for each).
// Each test gets a fresh store: a new SQLite file in a temp directory, a new schema
// tw_pg_<label>_<random> on the test server, or a new key prefix tw-test-<label>-<random> on the
// test Redis, removed when the file's tests end. A spec is plain data, so worker processes and
// the CLI (`url`) open the very same store.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '../../dist/store/store.js';
import { postgresStore } from '../../dist/stores/postgres/index.js';
import { sqliteStore } from '../../dist/stores/sqlite/index.js';
import { redisStore } from '../../dist/stores/redis/index.js';
import { PG_URL, dropSchema, randomName } from './postgres.js';
import { REDIS_URL, dropPrefix, randomPrefix } from './redis.js';

export type StoreSpec =
  | { driver: 'sqlite'; path: string; url: string }
  | { driver: 'postgres'; connectionString: string; schema: string; url: string }
  | { driver: 'redis'; redisUrl: string; prefix: string; url: string };

export type TestDriver = StoreSpec['driver'];

const chosen = process.env.TW_TEST_STORE;
export const TEST_STORE: TestDriver = chosen === 'postgres' || chosen === 'redis' ? chosen : 'sqlite';

export function openSpec(spec: StoreSpec): Store {
  if (spec.driver === 'postgres') return postgresStore({ connectionString: spec.connectionString, schema: spec.schema });
  if (spec.driver === 'redis') return redisStore({ url: spec.redisUrl, prefix: spec.prefix });
  return sqliteStore(spec.path);
}

/** Fresh stores for one test file, all removed by `cleanup()`. */
export class StorePlace {
  readonly dir: string;
  private readonly specs: StoreSpec[] = [];
  private readonly opened: Store[] = [];
  private n = 0;

  constructor(
    private readonly label: string,
    private readonly driver: TestDriver = TEST_STORE,
    private readonly pgUrl: string = PG_URL,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), `tw-${label}-`));
  }

  /** A new, empty store location (nothing is created until a store migrates it). */
  fresh(): StoreSpec {
    const n = ++this.n;
    let spec: StoreSpec;
    if (this.driver === 'postgres') {
      const schema = randomName(this.label.replace(/\W/g, '_').toLowerCase().slice(0, 20));
      const sep = this.pgUrl.includes('?') ? '&' : '?';
      spec = { driver: 'postgres', connectionString: this.pgUrl, schema, url: `${this.pgUrl}${sep}schema=${schema}` };
    } else if (this.driver === 'redis') {
      const prefix = randomPrefix(this.label.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 20));
      spec = { driver: 'redis', redisUrl: REDIS_URL, prefix, url: `${REDIS_URL}?prefix=${prefix}` };
    } else {
      const path = join(this.dir, `${this.label}-${n}.db`);
      spec = { driver: 'sqlite', path, url: `sqlite:${path}` };
    }
    this.specs.push(spec);
    return spec;
  }

  /** A store on a fresh location (closed by `cleanup()` if the test did not close it). */
  store(): Store {
    return this.open(this.fresh());
  }

  /** Another store on `spec`, as another process would open it (closed by `cleanup()` too). */
  open(spec: StoreSpec): Store {
    const store = openSpec(spec);
    this.opened.push(store);
    return store;
  }

  async cleanup(): Promise<void> {
    // a failed test may have left its store open; a pool would keep the test process alive
    for (const store of this.opened) await store.close().catch(() => undefined);
    for (const spec of this.specs) {
      if (spec.driver === 'postgres') await dropSchema(spec.connectionString, spec.schema).catch(() => undefined);
      if (spec.driver === 'redis') await dropPrefix(spec.prefix, spec.redisUrl).catch(() => undefined);
    }
    if (!process.env.TW_KEEP_TMP) rmSync(this.dir, { recursive: true, force: true });
  }
}
