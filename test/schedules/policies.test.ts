// Intervals with start, end and max runs; one-time schedules; each catch-up policy after
// downtime; each overlap policy. All on a fake clock, counting the jobs each due time enqueued.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakeEngine, fireNext } from './helpers.js';

const T = Date.parse('2026-06-01T10:00:00Z');
const MIN = 60_000;
const HOUR = 3_600_000;

test('an interval with max runs fires exactly that many times, then has no next fire', async () => {
  const { tw, clock } = await fakeEngine('2026-06-01T09:00:00Z');
  await tw.createSchedule('poll', { every: '15m', start: new Date(T), maxRuns: 3, job: 'feed.poll', payload: { feed: 'a' }, overlap: 'allow' });
  const fires = await fireNext(tw, clock, 'poll', 10);
  assert.deepEqual(fires.map((f) => [f.action, f.dueAt - T]), [['enqueued', 0], ['enqueued', 15 * MIN], ['enqueued', 30 * MIN]]);
  const { schedule } = await tw.getSchedule('poll');
  assert.equal(schedule.runCount, 3);
  assert.equal(schedule.nextFireAt, null, 'finished: no next fire');
  clock.advance(10 * HOUR);
  assert.deepEqual(await tw.fireDueSchedules(), []);
  const jobs = await tw.listJobs({ name: 'feed.poll', limit: 100 });
  assert.equal(jobs.length, 3);
  assert.ok(jobs.every((j) => JSON.stringify(j.payload) === '{"feed":"a"}'), 'the fixed payload');
  await tw.close();
});

test('an interval with an end date stops at it; the first fire waits for the start', async () => {
  const { tw, clock } = await fakeEngine('2026-06-01T09:00:00Z');
  const created = await tw.createSchedule('poll', { every: '15m', start: new Date(T), end: new Date(T + 40 * MIN), job: 'feed.poll', overlap: 'allow' });
  assert.equal(created.nextFireAt, T);
  clock.set(T - 1);
  assert.deepEqual(await tw.fireDueSchedules(), [], 'nothing before the start');
  const fires = await fireNext(tw, clock, 'poll', 10);
  assert.deepEqual(fires.map((f) => f.dueAt - T), [0, 15 * MIN, 30 * MIN]);
  assert.equal((await tw.getSchedule('poll')).schedule.nextFireAt, null);
  await tw.close();
});

test('an interval without a start fires one period after creation, then on that grid', async () => {
  const { tw, clock } = await fakeEngine('2026-06-01T10:00:00Z');
  await tw.createSchedule('e', { every: '1h30m', job: 'x', overlap: 'allow' });
  const fires = await fireNext(tw, clock, 'e', 2);
  assert.deepEqual(fires.map((f) => f.dueAt - T), [90 * MIN, 180 * MIN]);
  await tw.close();
});

test('a one-time schedule fires once; one in the past fires at the first check when within the catch-up window', async () => {
  const { tw, clock } = await fakeEngine('2026-06-01T10:00:00Z');
  await tw.createSchedule('once', { at: new Date(T + 5 * MIN), job: 'launch' });
  await tw.createSchedule('late', { at: new Date(T - HOUR), job: 'late' });
  await tw.createSchedule('too-late', { at: new Date(T - 2 * 86_400_000), job: 'too-late' });
  const first = await tw.fireDueSchedules();
  assert.deepEqual(first.map((f) => [f.scheduleId, f.action]).sort(), [['late', 'enqueued'], ['too-late', 'missed']]);
  clock.set(T + 5 * MIN);
  assert.deepEqual((await tw.fireDueSchedules()).map((f) => [f.scheduleId, f.action]), [['once', 'enqueued']]);
  clock.advance(HOUR);
  assert.deepEqual(await tw.fireDueSchedules(), []);
  for (const id of ['once', 'late', 'too-late']) assert.equal((await tw.getSchedule(id)).schedule.nextFireAt, null);
  assert.equal((await tw.listJobs({ name: 'launch' })).length, 1);
  assert.equal((await tw.listJobs({ name: 'too-late' })).length, 0);
  await tw.close();
});

/** Hourly from T; the clock then jumps 5h10m: due times T .. T+5h were missed while nothing ran. */
async function afterDowntime(catchUp: 'none' | 'latest' | 'all', extra: Record<string, unknown> = {}) {
  const { tw, clock } = await fakeEngine('2026-06-01T09:30:00Z');
  await tw.createSchedule('hourly', { every: '1h', start: new Date(T), job: 'h', catchUp, overlap: 'allow', ...extra });
  clock.set(T + 5 * HOUR + 10 * MIN);
  const fires = await tw.fireDueSchedules();
  const { schedule } = await tw.getSchedule('hourly');
  return { tw, clock, fires, schedule };
}

test('catch-up none: missed due times are recorded, not fired; the schedule goes on from the next one', async () => {
  const { tw, fires, schedule } = await afterDowntime('none');
  assert.deepEqual(fires.map((f) => [f.action, f.count]), [['missed', 6]]);
  assert.equal(schedule.nextFireAt, T + 6 * HOUR);
  assert.equal((await tw.listJobs({ name: 'h' })).length, 0);
  await tw.close();
});

test('catch-up none still fires a due time that is on time (within the grace)', async () => {
  const { tw, clock } = await fakeEngine('2026-06-01T09:30:00Z');
  await tw.createSchedule('hourly', { every: '1h', start: new Date(T), job: 'h', catchUp: 'none' });
  clock.set(T + 30_000);
  assert.deepEqual((await tw.fireDueSchedules()).map((f) => [f.action, f.dueAt]), [['enqueued', T]]);
  await tw.close();
});

