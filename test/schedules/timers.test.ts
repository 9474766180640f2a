// The timer views on a real engine: every kind of pending timer is listed with its kind (delay,
// retry backoff, snooze, workflow sleep, event wait, a step's retry, timeout, schedule), counted in
// the stats, and cancelled (or refused) as the timer id says.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { SnoozeError, Taskwright, defineWorkflow } from '../../dist/index.js';
import { sqliteStore } from '../../dist/stores/sqlite/index.js';
import { assertThrowsCode } from './assert-code.js';

const dir = mkdtempSync(join(tmpdir(), 'tw-timers-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const HOUR = 3_600_000;

test('every kind of timer is listed, counted and cancellable by its id', async () => {
  const tw = new Taskwright({ store: sqliteStore(join(dir, 'timers.db')) });
  tw.register(defineWorkflow('sleeper', async (_input, step) => step.sleep('nap', '1h')));
  tw.register(defineWorkflow('waiter', async (_input, step) => step.waitForEvent('wait', { event: 'go', timeout: '2h' })));
  tw.register(defineWorkflow('flaky', async (_input, step) => step.run('call', () => { throw new Error('down'); }, { retry: { attempts: 3, backoff: '3h' } })));
  tw.register('failing', async () => { throw new Error('boom'); });
  tw.register('snoozer', async () => { throw new SnoozeError(5 * HOUR); });
  const ids = {
    sleeper: (await tw.enqueue('sleeper')).id,
    waiter: (await tw.enqueue('waiter')).id,
    flaky: (await tw.enqueue('flaky')).id,
    failing: (await tw.enqueue('failing', null, { attempts: 2, backoff: { base: '4h', jitter: 0 } })).id,
    snoozer: (await tw.enqueue('snoozer')).id,
    delayed: (await tw.enqueue('later', null, { delay: '6h' })).id,
  };
  await tw.drain({ timeout: '5s', schedules: false });
  await tw.createSchedule('nightly', { cron: '0 3 * * *', job: 'report' });

  const timers = await tw.listTimers();
  const kindOf = Object.fromEntries(timers.filter((t) => t.jobId !== null).map((t) => [t.jobId, t.kind]));
  assert.deepEqual(kindOf, {
    [ids.sleeper]: 'sleep',
    [ids.waiter]: 'event',
    [ids.flaky]: 'retry',
    [ids.failing]: 'retry',
    [ids.snoozer]: 'snooze',
    [ids.delayed]: 'delay',
  });
  assert.ok(timers.some((t) => t.id === 'schedule:nightly' && t.kind === 'schedule'));
  assert.deepEqual(timers.map((t) => t.fireAt), [...timers.map((t) => t.fireAt)].sort((a, b) => a - b), 'soonest first');
  const stats = await tw.timerStats();
  assert.deepEqual([stats.pending, stats.jobs, stats.timeouts, stats.schedules], [7, 6, 0, 1]);
  assert.equal(stats.nextFireAt, timers[0]?.fireAt);
  assert.deepEqual((await tw.listTimers({ kind: 'retry' })).map((t) => t.jobId).sort(), [ids.flaky, ids.failing].sort());

  assert.deepEqual(await tw.cancelTimer(`job:${ids.snoozer}`), { timer: `job:${ids.snoozer}`, result: `job ${ids.snoozer} cancelled` });
  assert.equal((await tw.getJob(ids.snoozer)).state, 'cancelled');
  const before = (await tw.getSchedule('nightly')).schedule.nextFireAt as number;
  await tw.cancelTimer('schedule:nightly');
  assert.equal((await tw.getSchedule('nightly')).schedule.nextFireAt, before + 24 * HOUR, 'that due time is skipped');
  await assertThrowsCode(() => tw.cancelTimer('timeout:1:1'), 'conflict', /is a running attempt's timeout: it ends with the attempt; cancel job 1 instead/);
  await assertThrowsCode(() => tw.cancelTimer('soon'), 'invalid_input', /expected a timer id like job:42 or schedule:nightly, got "soon"/);
  await assertThrowsCode(() => tw.cancelTimer(`job:${ids.snoozer}`), 'not_found', /no pending timer .* \(job \d+ is cancelled\)/);
  await assertThrowsCode(() => tw.listTimers({ kind: 'alarm' as never }), 'invalid_input', /expected timer kind to be one of delay, retry, snooze, sleep, event, timeout, schedule, got "alarm"/);
  assert.equal((await tw.timerStats()).pending, 6);
  await tw.close();
});
