// Schema setup, enqueue (single, bulk, delayed) and idempotency keys.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { DAY, SECOND, T0, claim, claimOne, completed, job, outcomeOf, storeTest, type Body, type SuiteContext } from './harness.js';

export function enqueueTests(ctx: SuiteContext): void {
  const it = (name: string, body: Body) => storeTest(ctx, name, body);

  describe('migrate', () => {
    it('migrating again is a no-op: the schema stays and stored jobs are kept', async (store, { openSecond }) => {
      const [first] = await store.enqueue([job('kept', {}, { v: 1 })], T0);
      await store.migrate();
      await store.migrate();
      const kept = await store.getJob(first!.id);
      assert.equal(kept?.name, 'kept');
      assert.deepEqual(kept?.payload, { v: 1 });
      assert.equal(await store.pendingCount(), 1);
      const [second] = await store.enqueue([job('after')], T0);
      assert.notEqual(second!.id, first!.id);
      if (openSecond) {
        // another process migrating the same data finds nothing to do and sees the same jobs
        const other = await openSecond();
        assert.equal((await other.getJob(first!.id))?.name, 'kept');
        assert.equal(await other.pendingCount(), 2);
      }
    });
  });

  describe('enqueue', () => {
    it('returns one result per job, in input order, with string ids, queued or scheduled by runAt', async (store) => {
      const input = [
        job('a', {}, { i: 0 }),
        job('b', { delay: 5 * SECOND }, { i: 1 }),
        job('c', { runAt: T0 }, { i: 2 }),
        job('d', { runAt: T0 - 60 * SECOND }, { i: 3 }),
        job('e', { runAt: T0 + 1 }, { i: 4 }),
      ];
      const results = await store.enqueue(input, T0);
      assert.equal(results.length, 5);
      assert.deepEqual(results.map((r) => r.state), ['queued', 'scheduled', 'queued', 'queued', 'scheduled']);
      assert.deepEqual(results.map((r) => r.deduplicated), [false, false, false, false, false]);
      for (const r of results) assert.equal(typeof r.id, 'string');
      assert.equal(new Set(results.map((r) => r.id)).size, 5, 'ids are distinct');
      for (const [i, r] of results.entries()) {
        const stored = await store.getJob(r.id);
        assert.equal(stored?.id, r.id);
        assert.equal(stored?.name, input[i]!.name, `result ${i} belongs to input ${i}`);
        assert.deepEqual(stored?.payload, { i });
        assert.equal(stored?.state, r.state);
        assert.equal(stored?.attempt, 0);
        assert.equal(stored?.createdAt, T0);
      }
      assert.equal((await store.getJob(results[1]!.id))?.runAt, T0 + 5 * SECOND);
      assert.equal(await store.pendingCount(), 5);
    });

    it('stores every option of the compiled job', async (store) => {
      const [r] = await store.enqueue(
        [job('full', { queue: 'mail', priority: 7, attempts: 5, timeout: '2s', tags: ['x', 'y'], deadLetter: false, backoff: { base: 250, max: 9000, multiplier: 3, jitter: 0 } }, { deep: { list: [1, 'two', null] } })],
        T0,
      );
      const stored = await store.getJob(r!.id);
      assert.ok(stored);
      assert.equal(stored.queue, 'mail');
      assert.equal(stored.priority, 7);
      assert.equal(stored.maxAttempts, 5);
      assert.equal(stored.timeoutMs, 2000);
      assert.deepEqual(stored.tags, ['x', 'y']);
      assert.equal(stored.deadLetter, false);
      assert.deepEqual(stored.backoff, { baseMs: 250, maxMs: 9000, multiplier: 3, jitter: 0 });
      assert.deepEqual(stored.payload, { deep: { list: [1, 'two', null] } });
      assert.equal(stored.workerId, null);
      assert.equal(stored.leaseExpiresAt, null);
      assert.equal(stored.startedAt, null);
      assert.equal(stored.finishedAt, null);
      assert.equal(stored.error, null);
      assert.equal(stored.cancelRequested, false);
      assert.equal(stored.checkpointToken, null);
    });

    it('bulk: 5,000 jobs in one call, in order, all claimable', async (store) => {
      const results = await store.enqueue(Array.from({ length: 5000 }, (_, i) => job('bulk', {}, { i })), T0);
      assert.equal(results.length, 5000);
      assert.equal(new Set(results.map((r) => r.id)).size, 5000);
      assert.ok(results.every((r) => typeof r.id === 'string' && r.state === 'queued' && !r.deduplicated));
      assert.equal(await store.pendingCount(), 5000);
      for (const i of [0, 1, 2499, 4998, 4999]) assert.deepEqual((await store.getJob(results[i]!.id))?.payload, { i });
      const { jobs } = await claim(store, { limit: 5000 });
      assert.equal(jobs.length, 5000);
      assert.deepEqual(jobs.map((j) => j.id), results.map((r) => r.id), 'claimed FIFO, in enqueue order');
    });

    it('an empty batch is accepted and creates nothing', async (store) => {
      assert.deepEqual(await store.enqueue([], T0), []);
      assert.equal(await store.pendingCount(), 0);
    });
  });

  describe('idempotency keys', () => {
    const keyed = (key: string, ttlMs: number, name = 'once') => job(name, { idempotencyKey: key, idempotencyTtl: ttlMs });

    it('the same key within the TTL returns the existing job: no new row', async (store) => {
      const [first] = await store.enqueue([keyed('k', 10 * SECOND)], T0);
      assert.equal(first!.deduplicated, false);
      assert.equal((await store.getJob(first!.id))?.idempotencyKey, 'k');
      const [again] = await store.enqueue([keyed('k', 10 * SECOND, 'other-name')], T0 + 9 * SECOND);
      assert.equal(again!.id, first!.id);
      assert.equal(again!.deduplicated, true);
      assert.equal(again!.state, 'queued');
      assert.equal(await store.pendingCount(), 1);
      assert.equal((await store.listJobs({})).length, 1);
      assert.equal((await store.getJob(first!.id))?.name, 'once', 'the existing job is unchanged');
    });

    it('dedupes against the job whatever its state, and reports that state', async (store) => {
      const [first] = await store.enqueue([keyed('k', DAY)], T0);
      const claimed = await claimOne(store);
      const [whileRunning] = await store.enqueue([keyed('k', DAY)], T0 + 1);
      assert.deepEqual(whileRunning, { id: first!.id, state: 'running', deduplicated: true });
      await store.settle([outcomeOf(claimed, completed())], T0 + 2);
      const [afterDone] = await store.enqueue([keyed('k', DAY)], T0 + 3);
      assert.deepEqual(afterDone, { id: first!.id, state: 'completed', deduplicated: true });
      assert.equal(await store.pendingCount(), 0);
    });

    it('after the TTL the key is free: a new job is created', async (store) => {
      const [first] = await store.enqueue([keyed('k', 10 * SECOND)], T0);
      const [later] = await store.enqueue([keyed('k', 10 * SECOND)], T0 + 10 * SECOND + 1);
      assert.notEqual(later!.id, first!.id);
      assert.equal(later!.deduplicated, false);
      assert.equal(later!.state, 'queued');
      assert.equal(await store.pendingCount(), 2);
      assert.equal((await store.getJob(later!.id))?.idempotencyKey, 'k');
      // the new job now holds the key for its own TTL
      const [third] = await store.enqueue([keyed('k', 10 * SECOND)], T0 + 15 * SECOND);
      assert.equal(third!.id, later!.id);
      assert.equal(third!.deduplicated, true);
    });

    it('dedupes within one bulk call, and keys are independent of each other', async (store) => {
      const results = await store.enqueue([keyed('a', DAY), keyed('b', DAY), job('plain'), keyed('a', DAY), job('plain'), keyed('b', DAY)], T0);
      const ids = results.map((r) => r.id);
      assert.equal(ids[3], ids[0]);
      assert.equal(ids[5], ids[1]);
      assert.notEqual(ids[0], ids[1]);
      assert.notEqual(ids[2], ids[4], 'jobs without a key are never deduplicated');
      assert.deepEqual(results.map((r) => r.deduplicated), [false, false, false, true, false, true]);
      assert.equal(await store.pendingCount(), 4);
    });
  });
}
