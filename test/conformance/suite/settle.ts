// settle: every outcome, the (id, worker, attempt) fence, batches, and settleAndClaim.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { Settlement } from '../../../dist/store/types.js';
import {
  SECOND,
  T0,
  byName,
  checkpoint,
  saveCheckpoint,
  claim,
  claimOne,
  completed,
  job,
  jobError,
  outcomeOf,
  sorted,
  stateOf,
  storeTest,
  type Body,
  type SuiteContext,
} from './harness.js';

export function settleTests(ctx: SuiteContext): void {
  const it = (name: string, body: Body) => storeTest(ctx, name, body);

  describe('settle', () => {
    it('completed: stores the result, sets finishedAt, clears the lease and deletes the checkpoint', async (store) => {
      const [created] = await store.enqueue([job()], T0);
      const claimed = await claimOne(store);
      assert.equal(await saveCheckpoint(store, claimed.id, 'w1', 1, checkpoint('half', { done: 5 }), T0 + 1), true);
      const result = await store.settle([outcomeOf(claimed, completed('{"ok":true,"n":[1,2]}'))], T0 + 5);
      assert.deepEqual(result, { applied: [created!.id], cancelled: [] });
      const done = await store.getJob(created!.id);
      assert.equal(done?.state, 'completed');
      assert.deepEqual(done?.result, { ok: true, n: [1, 2] });
      assert.equal(done?.finishedAt, T0 + 5);
      assert.equal(done?.attempt, 1);
      assert.equal(done?.workerId, null);
      assert.equal(done?.leaseExpiresAt, null);
      assert.equal(done?.checkpointToken, null);
      assert.deepEqual(await store.checkpointStats(), { count: 0, totalBytes: 0 });
      assert.deepEqual(await store.runningJobIds('w1'), []);
      assert.equal(await store.pendingCount(), 0);
    });

    it('completed with a null result leaves the result undefined', async (store) => {
      await store.enqueue([job()], T0);
      const claimed = await claimOne(store);
      await store.settle([outcomeOf(claimed, completed(null))], T0 + 1);
      const done = await store.getJob(claimed.id);
      assert.equal(done?.state, 'completed');
      assert.equal(done?.result, undefined);
    });

    it('retry: scheduled at runAt with the error, attempt kept; claimable at runAt as the next attempt', async (store) => {
      const [created] = await store.enqueue([job('r', { attempts: 3 })], T0);
      const claimed = await claimOne(store);
      const error = { ...jobError('boom', 1, T0 + 2), name: 'TypeError', code: 'E_BOOM' };
      const result = await store.settle([outcomeOf(claimed, { type: 'retry', error, runAt: T0 + 10 * SECOND })], T0 + 2);
      assert.deepEqual(result, { applied: [created!.id], cancelled: [] });
      const retried = await store.getJob(created!.id);
      assert.equal(retried?.state, 'scheduled');
      assert.equal(retried?.runAt, T0 + 10 * SECOND);
      assert.equal(retried?.attempt, 1);
      assert.deepEqual(retried?.error, error);
      assert.equal(retried?.workerId, null);
      assert.equal(retried?.finishedAt, null);
      assert.equal(await store.pendingCount(), 1);
      assert.deepEqual((await claim(store, { now: T0 + 10 * SECOND - 1 })).jobs, [], 'not before runAt');
      const next = await claimOne(store, { workerId: 'w2', now: T0 + 10 * SECOND });
      assert.equal(next.id, created!.id);
      assert.equal(next.attempt, 2);
    });

    it('snoozed: scheduled at runAt without spending the attempt', async (store) => {
      const [created] = await store.enqueue([job('s', { attempts: 1 })], T0);
      const claimed = await claimOne(store);
      const result = await store.settle([outcomeOf(claimed, { type: 'snoozed', runAt: T0 + 3 * SECOND, reason: 'waiting for a slot' })], T0 + 1);
      assert.deepEqual(result, { applied: [created!.id], cancelled: [] });
      const snoozed = await store.getJob(created!.id);
      assert.equal(snoozed?.state, 'scheduled');
      assert.equal(snoozed?.runAt, T0 + 3 * SECOND);
      assert.equal(snoozed?.attempt, 0);
      assert.equal(snoozed?.workerId, null);
      assert.deepEqual((await claim(store, { now: T0 + 3 * SECOND - 1 })).jobs, []);
      // with attempts: 1 the job still gets its one attempt after any number of snoozes
      const again = await claimOne(store, { now: T0 + 3 * SECOND });
      assert.equal(again.attempt, 1);
      await store.settle([outcomeOf(again, { type: 'snoozed', runAt: T0 + 4 * SECOND })], T0 + 3 * SECOND);
      assert.equal((await claimOne(store, { now: T0 + 4 * SECOND })).attempt, 1);
    });

    it('dead and failed are terminal with their error and finishedAt', async (store) => {
      await store.enqueue([job('d'), job('f', { deadLetter: false })], T0);
      const { jobs } = await claim(store, { limit: 2 });
      const d = byName(jobs, 'd');
      const f = byName(jobs, 'f');
      const result = await store.settle(
        [outcomeOf(d, { type: 'dead', error: jobError('gave up', 1, T0 + 3) }), outcomeOf(f, { type: 'failed', error: jobError('broke', 1, T0 + 3) })],
        T0 + 3,
      );
      assert.deepEqual(sorted(result.applied), sorted([d.id, f.id]));
      assert.deepEqual(result.cancelled, []);
      for (const [claimed, state, message] of [[d, 'dead', 'gave up'], [f, 'failed', 'broke']] as const) {
        const stored = await store.getJob(claimed.id);
        assert.equal(stored?.state, state);
        assert.equal(stored?.error?.message, message);
        assert.equal(stored?.finishedAt, T0 + 3);
        assert.equal(stored?.workerId, null);
        assert.equal(stored?.attempt, 1);
      }
      assert.equal(await store.pendingCount(), 0);
      assert.deepEqual((await claim(store, { now: T0 + 3_600_000 })).jobs, [], 'terminal jobs are never claimed');
    });

    it('cancelled is terminal, with the error when one is given', async (store) => {
      await store.enqueue([job('with'), job('without')], T0);
      const { jobs } = await claim(store, { limit: 2 });
      const result = await store.settle(
        [outcomeOf(byName(jobs, 'with'), { type: 'cancelled', error: jobError('stopped', 1, T0 + 1) }), outcomeOf(byName(jobs, 'without'), { type: 'cancelled', error: null })],
        T0 + 1,
      );
      assert.equal(result.applied.length, 2);
      const withError = await store.getJob(byName(jobs, 'with').id);
      assert.equal(withError?.state, 'cancelled');
      assert.equal(withError?.error?.message, 'stopped');
      assert.equal(withError?.finishedAt, T0 + 1);
      assert.equal(await stateOf(store, byName(jobs, 'without').id), 'cancelled');
      assert.equal(await store.pendingCount(), 0);
    });

    it('released: back to queued with the attempt given back, claimable at once, checkpoint kept', async (store) => {
      const [created] = await store.enqueue([job('rel', { attempts: 1 })], T0);
      const claimed = await claimOne(store);
      assert.equal(await saveCheckpoint(store, claimed.id, 'w1', 1, checkpoint('cp', { at: 7 }), T0 + 1), true);
      const result = await store.settle([outcomeOf(claimed, { type: 'released' })], T0 + 2);
      assert.deepEqual(result, { applied: [created!.id], cancelled: [] });
      const released = await store.getJob(created!.id);
      assert.equal(released?.state, 'queued');
      assert.equal(released?.attempt, 0);
      assert.equal(released?.workerId, null);
      assert.equal(released?.leaseExpiresAt, null);
      const again = await claimOne(store, { workerId: 'w2', now: T0 + 2 });
      assert.equal(again.attempt, 1, 'the released attempt does not count');
      assert.equal(again.checkpoint?.token, 'cp');
    });

    it('fencing: a wrong worker or a stale attempt changes nothing and is not applied', async (store) => {
      const [created] = await store.enqueue([job()], T0);
      const claimed = await claimOne(store, { now: T0 });
      const before = await store.getJob(created!.id);
      const attempts: Settlement[] = [
        outcomeOf(claimed, completed('"stolen"'), 'intruder'),
        { ...outcomeOf(claimed, completed('"stale"')), attempt: 0 },
        { ...outcomeOf(claimed, completed('"future"')), attempt: 2 },
        outcomeOf(claimed, { type: 'dead', error: jobError('x') }, 'intruder'),
        outcomeOf(claimed, { type: 'failed', error: jobError('x') }, 'intruder'),
        outcomeOf(claimed, { type: 'retry', error: jobError('x'), runAt: T0 }, 'intruder'),
        outcomeOf(claimed, { type: 'snoozed', runAt: T0 }, 'intruder'),
        outcomeOf(claimed, { type: 'cancelled', error: null }, 'intruder'),
        outcomeOf(claimed, { type: 'released' }, 'intruder'),
        { ...outcomeOf(claimed, { type: 'released' }), attempt: 5 },
      ];
      for (const s of attempts) {
        const result = await store.settle([s], T0 + 1);
        assert.deepEqual(result, { applied: [], cancelled: [] }, `${s.outcome.type} by ${s.workerId} attempt ${s.attempt}`);
      }
      assert.deepEqual(await store.getJob(created!.id), before, 'the job is exactly as it was');
      assert.deepEqual((await store.getJobDetails(created!.id))?.transitions.length, 2, 'no transition recorded');
    });

    it('writes for unknown ids change nothing and do not throw', async (store) => {
      await store.enqueue([job()], T0);
      const claimed = await claimOne(store);
      for (const id of ['987654321', 'abc']) {
        const ghost = { ...claimed, id };
        assert.deepEqual(await store.settle([outcomeOf(ghost, completed())], T0 + 1), { applied: [], cancelled: [] });
        assert.deepEqual(await store.settle([outcomeOf(ghost, { type: 'retry', error: jobError('x'), runAt: T0 })], T0 + 1), { applied: [], cancelled: [] });
        assert.equal(await saveCheckpoint(store, id, 'w1', 1, checkpoint('t', {}), T0 + 1), false);
        assert.equal(await store.saveProgress(id, 'w1', 1, '1', T0 + 1), false);
        assert.equal(await store.waitForEvent(id, 'w1', 1, 's', 'e'), false);
      }
      assert.equal(await stateOf(store, claimed.id), 'running');
      assert.deepEqual(await store.checkpointStats(), { count: 0, totalBytes: 0 });
    });

    it('settling twice applies once, across calls and within one call', async (store) => {
      await store.enqueue([job('a'), job('b')], T0);
      const { jobs } = await claim(store, { limit: 2 });
      const a = byName(jobs, 'a');
      const b = byName(jobs, 'b');
      const first = await store.settle([outcomeOf(a, completed('1'))], T0 + 1);
      assert.deepEqual(first.applied, [a.id]);
      const second = await store.settle([outcomeOf(a, completed('2'))], T0 + 2);
      const third = await store.settle([outcomeOf(a, { type: 'dead', error: jobError('late') })], T0 + 3);
      assert.deepEqual(second.applied, []);
      assert.deepEqual(third.applied, []);
      const stored = await store.getJob(a.id);
      assert.equal(stored?.state, 'completed');
      assert.equal(stored?.result, 1);
      assert.equal(stored?.finishedAt, T0 + 1);
      const twiceInOne = await store.settle([outcomeOf(b, { type: 'retry', error: jobError('x'), runAt: T0 + 50 }), outcomeOf(b, { type: 'retry', error: jobError('y'), runAt: T0 + 99 })], T0 + 4);
      assert.deepEqual(twiceInOne.applied, [b.id]);
      assert.equal((await store.getJob(b.id))?.runAt, T0 + 50);
    });

    it('a stale worker cannot settle after the job was rescued and claimed again', async (store) => {
      await store.enqueue([job('j', { attempts: 3 })], T0);
      const old = await claimOne(store, { workerId: 'w1', leaseMs: 1000 });
      await store.rescueExpired(T0 + 2000, 10);
      const fresh = await claimOne(store, { workerId: 'w2', now: T0 + 2000 });
      assert.equal(fresh.attempt, 2);
      const late = await store.settle([outcomeOf(old, completed('"late"'))], T0 + 2500);
      assert.deepEqual(late.applied, []);
      const stored = await store.getJob(fresh.id);
      assert.equal(stored?.state, 'running');
      assert.equal(stored?.workerId, 'w2');
      const ok = await store.settle([outcomeOf(fresh, completed('"fresh"'), 'w2')], T0 + 3000);
      assert.deepEqual(ok.applied, [fresh.id]);
      assert.equal((await store.getJob(fresh.id))?.result, 'fresh');
    });

    it('a batch applies exactly the owned outcomes, mixed kinds and workers', async (store) => {
      await store.enqueue([job('c1'), job('c2'), job('r'), job('d')], T0);
      const w1 = await claim(store, { workerId: 'w1', limit: 2 });
      const w2 = await claim(store, { workerId: 'w2', limit: 2 });
      const [c1, c2] = w1.jobs;
      const [r, d] = w2.jobs;
      const result = await store.settle(
        [
          outcomeOf(c1!, completed('"c1"'), 'w1'),
          outcomeOf(c2!, completed('"c2"'), 'w2'), // wrong worker
          outcomeOf(r!, { type: 'retry', error: jobError('again'), runAt: T0 + 100 }, 'w2'),
          { ...outcomeOf(d!, { type: 'dead', error: jobError('no') }, 'w2'), attempt: 9 }, // stale
        ],
        T0 + 1,
      );
      assert.deepEqual(sorted(result.applied), sorted([c1!.id, r!.id]));
      assert.equal(await stateOf(store, c1!.id), 'completed');
      assert.equal(await stateOf(store, c2!.id), 'running');
      assert.equal(await stateOf(store, r!.id), 'scheduled');
      assert.equal(await stateOf(store, d!.id), 'running');
    });

    it('settles 1,000 completions in one call', async (store) => {
      await store.enqueue(Array.from({ length: 1000 }, (_, i) => job('many', {}, { i })), T0);
      const { jobs } = await claim(store, { limit: 1000 });
      assert.equal(jobs.length, 1000);
      const result = await store.settle(jobs.map((j, i) => outcomeOf(j, completed(String(i)))), T0 + 1);
      assert.equal(result.applied.length, 1000);
      assert.deepEqual(sorted(result.applied), sorted(jobs.map((j) => j.id)));
      assert.equal(await store.pendingCount(), 0);
      for (const i of [0, 63, 64, 999]) assert.equal((await store.getJob(jobs[i]!.id))?.result, i);
    });

    it('a cancel requested during the attempt wins over retry, snooze and release', async (store) => {
      await store.enqueue([job('r'), job('s'), job('rel'), job('done'), job('dead')], T0);
      const { jobs } = await claim(store, { limit: 5 });
      for (const j of jobs) assert.equal((await store.cancel(j.id, T0 + 1)).requested, true);
      const result = await store.settle(
        [
          outcomeOf(byName(jobs, 'r'), { type: 'retry', error: jobError('x'), runAt: T0 }),
          outcomeOf(byName(jobs, 's'), { type: 'snoozed', runAt: T0 }),
          outcomeOf(byName(jobs, 'rel'), { type: 'released' }),
          outcomeOf(byName(jobs, 'done'), completed('"finished anyway"')),
          outcomeOf(byName(jobs, 'dead'), { type: 'dead', error: jobError('bad') }),
        ],
        T0 + 2,
      );
      assert.deepEqual(sorted(result.applied), sorted(jobs.map((j) => j.id)));
      assert.deepEqual(sorted(result.cancelled), sorted(['r', 's', 'rel'].map((n) => byName(jobs, n).id)));
      for (const n of ['r', 's', 'rel']) {
        const stored = await store.getJob(byName(jobs, n).id);
        assert.equal(stored?.state, 'cancelled', n);
        assert.equal(stored?.finishedAt, T0 + 2, n);
      }
      assert.equal(await stateOf(store, byName(jobs, 'done').id), 'completed', 'a completion is kept');
      assert.equal(await stateOf(store, byName(jobs, 'dead').id), 'dead', 'a terminal failure is kept');
      assert.deepEqual((await claim(store, { now: T0 + 60_000 })).jobs, []);
    });

    it('a discarded completion deletes the job with its logs; a keyed one stays to deduplicate; a stale one changes nothing', async (store) => {
      await store.enqueue([job('gone'), job('keyed', { idempotencyKey: 'once', idempotencyTtl: 60 * SECOND }), job('kept'), job('stale')], T0);
      const jobs = (await claim(store, { limit: 4 })).jobs;
      const discarded = { type: 'completed', resultJson: '1', discard: true } as const;
      await store.appendLogs([{ jobId: byName(jobs, 'gone').id, attempt: 1, at: T0, level: 'info', message: 'bye' }]);
      const stale = { ...outcomeOf(byName(jobs, 'stale'), discarded), attempt: 7 };
      const result = await store.settle(
        [outcomeOf(byName(jobs, 'gone'), discarded), outcomeOf(byName(jobs, 'keyed'), discarded), outcomeOf(byName(jobs, 'kept'), completed('2')), stale],
        T0 + 1,
      );
      assert.deepEqual(sorted(result.applied), sorted(['gone', 'keyed', 'kept'].map((n) => byName(jobs, n).id)), 'every owned completion is applied');
      assert.equal(await store.getJob(byName(jobs, 'gone').id), null);
      assert.equal(await store.getJobDetails(byName(jobs, 'gone').id), null, 'its logs went with it');
      assert.equal(await stateOf(store, byName(jobs, 'keyed').id), 'completed', 'its idempotency key must outlive the job');
      const again = await store.enqueue([job('keyed', { idempotencyKey: 'once', idempotencyTtl: 60 * SECOND })], T0 + 2);
      assert.equal(again[0]?.id, byName(jobs, 'keyed').id, 'and still deduplicates');
      assert.equal((await store.getJob(byName(jobs, 'kept').id))?.result, 2, 'a completion without discard keeps its record');
      assert.equal(await stateOf(store, byName(jobs, 'stale').id), 'running', 'an attempt the worker does not own is not deleted');
      // the same holds when the completions ride with the next claim
      await store.enqueue([job('next1'), job('next2')], T0 + 3);
      const next = await claimOne(store, { now: T0 + 3 });
      const { settled } = await store.settleAndClaim([outcomeOf(next, discarded)], { workerId: 'w1', queues: ['default'], limit: 5, leaseMs: 1000, now: T0 + 4 });
      assert.deepEqual(settled.applied, [next.id]);
      assert.equal(await store.getJob(next.id), null);
    });

    it('settleAndClaim applies the outcomes and claims the next jobs in one call', async (store) => {
      await store.enqueue([job('first'), job('second'), job('third')], T0);
      const first = await claimOne(store);
      const { settled, claim: next } = await store.settleAndClaim([outcomeOf(first, completed('"one"'))], {
        workerId: 'w1',
        queues: ['default'],
        limit: 5,
        leaseMs: 1000,
        now: T0 + 1,
      });
      assert.deepEqual(settled, { applied: [first.id], cancelled: [] });
      assert.deepEqual(next.jobs.map((j) => j.name), ['second', 'third']);
      assert.equal((await store.getJob(first.id))?.state, 'completed');
      assert.equal((await store.getJob(next.jobs[0]!.id))?.leaseExpiresAt, T0 + 1 + 1000);
      // a released job goes back and is claimable by the same call
      const { settled: s2, claim: c2 } = await store.settleAndClaim([outcomeOf(next.jobs[0]!, { type: 'released' })], {
        workerId: 'w2',
        queues: ['default'],
        limit: 5,
        leaseMs: 1000,
        now: T0 + 2,
      });
      assert.deepEqual(s2.applied, [next.jobs[0]!.id]);
      assert.deepEqual(c2.jobs.map((j) => j.name), ['second']);
    });
  });
}
