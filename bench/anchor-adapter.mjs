// Taskwright adapter for the anchor benchmark harness (../shared/bench/anchors).
//
//   node ../shared/bench/anchors/run.mjs --system ./bench/anchor-adapter.mjs --scenario drain --count 100000 --concurrency 50
//
// Options (--opt key=value):
//   store=sqlite          the store driver: sqlite (default) or postgres
//   path=/tmp/...db       SQLite: the file (default /tmp/taskwright-bench/bench.db)
//   synchronous=normal    SQLite durability: normal (default: survives a process crash) or full
//   url=postgres://...    PostgreSQL: the database (default $BENCH_PG_URL or postgres://postgres@127.0.0.1:5432/bench)
//   schema=tw_pg_bench    PostgreSQL: the schema (dropped and recreated by reset)
//   poolSize=N            PostgreSQL: connections per process (default: the store's default, 10)
//   events=publish        also copy engine events into the store's event feed (what `taskwright worker` does)
//   keepCompleted=0       retention.completed 0: a completion deletes its job (no record kept), as
//                         graphile-worker always does; default: the engine's 7 days
//
// Durability: engine defaults (SQLite: WAL, synchronous=NORMAL; PostgreSQL: the server's
// synchronous_commit, on by default, for every write, claims included). onCompleted fires on the
// engine's `job:completed` event, which is emitted only after the completion has committed.
import { rmSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

const dist = new URL('../dist/', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

export default function createSystem(opts = {}) {
  const storeKind = opts.store ?? 'sqlite';
  if (storeKind !== 'sqlite' && storeKind !== 'postgres') throw new Error(`expected --opt store=sqlite or store=postgres, got ${storeKind}`);
  const postgres = storeKind === 'postgres';
  const path = opts.path ?? '/tmp/taskwright-bench/bench.db';
  const synchronous = opts.synchronous ?? 'normal';
  const url = opts.url ?? process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/bench';
  const schema = opts.schema ?? 'tw_pg_bench';
  const poolSize = opts.poolSize === undefined ? undefined : Number(opts.poolSize);
  if (opts.keepCompleted !== undefined && String(opts.keepCompleted) !== '0') throw new Error(`expected --opt keepCompleted=0 (or no keepCompleted), got ${opts.keepCompleted}`);
  const retention = String(opts.keepCompleted) === '0' ? { retention: { completed: 0 } } : {};
  let engine = null;
  let worker = null;

  const open = async () => {
    const { Taskwright } = await import(new URL('index.js', dist));
    if (postgres) {
      const { postgresStore } = await import(new URL('stores/postgres/index.js', dist));
      return new Taskwright({ store: postgresStore({ connectionString: url, schema, ...(poolSize && { poolSize }) }), ...retention });
    }
    const { sqliteStore } = await import(new URL('stores/sqlite/index.js', dist));
    return new Taskwright({ store: sqliteStore({ path, synchronous }), ...retention });
  };

  return {
    name: `${postgres ? 'taskwright-pg' : 'taskwright'}${String(opts.keepCompleted) === '0' ? '(keep 0)' : ''}`,
    version: pkg.version,
    backend: postgres ? 'postgres' : 'sqlite',
    describe: () =>
      postgres
        ? { store: storeKind, schema, poolSize: poolSize ?? 10, synchronousCommit: 'server default (on), every write', bulk: 'enqueueMany (one INSERT ... unnest)', completedRetention: String(opts.keepCompleted) === '0' ? 'none (deleted at completion)' : '7 days (default)' }
        : { store: storeKind, path, synchronous, journal: 'WAL', bulk: 'enqueueMany (one transaction)', events: opts.events ?? 'off' },

    async reset() {
      if (postgres) {
        const pg = (await import('pg')).default;
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await client.end();
      } else {
        rmSync(dirname(path), { recursive: true, force: true });
      }
      const tw = await open();
      await tw.migrate();
      await tw.close();
    },

    async connect() {
      engine = await open();
      await engine.migrate();
    },

    async enqueueOne(payload) {
      await engine.enqueue('noop', payload);
    },

    async enqueueBatch(payloads) {
      await engine.enqueueMany(payloads.map((payload) => ({ name: 'noop', payload })));
    },

    async startWorker({ concurrency, handler, onCompleted }) {
      const inflight = new Map();
      engine.register('noop', async (payload, ctx) => {
        inflight.set(ctx.job.id, payload);
        await handler(payload);
      });
      engine.on('job:completed', ({ jobId }) => {
        const payload = inflight.get(jobId);
        inflight.delete(jobId);
        onCompleted(payload);
      });
      if (opts.events === 'publish') engine.publishEvents();
      worker = engine.worker({ concurrency });
      await worker.start();
    },

    async pending() {
      const tw = await open();
      const n = await tw.store.pendingCount();
      await tw.close();
      return n;
    },

    async close() {
      if (engine) await engine.close();
      engine = worker = null;
    },
  };
}
