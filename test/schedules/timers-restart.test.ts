// Stored timers survive a crash: a worker process is SIGKILLed while a delayed job, a retry
// backoff, a running attempt's timeout and a one-time schedule are pending. Their times pass while
// nothing runs; two fresh processes then start together, and every timer fires exactly once.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Harness, sleep, transitions, waitForState, waitUntil } from '../integration/helpers.js';

const h = new Harness('timers');
after(() => h.cleanup());

test('after a kill -9, a restart fires every due timer once (delay, retry backoff, timeout, timebox, schedule)', async () => {
  const options = { worker: { concurrency: 4, lease: '60s', heartbeat: '1s' } };
  const a = await h.start('A', options);
  const tw = h.engine();

  const delayed = await tw.enqueue('record', { t: 'delay' }, { delay: '6s' });
  const failing = await tw.enqueue('fail', { ms: 0 }, { attempts: 2, backoff: { base: '6s', jitter: 0 } });
  // A would end this attempt itself 6s after it starts; it is killed well before that
  const hanging = await tw.enqueue('sleep', { ms: 600_000 }, { timeout: '6s', attempts: 1 });
  await tw.createSchedule('once', { at: new Date(Date.now() + 6000), job: 'record', payload: { t: 'schedule' } });
  const timeboxed = await tw.enqueue('timeboxed');
  await waitForState(tw, failing.id, 'scheduled', 10_000);
  await waitForState(tw, hanging.id, 'running', 10_000);
  const parked = await waitForState(tw, timeboxed.id, 'scheduled', 10_000);
  const wake = parked.runAt - parked.createdAt;
  assert.ok(wake >= 6000 && wake < 6500, `the sleeping run wakes at its timebox (a stored time), not in an hour: ${wake}ms after creation`);

  const kinds = (await tw.listTimers()).map((t) => `${t.kind}:${t.jobId ?? t.scheduleId}`).sort();
  assert.deepEqual(kinds, [`delay:${delayed.id}`, `retry:${failing.id}`, 'schedule:once', `timeout:${hanging.id}`, `sleep:${timeboxed.id}`].sort());
  const stats = await tw.timerStats();
  assert.deepEqual([stats.pending, stats.jobs, stats.timeouts, stats.schedules], [5, 3, 1, 1]);

  assert.equal((await tw.getJob(hanging.id)).state, 'running');
  assert.equal((await tw.getJob(delayed.id)).state, 'scheduled');
  a.kill('SIGKILL');
  await a.waitExit(5000);
  // every timer is now past due, and no process is running
  const latest = Math.max(...(await tw.listTimers()).map((t) => t.fireAt));
  await sleep(Math.max(0, latest + 500 - Date.now()));
  const pastDue = await tw.listTimers({ dueBy: Date.now() });
  assert.equal(pastDue.length, 5, 'all five timers passed while nothing ran');

  const [b, c] = await Promise.all([h.start('B', options), h.start('C', options)]);
  await waitForState(tw, delayed.id, 'completed', 15_000);
  await waitForState(tw, failing.id, 'dead', 15_000);
  // the lease (60s) is far away: only the stored timeout can end the hung attempt this soon
  const timedOut = await waitForState(tw, hanging.id, 'dead', 20_000);
  assert.equal(timedOut.error?.code, 'timeout');
  assert.match(timedOut.error?.message ?? '', /exceeded its timeout of 6000ms/);
  const scheduled = await waitUntil(async () => (await tw.listJobs({ name: 'record', limit: 10 })).find((j) => (j.payload as { t: string }).t === 'schedule' && j.state === 'completed'), 15_000, 'the schedule to fire and its job to run');

  const bc = [b, c];
  const ran = (id: string) => bc.flatMap((p) => p.events('run', id)).length;
  assert.equal(ran(delayed.id), 1, 'the delayed job ran once');
  assert.equal(ran(scheduled.id), 1, 'the scheduled job ran once');
  assert.equal(bc.flatMap((p) => p.events('start', failing.id)).length, 1, 'the retry ran once, in one process');
  assert.deepEqual(await transitions(tw, failing.id), ['>queued@0', 'queued>running@1', 'running>scheduled@1', 'scheduled>queued@1', 'queued>running@2', 'running>dead@2']);
  assert.deepEqual(await transitions(tw, hanging.id), ['>queued@0', 'queued>running@1', 'running>dead@1'], 'the timeout fired once');
  const timeouts = bc.flatMap((p) => p.events('timer-timeout', hanging.id));
  assert.equal(timeouts.length, 1, 'one process fired the timeout');
  assert.equal(timeouts[0]?.owner, (await tw.getJobDetails(hanging.id)).transitions[1]?.reason, 'on behalf of the dead worker');
  const boxed = await waitForState(tw, timeboxed.id, 'dead', 15_000);
  assert.equal(boxed.error?.code, 'run_timeout');
  assert.deepEqual(await transitions(tw, timeboxed.id), ['>queued@0', 'queued>running@1', 'running>scheduled@0', 'scheduled>queued@0', 'queued>running@1', 'running>dead@1'], 'the timebox fired once, on the replay after the restart');
  const { schedule, fires } = await tw.getSchedule('once');
  assert.deepEqual(fires.map((f) => f.action), ['enqueued']);
  assert.equal(schedule.nextFireAt, null);
  assert.equal((await tw.listJobs({ name: 'record', limit: 10 })).filter((j) => (j.payload as { t: string }).t === 'schedule').length, 1);
  assert.equal((await tw.timerStats()).pending, 0);
  for (const p of bc) p.kill('SIGTERM');
  await Promise.all(bc.map((p) => p.waitExit(15_000)));
});

test('a stored timeout ends an attempt whose worker is alive but blocked; the late outcome is rejected', async () => {
  const options = { worker: { concurrency: 2, lease: '60s', heartbeat: '1s' } };
  const blocked = await h.start('blocked', options);
  const tw = h.engine();
  // the handler blocks its event loop for 12s: its worker cannot run its own 1s timeout
  const busy = await tw.enqueue('busy', { ms: 12_000 }, { timeout: '1s', attempts: 1 });
  await blocked.waitForEvent('start', 10_000, busy.id);
  const other = await h.start('other', options);
  const ended = await waitForState(tw, busy.id, 'dead', 20_000);
  assert.equal(ended.error?.code, 'timeout');
  // the process records the event after the store write that ended the job: wait for the record
  await other.waitForEvent('timer-timeout', 10_000, busy.id);
  assert.equal(other.events('timer-timeout', busy.id).length, 1, 'the other process fired the stored timeout, once');
  await blocked.waitForEvent('end', 20_000, busy.id);
  await sleep(500);
  assert.deepEqual(await transitions(tw, busy.id), ['>queued@0', 'queued>running@1', 'running>dead@1'], 'the blocked worker could not settle it again');
  for (const p of [blocked, other]) p.kill('SIGTERM');
  await Promise.all([blocked, other].map((p) => p.waitExit(15_000)));
});
