// The schedule API on the engine facade: pause, resume, trigger, update, delete, history, a
// workflow target, handler defaults, and bad input (one clear error, nothing written).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defineJob, defineWorkflow, type ScheduleInput } from '../../dist/index.js';
import { assertThrowsCode } from './assert-code.js';
import { fakeEngine, fireNext } from './helpers.js';

const T = Date.parse('2026-06-01T10:00:00Z');
const MIN = 60_000;

test('pause stops firing; resume waits for the next due time after now (no catch-up of the pause)', async () => {
  const { tw, clock } = await fakeEngine('2026-06-01T10:00:00Z');
  await tw.createSchedule('p', { every: '10m', start: new Date(T + 10 * MIN), job: 'x', overlap: 'allow' });
  const paused = await tw.pauseSchedule('p');
  assert.equal(paused.paused, true);
  clock.set(T + 35 * MIN);
  assert.deepEqual(await tw.fireDueSchedules(), [], 'paused: nothing fires');
  assert.equal((await tw.listTimers({ kind: 'schedule' })).length, 0, 'a paused schedule has no pending timer');
  const resumed = await tw.resumeSchedule('p');
  assert.equal(resumed.paused, false);
  assert.equal(resumed.nextFireAt, T + 40 * MIN);
  assert.deepEqual(await tw.fireDueSchedules(), []);
  assert.deepEqual((await fireNext(tw, clock, 'p', 1)).map((f) => f.dueAt), [T + 40 * MIN]);
  await tw.close();
});

test('trigger enqueues now, outside the cadence, and is recorded; get shows next/last fire and history', async () => {
  const { tw, clock } = await fakeEngine('2026-06-01T10:00:00Z');
  await tw.createSchedule('t', { cron: '0 0 1 1 *', job: 'yearly', payload: { n: 1 } });
  clock.advance(5000);
  const fire = await tw.triggerSchedule('t');
  assert.equal(fire.action, 'triggered');
  const job = await tw.getJob(fire.jobId as string);
  assert.equal(job.state, 'queued');
  assert.deepEqual(job.payload, { n: 1 });
  const { schedule, fires } = await tw.getSchedule('t');
  assert.equal(schedule.lastFireAt, T + 5000);
  assert.equal(schedule.lastJobId, fire.jobId);
  assert.equal(schedule.nextFireAt, Date.parse('2027-01-01T00:00:00Z'), 'the cadence is unchanged');
  assert.equal(schedule.runCount, 0, 'a manual trigger does not count toward max runs');
  assert.deepEqual(fires.map((f) => [f.action, f.jobId]), [['triggered', fire.jobId]]);
  await tw.close();
});

test('update: a payload change keeps the next due time; a timing change recomputes it; run counts stay', async () => {
  const { tw, clock } = await fakeEngine('2026-06-01T09:00:00Z');
  await tw.createSchedule('u', { every: '15m', start: new Date(T), job: 'x', payload: { v: 1 }, overlap: 'allow', maxRuns: 5 });
  await fireNext(tw, clock, 'u', 2);
  const before = (await tw.getSchedule('u')).schedule;
  const changed = await tw.updateSchedule('u', { payload: { v: 2 } });
  assert.equal(changed.nextFireAt, before.nextFireAt);
  assert.equal(changed.runCount, 2);
  assert.equal(JSON.parse(changed.job.payloadJson).v, 2);
  const [fire] = await fireNext(tw, clock, 'u', 1);
  assert.deepEqual((await tw.getJob(fire?.jobId as string)).payload, { v: 2 });
  const cron = await tw.updateSchedule('u', { cron: '0 12 * * *', timezone: 'Asia/Tokyo' });
  assert.equal(cron.timing.kind, 'cron');
  assert.equal(cron.input.every, undefined, 'the old timing is replaced, not merged');
  assert.equal(cron.nextFireAt, Date.parse('2026-06-02T03:00:00Z'), 'noon in Tokyo');
  assert.equal(cron.runCount, 3);
  await tw.close();
});

