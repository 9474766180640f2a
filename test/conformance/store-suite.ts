// The Store conformance suite: written once against the contract (src/store/store.ts), run for
// every driver. A driver passes when every state transition behaves as the state machine says,
// atomically and fenced. Time is passed explicitly, so nothing here depends on the wall clock.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileJobOptions, type EnqueueOptions } from '../../dist/core/options.js';
import type { Store } from '../../dist/store/store.js';
import type { ClaimedJob, Settlement } from '../../dist/store/types.js';

export interface ConformanceDriver {
  name: string;
  /** a fresh, migrated, empty store */
  create(): Promise<Store>;
  /** a second handle on the same data, as another process would open it (optional) */
  reopen?(store: Store): Promise<Store>;
}

const T0 = Date.parse('2026-03-01T12:00:00Z');
const LEASE = 30_000;
const job = (name = 'work', options: EnqueueOptions = {}, payload: unknown = { n: 1 }, now = T0) => compileJobOptions(name, payload, options, now);
const error = (message: string, attempt = 1) => ({ message, attempt, at: T0 });

async function withStore(driver: ConformanceDriver, body: (store: Store) => Promise<void>): Promise<void> {
  const store = await driver.create();
  try {
    await body(store);
  } finally {
    await store.close();
  }
}

async function claimOne(store: Store, workerId = 'w1', now = T0, queues = ['default']): Promise<ClaimedJob> {
  const { jobs } = await store.claim({ workerId, queues, limit: 1, leaseMs: LEASE, now });
  assert.equal(jobs.length, 1, 'expected one claimable job');
  return jobs[0] as ClaimedJob;
}

const settlement = (claimed: ClaimedJob, outcome: Settlement['outcome'], workerId = 'w1'): Settlement => ({
  id: claimed.id,
  workerId,
  attempt: claimed.attempt,
  outcome,
});

