// Operator actions from any process: cancel, retry, redrive, setBudget.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { Store } from '../../../dist/store/store.js';
import {
  LEASE,
  T0,
  claim,
  claimOne,
  completed,
  job,
  jobError,
  outcomeOf,
  rejectsWithCode,
  sorted,
  stateOf,
  storeTest,
  type Body,
  type SuiteContext,
} from './harness.js';

/** Enqueues one job per name and drives each to the named end state (dead, failed, cancelled, completed). */
async function finishedJobs(store: Store, ends: readonly ('dead' | 'failed' | 'cancelled' | 'completed')[]): Promise<string[]> {
  const created = await store.enqueue(ends.map((end) => job(end)), T0);
  const { jobs } = await claim(store, { limit: ends.length });
  await store.settle(
    jobs.map((j) => {
      const end = j.name as (typeof ends)[number];
      if (end === 'completed') return outcomeOf(j, completed());
      if (end === 'cancelled') return outcomeOf(j, { type: 'cancelled', error: null });
      return outcomeOf(j, { type: end, error: jobError(`${end}!`) });
    }),
    T0 + 1,
  );
  return created.map((r) => r.id);
}

export function controlTests(ctx: SuiteContext): void {
  const it = (name: string, body: Body) => storeTest(ctx, name, body);

  describe('cancel', () => {
    it('queued and scheduled jobs end cancelled at once and are never claimed', async (store) => {
      const [queued, scheduled] = await store.enqueue([job('q'), job('s', { delay: 5000 })], T0);
      const q = await store.cancel(queued!.id, T0 + 1);
      assert.equal(q.requested, false);
      assert.equal(q.job.id, queued!.id);
      assert.equal(q.job.state, 'cancelled');
      assert.equal(q.job.finishedAt, T0 + 1);
      const s = await store.cancel(scheduled!.id, T0 + 2);
      assert.equal(s.requested, false);
      assert.equal(s.job.state, 'cancelled');
      assert.equal(await stateOf(store, queued!.id), 'cancelled');
      assert.equal(await stateOf(store, scheduled!.id), 'cancelled');
      assert.equal(await store.pendingCount(), 0);
      const later = await claim(store, { now: T0 + 60_000 });
      assert.deepEqual(later.jobs, []);
      assert.equal(later.nextDueAt, null, 'a cancelled scheduled job is not due any more');
    });

    it('a running job is asked to stop: requested, listed for its worker, then settled cancelled', async (store) => {
      const [running] = await store.enqueue([job('r')], T0);
      const claimed = await claimOne(store, { workerId: 'w1' });
      const asked = await store.cancel(running!.id, T0 + 1);
      assert.equal(asked.requested, true);
      assert.equal(asked.job.state, 'running', 'it keeps running until its worker stops it');
      assert.equal(asked.job.cancelRequested, true);
      assert.equal((await store.getJob(running!.id))?.cancelRequested, true);
      assert.deepEqual(await store.cancellationRequests('w1'), [running!.id]);
      assert.deepEqual(await store.cancellationRequests('w2'), []);
      const again = await store.cancel(running!.id, T0 + 2);
      assert.equal(again.requested, true, 'asking twice is harmless');
      const settled = await store.settle([outcomeOf(claimed, { type: 'cancelled', error: jobError('aborted') })], T0 + 3);
      assert.deepEqual(settled.applied, [running!.id]);
      const done = await store.getJob(running!.id);
      assert.equal(done?.state, 'cancelled');
      assert.equal(done?.finishedAt, T0 + 3);
      assert.deepEqual(await store.cancellationRequests('w1'), []);
    });

    it('a finished job is a conflict and is left as it was', async (store) => {
      const ids = await finishedJobs(store, ['completed', 'dead', 'failed', 'cancelled']);
      for (const id of ids) {
        const before = await store.getJob(id);
        await rejectsWithCode(store.cancel(id, T0 + 5), 'conflict', `cancel of a ${before?.state} job`);
        assert.deepEqual(await store.getJob(id), before);
      }
    });

    it('an unknown id is not found, numeric or not', async (store) => {
      await store.enqueue([job()], T0);
      for (const id of ['987654321', 'abc', '', '-1', '1.5']) await rejectsWithCode(store.cancel(id, T0), 'not_found', `cancel(${JSON.stringify(id)})`);
    });
  });

  describe('retry', () => {
    it('dead, failed and cancelled jobs go back to queued from attempt 0 and run again', async (store) => {
      const ids = await finishedJobs(store, ['dead', 'failed', 'cancelled']);
      for (const id of ids) {
        const retried = await store.retry(id, T0 + 10);
        assert.equal(retried.id, id);
        assert.equal(retried.state, 'queued');
        assert.equal(retried.attempt, 0);
        assert.equal(retried.finishedAt, null);
        assert.equal(retried.workerId, null);
        assert.equal(await stateOf(store, id), 'queued');
      }
      assert.equal(await store.pendingCount(), 3);
      const { jobs } = await claim(store, { now: T0 + 10 });
      assert.deepEqual(sorted(jobs.map((j) => j.id)), sorted(ids));
      assert.ok(jobs.every((j) => j.attempt === 1), 'the first attempt again');
    });

    it('a retried job can use all its attempts again', async (store) => {
      const [created] = await store.enqueue([job('again', { attempts: 2 })], T0);
      const first = await claimOne(store, { leaseMs: 10 });
      await store.settle([outcomeOf(first, { type: 'retry', error: jobError('a'), runAt: T0 })], T0 + 1);
      const second = await claimOne(store, { now: T0 + 1 });
      await store.settle([outcomeOf(second, { type: 'dead', error: jobError('b', 2) })], T0 + 2);
      await store.retry(created!.id, T0 + 3);
      const third = await claimOne(store, { now: T0 + 3, leaseMs: 10 });
      assert.equal(third.attempt, 1);
      // attempt 1 of 2 again: a lease expiry requeues instead of ending the job
      assert.deepEqual((await store.rescueExpired(T0 + 100, 10)).map((r) => r.to), ['queued']);
    });

    it('a job cancelled while it ran runs again without a stale cancel request', async (store) => {
      const [created] = await store.enqueue([job('c')], T0);
      const claimed = await claimOne(store);
      await store.cancel(created!.id, T0 + 1);
      const settled = await store.settle([outcomeOf(claimed, { type: 'retry', error: jobError('x'), runAt: T0 + 2 })], T0 + 2);
      assert.deepEqual(settled.cancelled, [created!.id]);
      const retried = await store.retry(created!.id, T0 + 3);
      assert.equal(retried.state, 'queued');
      assert.equal(retried.cancelRequested, false);
      const again = await claimOne(store, { workerId: 'w2', now: T0 + 3 });
      assert.equal(again.attempt, 1);
      assert.deepEqual(await store.cancellationRequests('w2'), []);
    });

    it('queued, scheduled, running and completed jobs are a conflict; unknown ids are not found', async (store) => {
      const [done] = await finishedJobs(store, ['completed']);
      const [queued, scheduled, running] = await store.enqueue([job('q'), job('s', { delay: LEASE }), job('r', { priority: 1 })], T0);
      assert.equal((await claimOne(store)).id, running!.id);
      for (const id of [queued!.id, scheduled!.id, running!.id, done!]) {
        const before = await store.getJob(id);
        await rejectsWithCode(store.retry(id, T0 + 5), 'conflict', `retry of a ${before?.state} job`);
        assert.deepEqual(await store.getJob(id), before);
      }
      await rejectsWithCode(store.retry('987654321', T0), 'not_found', 'retry of an unknown id');
      await rejectsWithCode(store.retry('abc', T0), 'not_found', 'retry of a non-numeric id');
    });
  });

  describe('redrive', () => {
    it('moves the listed dead jobs back to queued', async (store) => {
      const [d1, d2, d3] = await finishedJobs(store, ['dead', 'dead', 'dead']);
      const moved = await store.redrive([d1!, d3!], T0 + 5);
      assert.deepEqual(sorted(moved), sorted([d1!, d3!]));
      assert.equal(await stateOf(store, d1!), 'queued');
      assert.equal(await stateOf(store, d2!), 'dead');
      assert.equal(await stateOf(store, d3!), 'queued');
      assert.equal((await store.getJob(d1!))?.attempt, 0);
      const { jobs } = await claim(store, { now: T0 + 5 });
      assert.deepEqual(sorted(jobs.map((j) => j.id)), sorted([d1!, d3!]));
    });

    it("'all' moves every dead job and only dead jobs", async (store) => {
      const ids = await finishedJobs(store, ['dead', 'failed', 'dead', 'cancelled', 'completed']);
      const [waiting] = await store.enqueue([job('waiting', { delay: LEASE })], T0);
      const moved = await store.redrive('all', T0 + 5);
      assert.deepEqual(sorted(moved), sorted([ids[0]!, ids[2]!]));
      assert.deepEqual((await Promise.all(ids.map((id) => stateOf(store, id)))), ['queued', 'failed', 'queued', 'cancelled', 'completed']);
      assert.equal(await stateOf(store, waiting!.id), 'scheduled');
      assert.deepEqual(await store.listJobs({ state: 'dead' }), []);
      assert.deepEqual(await store.redrive('all', T0 + 6), [], 'nothing left to move');
    });

    it('an id listed twice moves once: reported once, one dead -> queued transition', async (store) => {
      const [dead] = await finishedJobs(store, ['dead']);
      const moved = await store.redrive([dead!, dead!], T0 + 5);
      assert.deepEqual(moved, [dead!]);
      assert.equal(await stateOf(store, dead!), 'queued');
      const transitions = (await store.getJobDetails(dead!))!.transitions.map((t) => `${t.from}->${t.to}`);
      assert.deepEqual(transitions, ['null->queued', 'queued->running', 'running->dead', 'dead->queued']);
    });

    it('a non-dead id in the list is a conflict and nothing moves', async (store) => {
      const [dead, failed, done] = await finishedJobs(store, ['dead', 'failed', 'completed']);
      const [queued] = await store.enqueue([job('q')], T0);
      for (const intruder of [failed!, done!, queued!.id]) {
        await rejectsWithCode(store.redrive([dead!, intruder], T0 + 5), 'conflict', 'redrive with a non-dead job');
        assert.equal(await stateOf(store, dead!), 'dead', 'the dead job did not move');
      }
      assert.equal(await stateOf(store, failed!), 'failed');
      await rejectsWithCode(store.redrive([dead!, '987654321'], T0 + 5), 'not_found', 'redrive with an unknown id');
      assert.equal(await stateOf(store, dead!), 'dead');
      assert.deepEqual(await store.redrive([dead!], T0 + 6), [dead!]);
    });
  });

  describe('setBudget', () => {
    it('replaces the budget of an unfinished job; a scheduled job becomes due; a finished one is a conflict', async (store) => {
      const [created] = await store.enqueue([job('wf', { budget: { tokens: 100, onBreach: 'pause' }, delay: 60_000 })], T0);
      assert.deepEqual((await store.getJob(created!.id))?.budget, { tokens: 100, onBreach: 'pause' });
      const updated = await store.setBudget(created!.id, JSON.stringify({ tokens: 500, onBreach: 'pause' }), T0 + 10);
      assert.deepEqual(updated.budget, { tokens: 500, onBreach: 'pause' });
      assert.equal(updated.runAt, T0 + 10);
      const claimed = await claimOne(store, { now: T0 + 10 });
      assert.deepEqual(claimed.budget, { tokens: 500, onBreach: 'pause' });
      assert.deepEqual((await store.setBudget(created!.id, null, T0 + 11)).budget, null, 'a running job too');
      await store.settle([outcomeOf(claimed, completed())], T0 + 12);
      await rejectsWithCode(store.setBudget(created!.id, null, T0 + 13), 'conflict', 'setBudget of a completed job');
      await rejectsWithCode(store.setBudget('987654321', null, T0 + 13), 'not_found', 'setBudget of an unknown id');
      const [plain] = await store.enqueue([job('no-budget')], T0);
      assert.equal((await store.getJob(plain!.id))?.budget, null);
    });
  });
}