test('delete removes the schedule and its history; the jobs it fired stay', async () => {
  const { tw, clock } = await fakeEngine('2026-06-01T09:00:00Z');
  await tw.createSchedule('d', { every: '15m', start: new Date(T), job: 'x' });
  const [fire] = await fireNext(tw, clock, 'd', 1);
  await tw.deleteSchedule('d');
  await assertThrowsCode(() => tw.getSchedule('d'), 'not_found', /no schedule with id "d"/);
  await assertThrowsCode(() => tw.deleteSchedule('d'), 'not_found', /no schedule with id "d"/);
  assert.equal((await tw.getJob(fire?.jobId as string)).name, 'x');
  assert.deepEqual(await tw.listSchedules(), []);
  await tw.close();
});

test('a workflow target starts a run; handler defaults apply to the fired jobs', async () => {
  const { tw, clock } = await fakeEngine('2026-06-01T09:00:00Z');
  tw.register(defineWorkflow('digest', async (input: { team: string }, step) => step.run('build', () => `digest for ${input.team}`)));
  tw.register(defineJob('cleanup', async () => 'clean', { queue: 'maintenance', attempts: 7 }));
  await tw.createSchedule('digest', { every: '1h', start: new Date(T), workflow: 'digest', payload: { team: 'core' } });
  await tw.createSchedule('cleanup', { every: '1h', start: new Date(T), job: 'cleanup' });
  const fires = await fireNext(tw, clock, 'digest', 1);
  assert.equal((await tw.getSchedule('digest')).schedule.target, 'workflow');
  const cleanupJob = (await tw.listJobs({ name: 'cleanup' }))[0];
  assert.equal(cleanupJob?.queue, 'maintenance');
  assert.equal(cleanupJob?.maxAttempts, 7);
  await tw.drain({ timeout: '10s', schedules: false, queues: ['default', 'maintenance'] });
  const run = await tw.getJobDetails(fires[0]?.jobId as string);
  assert.equal(run.job.state, 'completed');
  assert.equal(run.job.result, 'digest for core');
  assert.deepEqual(run.steps.map((s) => s.stepId), ['build']);
  await tw.close();
});

test('create of an existing id is a conflict unless replace; replace starts the run count over', async () => {
  const { tw, clock } = await fakeEngine('2026-06-01T09:00:00Z');
  await tw.createSchedule('c', { every: '1h', start: new Date(T), job: 'x' });
  await fireNext(tw, clock, 'c', 1);
  await assertThrowsCode(() => tw.createSchedule('c', { every: '2h', job: 'x' }), 'conflict', /schedule "c" already exists/);
  assert.equal((await tw.getSchedule('c')).schedule.input.every, '1h', 'unchanged');
  const replaced = await tw.createSchedule('c', { every: '2h', job: 'y' }, { replace: true });
  assert.equal(replaced.job.name, 'y');
  assert.equal(replaced.runCount, 0);
  await tw.close();
});

