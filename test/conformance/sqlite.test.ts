// Runs the Store conformance suite for the embedded SQLite driver: on a fresh file per test (WAL
// mode, shared with a second handle as another process would open it) and in memory.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import type { Store } from '../../dist/store/store.js';
import { sqliteStore } from '../../dist/stores/sqlite/index.js';
import { compileSchedule } from '../../dist/core/schedule.js';
import { firstDueTime } from '../../dist/core/schedule-plan.js';
import { MIGRATIONS } from '../../dist/stores/sqlite/migrations/generated.js';
import { defineStoreConformance } from './store-suite.js';
import { DAY, T0, claim, completed, job, outcomeOf } from './suite/harness.js';

/** Tests the SQLite driver fails today, with the bug (see the conformance report). */
const knownBugs: Record<string, string> = {};

const dirs = new Map<Store, string>();
const paths = new Map<Store, string>();

defineStoreConformance(
  'sqlite (file)',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tw-conformance-'));
    const path = join(dir, 'store.db');
    const store = sqliteStore(path);
    dirs.set(store, dir);
    paths.set(store, path);
    return store;
  },
  (store) => {
    const dir = dirs.get(store);
    dirs.delete(store);
    paths.delete(store);
    if (dir) rmSync(dir, { recursive: true, force: true });
  },
  {
    openSecond: async (store) => {
      const path = paths.get(store);
      assert.ok(path, 'openSecond on a store this runner did not create');
      return sqliteStore(path);
    },
    knownBugs,
  },
);

defineStoreConformance('sqlite (:memory:)', async () => sqliteStore(':memory:'), undefined, { knownBugs });

