// Schedules and timers over HTTP: create, read, update, pause, resume, trigger, delete, and the
// stored timers, with the error cases (400 naming the field, 404, 409 for a duplicate id).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { snapshot, startHarness, type Harness } from './helpers.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.close());

test('create, list, get, update, pause, resume, trigger and delete a schedule', async () => {
  const created = await h.call('POST', '/api/schedules', { body: { id: 'nightly', cron: '0 2 * * *', timezone: 'Europe/Berlin', job: 'echo', payload: { kind: 'daily' } } });
  assert.equal(created.status, 201, created.text);
  assert.equal(created.body.schedule.id, 'nightly');
  assert.equal(created.body.schedule.paused, false);
  assert.ok(typeof created.body.schedule.nextFireAt === 'number' && created.body.schedule.nextFireAt > Date.now());
  const duplicate = await h.call('POST', '/api/schedules', { body: { id: 'nightly', every: '1h', job: 'echo' } });
  assert.equal(duplicate.status, 409, duplicate.text);
  const list = await h.call('GET', '/api/schedules');
  assert.deepEqual(list.body.schedules.map((s: { id: string }) => s.id), ['nightly']);
  const updated = await h.call('PATCH', '/api/schedules/nightly', { body: { cron: '30 3 * * *' } });
  assert.equal(updated.status, 200, updated.text);
  assert.equal(updated.body.schedule.input.cron, '30 3 * * *');
  assert.equal((await h.call('POST', '/api/schedules/nightly/pause')).body.schedule.paused, true);
  assert.equal((await h.call('POST', '/api/schedules/nightly/resume')).body.schedule.paused, false);
  const fired = await h.call('POST', '/api/schedules/nightly/trigger');
  assert.equal(fired.status, 202, fired.text);
  assert.equal(fired.body.fire.action, 'triggered');
  const job = await h.engine.getJob(fired.body.fire.jobId);
  assert.deepEqual([job.name, job.payload], ['echo', { kind: 'daily' }]);
  const detail = await h.call('GET', '/api/schedules/nightly?history=10');
  assert.equal(detail.status, 200, detail.text);
  assert.equal(detail.body.fires[0].action, 'triggered');
  const timers = await h.call('GET', '/api/timers');
  assert.equal(timers.status, 200, timers.text);
  assert.ok(timers.body.timers.some((t: { scheduleId: string | null }) => t.scheduleId === 'nightly'));
  assert.equal(typeof timers.body.stats.pending, 'number');
  assert.equal((await h.call('DELETE', '/api/schedules/nightly')).status, 200);
  assert.equal((await h.call('GET', '/api/schedules/nightly')).status, 404);
});

test('bad definitions get 400 naming the field; unknown ids 404; nothing changes', async () => {
  const before = await snapshot(h.engine);
  const schedulesBefore = JSON.stringify((await h.call('GET', '/api/schedules')).body);
  for (const [body, field] of [
    [{ id: 'a', cron: 'not a cron', job: 'echo' }, 'cron'],
    [{ id: 'a', every: '1h' }, 'job'],
    [{ id: 'a', cron: '* * * * *', every: '1h', job: 'echo' }, 'cron'],
    [{ id: 'a', every: '1h', job: 'echo', overlap: 'sometimes' }, 'body.overlap'],
    [{ id: 'bad id!', every: '1h', job: 'echo' }, 'body.id'],
    [{ id: 'a', every: '1h', job: 'echo', colour: 'red' }, 'body'],
  ] as const) {
    const reply = await h.call('POST', '/api/schedules', { body });
    assert.equal(reply.status, 400, `${JSON.stringify(body)}: ${reply.text}`);
    assert.ok(reply.body.error.message.includes(field) || String(reply.body.error.details?.field ?? '').includes(field), `${reply.body.error.message} names ${field}`);
  }
  for (const [method, path] of [['GET', '/api/schedules/nope'], ['PATCH', '/api/schedules/nope'], ['DELETE', '/api/schedules/nope'], ['POST', '/api/schedules/nope/pause'], ['POST', '/api/schedules/nope/resume'], ['POST', '/api/schedules/nope/trigger']] as const) {
    const reply = await h.call(method, path, method === 'PATCH' ? { body: { every: '1h' } } : {});
    assert.equal(reply.status, 404, `${method} ${path}: ${reply.text}`);
  }
  assert.equal((await h.call('GET', '/api/timers?limit=0')).status, 400);
  assert.equal(await snapshot(h.engine), before);
  assert.equal(JSON.stringify((await h.call('GET', '/api/schedules')).body), schedulesBefore);
});

test('backfill over HTTP: 202 with the jobs per due time, 200 for a dry run, 400 naming a bad range, 404 for no schedule', async () => {
  const from = Date.parse('2026-02-01T00:00:00Z');
  assert.equal((await h.call('POST', '/api/schedules', { body: { id: 'bf', every: '1h', start: from, job: 'echo', overlap: 'allow' } })).status, 201);
  const dry = await h.call('POST', '/api/schedules/bf/backfill', { body: { from, to: from + 2 * 3_600_000, dryRun: true } });
  assert.equal(dry.status, 200, dry.text);
  assert.equal(dry.body.backfill.dueTimes.length, 3);
  const done = await h.call('POST', '/api/schedules/bf/backfill', { body: { from: '2026-02-01T00:00:00Z', to: '2026-02-01T02:00:00Z' } });
  assert.equal(done.status, 202, done.text);
  assert.deepEqual(done.body.backfill.enqueued.map((e: { dueAt: number }) => e.dueAt), [from, from + 3_600_000, from + 2 * 3_600_000]);
  const again = await h.call('POST', '/api/schedules/bf/backfill', { body: { from, to: from + 2 * 3_600_000 } });
  assert.deepEqual([again.body.backfill.enqueued.length, again.body.backfill.existing.length], [0, 3]);
  const bad = await h.call('POST', '/api/schedules/bf/backfill', { body: { from: 'soon', to: from } });
  assert.equal(bad.status, 400);
  assert.match(bad.body.error.message, /expected from to be .*"soon"/);
  assert.equal((await h.call('POST', '/api/schedules/none/backfill', { body: { from, to: from } })).status, 404);
  assert.equal((await h.engine.listJobs({ name: 'echo', limit: 100 })).filter((j) => j.idempotencyKey?.startsWith('schedule:bf:')).length, 3);
});
