// Schedules and timer views (capability `schedules`): saving definitions, the atomic firing of due
// times (one job per due time, keyed by it, even when two handles fire at once), overlap and
// max runs as the store applies them, triggers, history, and the timer listing.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { compileSchedule, type ScheduleInput } from '../../../dist/core/schedule.js';
import { firstDueTime } from '../../../dist/core/schedule-plan.js';
import type { ScheduleOperations, Store } from '../../../dist/store/store.js';
import type { ScheduleWrite } from '../../../dist/store/schedule-types.js';
import { DAY, SECOND, T0, claimOne, completed, job, jobError, outcomeOf, rejectsWithCode, storeTest, type SuiteContext } from './harness.js';

const MIN = 60 * SECOND;

function write(id: string, input: ScheduleInput, now = T0, extra: Partial<ScheduleWrite> = {}): ScheduleWrite {
  const definition = compileSchedule(id, input, now);
  return { definition, input, paused: false, nextFireAt: firstDueTime(definition, now), resetRuns: true, ...extra };
}

/** The schedule operations, or null (and a check that the store does not claim them) without the capability. */
function ops(store: Store): (Store & ScheduleOperations) | null {
  if (store.capabilities.schedules) return store as Store & ScheduleOperations;
  assert.equal(typeof store.claimDueSchedules, 'undefined', 'a store without the schedules capability has no schedule operations');
  return null;
}

const every = (minutes: number, extra: ScheduleInput = {}): ScheduleInput => ({ every: `${minutes}m`, start: T0 + minutes * MIN, job: 'tick', payload: { p: 1 }, overlap: 'allow', ...extra });

