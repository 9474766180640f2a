// A worker killed with SIGKILL while it holds jobs claimed ahead of its free slots (PostgreSQL
// prefetches; SQLite claims only for free slots): when the lifeline rescues them, the jobs whose
// handler never started keep their attempts, so a job cannot reach the dead-letter queue without
// having run. The jobs whose handler did start have spent theirs.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { TEST_STORE } from '../support/test-store.js';
import { Harness, waitUntil } from './helpers.js';

const h = new Harness('prefetch-kill');
after(() => h.cleanup());

const FAST = 300;
const HELD = 200;

test('a killed worker\'s jobs claimed ahead keep their attempts when rescued; started ones spend theirs', async () => {
  const tw = h.engine();
  await tw.migrate();
  // quick jobs first, so the worker learns its start rate and claims ahead; then jobs that hold
  // both slots for a minute, with a single attempt each
  await tw.enqueueMany(Array.from({ length: FAST }, () => ({ name: 'sleep', payload: { ms: 0 } })));
  const long = await tw.enqueueMany(Array.from({ length: HELD }, () => ({ name: 'sleep', payload: { ms: 60_000 }, options: { attempts: 1 } })));
  const heldIds = new Set(long.map((r) => r.id));
  const a = await h.start('A', { worker: { concurrency: 2, prefetch: 40, lease: '1s', heartbeat: '200ms', rescueInterval: '1h' } });
  await waitUntil(() => a.events('start').filter((r) => heldIds.has(r.id as string)).length === 2 || undefined, 30_000, 'both slots to hold a long job');
  // PostgreSQL holds jobs claimed ahead of the two busy slots; SQLite holds only the two
  const running = async () => (await tw.listJobs({ state: 'running', limit: 500 })).length;
  await waitUntil(async () => TEST_STORE === 'sqlite' || (await running()) > 2, 10_000, 'jobs claimed ahead');

  a.kill('SIGKILL');
  assert.equal((await a.waitExit(5000)).signal, 'SIGKILL');
  const held = await running();
  if (TEST_STORE === 'sqlite') assert.equal(held, 2, 'the embedded store claims only for free slots');
  else assert.ok(held > 2, `jobs claimed ahead of the two busy slots, got ${held} running`);
  const started = new Set(a.events('start').map((r) => r.id as string));
  const startedHeld = [...heldIds].filter((id) => started.has(id));
  assert.equal(startedHeld.length, 2, 'exactly the two long jobs in the slots started');

  // the lease runs out, then the lifeline (here the store's rescue, as the leader runs it) takes the jobs back
  await new Promise((resolve) => setTimeout(resolve, 1200));
  // as the lifeline does on each of its turns (a row the dead session still locked is skipped until it is let go)
  let rescued = 0;
  await waitUntil(async () => (rescued += (await tw.store.rescueExpired(Date.now(), 1000)).length) >= held || undefined, 10_000, 'the rescue of every job');
  assert.equal(rescued, held, 'every job the killed worker held was rescued once');
  for (const job of await tw.listJobs({ limit: 1000 })) {
    if (job.state === 'completed') {
      assert.equal(job.attempt, 1);
    } else if (started.has(job.id)) {
      // its one attempt ran and never ended: spent, so it is dead
      assert.deepEqual([job.state, job.attempt], ['dead', 1], `started job ${job.id}`);
    } else {
      assert.deepEqual([job.state, job.attempt], ['queued', 0], `job ${job.id} never started, yet ${job.state} with attempt ${job.attempt}`);
    }
  }

  // another worker runs every job that never started, as its first attempt
  const b = await h.start('B', { worker: { concurrency: 4, lease: '1s', heartbeat: '200ms' }, sleepCapMs: 0 });
  await waitUntil(async () => (await tw.store.pendingCount()) === 0 || undefined, 30_000, 'the queue to drain');
  const firstRuns = b.events('start').filter((r) => heldIds.has(r.id as string));
  assert.equal(firstRuns.length, HELD - 2);
  assert.deepEqual([...new Set(firstRuns.map((r) => r.attempt))], [1]);
  b.kill('SIGTERM');
  await b.waitExit(5000);
});
