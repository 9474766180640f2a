// Five worker processes share one SQLite file and all run the scheduler: every due time of two
// schedules (an interval and a 6-field cron) fires exactly once, with no gaps, and each fired job
// runs once. Counted three ways: the schedule history, the jobs per due time (idempotency key),
// and the fire events each process recorded.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Harness, sleep, waitUntil } from '../integration/helpers.js';

const h = new Harness('schedules');
after(() => h.cleanup());

test('five schedulers on one store fire each due time exactly once', async () => {
  const tw = h.engine();
  await tw.migrate();
  const start = Math.ceil((Date.now() + 2000) / 1000) * 1000;
  await tw.createSchedule('every-second', { every: '1s', start: new Date(start), job: 'record', payload: { s: 'every' }, overlap: 'allow', catchUp: 'all' });
  await tw.createSchedule('cron-2s', { cron: '*/2 * * * * *', job: 'record', payload: { s: 'cron' }, overlap: 'allow', catchUp: 'all' });
  const cronFirst = (await tw.getSchedule('cron-2s')).schedule.nextFireAt as number;

  const options = { worker: { concurrency: 4, lease: '5s', heartbeat: '1s' } };
  const procs = await Promise.all(['A', 'B', 'C', 'D', 'E'].map((label) => h.start(label, options)));
  await sleep(Math.max(0, start + 8000 - Date.now()));
  await tw.pauseSchedule('every-second');
  await tw.pauseSchedule('cron-2s');
  await waitUntil(async () => (await tw.store.pendingCount()) === 0, 30_000, 'every fired job to finish', 50);
  procs.forEach((p) => p.kill('SIGTERM'));
  const exits = await Promise.all(procs.map((p) => p.waitExit(15_000)));
  assert.deepEqual(exits.map((e) => e.code), [0, 0, 0, 0, 0], h.diagnostics());

  const jobs = await tw.listJobs({ name: 'record', limit: 10_000 });
  const perKey = new Map<string, number>();
  for (const job of jobs) perKey.set(job.idempotencyKey as string, (perKey.get(job.idempotencyKey as string) ?? 0) + 1);
  assert.deepEqual([...perKey].filter(([, n]) => n !== 1), [], 'one job per due time');

  for (const [id, first, period] of [['every-second', start, 1000], ['cron-2s', cronFirst, 2000]] as const) {
    const { fires, schedule } = await tw.getSchedule(id, 10_000);
    assert.ok(fires.every((f) => f.action === 'enqueued'), `${id}: only enqueued fires, got ${[...new Set(fires.map((f) => f.action))].join(', ')}`);
    const due = fires.map((f) => f.dueAt).sort((a, b) => a - b);
    assert.equal(new Set(due).size, due.length, `${id}: no due time fired twice`);
    const expected = Array.from({ length: due.length }, (_, i) => first + i * period);
    assert.deepEqual(due, expected, `${id}: every due time from the first, no gaps`);
    assert.ok(due.length >= 3, `${id}: fired ${due.length} times`);
    assert.equal(schedule.runCount, due.length);
    const keys = jobs.filter((j) => (j.payload as { s: string }).s === (id === 'cron-2s' ? 'cron' : 'every')).map((j) => j.idempotencyKey);
    assert.deepEqual(keys.sort(), due.map((d) => `schedule:${id}:${d}`).sort(), `${id}: the jobs are exactly the due times`);
  }

  const fired = procs.flatMap((p) => p.events('schedule-fired').map((r) => ({ label: p.label, key: `${r.scheduleId as string}@${r.dueAt as number}` })));
  const byKey = new Map<string, string[]>();
  for (const f of fired) byKey.set(f.key, [...(byKey.get(f.key) ?? []), f.label]);
  assert.deepEqual([...byKey].filter(([, labels]) => labels.length > 1), [], 'no due time was fired by two processes');
  assert.equal(byKey.size, jobs.length, 'every job was fired by exactly one of the five processes');
  const runs = procs.flatMap((p) => p.events('run').map((r) => r.id as string));
  assert.equal(runs.length, jobs.length, 'each fired job ran once');
  assert.equal(new Set(runs).size, runs.length);
  const perProcess = Object.fromEntries(procs.map((p) => [p.label, p.events('schedule-fired').length]));
  console.log(`fired ${jobs.length} due times; fires per process ${JSON.stringify(perProcess)}`);
  for (const p of procs) assert.deepEqual(p.events('worker-error'), [], `${p.label} reported no worker errors`);
});