export function defineStoreConformance(driver: ConformanceDriver): void {
  const it = (name: string, body: (store: Store) => Promise<void>) => test(name, () => withStore(driver, body));

  describe(`Store conformance: ${driver.name}`, () => {
    describe('enqueue', () => {
      it('migrate again is a no-op and ids come back in order as strings', async (store) => {
        await store.migrate();
        const results = await store.enqueue([job('a'), job('b', { delay: 1000 }), job('c')], T0);
        assert.deepEqual(results.map((r) => r.state), ['queued', 'scheduled', 'queued']);
        for (const r of results) assert.equal(typeof r.id, 'string');
        assert.equal(new Set(results.map((r) => r.id)).size, 3);
        assert.deepEqual((await store.getJob(results[1]!.id))?.name, 'b');
        assert.equal(await store.pendingCount(), 3);
      });

      it('bulk enqueue of 5,000 jobs in one call', async (store) => {
        const results = await store.enqueue(Array.from({ length: 5000 }, (_, i) => job('bulk', {}, { i })), T0);
        assert.equal(results.length, 5000);
        assert.equal(await store.pendingCount(), 5000);
        assert.deepEqual((await store.getJob(results[4999]!.id))?.payload, { i: 4999 });
      });

      it('idempotency: same key within the TTL returns the first job; after it a new job is made', async (store) => {
        const [first] = await store.enqueue([job('a', { idempotencyKey: 'k', idempotencyTtl: 1000 })], T0);
        const [again] = await store.enqueue([job('a', { idempotencyKey: 'k', idempotencyTtl: 1000 })], T0 + 999);
        assert.equal(again!.id, first!.id);
        assert.equal(again!.deduplicated, true);
        assert.equal(await store.pendingCount(), 1);
        const [later] = await store.enqueue([job('a', { idempotencyKey: 'k', idempotencyTtl: 1000 })], T0 + 1001);
        assert.notEqual(later!.id, first!.id);
        assert.equal(later!.deduplicated, false);
        const inOneCall = await store.enqueue([job('b', { idempotencyKey: 'x' }), job('b', { idempotencyKey: 'x' })], T0);
        assert.equal(inOneCall[1]!.id, inOneCall[0]!.id);
        assert.equal(inOneCall[1]!.deduplicated, true);
      });
    });

    describe('claim', () => {
      it('takes only the selected queues, up to the limit, by priority then FIFO', async (store) => {
        const [low1, other, high, low2] = await store.enqueue(
          [job('a'), job('a', { queue: 'other' }), job('a', { priority: 5 }), job('a')],
          T0,
        );
        const { jobs } = await store.claim({ workerId: 'w1', queues: ['default'], limit: 2, leaseMs: LEASE, now: T0 });
        assert.deepEqual(jobs.map((j) => j.id), [high!.id, low1!.id]);
        const rest = await store.claim({ workerId: 'w1', queues: ['default'], limit: 10, leaseMs: LEASE, now: T0 });
        assert.deepEqual(rest.jobs.map((j) => j.id), [low2!.id]);
        const fromOther = await store.claim({ workerId: 'w1', queues: ['other', 'default'], limit: 10, leaseMs: LEASE, now: T0 });
        assert.deepEqual(fromOther.jobs.map((j) => j.id), [other!.id]);
      });

      it('leases the job: running, attempt counted, owner and lease recorded', async (store) => {
        const [created] = await store.enqueue([job('a', { attempts: 4, timeout: '5s' }, { hello: 'world' })], T0);
        const claimed = await claimOne(store, 'w1', T0 + 10);
        assert.equal(claimed.attempt, 1);
        assert.equal(claimed.maxAttempts, 4);
        assert.equal(claimed.timeoutMs, 5000);
        assert.deepEqual(JSON.parse(claimed.payloadJson), { hello: 'world' });
        const stored = await store.getJob(created!.id);
        assert.equal(stored?.state, 'running');
        assert.equal(stored?.workerId, 'w1');
        assert.equal(stored?.leaseExpiresAt, T0 + 10 + LEASE);
        assert.deepEqual(await store.runningJobIds('w1'), [created!.id]);
      });

      it('a scheduled job is not claimable before its time, is after, and nextDueAt reports it', async (store) => {
        await store.enqueue([job('later', { runAt: T0 + 5000 }), job('latest', { runAt: T0 + 9000 })], T0);
        const early = await store.claim({ workerId: 'w1', queues: ['default'], limit: 10, leaseMs: LEASE, now: T0 + 4999 });
        assert.equal(early.jobs.length, 0);
        assert.equal(early.nextDueAt, T0 + 5000);
        const due = await store.claim({ workerId: 'w1', queues: ['default'], limit: 10, leaseMs: LEASE, now: T0 + 5000 });
        assert.deepEqual(due.jobs.map((j) => j.name), ['later']);
        assert.equal(due.nextDueAt, T0 + 9000);
      });

      it('two claims never return the same job', async (store) => {
        await store.enqueue(Array.from({ length: 200 }, () => job()), T0);
        const [a, b] = await Promise.all([
          store.claim({ workerId: 'w1', queues: ['default'], limit: 150, leaseMs: LEASE, now: T0 }),
          store.claim({ workerId: 'w2', queues: ['default'], limit: 150, leaseMs: LEASE, now: T0 }),
        ]);
        const ids = [...a!.jobs, ...b!.jobs].map((j) => j.id);
        assert.equal(ids.length, 200);
        assert.equal(new Set(ids).size, 200);
      });
    });

    describe('settle', () => {
      it('completed stores the result, clears lease and checkpoint, sets finishedAt', async (store) => {
        await store.enqueue([job()], T0);
        const claimed = await claimOne(store);
        assert.equal(await store.saveCheckpoint(claimed.id, 'w1', 1, { token: 't', data: Buffer.from('{}'), encoding: 'json' }, T0), true);
        const result = await store.settle([settlement(claimed, { type: 'completed', resultJson: '{"ok":true}' })], T0 + 5);
        assert.deepEqual(result, { applied: [claimed.id], cancelled: [] });
        const done = await store.getJob(claimed.id);
        assert.equal(done?.state, 'completed');
        assert.deepEqual(done?.result, { ok: true });
        assert.equal(done?.finishedAt, T0 + 5);
        assert.equal(done?.workerId, null);
        assert.equal(done?.checkpointToken, null);
        assert.deepEqual(await store.checkpointStats(), { count: 0, totalBytes: 0 });
        assert.equal(await store.pendingCount(), 0);
      });

      it('retry schedules the job with its error and keeps the attempt; snooze gives the attempt back', async (store) => {
        const [r, s] = await store.enqueue([job('r'), job('s')], T0);
        const { jobs } = await store.claim({ workerId: 'w1', queues: ['default'], limit: 2, leaseMs: LEASE, now: T0 });
        const [cr, cs] = [jobs.find((j) => j.id === r!.id)!, jobs.find((j) => j.id === s!.id)!];
        await store.settle(
          [settlement(cr, { type: 'retry', error: error('boom'), runAt: T0 + 1000 }), settlement(cs, { type: 'snoozed', runAt: T0 + 2000 })],
          T0,
        );
        const retried = await store.getJob(r!.id);
        assert.equal(retried?.state, 'scheduled');
        assert.equal(retried?.runAt, T0 + 1000);
        assert.equal(retried?.attempt, 1);
        assert.equal(retried?.error?.message, 'boom');
        const snoozed = await store.getJob(s!.id);
        assert.equal(snoozed?.state, 'scheduled');
        assert.equal(snoozed?.attempt, 0);
        const again = await store.claim({ workerId: 'w1', queues: ['default'], limit: 5, leaseMs: LEASE, now: T0 + 2000 });
        assert.deepEqual(
          again.jobs.map((j) => [j.name, j.attempt]).sort(),
          [['r', 2], ['s', 1]],
        );
      });

      it('dead, failed and cancelled are terminal; released goes back to queued with the attempt given back', async (store) => {
        await store.enqueue([job('d'), job('f'), job('c'), job('rel')], T0);
        const { jobs } = await store.claim({ workerId: 'w1', queues: ['default'], limit: 4, leaseMs: LEASE, now: T0 });
        const by = (name: string) => jobs.find((j) => j.name === name)!;
        await store.settle(
          [
            settlement(by('d'), { type: 'dead', error: error('bad') }),
            settlement(by('f'), { type: 'failed', error: error('worse') }),
            settlement(by('c'), { type: 'cancelled', error: null }),
            settlement(by('rel'), { type: 'released' }),
          ],
          T0 + 1,
        );
        assert.equal((await store.getJob(by('d').id))?.state, 'dead');
        assert.equal((await store.getJob(by('f').id))?.state, 'failed');
        assert.equal((await store.getJob(by('c').id))?.state, 'cancelled');
        const released = await store.getJob(by('rel').id);
        assert.equal(released?.state, 'queued');
        assert.equal(released?.attempt, 0);
        assert.equal(await store.pendingCount(), 1);
      });

      it('is fenced: a wrong worker or a stale attempt changes nothing, and settling twice applies once', async (store) => {
        await store.enqueue([job()], T0);
        const claimed = await claimOne(store);
        const wrongWorker = await store.settle([settlement(claimed, { type: 'completed', resultJson: null }, 'intruder')], T0);
        assert.deepEqual(wrongWorker.applied, []);
        const stale = await store.settle([{ ...settlement(claimed, { type: 'completed', resultJson: null }), attempt: 7 }], T0);
        assert.deepEqual(stale.applied, []);
        assert.equal((await store.getJob(claimed.id))?.state, 'running');
        const first = await store.settle([settlement(claimed, { type: 'completed', resultJson: '1' })], T0);
        const second = await store.settle([settlement(claimed, { type: 'dead', error: error('late') })], T0);
        assert.deepEqual(first.applied, [claimed.id]);
        assert.deepEqual(second.applied, []);
        assert.equal((await store.getJob(claimed.id))?.state, 'completed');
      });

      it('a cancel requested during the attempt wins over retry, snooze and release', async (store) => {
        await store.enqueue([job('r'), job('s'), job('rel')], T0);
        const { jobs } = await store.claim({ workerId: 'w1', queues: ['default'], limit: 3, leaseMs: LEASE, now: T0 });
        for (const j of jobs) assert.equal((await store.cancel(j.id, T0)).requested, true);
        const by = (name: string) => jobs.find((j) => j.name === name)!;
        const result = await store.settle(
          [
            settlement(by('r'), { type: 'retry', error: error('x'), runAt: T0 }),
            settlement(by('s'), { type: 'snoozed', runAt: T0 }),
            settlement(by('rel'), { type: 'released' }),
          ],
          T0,
        );
        assert.deepEqual([...result.cancelled].sort(), jobs.map((j) => j.id).sort());
        for (const j of jobs) assert.equal((await store.getJob(j.id))?.state, 'cancelled');
      });

      it('settleAndClaim applies the outcomes and claims the next jobs in one call', async (store) => {
        await store.enqueue([job('first'), job('second')], T0);
        const first = await claimOne(store);
        const { settled, claim } = await store.settleAndClaim([settlement(first, { type: 'completed', resultJson: null })], {
          workerId: 'w1',
          queues: ['default'],
          limit: 5,
          leaseMs: LEASE,
          now: T0 + 1,
        });
        assert.deepEqual(settled.applied, [first.id]);
        assert.deepEqual(claim.jobs.map((j) => j.name), ['second']);
      });
    });

    describe('history', () => {
      it('records every transition in order with its time, attempt and reason', async (store) => {
        const [created] = await store.enqueue([job('h', { delay: 10 })], T0);
        await store.claim({ workerId: 'w1', queues: ['default'], limit: 1, leaseMs: LEASE, now: T0 + 10 });
        const claimed = (await store.claim({ workerId: 'w1', queues: ['default'], limit: 1, leaseMs: LEASE, now: T0 + 10 })).jobs;
        assert.equal(claimed.length, 0);
        const running = await store.getJob(created!.id);
        await store.settle([{ id: created!.id, workerId: 'w1', attempt: running!.attempt, outcome: { type: 'retry', error: error('oops\twith\ttabs'), runAt: T0 + 20 } }], T0 + 15);
        const details = await store.getJobDetails(created!.id);
        assert.deepEqual(
          details?.transitions.map((t) => [t.from, t.to, t.at, t.attempt]),
          [
            [null, 'scheduled', T0, 0],
            ['scheduled', 'queued', T0 + 10, 0],
            ['queued', 'running', T0 + 10, 1],
            ['running', 'scheduled', T0 + 15, 1],
          ],
        );
        assert.equal(details?.transitions[3]?.reason, 'oops with tabs');
        assert.equal(details?.transitions[2]?.reason, 'w1');
      });
    });

    describe('running jobs', () => {
      it('checkpoints: the owner saves one, a non-owner cannot, the next attempt receives it', async (store) => {
        await store.enqueue([job()], T0);
        const claimed = await claimOne(store);
        const data = Buffer.from(JSON.stringify({ step: 3 }));
        assert.equal(await store.saveCheckpoint(claimed.id, 'w1', 1, { token: 'step-3', data, encoding: 'json' }, T0), true);
        assert.equal(await store.saveCheckpoint(claimed.id, 'w2', 1, { token: 'evil', data, encoding: 'json' }, T0), false);
        assert.equal(await store.saveCheckpoint(claimed.id, 'w1', 2, { token: 'stale', data, encoding: 'json' }, T0), false);
        assert.deepEqual(await store.checkpointStats(), { count: 1, totalBytes: data.byteLength });
        assert.equal((await store.getJob(claimed.id))?.checkpointToken, 'step-3');
        await store.settle([settlement(claimed, { type: 'retry', error: error('crash'), runAt: T0 })], T0);
        const next = await claimOne(store, 'w2', T0 + 1);
        assert.equal(next.attempt, 2);
        assert.equal(next.checkpoint?.token, 'step-3');
        assert.deepEqual(JSON.parse(Buffer.from(next.checkpoint!.data).toString()), { step: 3 });
      });

      it('progress and logs are stored with the job, logs in order with their fields', async (store) => {
        await store.enqueue([job()], T0);
        const claimed = await claimOne(store);
        assert.equal(await store.saveProgress(claimed.id, 'w1', 1, '{"pct":40}', T0), true);
        assert.equal(await store.saveProgress(claimed.id, 'w9', 1, '{"pct":99}', T0), false);
        await store.appendLogs([
          { jobId: claimed.id, attempt: 1, at: T0, level: 'info', message: 'one', fields: { a: 1 } },
          { jobId: claimed.id, attempt: 1, at: T0 + 1, level: 'warn', message: 'two' },
        ]);
        const details = await store.getJobDetails(claimed.id);
        assert.deepEqual(details?.job.progress, { pct: 40 });
        assert.deepEqual(details?.logs.map((l) => [l.message, l.level, l.fields]), [['one', 'info', { a: 1 }], ['two', 'warn', undefined]]);
      });

      it('extendLeases renews only that worker; rescue takes back expired leases only', async (store) => {
        await store.enqueue([job('mine'), job('theirs')], T0);
        await store.claim({ workerId: 'w1', queues: ['default'], limit: 1, leaseMs: 1000, now: T0 });
        await store.claim({ workerId: 'w2', queues: ['default'], limit: 1, leaseMs: 1000, now: T0 });
        assert.equal(await store.extendLeases('w1', 1000, T0 + 900), 1);
        const rescued = await store.rescueExpired(T0 + 1500, 100);
        assert.deepEqual(rescued.map((r) => [r.name, r.to]), [['theirs', 'queued']]);
        assert.deepEqual((await store.runningJobIds('w1')).length, 1);
        assert.deepEqual(await store.runningJobIds('w2'), []);
        const again = await claimOne(store, 'w3', T0 + 1500);
        assert.equal(again.name, 'theirs');
        assert.equal(again.attempt, 2);
      });

      it('rescue: the last attempt goes dead (or failed without DLQ); a cancel request ends cancelled', async (store) => {
        await store.enqueue([job('last', { attempts: 1 }), job('nodlq', { attempts: 1, deadLetter: false }), job('cancel')], T0);
        const { jobs } = await store.claim({ workerId: 'w1', queues: ['default'], limit: 3, leaseMs: 1000, now: T0 });
        await store.cancel(jobs.find((j) => j.name === 'cancel')!.id, T0);
        const rescued = await store.rescueExpired(T0 + 2000, 100);
        assert.deepEqual(rescued.map((r) => [r.name, r.to]).sort(), [['cancel', 'cancelled'], ['last', 'dead'], ['nodlq', 'failed']]);
        const dead = await store.getJob(jobs.find((j) => j.name === 'last')!.id);
        assert.match(dead?.error?.message ?? '', /lease expired/);
      });
    });

    describe('workflow steps', () => {
      it('saveStep records and replaces steps of a running job, fenced; listSteps returns them in seq order', async (store) => {
        await store.enqueue([job('wf')], T0);
        const claimed = await claimOne(store);
        const step = (stepId: string, seq: number, status: 'completed' | 'failed' | 'sleeping', attempts = 1) => ({
          stepId, seq, status, outputJson: status === 'completed' ? JSON.stringify({ stepId }) : null,
          error: status === 'failed' ? error('nope') : null, attempts, startedAt: T0, finishedAt: T0 + 1,
          usage: status === 'completed' ? { tokens: attempts * 10, costUsd: 0.5 } : null,
        });
        assert.equal(await store.saveStep(claimed.id, 'w1', 1, step('second', 1, 'failed')), true);
        assert.equal(await store.saveStep(claimed.id, 'w1', 1, step('first', 0, 'completed')), true);
        assert.equal(await store.saveStep(claimed.id, 'w1', 1, step('second', 1, 'completed', 2)), true);
        assert.equal(await store.saveStep(claimed.id, 'intruder', 1, step('evil', 2, 'completed')), false);
        assert.equal(await store.saveStep(claimed.id, 'w1', 9, step('stale', 2, 'completed')), false);
        const steps = await store.listSteps(claimed.id);
        assert.deepEqual(steps.map((s) => [s.stepId, s.status, s.attempts, s.outputJson]), [
          ['first', 'completed', 1, '{"stepId":"first"}'],
          ['second', 'completed', 2, '{"stepId":"second"}'],
        ]);
        assert.deepEqual(steps.map((s) => s.usage), [{ tokens: 10, costUsd: 0.5 }, { tokens: 20, costUsd: 0.5 }]);
        assert.deepEqual(await store.listSteps('424242'), []);
      });
    });

    describe('budgets', () => {
      it('a budget is stored with the job, handed out at claim, and replaced by setBudget (a scheduled job becomes due)', async (store) => {
        const [created] = await store.enqueue([job('wf', { budget: { tokens: 100, onBreach: 'pause' }, delay: 60_000 })], T0);
        assert.deepEqual((await store.getJob(created!.id))?.budget, { tokens: 100, onBreach: 'pause' });
        const updated = await store.setBudget(created!.id, JSON.stringify({ tokens: 500, onBreach: 'pause' }), T0 + 10);
        assert.deepEqual(updated.budget, { tokens: 500, onBreach: 'pause' });
        assert.equal(updated.runAt, T0 + 10);
        const claimed = await claimOne(store, 'w1', T0 + 10);
        assert.deepEqual(claimed.budget, { tokens: 500, onBreach: 'pause' });
        await store.settle([settlement(claimed, { type: 'completed', resultJson: null })], T0 + 11);
        await assert.rejects(store.setBudget(created!.id, null, T0 + 12), { code: 'conflict' });
      });
    });

    describe('control', () => {
      it('cancel: waiting jobs end cancelled and are never claimed; running ones are asked', async (store) => {
        const [queued, scheduled, running] = await store.enqueue([job('q'), job('s', { delay: 5 }), job('r', { priority: 9 })], T0);
        const claimed = await claimOne(store);
        assert.equal(claimed.id, running!.id);
        assert.equal((await store.cancel(queued!.id, T0)).job.state, 'cancelled');
        assert.equal((await store.cancel(scheduled!.id, T0)).job.state, 'cancelled');
        const asked = await store.cancel(running!.id, T0);
        assert.equal(asked.requested, true);
        assert.equal(asked.job.cancelRequested, true);
        assert.deepEqual(await store.cancellationRequests('w1'), [running!.id]);
        assert.deepEqual(await store.cancellationRequests('w2'), []);
        const later = await store.claim({ workerId: 'w1', queues: ['default'], limit: 10, leaseMs: LEASE, now: T0 + 100 });
        assert.equal(later.jobs.length, 0);
        await store.settle([settlement(claimed, { type: 'cancelled', error: null })], T0);
        assert.equal((await store.getJob(running!.id))?.state, 'cancelled');
      });

      it('cancel of a finished job is a conflict; an unknown id is not found', async (store) => {
        await store.enqueue([job()], T0);
        const claimed = await claimOne(store);
        await store.settle([settlement(claimed, { type: 'completed', resultJson: null })], T0);
        await assert.rejects(store.cancel(claimed.id, T0), { code: 'conflict' });
        await assert.rejects(store.cancel('987654', T0), { code: 'not_found' });
        await assert.rejects(store.cancel('abc', T0), { code: 'not_found' });
        assert.equal(await store.getJob('abc'), null);
        assert.equal(await store.getJob('987654'), null);
      });

      it('retry: dead, failed and cancelled jobs run again from attempt 0; others conflict', async (store) => {
        await store.enqueue([job('d'), job('q')], T0);
        const d = await claimOne(store);
        await store.settle([settlement(d, { type: 'dead', error: error('x') })], T0);
        const retried = await store.retry(d.id, T0 + 1);
        assert.equal(retried.state, 'queued');
        assert.equal(retried.attempt, 0);
        assert.equal(retried.error, null);
        const queuedId = (await store.listJobs({ name: 'q' }))[0]!.id;
        await assert.rejects(store.retry(queuedId, T0), { code: 'conflict' });
        assert.equal((await claimOne(store, 'w1', T0 + 2)).id, d.id);
      });

      it('redrive: listed ids or all; a non-dead id in the list moves nothing', async (store) => {
        await store.enqueue([job('a'), job('b'), job('c')], T0);
        const { jobs } = await store.claim({ workerId: 'w1', queues: ['default'], limit: 3, leaseMs: LEASE, now: T0 });
        await store.settle(jobs.slice(0, 2).map((j) => settlement(j, { type: 'dead', error: error('x') })), T0);
        const [a, b, c] = jobs;
        await assert.rejects(store.redrive([a!.id, c!.id], T0), { code: 'conflict' });
        assert.equal((await store.getJob(a!.id))?.state, 'dead');
        assert.deepEqual(await store.redrive([a!.id], T0), [a!.id]);
        assert.deepEqual(await store.redrive('all', T0), [b!.id]);
        assert.deepEqual((await store.listJobs({ state: 'dead' })).length, 0);
      });
    });

    describe('reads', () => {
      it('listJobs filters by state, queue, name, tag and pages newest first', async (store) => {
        const created = await store.enqueue(
          [job('a', { tags: ['x'] }), job('b', { queue: 'other' }), job('a', { tags: ['y'] }), job('c', { delay: 100 })],
          T0,
        );
        const ids = created.map((r) => r.id);
        assert.deepEqual((await store.listJobs({})).map((j) => j.id), [...ids].reverse());
        assert.deepEqual((await store.listJobs({ state: 'scheduled' })).map((j) => j.id), [ids[3]]);
        assert.deepEqual((await store.listJobs({ queue: 'other' })).map((j) => j.id), [ids[1]]);
        assert.deepEqual((await store.listJobs({ name: 'a' })).map((j) => j.id), [ids[2], ids[0]]);
        assert.deepEqual((await store.listJobs({ tag: 'x' })).map((j) => j.id), [ids[0]]);
        assert.deepEqual((await store.listJobs({ limit: 2 })).map((j) => j.id), [ids[3], ids[2]]);
        assert.deepEqual((await store.listJobs({ limit: 2, before: ids[2] })).map((j) => j.id), [ids[1], ids[0]]);
      });

      it('stats counts per queue and state with the oldest queued age', async (store) => {
        await store.enqueue([job('a'), job('a', { queue: 'q2' }), job('a', { delay: 50 })], T0);
        await store.enqueue([job('a')], T0 + 100);
        const stats = await store.stats(T0 + 1000);
        const main = stats.find((s) => s.queue === 'default');
        assert.equal(main?.counts.queued, 2);
        assert.equal(main?.counts.scheduled, 1);
        assert.equal(main?.oldestQueuedAgeMs, 1000);
        assert.equal(stats.find((s) => s.queue === 'q2')?.counts.queued, 1);
      });
    });

    describe('prune', () => {
      it('removes finished jobs past retention with their logs, keeps the rest, frees expired keys', async (store) => {
        const day = 86_400_000;
        await store.enqueue([job('old', { idempotencyKey: 'once', idempotencyTtl: day }), job('dead'), job('new')], T0);
        const { jobs } = await store.claim({ workerId: 'w1', queues: ['default'], limit: 3, leaseMs: LEASE, now: T0 });
        const by = (name: string) => jobs.find((j) => j.name === name)!;
        await store.appendLogs([{ jobId: by('old').id, attempt: 1, at: T0, level: 'info', message: 'bye' }]);
        await store.settle([settlement(by('old'), { type: 'completed', resultJson: null }), settlement(by('dead'), { type: 'dead', error: error('x') })], T0);
        await store.settle([settlement(by('new'), { type: 'completed', resultJson: null })], T0 + 5 * day);
        const now = T0 + 8 * day;
        const pruned = await store.prune({ now, completedBefore: now - 7 * day, failedBefore: now - 30 * day, idempotencyBefore: now, limit: 100 });
        assert.equal(pruned.jobs, 1);
        assert.equal(await store.getJob(by('old').id), null);
        assert.equal(await store.getJobDetails(by('old').id), null);
        assert.equal((await store.getJob(by('dead').id))?.state, 'dead');
        assert.equal((await store.getJob(by('new').id))?.state, 'completed');
        const [reused] = await store.enqueue([job('old', { idempotencyKey: 'once' })], now);
        assert.equal(reused!.deduplicated, false);
      });
    });

    describe('wake-ups', () => {
      it('a listener hears an enqueue in this process; unsubscribing stops it', async (store) => {
        let heard = 0;
        const off = store.onWake(() => heard++);
        await store.enqueue([job()], T0);
        await new Promise((r) => setTimeout(r, 20));
        assert.ok(heard >= 1, 'expected a wake-up after enqueue');
        off();
        const before = heard;
        await store.enqueue([job()], T0);
        await new Promise((r) => setTimeout(r, 50));
        assert.equal(heard, before);
      });

      if (driver.reopen) {
        const reopen = driver.reopen;
        it('another process enqueueing wakes a listener here (crossProcessWakeups)', async (store) => {
          assert.equal(store.capabilities.crossProcessWakeups, true);
          const other = await reopen(store);
          try {
            const heard = new Promise<number>((resolve) => {
              const start = Date.now();
              const off = store.onWake(() => {
                off();
                resolve(Date.now() - start);
              });
            });
            await other.enqueue([job()], T0);
            const ms = await Promise.race([heard, new Promise<number>((_, reject) => setTimeout(() => reject(new Error('no wake-up within 1s')), 1000))]);
            assert.ok(ms < 1000);
          } finally {
            await other.close();
          }
        });
      }
    });
  });
}
