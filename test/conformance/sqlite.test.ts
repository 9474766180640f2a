// Runs the Store conformance suite for the embedded SQLite driver: on a fresh file per test (WAL
// mode, shared with a second handle as another process would open it) and in memory.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import type { Store } from '../../dist/store/store.js';
import { sqliteStore } from '../../dist/stores/sqlite/index.js';
import { defineStoreConformance } from './store-suite.js';
import { DAY, T0, claim, completed, job, outcomeOf } from './suite/harness.js';

/** Tests the SQLite driver fails today, with the bug (see the conformance report). */
const knownBugs: Record<string, string> = {
  'a wake-up is used once: an event sent before the attempt began does not cut short its snooze (step.sleep)':
    'stores/sqlite: tw_event_waits.woken_at is never cleared once set, so every later snooze of the run becomes due at once (a hot replay loop)',
  'an id listed twice moves once: reported once, one dead -> queued transition':
    'stores/sqlite/control.ts redrive: requeues each listed id, so a duplicate is returned twice and records queued -> queued',
};

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
  test('a file store is embedded with cross-process wake-ups and can be reopened; :memory: cannot', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tw-conformance-'));
    const file = sqliteStore(join(dir, 'store.db'));
    const memory = sqliteStore(':memory:');
    try {
      assert.equal(file.driver, 'sqlite');
      assert.deepEqual(file.capabilities, { crossProcessWakeups: true, embedded: true });
      assert.deepEqual(memory.capabilities, { crossProcessWakeups: false, embedded: true });
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
});