test('bad input names the value and what was expected, and writes nothing', async () => {
  const { tw } = await fakeEngine('2026-06-01T09:00:00Z');
  const bad: [string, unknown, ScheduleInput | unknown, RegExp][] = [
    ['id with spaces', 'a b', { every: '1m', job: 'x' }, /expected schedule id to be .*, got "a b"/],
    ['no timing', 's', { job: 'x' }, /expected exactly one of cron, every or at, got none/],
    ['two timings', 's', { cron: '* * * * *', every: '1m', job: 'x' }, /expected exactly one of cron, every or at, got cron and every/],
    ['4-field cron', 's', { cron: '* * * *', job: 'x' }, /expected cron to be a cron expression of 5 fields .* or 6 .*, got "\* \* \* \*"/],
    ['cron out of range', 's', { cron: '61 * * * *', job: 'x' }, /expected cron to be a valid cron expression, got "61 \* \* \* \*"/],
    ['unknown zone', 's', { cron: '* * * * *', timezone: 'Mars/Olympus', job: 'x' }, /expected timezone to be an IANA time zone like Europe\/Berlin, got "Mars\/Olympus"/],
    ['zone without cron', 's', { every: '1m', timezone: 'UTC', job: 'x' }, /expected timezone only with cron/],
    ['sub-second interval', 's', { every: '500ms', job: 'x' }, /expected every to be at least 1s, got "500ms"/],
    ['interval in parsecs', 's', { every: '5 parsecs', job: 'x' }, /expected every to be a duration like .*, got "5 parsecs"/],
    ['bad at', 's', { at: 'soonish', job: 'x' }, /expected at to be a Date, epoch milliseconds or an ISO date, got "soonish"/],
    ['no target', 's', { every: '1m' }, /expected exactly one of job or workflow, got neither/],
    ['two targets', 's', { every: '1m', job: 'x', workflow: 'y' }, /expected exactly one of job or workflow, got both/],
    ['zero max runs', 's', { every: '1m', job: 'x', maxRuns: 0 }, /expected maxRuns to be a positive integer, got 0/],
    ['end before start', 's', { every: '1m', job: 'x', start: '2026-07-01T00:00:00Z', end: '2026-06-01T00:00:00Z' }, /expected end to be after start/],
    ['bad overlap', 's', { every: '1m', job: 'x', overlap: 'sometimes' }, /expected overlap to be one of skip, allow, queue-one, got "sometimes"/],
    ['bad catch-up', 's', { every: '1m', job: 'x', catchUp: 'most' }, /expected catchUp to be one of none, latest, all, got "most"/],
    ['a delay in job options', 's', { every: '1m', job: 'x', options: { delay: '5s' } }, /expected options without delay \(the schedule sets it\)/],
    ['bad job option', 's', { every: '1m', job: 'x', options: { attempts: 0 } }, /expected attempts to be a positive integer/],
    ['unknown key', 's', { every: '1m', job: 'x', cronn: '* * * * *' }, /unknown schedule option "cronn"/],
    ['not an object', 's', 'every minute', /expected schedule to be an object, got "every minute"/],
  ];
  for (const [what, id, input, message] of bad) {
    await assertThrowsCode(() => tw.createSchedule(id as string, input as ScheduleInput), 'invalid_input', message, what);
  }
  assert.deepEqual(await tw.listSchedules(), [], 'nothing was written');
  await tw.createSchedule('ok', { every: '1m', job: 'x' });
  await assertThrowsCode(() => tw.updateSchedule('ok', { every: '0s' }), 'invalid_input', /expected every to be at least 1s/);
  assert.equal((await tw.getSchedule('ok')).schedule.input.every, '1m', 'a rejected update changes nothing');
  await assertThrowsCode(() => tw.updateSchedule('nope', { every: '1m' }), 'not_found', /no schedule with id "nope"/);
  await assertThrowsCode(() => tw.triggerSchedule('nope'), 'not_found', /no schedule with id "nope"/);
  await tw.close();
});

test('fired schedules are events', async () => {
  const { tw, clock } = await fakeEngine('2026-06-01T09:00:00Z');
  const seen: string[] = [];
  tw.on('schedule:fired', (e) => seen.push(`${e.scheduleId}:${e.action}`));
  await tw.createSchedule('ev', { every: '1h', start: new Date(T), job: 'x' });
  await fireNext(tw, clock, 'ev', 2);
  assert.deepEqual(seen, ['ev:enqueued', 'ev:skipped']);
  await tw.close();
});

test('a store without the schedules capability gets a clear error, and workers still run on it', async () => {
  const { tw: base } = await fakeEngine('2026-06-01T09:00:00Z');
  const plain = Object.create(base.store, { capabilities: { value: { crossProcessWakeups: false, embedded: true } } });
  const { Taskwright } = await import('../../dist/index.js');
  const tw = new Taskwright({ store: plain });
  await assertThrowsCode(() => tw.createSchedule('s', { every: '1m', job: 'x' }), 'unsupported', /^the sqlite store does not support schedules and timers yet$/);
  await assertThrowsCode(() => tw.fireDueSchedules(), 'unsupported', /does not support schedules/);
  await assertThrowsCode(() => tw.timerStats(), 'unsupported', /does not support schedules/);
  let ran = 0;
  tw.register('x', async () => void ran++);
  await tw.enqueue('x');
  await tw.drain({ timeout: '10s' });
  assert.equal(ran, 1);
  assert.equal(await tw.fireStoredTimeouts(), 0);
  await base.close();
});
