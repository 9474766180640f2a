// Cron schedules in named zones across daylight-saving changes, on a fake clock: each due time
// is fired by moving the clock to it, and the enqueued jobs are counted per due time.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakeEngine, fireNext, iso } from './helpers.js';

test('Europe/Berlin spring forward: 02:30 does not exist on 29 March, so it fires at 03:00 local that day, once', async () => {
  const { tw, clock } = await fakeEngine('2026-03-27T12:00:00Z');
  await tw.createSchedule('berlin-0230', { cron: '30 2 * * *', timezone: 'Europe/Berlin', job: 'report', overlap: 'allow' });
  const fires = await fireNext(tw, clock, 'berlin-0230', 4);
  assert.deepEqual(
    fires.map((f) => [f.action, iso(f.dueAt)]),
    [
      ['enqueued', '2026-03-28T01:30:00.000Z'], // 02:30 CET (UTC+1)
      ['enqueued', '2026-03-29T01:00:00.000Z'], // the gap: 03:00 CEST, the first valid time after it
      ['enqueued', '2026-03-30T00:30:00.000Z'], // 02:30 CEST (UTC+2)
      ['enqueued', '2026-03-31T00:30:00.000Z'],
    ],
  );
  const jobs = await tw.listJobs({ name: 'report', limit: 100 });
  assert.equal(jobs.length, 4, 'one job per due time');
  assert.equal(new Set(jobs.map((j) => j.idempotencyKey)).size, 4);
  await tw.close();
});

test('Europe/Berlin fall back: an hourly schedule fires on both 02:00s of 25 October, a fixed 02:30 fires once', async () => {
  const { tw, clock } = await fakeEngine('2026-10-24T22:30:00Z');
  await tw.createSchedule('hourly', { cron: '0 * * * *', timezone: 'Europe/Berlin', job: 'tick', overlap: 'allow' });
  const hourly = await fireNext(tw, clock, 'hourly', 4);
  assert.deepEqual(
    hourly.map((f) => iso(f.dueAt)),
    ['2026-10-24T23:00:00.000Z', '2026-10-25T00:00:00.000Z', '2026-10-25T01:00:00.000Z', '2026-10-25T02:00:00.000Z'],
    '01:00 CEST, 02:00 CEST, 02:00 CET (the repeated hour), 03:00 CET: real hours, none lost or doubled',
  );

  await tw.createSchedule('fixed', { cron: '30 2 * * *', timezone: 'Europe/Berlin', job: 'report', overlap: 'allow' });
  const fixed = await fireNext(tw, clock, 'fixed', 2);
  assert.deepEqual(fixed.map((f) => iso(f.dueAt)), ['2026-10-26T01:30:00.000Z', '2026-10-27T01:30:00.000Z']);
  await tw.close();

  const { tw: tw2, clock: clock2 } = await fakeEngine('2026-10-24T12:00:00Z');
  await tw2.createSchedule('fixed', { cron: '30 2 * * *', timezone: 'Europe/Berlin', job: 'report', overlap: 'allow' });
  const around = await fireNext(tw2, clock2, 'fixed', 3);
  assert.deepEqual(
    around.map((f) => iso(f.dueAt)),
    ['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z', '2026-10-27T01:30:00.000Z'],
    '02:30 occurs twice on 25 October (CEST then CET): it fires once, at the first',
  );
  assert.equal((await tw2.listJobs({ name: 'report', limit: 100 })).length, 3);
  await tw2.close();
});

test('America/New_York: daily 02:30 on the spring-forward day (8 March) and the fall-back day (1 November)', async () => {
  const { tw, clock } = await fakeEngine('2026-03-07T12:00:00Z');
  await tw.createSchedule('ny', { cron: '30 2 * * *', timezone: 'America/New_York', job: 'report', overlap: 'allow' });
  const spring = await fireNext(tw, clock, 'ny', 3);
  assert.deepEqual(spring.map((f) => iso(f.dueAt)), [
    '2026-03-08T07:00:00.000Z', // 02:30 EST does not exist: 03:00 EDT
    '2026-03-09T06:30:00.000Z', // 02:30 EDT
    '2026-03-10T06:30:00.000Z',
  ]);
  await tw.updateSchedule('ny', { cron: '30 1 * * *', timezone: 'America/New_York' });
  clock.set(Date.parse('2026-10-31T12:00:00Z'));
  await tw.resumeSchedule('ny'); // not paused: a no-op
  await tw.pauseSchedule('ny');
  await tw.resumeSchedule('ny'); // next due time from now
  const fall = await fireNext(tw, clock, 'ny', 3);
  assert.deepEqual(fall.map((f) => iso(f.dueAt)), [
    '2026-11-01T05:30:00.000Z', // 01:30 EDT: the first of the two 01:30s
    '2026-11-02T06:30:00.000Z', // 01:30 EST
    '2026-11-03T06:30:00.000Z',
  ]);
  await tw.close();
});

test('a 6-field expression has seconds; every 20 seconds in UTC', async () => {
  const { tw, clock } = await fakeEngine('2026-05-01T00:00:05Z');
  const created = await tw.createSchedule('secs', { cron: '*/20 * * * * *', job: 'beat', overlap: 'allow' });
  assert.equal(created.timing.kind, 'cron');
  const fires = await fireNext(tw, clock, 'secs', 3);
  assert.deepEqual(fires.map((f) => iso(f.dueAt)), ['2026-05-01T00:00:20.000Z', '2026-05-01T00:00:40.000Z', '2026-05-01T00:01:00.000Z']);
  await tw.close();
});
