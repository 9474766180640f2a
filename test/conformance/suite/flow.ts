// Flow control (capabilities.flowControl) and the worker registry (capabilities.workerRegistry):
// claim order with priority aging and fairness groups, concurrency and rate limits, queue pause,
// worker tags, circuit breakers, the operator operations (controlFlow / readFlow / queueDepth) and
// saveWorker / listWorkers / reapWorkers. Drivers without the capability report these as skipped.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { DEFAULT_AGING_STEP_MS, DEFAULT_BREAKER } from '../../../dist/core/flow.js';
import type { Store } from '../../../dist/store/store.js';
import type { ClaimedJob, WorkerRecord } from '../../../dist/store/types.js';
import { LEASE, SECOND, T0, claim, completed, job, jobError, outcomeOf, rejectsWithCode, storeTest, type Body, type SuiteContext } from './harness.js';

const STEP = DEFAULT_AGING_STEP_MS;
const names = (jobs: readonly ClaimedJob[]) => jobs.map((j) => j.name);
const fail = (claimed: ClaimedJob, at: number, workerId = 'w1') => outcomeOf(claimed, { type: 'failed', error: jobError('boom', claimed.attempt, at) }, workerId);

export function flowTests(ctx: SuiteContext): void {
  const it = (name: string, body: Body) =>
    storeTest(ctx, name, async (store, tools) => {
      if (!store.capabilities.flowControl) return tools.skip(`the ${store.driver} store has no flowControl capability`);
      await body(store, tools);
    });
  const flow = (store: Store) => ({
    control: store.controlFlow!.bind(store),
    read: store.readFlow!.bind(store),
  });

  describe('priority aging', () => {
    it('a waiting job gains one priority level per aging step: an older low job overtakes a newer high one', async (store) => {
      await store.enqueue([job('low', { priority: 'low' })], T0);
      // high enqueued 5 steps later: -10 levels vs +10 levels, 5 steps of waiting do not close a gap of 20
      await store.enqueue([job('high-soon', { priority: 'high' }, {}, T0 + 5 * STEP)], T0 + 5 * STEP);
      // high enqueued 25 steps later: the low job has waited more than the 20-level gap
      await store.enqueue([job('high-late', { priority: 'high' }, {}, T0 + 25 * STEP)], T0 + 25 * STEP);
      assert.deepEqual(names((await claim(store, { now: T0 + 25 * STEP })).jobs), ['high-soon', 'low', 'high-late']);
    });

    it('a released or rescued job keeps its place; a retried job (backoff) queues again from its due time', async (store) => {
      const [first] = await store.enqueue([job('first')], T0);
      await store.enqueue([job('second')], T0 + 1);
      const a = (await claim(store, { limit: 1, now: T0 + 2 })).jobs[0]!;
      assert.equal(a.id, first!.id);
      await store.settle([outcomeOf(a, { type: 'released' })], T0 + 3);
      assert.deepEqual(names((await claim(store, { limit: 1, now: T0 + 4 })).jobs), ['first'], 'released: still ahead of second');
      await store.enqueue([job('third')], T0 + 5);
      const again = (await claim(store, { limit: 1, now: T0 + 6 })).jobs[0]!;
      assert.equal(again.name, 'second');
      await store.settle([outcomeOf(again, { type: 'retry', error: jobError('x'), runAt: T0 + 10 })], T0 + 7);
      assert.deepEqual(names((await claim(store, { now: T0 + 10 })).jobs), ['third', 'second'], 'the retry is due after third was enqueued');
    });
  });

  describe('fairness groups', () => {
    it('two groups\' backlogs interleave, whatever their sizes and enqueue order', async (store) => {
      await store.enqueue(Array.from({ length: 6 }, (_, i) => job(`a${i}`, { group: 'tenant:a' })), T0);
      await store.enqueue(Array.from({ length: 3 }, (_, i) => job(`b${i}`, { group: 'tenant:b' }, {}, T0 + 1)), T0 + 1);
      assert.deepEqual(names((await claim(store, { now: T0 + 2 })).jobs), ['a0', 'b0', 'a1', 'b1', 'a2', 'b2', 'a3', 'a4', 'a5']);
    });

    it('a grouped job that falls due later (delay, retry) takes its group\'s turn instead of queueing behind the backlog', async (store) => {
      await store.enqueue(Array.from({ length: 5 }, (_, i) => job(`a${i}`, { group: 'tenant:a' })), T0);
      await store.enqueue([job('b0', { group: 'tenant:b', delay: 100 }), job('b1', { group: 'tenant:b', delay: 100 })], T0);
      assert.deepEqual(names((await claim(store, { now: T0 + 100 })).jobs), ['a0', 'b0', 'a1', 'b1', 'a2', 'a3', 'a4']);
    });

    it('a group arriving after part of a backlog ran starts at the head, not behind the rest', async (store) => {
      await store.enqueue(Array.from({ length: 10 }, (_, i) => job(`a${i}`, { group: 'tenant:a' })), T0);
      const firstFour = await claim(store, { limit: 4, now: T0 + 1 });
      assert.deepEqual(names(firstFour.jobs), ['a0', 'a1', 'a2', 'a3']);
      await store.enqueue([job('b0', { group: 'tenant:b' }, {}, T0 + 60 * SECOND)], T0 + 60 * SECOND);
      assert.deepEqual(names((await claim(store, { limit: 2, now: T0 + 60 * SECOND })).jobs), ['a4', 'b0']);
    });
  });

  describe('concurrency limits', () => {
    it('at most N jobs of a key run at once, across workers and handles; the rest wait unspent; a finished one frees a slot', async (store, { openSecond }) => {
      await flow(store).control({ type: 'setLimit', limit: { key: 'tenant:42', concurrency: 2, rate: null } }, T0);
      await store.enqueue([...Array.from({ length: 5 }, (_, i) => job(`k${i}`, { concurrencyKey: 'tenant:42' })), job('free1'), job('free2')], T0);
      const first = await claim(store, { workerId: 'w1', limit: 10 });
      assert.deepEqual(names(first.jobs), ['k0', 'k1', 'free1', 'free2']);
      const other = openSecond ? await openSecond() : store;
      assert.deepEqual((await claim(other, { workerId: 'w2', limit: 10 })).jobs, [], 'a second worker gets none');
      const waiting = await store.getJob(first.jobs.length ? (await store.listJobs({ state: 'queued', limit: 1 }))[0]!.id : '0');
      assert.equal(waiting?.attempt, 0, 'a held job spends no attempt');
      await store.settle([outcomeOf(first.jobs[0]!, completed())], T0 + 1);
      assert.deepEqual(names((await claim(other, { workerId: 'w2', limit: 10, now: T0 + 2 })).jobs), ['k2']);
    });

    it('a queue limit (key queue:NAME) caps every job of the queue, keyed or not', async (store) => {
      await flow(store).control({ type: 'setLimit', limit: { key: 'queue:mail', concurrency: 2, rate: null } }, T0);
      await store.enqueue([job('m1', { queue: 'mail' }), job('m2', { queue: 'mail' }), job('m3', { queue: 'mail' }), job('d1')], T0);
      assert.deepEqual(names((await claim(store, { queues: ['mail', 'default'] })).jobs).sort(), ['d1', 'm1', 'm2']);
    });

    it('a queue rate limit paces every job of the queue', async (store) => {
      await flow(store).control({ type: 'setLimit', limit: { key: 'queue:mail', concurrency: null, rate: { count: 1, intervalMs: SECOND } } }, T0);
      await store.enqueue([job('m1', { queue: 'mail' }), job('m2', { queue: 'mail' }), job('d1')], T0);
      assert.deepEqual(names((await claim(store, { queues: ['mail', 'default'] })).jobs).sort(), ['d1', 'm1']);
      assert.deepEqual(names((await claim(store, { queues: ['mail'], now: T0 + SECOND })).jobs), ['m2']);
    });
  });

  describe('rate limits', () => {
    it('at most N starts of a key in any window; held jobs stay queued with no attempt spent; nextDueAt is when the window slides', async (store) => {
      await flow(store).control({ type: 'setLimit', limit: { key: 'api:x', concurrency: null, rate: { count: 2, intervalMs: SECOND } } }, T0);
      await store.enqueue(Array.from({ length: 5 }, (_, i) => job(`r${i}`, { rateKey: 'api:x' })), T0);
      const first = await claim(store, { now: T0 });
      assert.deepEqual(names(first.jobs), ['r0', 'r1']);
      assert.equal(first.nextDueAt, T0 + SECOND);
      for (const j of first.jobs) await store.settle([outcomeOf(j, completed())], T0 + 1);
      assert.deepEqual((await claim(store, { now: T0 + SECOND - 1 })).jobs, [], 'completing does not refill the window');
      const queued = await store.listJobs({ state: 'queued', limit: 10 });
      assert.equal(queued.length, 3);
      assert.ok(queued.every((j) => j.attempt === 0));
      assert.deepEqual(names((await claim(store, { now: T0 + SECOND })).jobs), ['r2', 'r3']);
      assert.deepEqual(names((await claim(store, { now: T0 + 2 * SECOND })).jobs), ['r4']);
    });

    it('a claim whose now is older than an earlier commit\'s (it waited for the lock) still sees every start of its window', async (store) => {
      await flow(store).control({ type: 'setLimit', limit: { key: 'api:x', concurrency: null, rate: { count: 5, intervalMs: SECOND } } }, T0);
      await store.enqueue(Array.from({ length: 10 }, (_, i) => job(`r${i}`, { rateKey: 'api:x' })), T0);
      assert.equal((await claim(store, { now: T0 + 100 })).jobs.length, 5);
      assert.equal((await claim(store, { limit: 2, now: T0 + 1100 })).jobs.length, 2, 'the window slid past the first five');
      assert.deepEqual((await claim(store, { now: T0 + 1050 })).jobs, [], 'from T0+1050 the first five are still inside the window');
    });

    it('held keys do not block other jobs behind them', async (store) => {
      await flow(store).control({ type: 'setLimit', limit: { key: 'api:x', concurrency: null, rate: { count: 1, intervalMs: 60 * SECOND } } }, T0);
      await store.enqueue([...Array.from({ length: 50 }, (_, i) => job(`r${i}`, { rateKey: 'api:x' })), job('plain')], T0);
      assert.deepEqual(names((await claim(store, { limit: 5 })).jobs), ['r0', 'plain']);
    });
  });

  describe('queue pause', () => {
    it('a paused queue starts nothing for any handle; other queues go on; resume lets it run', async (store, { openSecond }) => {
      await store.enqueue([job('m', { queue: 'mail' }), job('d')], T0);
      await flow(store).control({ type: 'pauseQueue', queue: 'mail' }, T0);
      const other = openSecond ? await openSecond() : store;
      assert.deepEqual(names((await claim(other, { queues: ['mail', 'default'] })).jobs), ['d']);
      assert.deepEqual((await flow(other).read()).queues, [{ queue: 'mail', paused: true, changedAt: T0 }]);
      await flow(store).control({ type: 'resumeQueue', queue: 'mail' }, T0 + 1);
      assert.deepEqual(names((await claim(other, { queues: ['mail', 'default'], now: T0 + 2 })).jobs), ['m']);
    });
  });

  describe('worker tags', () => {
    it('a job requiring tags goes only to a worker with all of them', async (store) => {
      await store.enqueue([job('gpu', { requireTags: ['gpu'] }), job('gpu-big', { requireTags: ['gpu', 'bigmem'] }), job('any')], T0);
      assert.deepEqual(names((await claim(store, { workerId: 'plain' })).jobs), ['any']);
      const gpuOnly = await store.claim({ workerId: 'g', queues: ['default'], limit: 10, leaseMs: LEASE, now: T0, workerTags: ['gpu'] });
      assert.deepEqual(names(gpuOnly.jobs), ['gpu']);
      const both = await store.claim({ workerId: 'gb', queues: ['default'], limit: 10, leaseMs: LEASE, now: T0, workerTags: ['bigmem', 'gpu', 'ssd'] });
      assert.deepEqual(names(both.jobs), ['gpu-big']);
      const stored = await store.getJob(both.jobs[0]!.id);
      assert.deepEqual(stored?.requiredTags, ['bigmem', 'gpu']);
    });
  });

  describe('circuit breakers', () => {
    it('opens after N consecutive failures, holds its jobs, lets one probe through after the cool-down, closes on its success', async (store) => {
      await flow(store).control({ type: 'configureBreaker', key: 'api:pay', config: { ...DEFAULT_BREAKER, failureThreshold: 2, cooldownMs: 10 * SECOND } }, T0);
      await store.enqueue(Array.from({ length: 5 }, (_, i) => job(`p${i}`, { breakerKey: 'api:pay', attempts: 1 })), T0);
      const [p0, p1] = (await claim(store, { limit: 2 })).jobs;
      assert.equal((await store.settle([fail(p0!, T0 + 1)], T0 + 1)).breakerChanges, undefined, 'one failure is under the threshold');
      const opened = await store.settle([fail(p1!, T0 + 2)], T0 + 2);
      assert.deepEqual(opened.breakerChanges?.map((c) => [c.key, c.from, c.to, c.at]), [['api:pay', 'closed', 'open', T0 + 2]]);
      const held = await claim(store, { now: T0 + 3 });
      assert.deepEqual(held.jobs, [], 'held while open');
      assert.equal(held.nextDueAt, T0 + 2 + 10 * SECOND, 'wake-up at the end of the cool-down');
      const probeClaim = await claim(store, { now: T0 + 2 + 10 * SECOND });
      assert.deepEqual(names(probeClaim.jobs), ['p2'], 'one probe only');
      assert.deepEqual(probeClaim.breakerChanges?.map((c) => [c.from, c.to]), [['open', 'half_open']]);
      assert.deepEqual((await claim(store, { now: T0 + 11 * SECOND })).jobs, [], 'half-open: the rest wait for the probe');
      const [breaker] = (await flow(store).read()).breakers;
      assert.equal(breaker?.state, 'half_open');
      assert.equal(breaker?.probeJobId, probeClaim.jobs[0]!.id);
      const closed = await store.settle([outcomeOf(probeClaim.jobs[0]!, completed())], T0 + 12 * SECOND);
      assert.deepEqual(closed.breakerChanges?.map((c) => [c.from, c.to]), [['half_open', 'closed']]);
      assert.deepEqual(names((await claim(store, { now: T0 + 13 * SECOND })).jobs), ['p3', 'p4']);
      const held2 = await store.listJobs({ state: 'queued' });
      assert.equal(held2.length, 0);
    });

    it('a failed probe opens it again for another cool-down; reset closes it at once', async (store) => {
      await flow(store).control({ type: 'configureBreaker', key: 'api:pay', config: { ...DEFAULT_BREAKER, failureThreshold: 1, cooldownMs: SECOND } }, T0);
      await store.enqueue(Array.from({ length: 3 }, (_, i) => job(`p${i}`, { breakerKey: 'api:pay', attempts: 1 })), T0);
      const p0 = (await claim(store, { limit: 1 })).jobs[0]!;
      await store.settle([fail(p0, T0 + 1)], T0 + 1);
      const probe = (await claim(store, { now: T0 + 1 + SECOND })).jobs[0]!;
      const reopened = await store.settle([fail(probe, T0 + 2 * SECOND)], T0 + 2 * SECOND);
      assert.deepEqual(reopened.breakerChanges?.map((c) => [c.from, c.to]), [['half_open', 'open']]);
      assert.deepEqual((await claim(store, { now: T0 + 2 * SECOND + 10 })).jobs, []);
      await flow(store).control({ type: 'resetBreaker', key: 'api:pay' }, T0 + 2 * SECOND + 20);
      assert.equal((await flow(store).read()).breakers[0]?.state, 'closed');
      assert.deepEqual(names((await claim(store, { now: T0 + 2 * SECOND + 30 })).jobs), ['p2']);
    });

    it('opens on an error rate over its window once it saw minCalls', async (store) => {
      await flow(store).control({ type: 'configureBreaker', key: 'api:x', config: { failureThreshold: 100, errorRate: 0.5, windowMs: 60 * SECOND, minCalls: 4, cooldownMs: SECOND } }, T0);
      await store.enqueue(Array.from({ length: 6 }, (_, i) => job(`x${i}`, { breakerKey: 'api:x', attempts: 1 })), T0);
      const [a, b, c, d] = (await claim(store, { limit: 4 })).jobs;
      const first = await store.settle([fail(a!, T0 + 1), outcomeOf(b!, completed()), fail(c!, T0 + 1)], T0 + 1);
      assert.equal(first.breakerChanges, undefined, '2 of 3 calls failed, under minCalls');
      const tripped = await store.settle([outcomeOf(d!, completed())], T0 + 2);
      assert.equal(tripped.breakerChanges, undefined, '2 of 4 with a success last: the rate is checked on failures');
      const [e] = (await claim(store, { limit: 1, now: T0 + 3 })).jobs;
      const opened = await store.settle([fail(e!, T0 + 4)], T0 + 4);
      assert.deepEqual(opened.breakerChanges?.map((ch) => [ch.to, ch.reason]), [['open', 'error rate 3/5 in the window']]);
    });

    it('retries count as failures; snoozes and releases do not count', async (store) => {
      await flow(store).control({ type: 'configureBreaker', key: 'k', config: { ...DEFAULT_BREAKER, failureThreshold: 2 } }, T0);
      await store.enqueue([job('a', { breakerKey: 'k' }), job('b', { breakerKey: 'k' })], T0);
      const [a, b] = (await claim(store)).jobs;
      await store.settle([outcomeOf(a!, { type: 'snoozed', runAt: T0 + 5 }), outcomeOf(b!, { type: 'released' })], T0 + 1);
      const [untouched] = (await flow(store).read()).breakers;
      assert.deepEqual([untouched?.state, untouched?.consecutiveFailures, untouched?.windowCalls], ['closed', 0, 0], 'nothing counted');
      const [a2, b2] = (await claim(store, { now: T0 + 5 })).jobs;
      const result = await store.settle(
        [outcomeOf(a2!, { type: 'retry', error: jobError('x'), runAt: T0 + 100 }), outcomeOf(b2!, { type: 'retry', error: jobError('y'), runAt: T0 + 100 })],
        T0 + 6,
      );
      assert.deepEqual(result.breakerChanges?.map((c) => c.to), ['open']);
    });
  });

  describe('controlFlow and readFlow', () => {
    it('setLimit replaces a key\'s limit; deleteLimit removes it; unknown keys are not_found and change nothing', async (store) => {
      const { control, read } = flow(store);
      await control({ type: 'setLimit', limit: { key: 'a', concurrency: 3, rate: null } }, T0);
      await control({ type: 'setLimit', limit: { key: 'a', concurrency: null, rate: { count: 5, intervalMs: 1000 } } }, T0 + 1);
      await control({ type: 'setLimit', limit: { key: 'b', concurrency: 1, rate: null } }, T0 + 1);
      assert.deepEqual((await read()).limits, [
        { key: 'a', concurrency: null, rate: { count: 5, intervalMs: 1000 } },
        { key: 'b', concurrency: 1, rate: null },
      ]);
      await control({ type: 'deleteLimit', key: 'a' }, T0 + 2);
      await rejectsWithCode(control({ type: 'deleteLimit', key: 'nope' }, T0 + 3), 'not_found', 'deleteLimit of an unknown key');
      await rejectsWithCode(control({ type: 'resetBreaker', key: 'nope' }, T0 + 3), 'not_found', 'resetBreaker of an unknown key');
      const after = await read();
      assert.deepEqual(after.limits.map((l) => l.key), ['b']);
      assert.deepEqual(after.breakers, []);
    });

    it('queueDepth counts queued jobs of the given queues, with or without required tags', async (store) => {
      await store.enqueue([job('a'), job('b', { requireTags: ['gpu'] }), job('c', { queue: 'other' }), job('later', { delay: 5000 })], T0);
      assert.equal(await store.queueDepth!(['default']), 2);
      assert.equal(await store.queueDepth!(['default', 'other']), 3);
      await claim(store, { limit: 1 });
      assert.equal(await store.queueDepth!(['default']), 1);
    });

    it('jobs keep their flow fields as enqueued', async (store) => {
      const [r] = await store.enqueue([job('k', { group: 'g', concurrencyKey: 'c', rateKey: 'r', breakerKey: 'b', requireTags: ['z', 'a'] })], T0);
      const stored = await store.getJob(r!.id);
      assert.deepEqual(
        [stored?.groupKey, stored?.concurrencyKey, stored?.rateKey, stored?.breakerKey, stored?.requiredTags],
        ['g', 'c', 'r', 'b', ['a', 'z']],
      );
    });
  });

  describe('worker registry', () => {
    const registryTest = (name: string, body: Body) =>
      storeTest(ctx, name, async (store, tools) => {
        if (!store.capabilities.workerRegistry) return tools.skip(`the ${store.driver} store has no workerRegistry capability`);
        await body(store, tools);
      });
    const record = (id: string, overrides: Partial<WorkerRecord> = {}): WorkerRecord => ({
      id, host: 'h1', pid: 42, queues: ['default'], tags: ['gpu'], concurrency: 4, autoscale: { min: 1, max: 8 },
      state: 'running', startedAt: T0, heartbeatAt: T0, deadAfterMs: 30 * SECOND, running: 0, ...overrides,
    });

    registryTest('saveWorker inserts or replaces; extendLeases renews the heartbeat; reapWorkers marks the silent dead and forgets old ones', async (store) => {
      await store.saveWorker!(record('w1'));
      await store.saveWorker!(record('w2'));
      await store.saveWorker!(record('w1', { concurrency: 8 }));
      await store.saveWorker!(record('old', { state: 'stopped', heartbeatAt: T0 - 2 * 3_600_000 }));
      assert.deepEqual((await store.listWorkers!()).find((w) => w.id === 'w1'), record('w1', { concurrency: 8 }));
      await store.extendLeases('w1', LEASE, T0 + 20 * SECOND);
      assert.equal((await store.listWorkers!()).find((w) => w.id === 'w1')?.heartbeatAt, T0 + 20 * SECOND);
      const dead = await store.reapWorkers!(T0 + 40 * SECOND, T0 - 3_600_000);
      assert.deepEqual(dead, ['w2'], 'w2 has been silent for longer than its deadAfterMs');
      const states = Object.fromEntries((await store.listWorkers!()).map((w) => [w.id, w.state]));
      assert.deepEqual(states, { w1: 'running', w2: 'dead' });
    });
  });
}
