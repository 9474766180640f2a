// Five worker processes on one store (each store's pass): flow control holds across all of them because the store
// enforces it in the claim transaction. Concurrency limit per key (max overlap of recorded runs),
// rate limit (starts per sliding window), queue pause, worker tags, and the worker registry.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Taskwright } from '../../dist/index.js';
import { Harness, type Rec, type WorkerProcess, sleep, waitUntil } from './helpers.js';

const h = new Harness('flow');
let tw: Taskwright;
let procs: WorkerProcess[] = [];
// Two slots per process: three keyed jobs at once can only happen on two or more processes.
const WORKER = { concurrency: 2, lease: '1500ms', heartbeat: '250ms', rescueInterval: '200ms', pollInterval: '200ms' };

before(async () => {
  // P4 is the only worker with the gpu tag
  procs = await Promise.all(
    ['P0', 'P1', 'P2', 'P3', 'P4'].map((label) => h.start(label, { worker: label === 'P4' ? { ...WORKER, tags: ['gpu'] } : WORKER })),
  );
  tw = h.engine();
});
after(() => h.cleanup());

const all = (event: string): Rec[] => procs.flatMap((p) => p.events(event));

/** The most runs that were in progress at one moment, from start and end records (ends first on ties). */
function maxOverlap(ids: Set<string>): number {
  const marks = all('start')
    .filter((r) => ids.has(r.id as string))
    .map((r): [number, number] => [r.t, 1])
    .concat(all('end').filter((r) => ids.has(r.id as string)).map((r): [number, number] => [r.t, -1]))
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let max = 0;
  for (const [, delta] of marks) max = Math.max(max, (now += delta));
  return max;
}

