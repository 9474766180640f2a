// Taskwright adapter for the anchor benchmark harness (../shared/bench/anchors).
//
//   node ../shared/bench/anchors/run.mjs --system ./bench/anchor-adapter.mjs --scenario drain --count 100000 --concurrency 50
//
// Options (--opt key=value):
//   store=sqlite          the store driver (only sqlite for now)
//   path=/tmp/...db       the SQLite file (default /tmp/taskwright-bench/bench.db)
//   synchronous=normal    SQLite durability: normal (default: survives a process crash) or full
//
// Durability: engine defaults (WAL, synchronous=NORMAL). onCompleted fires on the engine's
// `job:completed` event, which is emitted only after the completion transaction has committed.
import { rmSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

const dist = new URL('../dist/', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

export default function createSystem(opts = {}) {
  const storeKind = opts.store ?? 'sqlite';
  if (storeKind !== 'sqlite') throw new Error(`expected --opt store=sqlite, got ${storeKind}`);
  const path = opts.path ?? '/tmp/taskwright-bench/bench.db';
  const synchronous = opts.synchronous ?? 'normal';
  let engine = null;
  let worker = null;

  const open = async () => {
    const { Taskwright } = await import(new URL('index.js', dist));
    const { sqliteStore } = await import(new URL('stores/sqlite/index.js', dist));
    return new Taskwright({ store: sqliteStore({ path, synchronous }) });
  };

  return {
    name: 'taskwright',
    version: pkg.version,
    backend: `sqlite`,
    describe: () => ({ store: storeKind, path, synchronous, journal: 'WAL', bulk: 'enqueueMany (one transaction)' }),

    async reset() {
      rmSync(dirname(path), { recursive: true, force: true });
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