describe('sqlite specifics', () => {
  test('the plain claim reads the queued partial index in order (no sort, no scan), with flow control in place', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tw-conformance-'));
    const path = join(dir, 'store.db');
    const store = sqliteStore(path);
    try {
      await store.migrate();
      const raw = new Database(path, { readonly: true });
      try {
        const plan = raw
          .prepare(`EXPLAIN QUERY PLAN SELECT id FROM tw_jobs WHERE state = 'queued' AND queue IN ('default') AND required_tags IS NULL ORDER BY order_key, id LIMIT 50`)
          .all()
          .map((row) => (row as { detail: string }).detail);
        assert.deepEqual(plan, ['SEARCH tw_jobs USING INDEX tw_jobs_queued (queue=?)']);
      } finally {
        raw.close();
      }
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a file store is embedded with cross-process wake-ups and can be reopened; :memory: cannot', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tw-conformance-'));
    const file = sqliteStore(join(dir, 'store.db'));
    const memory = sqliteStore(':memory:');
    try {
      assert.equal(file.driver, 'sqlite');
      assert.deepEqual(file.capabilities, { crossProcessWakeups: true, embedded: true, sqlQuery: true, schedules: true, flowControl: true, workerRegistry: true, eventFeed: true, triggers: true });
      assert.deepEqual(memory.capabilities, { crossProcessWakeups: false, embedded: true, sqlQuery: true, schedules: true, flowControl: true, workerRegistry: true, eventFeed: true, triggers: true });
      assert.equal(file.reopenSpec()?.exportName, 'sqliteStore');
      assert.equal(memory.reopenSpec(), null);
    } finally {
      await file.close();
      await memory.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // What the contract cannot show (a pruned job is simply gone, and an expired key already stops
  // deduplicating): the rows themselves are deleted and the keys released.
  test('prune deletes the job\'s log and step rows and releases expired idempotency keys', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tw-conformance-'));
    const path = join(dir, 'store.db');
    const store = sqliteStore(path);
    try {
      await store.migrate();
      const [old, keyed] = await store.enqueue([job('old'), job('keyed', { idempotencyKey: 'k', idempotencyTtl: DAY })], T0);
      const { jobs } = await claim(store, { limit: 2 });
      const oldJob = jobs.find((j) => j.id === old!.id)!;
      await store.appendLogs([{ jobId: old!.id, attempt: 1, at: T0, level: 'info', message: 'x' }]);
      await store.saveStep(old!.id, 'w1', 1, { stepId: 's', seq: 0, status: 'completed', outputJson: '1', error: null, attempts: 1, startedAt: T0, finishedAt: T0, usage: null });
      await store.settle([outcomeOf(oldJob, completed())], T0);
      const now = T0 + 8 * DAY;
      assert.equal((await store.prune({ now, completedBefore: now - 7 * DAY, failedBefore: now - 30 * DAY, idempotencyBefore: now, limit: 100 })).jobs, 1);
      const raw = new Database(path, { readonly: true });
      try {
        const count = (sql: string, ...args: unknown[]) => (raw.prepare(sql).pluck().get(...args) as number);
        assert.equal(count('SELECT count(*) FROM tw_jobs WHERE id = ?', Number(old!.id)), 0);
        assert.equal(count('SELECT count(*) FROM tw_job_logs WHERE job_id = ?', Number(old!.id)), 0, 'logs deleted');
        assert.equal(count('SELECT count(*) FROM tw_steps WHERE job_id = ?', Number(old!.id)), 0, 'steps deleted');
        assert.equal(count('SELECT count(*) FROM tw_jobs WHERE idempotency_key IS NOT NULL'), 0, 'the expired key is released');
        assert.equal(count('SELECT count(*) FROM tw_jobs WHERE id = ?', Number(keyed!.id)), 1, 'the running keyed job stays');
      } finally {
        raw.close();
      }
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a schedule keeps its latest 1000 history entries', async () => {
    const store = sqliteStore(':memory:');
    try {
      await store.migrate();
      const definition = compileSchedule('fast', { every: '1s', start: T0 + 1000, job: 'tick', overlap: 'allow' }, T0);
      await store.saveSchedule({ definition, input: {}, paused: false, nextFireAt: firstDueTime(definition, T0), resetRuns: true }, T0);
      for (let s = 1; s <= 1010; s++) await store.claimDueSchedules(T0 + s * 1000, 10);
      const fires = await store.listScheduleFires('fast', 5000);
      assert.equal(fires.length, 1000);
      assert.equal(fires[0]?.dueAt, T0 + 1010 * 1000, 'the newest are kept');
      assert.equal((await store.getSchedule('fast'))?.runCount, 1010);
    } finally {
      await store.close();
    }
  });

  // Databases written before checkpoints joined the journal: the upgrade moves each checkpoint
  // into its job's journal, so a job waiting to resume still gets it.
  test('migration 009 moves stored checkpoints (JSON and gzip) into the journal and drops the old columns', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tw-conformance-'));
    const path = join(dir, 'store.db');
    try {
      const old = new Database(path);
      old.exec('CREATE TABLE tw_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
      for (const m of MIGRATIONS.filter((m) => m.version < 9)) {
        old.exec(m.sql);
        old.prepare('INSERT INTO tw_migrations VALUES (?, ?, ?)').run(m.version, m.name, T0);
      }
      const insert = old.prepare(`INSERT INTO tw_jobs (queue, name, payload, state, run_at, attempt, max_attempts, backoff, created_at, history, updated_at,
        checkpoint_token, checkpoint_data, checkpoint_encoding) VALUES ('default', ?, 'null', 'queued', ?, 1, 3, '{}', ?, '', ?, ?, ?, ?)`);
      const gz = gzipSync(Buffer.from(JSON.stringify({ big: 'y'.repeat(100) })));
      insert.run('json-cp', T0, T0, T0, 'step-2', Buffer.from('{"step":2}'), 'json');
      insert.run('gzip-cp', T0, T0, T0, 'step-9', gz, 'gzip');
      insert.run('plain', T0, T0, T0, null, null, null);
      old.close();

      const store = sqliteStore(path);
      try {
        await store.migrate();
        assert.deepEqual(await store.checkpointStats(), { count: 2, totalBytes: 10 + gz.byteLength });
        const { jobs } = await claim(store, { limit: 3 });
        const byJob = new Map(jobs.map((j) => [j.name, j.checkpoint]));
        assert.equal(byJob.get('json-cp')?.token, 'step-2');
        assert.equal(byJob.get('json-cp')?.encoding, 'json');
        assert.equal(Buffer.from(byJob.get('json-cp')!.data).toString('utf8'), '{"step":2}');
        assert.equal(byJob.get('gzip-cp')?.encoding, 'gzip');
        assert.deepEqual([...byJob.get('gzip-cp')!.data], [...gz]);
        assert.equal(byJob.get('plain'), null);
        const columns = (await store.sqlQuery!("SELECT name FROM pragma_table_info('tw_jobs') WHERE name LIKE 'checkpoint%'", [], { readOnly: true, maxRows: 10 })).rows;
        assert.deepEqual(columns, [{ name: 'checkpointed' }]);
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
