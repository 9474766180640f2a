// Reads: getJob, getJobDetails, listJobs filters and paging, stats, statsByName, pendingCount.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { JOB_STATES } from '../../../dist/core/job.js';
import { T0, byName, claim, claimOne, completed, job, jobError, outcomeOf, storeTest, type Body, type SuiteContext } from './harness.js';

export function readTests(ctx: SuiteContext): void {
  const it = (name: string, body: Body) => storeTest(ctx, name, body);

  describe('reads', () => {
    it('getJob and getJobDetails return null for unknown ids', async (store) => {
      await store.enqueue([job()], T0);
      for (const id of ['987654321', 'abc', '', '-1']) {
        assert.equal(await store.getJob(id), null, `getJob(${JSON.stringify(id)})`);
        assert.equal(await store.getJobDetails(id), null, `getJobDetails(${JSON.stringify(id)})`);
      }
    });

    it('listJobs returns newest first and filters by state, queue, name and tag', async (store) => {
      const created = await store.enqueue(
        [job('a', { tags: ['x'] }), job('b', { queue: 'other', tags: ['x', 'y'] }), job('a', { tags: ['y'] }), job('c', { delay: 100 }), job('a', { queue: 'other' })],
        T0,
      );
      const ids = created.map((r) => r.id);
      const list = async (filter: Parameters<typeof store.listJobs>[0]) => (await store.listJobs(filter)).map((j) => j.id);
      assert.deepEqual(await list({}), [...ids].reverse());
      assert.deepEqual(await list({ state: 'scheduled' }), [ids[3]]);
      assert.deepEqual(await list({ state: 'queued' }), [ids[4], ids[2], ids[1], ids[0]]);
      assert.deepEqual(await list({ state: 'running' }), []);
      assert.deepEqual(await list({ queue: 'other' }), [ids[4], ids[1]]);
      assert.deepEqual(await list({ name: 'a' }), [ids[4], ids[2], ids[0]]);
      assert.deepEqual(await list({ tag: 'x' }), [ids[1], ids[0]]);
      assert.deepEqual(await list({ tag: 'y' }), [ids[2], ids[1]]);
      assert.deepEqual(await list({ tag: 'nope' }), []);
      assert.deepEqual(await list({ name: 'a', queue: 'default' }), [ids[2], ids[0]], 'filters combine');
      assert.deepEqual(await list({ name: 'a', tag: 'y' }), [ids[2]]);
      assert.deepEqual(await list({ limit: 2 }), [ids[4], ids[3]]);
      const first = (await store.listJobs({ name: 'a' }))[0];
      assert.equal(first?.name, 'a');
      assert.deepEqual(first?.payload, { n: 1 });
    });

    it('listJobs follows state changes', async (store) => {
      await store.enqueue([job('a'), job('b'), job('c')], T0);
      const { jobs } = await claim(store, { limit: 2 });
      await store.settle([outcomeOf(byName(jobs, 'a'), completed())], T0 + 1);
      assert.deepEqual((await store.listJobs({ state: 'completed' })).map((j) => j.name), ['a']);
      assert.deepEqual((await store.listJobs({ state: 'running' })).map((j) => j.name), ['b']);
      assert.deepEqual((await store.listJobs({ state: 'queued' })).map((j) => j.name), ['c']);
    });

    it('`before` pages through every job newest first without gaps or repeats', async (store) => {
      const ids = (await store.enqueue(Array.from({ length: 23 }, (_, i) => job(i % 2 ? 'odd' : 'even', {}, { i })), T0)).map((r) => r.id);
      const seen: string[] = [];
      let before: string | undefined;
      for (let page = 0; page < 10; page++) {
        const jobs = await store.listJobs(before === undefined ? { limit: 5 } : { limit: 5, before });
        if (jobs.length === 0) break;
        assert.ok(jobs.length <= 5);
        seen.push(...jobs.map((j) => j.id));
        before = jobs[jobs.length - 1]!.id;
      }
      assert.deepEqual(seen, [...ids].reverse());
      // paging combines with filters
      const odd = ids.filter((_, i) => i % 2 === 1).reverse();
      const page1 = await store.listJobs({ name: 'odd', limit: 4 });
      const page2 = await store.listJobs({ name: 'odd', limit: 4, before: page1[3]!.id });
      assert.deepEqual([...page1, ...page2].map((j) => j.id), odd.slice(0, 8));
    });

    it('stats counts jobs per queue and state, with the age of the oldest queued job', async (store) => {
      await store.enqueue([job('a'), job('a', { queue: 'q2' }), job('a', { delay: 50_000 }), job('a'), job('done'), job('other')], T0);
      await store.enqueue([job('a', {}, {}, T0 + 400)], T0 + 400);
      const { jobs } = await claim(store, { limit: 3, queues: ['default'] });
      // claimed FIFO: the first 'a', 'a' and 'done'
      await store.settle([outcomeOf(jobs[2]!, completed())], T0 + 500);
      const stats = await store.stats(T0 + 1000);
      const main = stats.find((s) => s.queue === 'default');
      const q2 = stats.find((s) => s.queue === 'q2');
      assert.ok(main && q2, 'one entry per queue with jobs');
      assert.deepEqual(Object.keys(main.counts).sort(), [...JOB_STATES].sort(), 'every state has a count');
      assert.deepEqual(main.counts, { scheduled: 1, queued: 2, running: 2, completed: 1, failed: 0, dead: 0, cancelled: 0 });
      assert.equal(main.oldestQueuedAgeMs, 1000, 'the oldest queued job waits since T0');
      assert.deepEqual(q2.counts, { scheduled: 0, queued: 1, running: 0, completed: 0, failed: 0, dead: 0, cancelled: 0 });
      assert.equal(q2.oldestQueuedAgeMs, 1000);
      await store.claim({ workerId: 'w1', queues: ['q2'], limit: 10, leaseMs: 1000, now: T0 + 1000 });
      const after = await store.stats(T0 + 1000);
      assert.equal(after.find((s) => s.queue === 'q2')?.oldestQueuedAgeMs, null, 'nothing queued: null');
    });

    it('pendingCount counts scheduled, queued and running jobs only', async (store) => {
      assert.equal(await store.pendingCount(), 0);
      await store.enqueue([job('q'), job('s', { delay: 1000 }), job('r'), job('c'), job('d'), job('x')], T0);
      assert.equal(await store.pendingCount(), 6);
      const { jobs } = await claim(store, { limit: 5 });
      await store.settle([outcomeOf(byName(jobs, 'c'), completed()), outcomeOf(byName(jobs, 'd'), { type: 'dead', error: jobError('x') })], T0 + 1);
      await store.cancel(byName(jobs, 'x').id, T0 + 1);
      assert.equal(await store.pendingCount(), 4, 'q, s, r and x (still running, asked to stop)');
    });

    it('statsByName counts per name and state with the mean duration of completed jobs', async (store) => {
      await store.enqueue([job('fast'), job('fast'), job('slow', { tags: ['t'] }), job('fast', { tags: ['t'] })], T0);
      const a = await claimOne(store, { now: T0 });
      await store.settle([outcomeOf(a, completed())], T0 + 100);
      const b = await claimOne(store, { now: T0 + 100 });
      await store.settle([outcomeOf(b, completed())], T0 + 400);
      const c = await claimOne(store, { now: T0 + 400 });
      await store.settle([outcomeOf(c, { type: 'dead', error: jobError('x') })], T0 + 401);
      const stats = await store.statsByName();
      const fast = stats.find((s) => s.name === 'fast');
      const slow = stats.find((s) => s.name === 'slow');
      assert.equal(fast?.total, 3);
      assert.equal(fast?.counts.completed, 2);
      assert.equal(fast?.counts.queued, 1);
      assert.equal(fast?.averageDurationMs, 200);
      assert.equal(slow?.total, 1);
      assert.equal(slow?.counts.dead, 1);
      assert.equal(slow?.averageDurationMs, null);
      const tagged = await store.statsByName({ tag: 't' });
      assert.deepEqual(tagged.map((s) => [s.name, s.total]).sort(), [['fast', 1], ['slow', 1]]);
    });
  });
}
