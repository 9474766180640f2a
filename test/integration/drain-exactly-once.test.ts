// Two worker processes drain 10,000 jobs from one SQLite file: each job runs exactly once.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Harness, waitUntil } from './helpers.js';

const h = new Harness('drain');
after(() => h.cleanup());

const JOBS = 10_000;

test('two worker processes drain 10,000 jobs, each exactly once', async () => {
  // Both processes open and migrate the fresh file at the same time.
  const options = { worker: { concurrency: 50, lease: '5s', heartbeat: '1s' } };
  const [a, b] = await Promise.all([h.start('A', options), h.start('B', options)]);

  const tw = h.engine();
  // 2 ms a job: one process alone needs at least 10,000 / 50 x 2 ms = 400 ms, so the other one,
  // woken by the same commit, takes part (without it one process could drain all before the
  // other's first claim, and the test would prove nothing about sharing).
  const items = Array.from({ length: JOBS }, (_, i) => ({ name: 'record', payload: { i, ms: 2 } }));
  const enqueued = await tw.enqueueMany(items);
  const ids = enqueued.map((r) => r.id);
  assert.equal(new Set(ids).size, JOBS);

  const startedAt = Date.now();
  await waitUntil(async () => (await tw.store.pendingCount()) === 0, 60_000, 'every job to finish', 50);
  const elapsed = Date.now() - startedAt;

  a.kill('SIGTERM');
  b.kill('SIGTERM');
  const [exitA, exitB] = await Promise.all([a.waitExit(10_000), b.waitExit(10_000)]);
  assert.deepEqual([exitA.code, exitB.code], [0, 0], h.diagnostics());

  const runsA = a.events('run').map((r) => r.id as string);
  const runsB = b.events('run').map((r) => r.id as string);
  console.log(`drained ${JOBS} jobs in ${elapsed}ms: A ran ${runsA.length}, B ran ${runsB.length}`);

  const seen = new Map<string, number>();
  for (const id of [...runsA, ...runsB]) seen.set(id, (seen.get(id) ?? 0) + 1);
  const twice = [...seen].filter(([, n]) => n > 1).map(([id]) => id);
  const missing = ids.filter((id) => !seen.has(id));
  assert.deepEqual(twice.slice(0, 20), [], `${twice.length} jobs ran more than once`);
  assert.deepEqual(missing.slice(0, 20), [], `${missing.length} jobs never ran`);
  assert.equal(seen.size, JOBS);
  assert.ok(runsA.length > 0 && runsB.length > 0, `both processes worked: A ${runsA.length}, B ${runsB.length}`);

  assert.equal(await tw.store.pendingCount(), 0);
  const stats = (await tw.stats()).find((s) => s.queue === 'default');
  assert.equal(stats?.counts.completed, JOBS);
  const sample = await tw.listJobs({ state: 'completed', limit: 200 });
  for (const job of sample) assert.equal(job.attempt, 1, `job ${job.id} completed on attempt ${job.attempt}`);
  for (const proc of [a, b]) {
    assert.deepEqual(proc.events('worker-error'), [], `${proc.label} reported no worker errors`);
    assert.deepEqual(proc.events('rescued'), [], `${proc.label} rescued nothing`);
  }
});
