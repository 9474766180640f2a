// prune: retention of finished jobs (with their logs and history) and expiry of idempotency keys.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { Store } from '../../../dist/store/store.js';
import { DAY, T0, byName, claim, completed, job, jobError, outcomeOf, stateOf, storeTest, type Body, type SuiteContext } from './harness.js';

const prune = (store: Store, now: number, o: { completed?: number; failed?: number; keys?: number; limit?: number } = {}) =>
  store.prune({
    now,
    completedBefore: o.completed ?? now - 7 * DAY,
    failedBefore: o.failed ?? now - 30 * DAY,
    idempotencyBefore: o.keys ?? now,
    limit: o.limit ?? 1000,
  });

export function pruneTests(ctx: SuiteContext): void {
  const it = (name: string, body: Body) => storeTest(ctx, name, body);

  describe('prune', () => {
    it('removes completed jobs finished before the cutoff, with their logs and history; keeps the rest', async (store) => {
      await store.enqueue([job('old'), job('dead'), job('failed', { deadLetter: false }), job('new'), job('waiting', { delay: 60 * DAY }), job('queued')], T0);
      const { jobs } = await claim(store, { limit: 4 });
      const id = (name: string) => byName(jobs, name).id;
      await store.appendLogs([
        { jobId: id('old'), attempt: 1, at: T0, level: 'info', message: 'bye' },
        { jobId: id('new'), attempt: 1, at: T0, level: 'info', message: 'stay' },
      ]);
      await store.settle(
        [
          outcomeOf(byName(jobs, 'old'), completed()),
          outcomeOf(byName(jobs, 'dead'), { type: 'dead', error: jobError('x') }),
          outcomeOf(byName(jobs, 'failed'), { type: 'failed', error: jobError('y') }),
        ],
        T0 + 1,
      );
      await store.settle([outcomeOf(byName(jobs, 'new'), completed())], T0 + 5 * DAY);
      const now = T0 + 8 * DAY;
      const pruned = await prune(store, now);
      assert.equal(pruned.jobs, 1);
      assert.equal(await store.getJob(id('old')), null);
      assert.equal(await store.getJobDetails(id('old')), null, 'its logs and transitions are gone with it');
      assert.equal(await stateOf(store, id('dead')), 'dead', 'failures are kept until failedBefore');
      assert.equal(await stateOf(store, id('failed')), 'failed');
      assert.equal(await stateOf(store, id('new')), 'completed', 'finished after the cutoff');
      const kept = await store.getJobDetails(id('new'));
      assert.deepEqual(kept?.logs.map((l) => l.message), ['stay']);
      assert.equal(kept?.transitions.length, 3);
      assert.equal(await store.pendingCount(), 2, 'unfinished jobs are never pruned');
      assert.deepEqual((await store.listJobs({})).length, 5);
      assert.deepEqual(await prune(store, now), { jobs: 0 }, 'pruning again removes nothing');
    });

    it('removes failed and dead jobs once past failedBefore; cancelled ones with completed ones', async (store) => {
      await store.enqueue([job('dead'), job('failed', { deadLetter: false }), job('cancelled'), job('completed')], T0);
      const { jobs } = await claim(store, { limit: 4 });
      await store.settle(
        [
          outcomeOf(byName(jobs, 'dead'), { type: 'dead', error: jobError('x') }),
          outcomeOf(byName(jobs, 'failed'), { type: 'failed', error: jobError('y') }),
          outcomeOf(byName(jobs, 'cancelled'), { type: 'cancelled', error: null }),
          outcomeOf(byName(jobs, 'completed'), completed()),
        ],
        T0,
      );
      const now = T0 + 10 * DAY;
      assert.equal((await prune(store, now, { completed: now, failed: T0 })).jobs, 2, 'failures finished exactly at failedBefore are kept');
      assert.equal(await store.getJob(byName(jobs, 'completed').id), null);
      assert.equal(await store.getJob(byName(jobs, 'cancelled').id), null);
      assert.equal(await stateOf(store, byName(jobs, 'dead').id), 'dead');
      assert.equal((await prune(store, now, { completed: now, failed: T0 + 1 })).jobs, 2);
      assert.deepEqual(await store.listJobs({}), []);
    });

    it('removes at most `limit` jobs per call', async (store) => {
      await store.enqueue(Array.from({ length: 5 }, () => job()), T0);
      const { jobs } = await claim(store, { limit: 5 });
      await store.settle(jobs.map((j) => outcomeOf(j, completed())), T0);
      const now = T0 + 8 * DAY;
      assert.equal((await prune(store, now, { limit: 2 })).jobs, 2);
      assert.equal((await store.listJobs({})).length, 3);
      assert.equal((await prune(store, now, { limit: 10 })).jobs, 3);
      assert.equal((await store.listJobs({})).length, 0);
    });

    it('forgets expired idempotency keys, so the key can be used again', async (store) => {
      const keyed = () => job('once', { idempotencyKey: 'report-2026-03', idempotencyTtl: DAY });
      const [first] = await store.enqueue([keyed()], T0);
      const { jobs } = await claim(store);
      await store.settle([outcomeOf(jobs[0]!, completed())], T0 + 1);
      // prune with a key cutoff before the expiry keeps the key
      await prune(store, T0 + 2, { completed: T0, keys: T0 + 2 });
      const [still] = await store.enqueue([keyed()], T0 + 3);
      assert.deepEqual(still, { id: first!.id, state: 'completed', deduplicated: true });
      // past the expiry the key is forgotten, even though the job itself is kept
      await prune(store, T0 + 2 * DAY, { completed: T0 - DAY, keys: T0 + 2 * DAY });
      assert.equal(await stateOf(store, first!.id), 'completed');
      const [reused] = await store.enqueue([keyed()], T0 + 2 * DAY);
      assert.equal(reused!.deduplicated, false);
      assert.notEqual(reused!.id, first!.id);
      const [dedupedAgain] = await store.enqueue([keyed()], T0 + 2 * DAY + 1);
      assert.equal(dedupedAgain!.id, reused!.id, 'the new job holds the key now');
    });

    it('keeps a finished job past retention while its idempotency key lives, so the key keeps deduplicating', async (store) => {
      const keyed = () => job('monthly', { idempotencyKey: 'm-2026-03', idempotencyTtl: 30 * DAY });
      const [first] = await store.enqueue([keyed(), job('plain')], T0);
      const { jobs } = await claim(store, { limit: 2 });
      await store.settle(jobs.map((j) => outcomeOf(j, completed())), T0 + 1);
      assert.equal((await prune(store, T0 + 8 * DAY)).jobs, 1, 'only the job without a key goes');
      assert.equal((await store.enqueue([keyed()], T0 + 8 * DAY))[0]?.id, first!.id);
      assert.equal((await prune(store, T0 + 31 * DAY)).jobs, 1, 'once the key expired, the job goes too');
      assert.equal(await store.getJob(first!.id), null);
    });

    it('a pruned job\'s idempotency key can be used again', async (store) => {
      const keyed = () => job('once', { idempotencyKey: 'k', idempotencyTtl: DAY });
      const [first] = await store.enqueue([keyed()], T0);
      const { jobs } = await claim(store);
      await store.settle([outcomeOf(jobs[0]!, completed())], T0);
      const now = T0 + 8 * DAY;
      assert.equal((await prune(store, now)).jobs, 1);
      const [again] = await store.enqueue([keyed()], now);
      assert.equal(again!.deduplicated, false);
      assert.notEqual(again!.id, first!.id);
      assert.equal(await stateOf(store, again!.id), 'queued');
    });
  });
}