export function scheduleTests(ctx: SuiteContext): void {
  const it = (name: string, body: (store: Store & ScheduleOperations, second: (() => Promise<Store>) | null) => Promise<void>) =>
    storeTest(ctx, name, async (store, tools) => {
      const s = ops(store);
      if (s) await body(s, tools.openSecond);
    });

  describe('schedules', () => {
    it('saveSchedule inserts, getSchedule and listSchedules read it back', async (store) => {
      const saved = await store.saveSchedule(write('b', every(5)), T0);
      await store.saveSchedule(write('a', { cron: '0 3 * * *', timezone: 'Europe/Berlin', job: 'nightly' }), T0);
      assert.equal(saved.id, 'b');
      assert.equal(saved.nextFireAt, T0 + 5 * MIN);
      assert.deepEqual([saved.runCount, saved.lastFireAt, saved.lastJobId, saved.bufferedDueAt, saved.paused], [0, null, null, null, false]);
      assert.deepEqual(saved.input, every(5));
      const read = await store.getSchedule('b');
      assert.deepEqual(read, saved);
      assert.equal(read?.job.name, 'tick');
      assert.deepEqual((await store.listSchedules()).map((s) => s.id), ['a', 'b']);
      assert.equal(await store.getSchedule('missing'), null);
      const cron = await store.getSchedule('a');
      assert.deepEqual(cron?.timing, { kind: 'cron', cron: '0 3 * * *', timezone: 'Europe/Berlin' });
    });

    it('claimDueSchedules fires a due time once: a keyed job from the template, run state and history advance', async (store) => {
      await store.saveSchedule(write('s', every(5)), T0);
      const early = await store.claimDueSchedules(T0 + MIN, 10);
      assert.deepEqual(early, { fired: [], nextFireAt: T0 + 5 * MIN, waiting: false });
      const now = T0 + 5 * MIN + 300;
      const { fired, nextFireAt } = await store.claimDueSchedules(now, 10);
      assert.equal(fired.length, 1);
      const fire = fired[0]!;
      assert.deepEqual([fire.scheduleId, fire.dueAt, fire.firedAt, fire.action, fire.count], ['s', T0 + 5 * MIN, now, 'enqueued', 1]);
      const fired1 = await store.getJob(fire.jobId!);
      assert.equal(fired1?.name, 'tick');
      assert.deepEqual(fired1?.payload, { p: 1 });
      assert.equal(fired1?.state, 'queued');
      assert.equal(fired1?.runAt, now);
      assert.equal(fired1?.idempotencyKey, `schedule:s:${T0 + 5 * MIN}`);
      assert.equal(nextFireAt, T0 + 10 * MIN);
      const after = await store.getSchedule('s');
      assert.deepEqual([after?.runCount, after?.lastFireAt, after?.lastJobId, after?.nextFireAt], [1, now, fire.jobId, T0 + 10 * MIN]);
      assert.deepEqual((await store.claimDueSchedules(now, 10)).fired, [], 'the same instant fires nothing again');
      assert.deepEqual((await store.listScheduleFires('s', 10)).map((f) => f.id), [fire.id]);
    });

    it('a paused schedule does not fire and is not a pending timer', async (store) => {
      await store.saveSchedule(write('p', every(1), T0, { paused: true }), T0);
      assert.deepEqual((await store.claimDueSchedules(T0 + 10 * MIN, 10)).fired, []);
      assert.deepEqual(await store.listTimers({ kind: 'schedule' }), []);
      assert.equal((await store.getSchedule('p'))?.runCount, 0);
    });

    it('two handles firing at the same instants fire each due time once', async (store, openSecond) => {
      if (!openSecond) return;
      const other = (await openSecond()) as Store & ScheduleOperations;
      await store.saveSchedule(write('race', every(1)), T0);
      await store.saveSchedule(write('race2', every(2)), T0);
      for (let m = 1; m <= 20; m++) {
        const now = T0 + m * MIN;
        await Promise.all([store.claimDueSchedules(now, 10), other.claimDueSchedules(now, 10), store.claimDueSchedules(now, 10)]);
      }
      for (const [id, count] of [['race', 20], ['race2', 10]] as const) {
        const fires = await store.listScheduleFires(id, 100);
        assert.equal(fires.length, count, `${id}: one history entry per due time`);
        assert.ok(fires.every((f) => f.action === 'enqueued'));
        assert.equal(new Set(fires.map((f) => f.dueAt)).size, count);
      }
      assert.equal((await store.listJobs({ name: 'tick', limit: 100 })).length, 30);
    });

    it('a due time whose keyed job already exists is recorded as deduplicated, and no second job is made', async (store) => {
      await store.saveSchedule(write('d', every(5)), T0);
      const [existing] = await store.enqueue([job('tick', { idempotencyKey: `schedule:d:${T0 + 5 * MIN}` })], T0);
      const { fired } = await store.claimDueSchedules(T0 + 5 * MIN, 10);
      assert.deepEqual(fired.map((f) => [f.action, f.jobId]), [['deduplicated', existing!.id]]);
      assert.equal((await store.listJobs({ name: 'tick' })).length, 1);
    });

    it('overlap skip reads whether the last fired job is unfinished; queue-one holds one due time until it finishes', async (store) => {
      await store.saveSchedule(write('skip', every(1, { overlap: 'skip', job: 'a' })), T0);
      await store.saveSchedule(write('q1', every(1, { overlap: 'queue-one', job: 'b' })), T0);
      await store.claimDueSchedules(T0 + MIN, 10);
      const second = await store.claimDueSchedules(T0 + 2 * MIN, 10);
      assert.deepEqual(second.fired.map((f) => `${f.scheduleId}:${f.action}`).sort(), ['q1:buffered', 'skip:skipped']);
      assert.equal(second.waiting, true);
      assert.equal((await store.getSchedule('q1'))?.bufferedDueAt, T0 + 2 * MIN);
      // finish both fired jobs
      for (let i = 0; i < 2; i++) {
        const claimed = await claimOne(store, { now: T0 + 2 * MIN });
        await store.settle([outcomeOf(claimed, completed())], T0 + 2 * MIN);
      }
      const released = await store.claimDueSchedules(T0 + 2 * MIN + 1, 10);
      assert.deepEqual(released.fired.map((f) => [f.scheduleId, f.action, f.dueAt]), [['q1', 'enqueued', T0 + 2 * MIN]]);
      assert.equal(released.waiting, false);
      const third = await store.claimDueSchedules(T0 + 3 * MIN, 10);
      assert.deepEqual(third.fired.map((f) => `${f.scheduleId}:${f.action}`).sort(), ['q1:buffered', 'skip:enqueued']);
    });

    it('max runs: the last allowed fire leaves no next due time', async (store) => {
      await store.saveSchedule(write('m', every(1, { maxRuns: 2 })), T0);
      const { fired } = await store.claimDueSchedules(T0 + 10 * MIN + 1, 10);
      assert.deepEqual(fired.map((f) => f.action), ['enqueued', 'missed'], 'latest catch-up: one late fire');
      const { nextFireAt } = await store.claimDueSchedules(T0 + 11 * MIN, 10);
      const after = await store.getSchedule('m');
      assert.deepEqual([after?.runCount, after?.nextFireAt, nextFireAt], [2, null, null]);
      assert.deepEqual((await store.claimDueSchedules(T0 + DAY, 10)).fired, []);
    });

    it('saveSchedule on an existing id replaces the definition and keeps run state unless resetRuns', async (store) => {
      await store.saveSchedule(write('r', every(1)), T0);
      await store.claimDueSchedules(T0 + MIN, 10);
      const kept = await store.saveSchedule(write('r', every(1, { payload: { p: 2 } }), T0, { resetRuns: false, nextFireAt: T0 + 2 * MIN }), T0 + MIN);
      assert.equal(kept.runCount, 1);
      assert.notEqual(kept.lastJobId, null);
      assert.equal(JSON.parse(kept.job.payloadJson).p, 2);
      assert.equal(kept.createdAt, T0);
      assert.equal(kept.updatedAt, T0 + MIN);
      const kept2 = await store.saveSchedule(write('r', every(1), T0, { resetRuns: false, nextFireAt: T0 + 99 * MIN, keepNextFireAt: true }), T0 + MIN);
      assert.equal(kept2.nextFireAt, T0 + 2 * MIN, 'keepNextFireAt leaves the stored next due time alone');
      const reset = await store.saveSchedule(write('r', every(1)), T0 + MIN);
      assert.deepEqual([reset.runCount, reset.lastJobId, reset.lastFireAt], [0, null, null]);
    });

    it('triggerSchedule enqueues now with its history entry; it does not count as a run; unknown ids are not found', async (store) => {
      await store.saveSchedule(write('t', every(60)), T0);
      const fire = await store.triggerSchedule('t', T0 + 7);
      assert.deepEqual([fire.action, fire.dueAt, fire.firedAt], ['triggered', T0 + 7, T0 + 7]);
      assert.equal((await store.getJob(fire.jobId!))?.state, 'queued');
      const after = await store.getSchedule('t');
      assert.deepEqual([after?.runCount, after?.lastJobId, after?.nextFireAt], [0, fire.jobId, T0 + 60 * MIN]);
      await rejectsWithCode(store.triggerSchedule('nope', T0), 'not_found', 'trigger of an unknown schedule');
    });

    it('deleteSchedule removes the schedule and its history, keeps the fired jobs; false when absent', async (store) => {
      await store.saveSchedule(write('x', every(1)), T0);
      const { fired } = await store.claimDueSchedules(T0 + MIN, 10);
      assert.equal(await store.deleteSchedule('x'), true);
      assert.equal(await store.getSchedule('x'), null);
      assert.deepEqual(await store.listScheduleFires('x', 10), []);
      assert.equal(await store.deleteSchedule('x'), false);
      assert.equal((await store.getJob(fired[0]!.jobId!))?.name, 'tick');
    });

    it('listScheduleFires is newest first and limited', async (store) => {
      await store.saveSchedule(write('h', every(1)), T0);
      for (let m = 1; m <= 5; m++) await store.claimDueSchedules(T0 + m * MIN, 10);
      const fires = await store.listScheduleFires('h', 3);
      assert.deepEqual(fires.map((f) => f.dueAt), [T0 + 5 * MIN, T0 + 4 * MIN, T0 + 3 * MIN]);
    });
  });

  describe('timers', () => {
    it('listTimers shows delays, retry backoffs, snoozes, running timeouts and schedules, soonest first; timerStats counts them', async (store) => {
      const [delayed] = await store.enqueue([job('delayed', { delay: 50 * SECOND })], T0);
      await store.enqueue([job('retried', { timeout: '20s' }), job('snoozer'), job('timed', { timeout: '90s' })], T0);
      const byName = new Map<string, Awaited<ReturnType<typeof claimOne>>>();
      for (let i = 0; i < 3; i++) {
        const claimed = await claimOne(store, { now: T0 });
        byName.set(claimed.name, claimed);
      }
      await store.settle(
        [
          outcomeOf(byName.get('retried')!, { type: 'retry', error: jobError('boom\twith a tab'), runAt: T0 + 30 * SECOND }),
          outcomeOf(byName.get('snoozer')!, { type: 'snoozed', runAt: T0 + 40 * SECOND, reason: 'later' }),
        ],
        T0,
      );
      await store.saveSchedule(write('sch', { every: '1m', start: T0 + 10 * SECOND, job: 'tick' }), T0);
      const timers = await store.listTimers({});
      assert.deepEqual(
        timers.map((t) => [t.kind, t.name, t.fireAt - T0]),
        [['schedule', 'tick', 10 * SECOND], ['retry', 'retried', 30 * SECOND], ['snooze', 'snoozer', 40 * SECOND], ['delay', 'delayed', 50 * SECOND], ['timeout', 'timed', 90 * SECOND]],
      );
      const timeout = timers.find((t) => t.kind === 'timeout');
      assert.deepEqual([timeout?.id, timeout?.attempt, timeout?.workerId], [`timeout:${byName.get('timed')!.id}:1`, 1, 'w1']);
      assert.equal(timers.find((t) => t.kind === 'delay')?.id, `job:${delayed!.id}`);
      assert.equal(timers.find((t) => t.kind === 'schedule')?.id, 'schedule:sch');
      assert.deepEqual((await store.listTimers({ kind: 'retry' })).map((t) => t.name), ['retried']);
      assert.deepEqual((await store.listTimers({ dueBy: T0 + 35 * SECOND })).map((t) => t.kind), ['schedule', 'retry']);
      assert.equal((await store.listTimers({ limit: 2 })).length, 2);
      assert.deepEqual(await store.timerStats(), { pending: 5, nextFireAt: T0 + 10 * SECOND, jobs: 3, timeouts: 1, schedules: 1 });
    });

    it('timerStats is empty on an empty store', async (store) => {
      assert.deepEqual(await store.timerStats(), { pending: 0, nextFireAt: null, jobs: 0, timeouts: 0, schedules: 0 });
      assert.deepEqual(await store.listTimers({}), []);
    });
  });
}