test('catch-up latest: only the most recent missed due time fires', async () => {
  const { tw, fires, schedule } = await afterDowntime('latest');
  assert.deepEqual(fires.map((f) => [f.action, f.dueAt - T, f.count]), [['enqueued', 5 * HOUR, 1], ['missed', 4 * HOUR, 5]]);
  assert.equal(schedule.nextFireAt, T + 6 * HOUR);
  assert.equal((await tw.listJobs({ name: 'h' })).length, 1);
  await tw.close();
});

test('catch-up all: every missed due time within the window fires, in order; older ones are missed', async () => {
  const { tw, fires, schedule } = await afterDowntime('all', { catchUpWindow: '3h' });
  assert.deepEqual(
    fires.map((f) => [f.action, (f.dueAt - T) / HOUR]),
    [['enqueued', 3], ['enqueued', 4], ['enqueued', 5], ['missed', 2]],
  );
  assert.equal(fires.find((f) => f.action === 'missed')?.count, 3, 'T, T+1h, T+2h');
  assert.equal(schedule.nextFireAt, T + 6 * HOUR);
  const keys = (await tw.listJobs({ name: 'h', limit: 100 })).map((j) => j.idempotencyKey).sort();
  assert.deepEqual(keys, [3, 4, 5].map((h) => `schedule:hourly:${T + h * HOUR}`).sort(), 'one job per due time, keyed by it');
  await tw.close();
});

test('catch-up all obeys the overlap policy: with skip, the first late job runs and the others are skipped', async () => {
  const { tw, fires } = await afterDowntime('all', { overlap: 'skip' });
  assert.deepEqual(fires.map((f) => f.action), ['enqueued', 'skipped', 'skipped', 'skipped', 'skipped', 'skipped']);
  await tw.close();
});

test('overlap skip: a due time is skipped while the previous fired job is unfinished', async () => {
  const { tw, clock } = await fakeEngine('2026-06-01T09:59:00Z');
  await tw.createSchedule('s', { every: '1m', job: 'slow', overlap: 'skip' });
  const [first] = await fireNext(tw, clock, 's', 1);
  assert.equal(first?.action, 'enqueued');
  assert.deepEqual((await fireNext(tw, clock, 's', 2)).map((f) => f.action), ['skipped', 'skipped'], 'job 1 is still queued');
  await tw.cancel(first?.jobId as string); // finished (cancelled counts as finished)
  const [after] = await fireNext(tw, clock, 's', 1);
  assert.equal(after?.action, 'enqueued');
  assert.equal((await tw.listJobs({ name: 'slow' })).length, 2);
  await tw.close();
});

test('overlap allow: every due time enqueues, even while earlier jobs are unfinished', async () => {
  const { tw, clock } = await fakeEngine('2026-06-01T09:59:00Z');
  await tw.createSchedule('a', { every: '1m', job: 'slow', overlap: 'allow' });
  assert.deepEqual((await fireNext(tw, clock, 'a', 3)).map((f) => f.action), ['enqueued', 'enqueued', 'enqueued']);
  assert.equal((await tw.listJobs({ name: 'slow', state: 'queued' })).length, 3);
  await tw.close();
});

test('overlap queue-one: one due time is held back while the job runs and fires when it finishes; more are skipped', async () => {
  const { tw, clock } = await fakeEngine('2026-06-01T09:59:00Z');
  let runs = 0;
  tw.register('slow', async () => void runs++);
  await tw.createSchedule('q', { every: '1m', job: 'slow', overlap: 'queue-one' });
  const fires = await fireNext(tw, clock, 'q', 3);
  assert.deepEqual(fires.map((f) => f.action), ['enqueued', 'buffered', 'skipped']);
  const held = fires[1]?.dueAt as number;
  assert.equal((await tw.getSchedule('q')).schedule.bufferedDueAt, held);
  assert.deepEqual(await tw.fireDueSchedules(), [], 'still held: the first job has not run');
  await tw.drain({ timeout: '10s', schedules: false });
  assert.equal(runs, 1);
  const released = await tw.fireDueSchedules();
  assert.deepEqual(released.map((f) => [f.action, f.dueAt]), [['enqueued', held]], 'the held due time fires once the job finished');
  assert.equal((await tw.getSchedule('q')).schedule.bufferedDueAt, null);
  await tw.drain({ timeout: '10s', schedules: false });
  assert.equal(runs, 2);
  assert.deepEqual((await fireNext(tw, clock, 'q', 1)).map((f) => f.action), ['enqueued']);
  await tw.close();
});

test('after a month offline a per-second schedule fires its latest due time without walking every missed one', async () => {
  const { tw, clock } = await fakeEngine('2026-06-01T09:59:00Z');
  await tw.createSchedule('interval', { every: '1s', start: new Date(T), job: 'i', catchUp: 'latest', catchUpWindow: '60d' });
  await tw.createSchedule('cron', { cron: '* * * * * *', timezone: 'Europe/Berlin', start: new Date(T), job: 'c', catchUp: 'latest', catchUpWindow: '60d' });
  const month = 30 * 86_400_000;
  clock.set(T + month + 500);
  const fires = await tw.fireDueSchedules();
  const byId = (id: string) => fires.filter((f) => f.scheduleId === id).map((f) => [f.action, f.dueAt - T, f.count]);
  assert.deepEqual(byId('interval'), [['enqueued', month, 1], ['missed', month - 1000, month / 1000]], 'an interval counts what it missed exactly');
  assert.deepEqual(byId('cron'), [['enqueued', month, 1], ['missed', month - 1000, 100]], 'cron counts missed times up to 100 (a floor)');
  assert.equal((await tw.getSchedule('cron')).schedule.nextFireAt, T + month + 1000);
  await tw.close();
});
