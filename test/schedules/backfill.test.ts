// Backfill of a schedule over a past range, on the store under test (TW_TEST_STORE): each due time
// gets one job, due times that fired on time are left alone, running it again (or from two
// engines at once) adds nothing, start/end and time zones hold, and bad input changes nothing.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Taskwright } from '../../dist/index.js';
import { FakeClock } from '../../dist/testing/index.js';
import { StorePlace } from '../support/test-store.js';
import { assertThrowsCode } from './assert-code.js';

const place = new StorePlace('backfill');
after(() => place.cleanup());
const T = Date.parse('2026-05-01T00:00:00Z');
const H = 3_600_000;

function engines(clock: FakeClock, count = 1): Taskwright[] {
  const spec = place.fresh();
  return Array.from({ length: count }, () => new Taskwright({ store: place.open(spec), clock }));
}

test('each due time of the range gets one job; the one fired on time is kept; again adds nothing', async () => {
  const clock = new FakeClock(T - 1000);
  const [tw] = engines(clock);
  await tw!.migrate();
  await tw!.createSchedule('hourly', { every: '1h', start: new Date(T), job: 'report', payload: { p: 1 }, catchUp: 'latest', overlap: 'allow' });
  clock.set(T + 3.5 * H);
  const onTime = await tw!.fireDueSchedules();
  assert.deepEqual(onTime.filter((f) => f.action === 'enqueued').map((f) => f.dueAt), [T + 3 * H], 'catch-up latest fired only the last due time');

  const first = await tw!.backfillSchedule('hourly', { from: new Date(T), to: T + 3 * H });
  assert.deepEqual(first.dueTimes, [T, T + H, T + 2 * H, T + 3 * H]);
  assert.deepEqual(first.enqueued.map((e) => e.dueAt), [T, T + H, T + 2 * H]);
  assert.deepEqual(first.existing.map((e) => e.dueAt), [T + 3 * H]);
  const job = await tw!.getJob(first.enqueued[0]!.jobId);
  assert.deepEqual([job.name, job.payload, job.state, job.idempotencyKey], ['report', { p: 1 }, 'queued', `schedule:hourly:${T}`]);

  const again = await tw!.backfillSchedule('hourly', { from: '2026-05-01T00:00:00Z', to: '2026-05-01T03:00:00Z' });
  assert.deepEqual(again.enqueued, []);
  assert.deepEqual(again.existing.map((e) => e.jobId), [...first.enqueued.map((e) => e.jobId), first.existing[0]!.jobId]);
  assert.equal((await tw!.listJobs({ name: 'report', limit: 100 })).length, 4);
  await tw!.close();
});

test('two engines backfilling the same range at once enqueue each due time once', async () => {
  const clock = new FakeClock(T);
  const [a, b] = engines(clock, 2);
  await a!.migrate();
  await a!.createSchedule('cron', { cron: '*/15 * * * *', job: 'tick', start: new Date(T) });
  clock.set(T + 24 * H);
  const range = { from: T, to: T + 10 * H - 1 };
  const [ra, rb] = await Promise.all([a!.backfillSchedule('cron', range), b!.backfillSchedule('cron', range)]);
  assert.equal(ra!.dueTimes.length, 40);
  assert.equal(ra!.enqueued.length + rb!.enqueued.length, 40, 'every due time enqueued by exactly one of them');
  assert.equal((await a!.listJobs({ name: 'tick', limit: 1000 })).length, 40);
  await a!.close();
  await b!.close();
});

test('start, end and the time zone bound the due times; a dry run enqueues nothing', async () => {
  const clock = new FakeClock(T);
  const [tw] = engines(clock);
  await tw!.migrate();
  await tw!.createSchedule('berlin', { cron: '0 9 * * *', timezone: 'Europe/Berlin', job: 'daily', start: '2026-05-02T00:00:00Z', end: '2026-05-04T12:00:00Z' });
  clock.set(Date.parse('2026-06-01T00:00:00Z'));
  const dry = await tw!.backfillSchedule('berlin', { from: '2026-04-01T00:00:00Z', to: '2026-05-31T00:00:00Z', dryRun: true });
  assert.deepEqual(dry.dueTimes.map((t) => new Date(t).toISOString()), ['2026-05-02T07:00:00.000Z', '2026-05-03T07:00:00.000Z', '2026-05-04T07:00:00.000Z']);
  assert.deepEqual([dry.dryRun, dry.enqueued], [true, []]);
  assert.equal((await tw!.listJobs({ limit: 10 })).length, 0);
  const once = await tw!.backfillSchedule('berlin', { from: '2026-05-03T07:00:00Z', to: '2026-05-03T07:00:00Z' });
  assert.equal(once.enqueued.length, 1, 'the range is inclusive at both ends');
  await tw!.close();
});

test('bad ranges name the value and change nothing', async () => {
  const clock = new FakeClock(T);
  const [tw] = engines(clock);
  await tw!.migrate();
  await tw!.createSchedule('s', { every: '1m', job: 'x', start: new Date(T - 30 * 24 * H) });
  const cases: [unknown, RegExp][] = [
    [{ from: 'yesterday', to: T }, /expected from to be a Date, epoch milliseconds or an ISO date, got "yesterday"/],
    [{ from: T - H, to: T - 2 * H }, /expected to to be at or after from/],
    [{ from: T - H, to: T + H }, /expected to to be at or before now/],
    [{ from: T - 2 * 24 * H, to: T }, /holds more than 1000 due times of schedule "s"; backfill a shorter range/],
    [{ from: T - H, to: T, dryRun: 'yes' }, /expected dryRun to be true or false, got "yes"/],
  ];
  for (const [range, message] of cases) await assertThrowsCode(() => tw!.backfillSchedule('s', range as never), 'invalid_input', message, JSON.stringify(range));
  await assertThrowsCode(() => tw!.backfillSchedule('missing', { from: T - H, to: T }), 'not_found', /no schedule with id "missing"/);
  assert.equal((await tw!.listJobs({ limit: 10 })).length, 0);
  await tw!.close();
});
