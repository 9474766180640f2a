// Writes a worker makes while it runs jobs (checkpoints, progress, logs, lease renewals) and the
// lifeline's rescue of expired leases.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { CHECKPOINT_STEP_ID } from '../../../dist/store/journal.js';
import type { StepRecord } from '../../../dist/store/types.js';
import {
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
  text,
  type Body,
  type SuiteContext,
} from './harness.js';

export function runningTests(ctx: SuiteContext): void {
  const it = (name: string, body: Body) => storeTest(ctx, name, body);

  describe('checkpoints', () => {
    it('the owner saves one; a non-owner or a stale attempt cannot; the next attempt gets it after a retry', async (store) => {
      const [created] = await store.enqueue([job('cp', { attempts: 3 })], T0);
      const claimed = await claimOne(store);
      assert.equal(await saveCheckpoint(store, claimed.id, 'w1', 1, checkpoint('step-1', { step: 1 }), T0 + 1), true);
      assert.equal(await saveCheckpoint(store, claimed.id, 'w1', 1, checkpoint('step-3', { step: 3 }), T0 + 2), true, 'a later save replaces it');
      assert.equal(await saveCheckpoint(store, claimed.id, 'w2', 1, checkpoint('evil', { step: 99 }), T0 + 3), false, 'another worker');
      assert.equal(await saveCheckpoint(store, claimed.id, 'w1', 2, checkpoint('stale', { step: 98 }), T0 + 3), false, 'another attempt');
      assert.equal((await store.getJob(created!.id))?.checkpointToken, 'step-3');
      await store.settle([outcomeOf(claimed, { type: 'retry', error: jobError('crash'), runAt: T0 + 10 })], T0 + 4);
      assert.equal(await saveCheckpoint(store, claimed.id, 'w1', 1, checkpoint('after', {}), T0 + 5), false, 'not running any more');
      assert.equal((await store.getJob(created!.id))?.checkpointToken, 'step-3', 'kept while the job waits');
      const next = await claimOne(store, { workerId: 'w2', now: T0 + 10 });
      assert.equal(next.attempt, 2);
      assert.equal(next.checkpoint?.token, 'step-3');
      assert.equal(next.checkpoint?.encoding, 'json');
      assert.deepEqual(JSON.parse(text(next.checkpoint!.data)), { step: 3 });
      assert.equal(await saveCheckpoint(store, next.id, 'w2', 2, checkpoint('step-4', { step: 4 }), T0 + 11), true, 'the new owner saves');
    });

    it('the next attempt gets it after a rescue, and the old worker can no longer write it', async (store) => {
      await store.enqueue([job('cp', { attempts: 3 })], T0);
      const claimed = await claimOne(store, { leaseMs: 1000 });
      assert.equal(await saveCheckpoint(store, claimed.id, 'w1', 1, checkpoint('mid', { i: 42 }), T0 + 500), true);
      const rescued = await store.rescueExpired(T0 + 1001, 10);
      assert.deepEqual(rescued.map((r) => [r.id, r.to]), [[claimed.id, 'queued']]);
      assert.equal(await saveCheckpoint(store, claimed.id, 'w1', 1, checkpoint('zombie', {}), T0 + 1002), false);
      const next = await claimOne(store, { workerId: 'w2', now: T0 + 1002 });
      assert.equal(next.id, claimed.id);
      assert.equal(next.attempt, 2);
      assert.equal(next.checkpoint?.token, 'mid');
      assert.deepEqual(JSON.parse(text(next.checkpoint!.data)), { i: 42 });
    });

    it('keeps binary data and the encoding exactly', async (store) => {
      await store.enqueue([job()], T0);
      const claimed = await claimOne(store);
      const bytes = new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0x00, 0xff, 0x00, 0x7f, 0x80, 0xfe]);
      assert.equal(await saveCheckpoint(store, claimed.id, 'w1', 1, { token: 'gz', data: bytes, encoding: 'gzip' }, T0), true);
      await store.settle([outcomeOf(claimed, { type: 'released' })], T0 + 1);
      const next = await claimOne(store, { now: T0 + 1 });
      assert.equal(next.checkpoint?.encoding, 'gzip');
      assert.deepEqual([...next.checkpoint!.data], [...bytes]);
      assert.deepEqual(await store.checkpointStats(), { count: 1, totalBytes: bytes.byteLength });
    });

    it('checkpointStats counts checkpoints and sums their bytes; completion deletes one', async (store) => {
      assert.deepEqual(await store.checkpointStats(), { count: 0, totalBytes: 0 });
      await store.enqueue([job('a'), job('b'), job('c')], T0);
      const { jobs } = await claim(store, { limit: 3 });
      const a = byName(jobs, 'a');
      const b = byName(jobs, 'b');
      const bytes = (n: number) => ({ token: `t${n}`, data: new Uint8Array(n).fill(65), encoding: 'json' as const });
      assert.equal(await saveCheckpoint(store, a.id, 'w1', 1, bytes(10), T0), true);
      assert.equal(await saveCheckpoint(store, b.id, 'w1', 1, bytes(25), T0), true);
      assert.deepEqual(await store.checkpointStats(), { count: 2, totalBytes: 35 });
      assert.equal(await saveCheckpoint(store, b.id, 'w1', 1, bytes(5), T0), true);
      assert.deepEqual(await store.checkpointStats(), { count: 2, totalBytes: 15 }, 'a replaced checkpoint counts once, at its new size');
      await store.settle([outcomeOf(a, completed())], T0 + 1);
      assert.deepEqual(await store.checkpointStats(), { count: 1, totalBytes: 5 });
      assert.equal((await store.getJob(a.id))?.checkpointToken, null);
    });
  });

  describe('checkpoints and steps share the journal', () => {
    const stepRecord = (stepId: string, seq: number, extra: Partial<StepRecord> = {}): StepRecord => ({
      stepId, seq, status: 'completed', outputJson: JSON.stringify(stepId), error: null, attempts: 1, startedAt: T0, finishedAt: T0 + 1, usage: null, ...extra,
    });

    it('a checkpoint is the journal record CHECKPOINT_STEP_ID with its token, next to steps; replacing it keeps the steps', async (store) => {
      await store.enqueue([job('mixed', { attempts: 3 })], T0);
      const claimed = await claimOne(store);
      assert.equal(await store.saveStep(claimed.id, 'w1', 1, stepRecord('a', 0)), true);
      assert.equal(await saveCheckpoint(store, claimed.id, 'w1', 1, checkpoint('one', { n: 1 }), T0 + 1), true);
      assert.equal(await saveCheckpoint(store, claimed.id, 'w1', 1, checkpoint('two', { n: 2 }), T0 + 2), true);
      assert.equal(await store.saveStep(claimed.id, 'w1', 1, stepRecord('b', 1)), true);
      const journal = await store.listSteps(claimed.id);
      assert.deepEqual(journal.map((r) => r.stepId), [CHECKPOINT_STEP_ID, 'a', 'b'], 'one checkpoint record, sorted before the steps');
      assert.equal(journal[0]?.token, 'two');
      assert.deepEqual(JSON.parse(journal[0]?.outputJson ?? 'null'), { n: 2 });
      assert.equal(journal[1]?.token ?? null, null, 'a step has no token');
      await store.settle([outcomeOf(claimed, { type: 'retry', error: jobError('crash'), runAt: T0 + 10 })], T0 + 3);
      const next = await claimOne(store, { workerId: 'w2', now: T0 + 10 });
      assert.equal(next.checkpoint?.token, 'two', 'claim hands over the journal checkpoint');
      await store.settle([outcomeOf(next, completed(), 'w2')], T0 + 11);
      assert.deepEqual((await store.listSteps(claimed.id)).map((r) => r.stepId), ['a', 'b'], 'completion deletes the checkpoint record, not the steps');
      assert.equal((await store.getJob(claimed.id))?.checkpointToken, null);
    });

    it('a job with steps but no checkpoint is claimed without one; a checkpoint written by a stale attempt changes nothing', async (store) => {
      await store.enqueue([job('steps-only', { attempts: 3 })], T0);
      const claimed = await claimOne(store, { leaseMs: 1000 });
      assert.equal(await store.saveStep(claimed.id, 'w1', 1, stepRecord('a', 0)), true);
      await store.rescueExpired(T0 + 1001, 10);
      assert.equal(await saveCheckpoint(store, claimed.id, 'w1', 1, checkpoint('zombie', {}), T0 + 1002), false);
      assert.deepEqual((await store.listSteps(claimed.id)).map((r) => r.stepId), ['a']);
      assert.deepEqual(await store.checkpointStats(), { count: 0, totalBytes: 0 });
      const next = await claimOne(store, { workerId: 'w2', now: T0 + 1002 });
      assert.equal(next.checkpoint, null);
    });

    it('stores a step\'s compressed output bytes exactly and counts only checkpoints in checkpointStats', async (store) => {
      await store.enqueue([job()], T0);
      const claimed = await claimOne(store);
      const bytes = new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0xff, 0x00, 0x80, 0xfe]);
      assert.equal(await store.saveStep(claimed.id, 'w1', 1, stepRecord('big', 0, { outputJson: null, outputGzip: bytes })), true);
      const [big] = await store.listSteps(claimed.id);
      assert.equal(big?.outputJson, null);
      assert.deepEqual([...(big?.outputGzip ?? [])], [...bytes]);
      assert.deepEqual(await store.checkpointStats(), { count: 0, totalBytes: 0 });
      assert.equal((await store.getJob(claimed.id))?.checkpointToken, null);
    });
  });

  describe('progress and logs', () => {
    it('progress is saved by the owner only and read back with the job', async (store) => {
      await store.enqueue([job()], T0);
      const claimed = await claimOne(store);
      assert.equal((await store.getJob(claimed.id))?.progress, null);
      assert.equal(await store.saveProgress(claimed.id, 'w1', 1, '{"pct":40,"stage":"copy"}', T0 + 1), true);
      assert.equal(await store.saveProgress(claimed.id, 'w9', 1, '{"pct":99}', T0 + 2), false);
      assert.equal(await store.saveProgress(claimed.id, 'w1', 7, '{"pct":98}', T0 + 2), false);
      assert.deepEqual((await store.getJob(claimed.id))?.progress, { pct: 40, stage: 'copy' });
      assert.equal(await store.saveProgress(claimed.id, 'w1', 1, '75', T0 + 3), true);
      assert.deepEqual((await store.getJobDetails(claimed.id))?.job.progress, 75);
    });

    it('logs come back in order with attempt, time, level and fields, per job', async (store) => {
      const [a, b] = await store.enqueue([job('a'), job('b')], T0);
      await store.appendLogs([
        { jobId: a!.id, attempt: 1, at: T0 + 1, level: 'info', message: 'one', fields: { n: 1, nested: { ok: true } } },
        { jobId: b!.id, attempt: 1, at: T0 + 1, level: 'debug', message: 'other job' },
        { jobId: a!.id, attempt: 1, at: T0 + 2, level: 'warn', message: 'two' },
      ]);
      await store.appendLogs([{ jobId: a!.id, attempt: 2, at: T0 + 3, level: 'error', message: 'three', fields: { list: [1, 2] } }]);
      await store.appendLogs([]);
      const logs = (await store.getJobDetails(a!.id))!.logs;
      assert.deepEqual(
        logs.map((l) => [l.jobId, l.attempt, l.at, l.level, l.message]),
        [
          [a!.id, 1, T0 + 1, 'info', 'one'],
          [a!.id, 1, T0 + 2, 'warn', 'two'],
          [a!.id, 2, T0 + 3, 'error', 'three'],
        ],
      );
      assert.deepEqual(logs[0]!.fields, { n: 1, nested: { ok: true } });
      assert.equal(logs[1]!.fields, undefined);
      assert.deepEqual(logs[2]!.fields, { list: [1, 2] });
      assert.deepEqual((await store.getJobDetails(b!.id))!.logs.map((l) => l.message), ['other job']);
    });
  });

  describe('leases', () => {
    it('extendLeases extends only that worker\'s running jobs; runningJobIds lists them', async (store) => {
      await store.enqueue([job('w1-a'), job('w1-b'), job('w2-a'), job('w1-done')], T0);
      const mine = await claim(store, { workerId: 'w1', limit: 2, leaseMs: 1000 });
      const theirs = await claimOne(store, { workerId: 'w2', leaseMs: 1000 });
      const done = await claimOne(store, { workerId: 'w1', leaseMs: 1000 });
      await store.settle([outcomeOf(done, completed())], T0 + 1);
      assert.deepEqual(sorted(await store.runningJobIds('w1')), sorted(mine.jobs.map((j) => j.id)));
      assert.deepEqual(await store.runningJobIds('w2'), [theirs.id]);
      assert.deepEqual(await store.runningJobIds('nobody'), []);
      assert.equal(await store.extendLeases('w1', 5000, T0 + 900), 2);
      for (const j of mine.jobs) assert.equal((await store.getJob(j.id))?.leaseExpiresAt, T0 + 900 + 5000);
      assert.equal((await store.getJob(theirs.id))?.leaseExpiresAt, T0 + 1000, 'another worker\'s lease is untouched');
      assert.equal((await store.getJob(done.id))?.leaseExpiresAt, null, 'a finished job gets no lease');
      assert.equal(await store.extendLeases('nobody', 5000, T0 + 900), 0);
    });

    it('a job past its timeout by more than a lease is no longer renewed, so the lifeline can take it back', async (store) => {
      // the heartbeat thread renews leases even while a CPU-bound handler blocks the worker; a job
      // its worker could not abort must still lose its lease
      const [stuck, free] = await store.enqueue([job('stuck', { timeout: 1000 }), job('free')], T0);
      await claim(store, { limit: 2, leaseMs: 500 });
      assert.equal(await store.extendLeases('w1', 500, T0 + 400), 2);
      assert.equal(await store.extendLeases('w1', 500, T0 + 1400), 2, 'within timeout + lease: still renewed');
      assert.equal(await store.extendLeases('w1', 500, T0 + 1600), 1, 'past timeout + lease: only the job without a timeout');
      assert.equal((await store.getJob(stuck!.id))?.leaseExpiresAt, T0 + 1900);
      assert.equal((await store.getJob(free!.id))?.leaseExpiresAt, T0 + 2100);
      const rescued = await store.rescueExpired(T0 + 2000, 10);
      assert.deepEqual(rescued.map((r) => r.id), [stuck!.id]);
    });

    it('cancellationRequests lists only this worker\'s running jobs asked to stop', async (store) => {
      await store.enqueue([job('a'), job('b'), job('c')], T0);
      const a = await claimOne(store, { workerId: 'w1' });
      const b = await claimOne(store, { workerId: 'w1' });
      const c = await claimOne(store, { workerId: 'w2' });
      assert.deepEqual(await store.cancellationRequests('w1'), []);
      await store.cancel(a.id, T0 + 1);
      await store.cancel(c.id, T0 + 1);
      assert.deepEqual(await store.cancellationRequests('w1'), [a.id]);
      assert.deepEqual(await store.cancellationRequests('w2'), [c.id]);
      await store.settle([outcomeOf(a, { type: 'cancelled', error: null })], T0 + 2);
      assert.deepEqual(await store.cancellationRequests('w1'), [], 'a settled job is no longer listed');
      assert.equal(await stateOf(store, b.id), 'running');
    });
  });

  describe('rescueExpired', () => {
    it('an expired lease goes back to queued with the attempt kept; it is claimable again', async (store) => {
      const [created] = await store.enqueue([job('lost', { attempts: 3 })], T0);
      await claimOne(store, { workerId: 'w1', leaseMs: 1000 });
      assert.deepEqual(await store.rescueExpired(T0 + 999, 10), [], 'not yet expired');
      const rescued = await store.rescueExpired(T0 + 1001, 10);
      assert.deepEqual(rescued, [{ id: created!.id, name: 'lost', queue: 'default', attempt: 1, to: 'queued' }]);
      const stored = await store.getJob(created!.id);
      assert.equal(stored?.state, 'queued');
      assert.equal(stored?.attempt, 1);
      assert.equal(stored?.workerId, null);
      assert.deepEqual(await store.runningJobIds('w1'), []);
      assert.deepEqual(await store.rescueExpired(T0 + 5000, 10), [], 'rescued once');
      const again = await claimOne(store, { workerId: 'w2', now: T0 + 1001 });
      assert.equal(again.id, created!.id);
      assert.equal(again.attempt, 2);
    });

    it('a job whose lease was extended is not rescued', async (store) => {
      await store.enqueue([job('kept'), job('lost')], T0);
      const kept = await claimOne(store, { workerId: 'w1', leaseMs: 1000 });
      const lost = await claimOne(store, { workerId: 'w2', leaseMs: 1000 });
      assert.equal(await store.extendLeases('w1', 1000, T0 + 800), 1);
      const rescued = await store.rescueExpired(T0 + 1500, 10);
      assert.deepEqual(rescued.map((r) => [r.id, r.to]), [[lost.id, 'queued']]);
      assert.equal(await stateOf(store, kept.id), 'running');
      assert.deepEqual(await store.runningJobIds('w1'), [kept.id]);
      const late = await store.rescueExpired(T0 + 1801, 10);
      assert.deepEqual(late.map((r) => r.id), [kept.id], 'once the extended lease runs out it is rescued too');
    });

    it('the last attempt goes dead (or failed without a dead-letter queue); a cancel request goes cancelled', async (store) => {
      await store.enqueue([job('last', { attempts: 1 }), job('nodlq', { attempts: 1, deadLetter: false }), job('cancel', { attempts: 5 }), job('more', { attempts: 2 })], T0);
      const { jobs } = await claim(store, { limit: 4, leaseMs: 1000 });
      await store.cancel(byName(jobs, 'cancel').id, T0 + 1);
      const rescued = await store.rescueExpired(T0 + 2000, 100);
      assert.deepEqual(
        rescued.map((r) => [r.name, r.to, r.attempt]).sort(),
        [['cancel', 'cancelled', 1], ['last', 'dead', 1], ['more', 'queued', 1], ['nodlq', 'failed', 1]],
      );
      for (const name of ['last', 'nodlq']) {
        const stored = await store.getJob(byName(jobs, name).id);
        assert.ok(stored?.error, `${name} records why it ended`);
        assert.equal(stored?.finishedAt, T0 + 2000);
        assert.equal(stored?.workerId, null);
      }
      assert.equal((await store.getJob(byName(jobs, 'cancel').id))?.finishedAt, T0 + 2000);
      assert.equal(await store.pendingCount(), 1);
      const again = await claimOne(store, { now: T0 + 2000 });
      assert.equal(again.name, 'more');
    });

    it('takes at most `limit` jobs per call', async (store) => {
      await store.enqueue([job('a'), job('b'), job('c')], T0);
      await claim(store, { limit: 3, leaseMs: 10 });
      const first = await store.rescueExpired(T0 + 100, 2);
      assert.equal(first.length, 2);
      const second = await store.rescueExpired(T0 + 100, 2);
      assert.equal(second.length, 1);
      assert.equal(new Set([...first, ...second].map((r) => r.id)).size, 3);
    });
  });
}
