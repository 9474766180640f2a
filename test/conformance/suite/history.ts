// The transition history: every state change recorded in order with its time and attempt.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { Store } from '../../../dist/store/store.js';
import { LEASE, T0, claimOne, completed, job, jobError, outcomeOf, storeTest, type Body, type SuiteContext } from './harness.js';

/** [from, to, at, attempt] of each recorded transition. */
async function path(store: Store, id: string): Promise<[string | null, string, number, number][]> {
  const details = await store.getJobDetails(id);
  assert.ok(details, `expected details for job ${id}`);
  for (const t of details.transitions) assert.equal(t.jobId, id);
  return details.transitions.map((t) => [t.from, t.to, t.at, t.attempt]);
}

export function historyTests(ctx: SuiteContext): void {
  const it = (name: string, body: Body) => storeTest(ctx, name, body);

  describe('transition history', () => {
    it('enqueue, claim, complete', async (store) => {
      const [created] = await store.enqueue([job()], T0);
      assert.deepEqual(await path(store, created!.id), [[null, 'queued', T0, 0]]);
      const claimed = await claimOne(store, { now: T0 + 10 });
      await store.settle([outcomeOf(claimed, completed())], T0 + 20);
      assert.deepEqual(await path(store, created!.id), [
        [null, 'queued', T0, 0],
        ['queued', 'running', T0 + 10, 1],
        ['running', 'completed', T0 + 20, 1],
      ]);
    });

    it('scheduled, staged, retried, claimed again, dead; then retried by an operator', async (store) => {
      const [created] = await store.enqueue([job('h', { delay: 100, attempts: 2 })], T0);
      const first = await claimOne(store, { now: T0 + 100 });
      await store.settle([outcomeOf(first, { type: 'retry', error: jobError('oops', 1, T0 + 110), runAt: T0 + 200 })], T0 + 110);
      const second = await claimOne(store, { now: T0 + 200 });
      await store.settle([outcomeOf(second, { type: 'dead', error: jobError('fatal', 2, T0 + 210) })], T0 + 210);
      await store.retry(created!.id, T0 + 300);
      assert.deepEqual(await path(store, created!.id), [
        [null, 'scheduled', T0, 0],
        ['scheduled', 'queued', T0 + 100, 0],
        ['queued', 'running', T0 + 100, 1],
        ['running', 'scheduled', T0 + 110, 1],
        ['scheduled', 'queued', T0 + 200, 1],
        ['queued', 'running', T0 + 200, 2],
        ['running', 'dead', T0 + 210, 2],
        ['dead', 'queued', T0 + 300, 0],
      ]);
      const details = await store.getJobDetails(created!.id);
      assert.match(details!.transitions[3]!.reason ?? '', /oops/, 'a retry records the error as its reason');
      assert.match(details!.transitions[6]!.reason ?? '', /fatal/, 'a failure records the error as its reason');
    });

    it('snooze, release, cancel request and rescue are recorded', async (store) => {
      // a's priority keeps it ahead of b although its snooze makes it eligible later than b
      const [a, b] = await store.enqueue([job('a', { priority: 1 }), job('b')], T0);
      const a1 = await claimOne(store, { now: T0 + 1 });
      await store.settle([outcomeOf(a1, { type: 'snoozed', runAt: T0 + 5 })], T0 + 2);
      const a2 = await claimOne(store, { now: T0 + 5 });
      await store.settle([outcomeOf(a2, { type: 'released' })], T0 + 6);
      const a3 = await claimOne(store, { now: T0 + 7, leaseMs: 10 });
      assert.equal(a3.id, a!.id);
      const b1 = await claimOne(store, { now: T0 + 7 });
      assert.equal(b1.id, b!.id);
      await store.rescueExpired(T0 + 7 + 11, 10);
      await store.cancel(b!.id, T0 + 20);
      await store.settle([outcomeOf(b1, { type: 'retry', error: jobError('x'), runAt: T0 + 30 })], T0 + 21);
      const toA = (await path(store, a!.id)).map(([from, to, at]) => [from, to, at]);
      assert.deepEqual(toA, [
        [null, 'queued', T0],
        ['queued', 'running', T0 + 1],
        ['running', 'scheduled', T0 + 2],
        ['scheduled', 'queued', T0 + 5],
        ['queued', 'running', T0 + 5],
        ['running', 'queued', T0 + 6],
        ['queued', 'running', T0 + 7],
        ['running', 'queued', T0 + 18],
      ]);
      const toB = (await path(store, b!.id)).map(([from, to, at]) => [from, to, at]);
      assert.deepEqual(toB, [
        [null, 'queued', T0],
        ['queued', 'running', T0 + 7],
        ['running', 'cancelled', T0 + 21],
      ]);
    });

    it('cancelling a waiting job is recorded', async (store) => {
      const [q, s] = await store.enqueue([job('q'), job('s', { delay: LEASE })], T0);
      await store.cancel(q!.id, T0 + 1);
      await store.cancel(s!.id, T0 + 2);
      assert.deepEqual((await path(store, q!.id)).map(([f, t, at]) => [f, t, at]), [[null, 'queued', T0], ['queued', 'cancelled', T0 + 1]]);
      assert.deepEqual((await path(store, s!.id)).map(([f, t, at]) => [f, t, at]), [[null, 'scheduled', T0], ['scheduled', 'cancelled', T0 + 2]]);
    });

    it('every recorded transition is one the state machine allows', async (store) => {
      const { TRANSITIONS } = await import('../../../dist/core/state-machine.js');
      const [created] = await store.enqueue([job('sm', { attempts: 2 })], T0);
      const c1 = await claimOne(store);
      await store.settle([outcomeOf(c1, { type: 'retry', error: jobError('x'), runAt: T0 })], T0);
      const c2 = await claimOne(store);
      await store.settle([outcomeOf(c2, { type: 'failed', error: jobError('y', 2) })], T0);
      await store.retry(created!.id, T0);
      const c3 = await claimOne(store);
      await store.settle([outcomeOf(c3, { type: 'released' })], T0);
      await store.cancel(created!.id, T0);
      const transitions = (await store.getJobDetails(created!.id))!.transitions;
      assert.ok(transitions.length >= 10);
      for (const t of transitions.slice(1)) {
        assert.ok(t.from !== null && TRANSITIONS[t.from].includes(t.to), `transition ${t.from} -> ${t.to} is not allowed`);
      }
      for (let i = 1; i < transitions.length; i++) assert.equal(transitions[i]!.from, transitions[i - 1]!.to, 'transitions chain');
    });
  });
}