async function waitDone(ids: string[], timeoutMs: number): Promise<void> {
  try {
    await waitUntil(async () => {
      const jobs = await Promise.all(ids.map((id) => tw.getJob(id)));
      return jobs.every((j) => j.state === 'completed');
    }, timeoutMs, `${ids.length} jobs to complete`, 100);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${h.diagnostics()}`);
  }
}

test('a concurrency limit of 3 for a key is never exceeded across five processes; unkeyed jobs run wider', async () => {
  await tw.setLimit('tenant:42', { concurrency: 3 });
  const keyed = await tw.enqueueMany(Array.from({ length: 30 }, (_, i) => ({ name: 'sleep', payload: { ms: 80, i }, options: { concurrencyKey: 'tenant:42' } })));
  const free = await tw.enqueueMany(Array.from({ length: 30 }, (_, i) => ({ name: 'sleep', payload: { ms: 80, i } })));
  await waitDone([...keyed, ...free].map((r) => r.id), 60_000);
  const keyedIds = new Set(keyed.map((r) => r.id));
  const overlap = maxOverlap(keyedIds);
  const ranOn = new Set(all('start').filter((r) => keyedIds.has(r.id as string)).map((r) => r.label));
  console.log(`keyed jobs: max overlap ${overlap}, ran on ${[...ranOn].join(', ')}; unkeyed max overlap ${maxOverlap(new Set(free.map((r) => r.id)))}`);
  assert.ok(overlap <= 3, `at most 3 keyed jobs at once, saw ${overlap}`);
  assert.equal(overlap, 3, 'the limit was reached (the jobs did run in parallel)');
  assert.ok(ranOn.size >= 2, `keyed jobs ran on several processes: ${[...ranOn].join(', ')}`);
  assert.ok(maxOverlap(new Set(free.map((r) => r.id))) > 3, 'jobs without the key are not limited');
  await tw.deleteLimit('tenant:42');
});

test('a rate limit of 5 starts per second holds across five processes', async () => {
  await tw.setLimit('api:x', { rate: '5/1s' });
  const jobs = await tw.enqueueMany(Array.from({ length: 20 }, (_, i) => ({ name: 'sleep', payload: { ms: 0, i }, options: { rateKey: 'api:x' } })));
  await waitDone(jobs.map((r) => r.id), 60_000);
  // the store's own start times (taken in the claim transaction) are exact
  const starts = (await Promise.all(jobs.map((r) => tw.getJob(r.id)))).map((j) => j.startedAt as number).sort((a, b) => a - b);
  let worst = 0;
  for (let i = 0; i < starts.length; i++) worst = Math.max(worst, starts.filter((t) => t >= starts[i]! && t < starts[i]! + 1000).length);
  const span = starts.at(-1)! - starts[0]!;
  console.log(`rate: at most ${worst} starts in any 1s window; 20 starts spread over ${span}ms`);
  assert.ok(worst <= 5, `at most 5 starts in any 1s window, saw ${worst}`);
  assert.ok(span >= 3000, `20 starts at 5/s need at least 3 full intervals after the first burst, took ${span}ms`);
  // the handlers' own clocks agree within one interval's tolerance (they start a moment after the claim)
  const handlerStarts = all('start').filter((r) => jobs.some((j) => j.id === r.id)).map((r) => r.t).sort((a, b) => a - b);
  let worstSeen = 0;
  for (const t0 of handlerStarts) worstSeen = Math.max(worstSeen, handlerStarts.filter((t) => t >= t0 && t < t0 + 1000).length);
  assert.ok(worstSeen <= 10, `handler-side: at most 2 x 5 starts within one interval, saw ${worstSeen}`);
  const attempts = (await Promise.all(jobs.map((r) => tw.getJob(r.id)))).map((j) => j.attempt);
  assert.ok(attempts.every((a) => a === 1), 'waiting for the rate spent no attempts');
  await tw.deleteLimit('api:x');
});

test('a paused queue holds its jobs in every process until resumed', async () => {
  await tw.pauseQueue('default');
  const jobs = await tw.enqueueMany(Array.from({ length: 10 }, (_, i) => ({ name: 'sleep', payload: { ms: 0, i } })));
  await sleep(1500); // several poll intervals and wake-ups of every process
  const states = await Promise.all(jobs.map(async (r) => (await tw.getJob(r.id)).state));
  assert.deepEqual([...new Set(states)], ['queued'], 'nothing started while paused');
  assert.equal((await tw.listQueues()).find((q) => q.queue === 'default')?.paused, true);
  await tw.resumeQueue('default');
  await waitDone(jobs.map((r) => r.id), 30_000);
});

test('jobs that require the gpu tag run only on the worker that has it', async () => {
  const gpu = await tw.enqueueMany(Array.from({ length: 12 }, (_, i) => ({ name: 'sleep', payload: { ms: 20, i }, options: { requireTags: ['gpu'] } })));
  await waitDone(gpu.map((r) => r.id), 30_000);
  const ids = new Set(gpu.map((r) => r.id));
  const labels = new Set(all('start').filter((r) => ids.has(r.id as string)).map((r) => r.label));
  assert.deepEqual([...labels], ['P4']);
});

test('every worker is registered with host, pid, queues, tags and heartbeats; a killed one is marked dead', async () => {
  const workers = await tw.listWorkers();
  const running = workers.filter((w) => w.state === 'running');
  assert.equal(running.length, 5);
  assert.deepEqual(running.map((w) => w.pid).sort(), procs.map((p) => p.pid).sort());
  assert.deepEqual(running.find((w) => w.pid === procs[4]!.pid)?.tags, ['gpu']);
  assert.ok(running.every((w) => w.queues.join() === 'default' && w.concurrency === 2 && Date.now() - w.heartbeatAt < 5000));
  const victim = procs[0]!;
  victim.kill('SIGKILL');
  await victim.waitExit(5000);
  const dead = await waitUntil(async () => (await tw.listWorkers()).find((w) => w.pid === victim.pid && w.state === 'dead'), 15_000, 'the killed worker to be marked dead', 100);
  assert.ok(dead);
  await waitUntil(() => all('worker-dead').length > 0, 5000, 'a worker:dead event in a surviving process');
  // the stopped ones deregister as stopped
  procs[1]!.kill('SIGTERM');
  await procs[1]!.waitExit(10_000);
  await waitUntil(async () => (await tw.listWorkers()).find((w) => w.pid === procs[1]!.pid)?.state === 'stopped', 5000, 'a stopped worker to say so');
});
