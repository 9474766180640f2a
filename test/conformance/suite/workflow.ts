// The parts of the contract workflows build on: the step journal and events.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { StepRecord } from '../../../dist/store/types.js';
import { T0, claim, claimOne, job, jobError, outcomeOf, stateOf, storeTest, type Body, type SuiteContext } from './harness.js';

const HOUR = 3_600_000;

function step(stepId: string, seq: number, status: StepRecord['status'], attempts = 1): StepRecord {
  return {
    stepId,
    seq,
    status,
    outputJson: status === 'completed' ? JSON.stringify({ stepId, attempts }) : null,
    error: status === 'failed' ? jobError(`${stepId} failed`) : null,
    attempts,
    startedAt: T0 + seq,
    finishedAt: status === 'completed' || status === 'failed' ? T0 + seq + 1 : null,
    usage: status === 'completed' ? { tokens: attempts * 10, costUsd: 0.25 } : null,
  };
}

export function workflowTests(ctx: SuiteContext): void {
  const it = (name: string, body: Body) => storeTest(ctx, name, body);

  describe('workflow steps', () => {
    it('saveStep records and replaces steps of a running job, fenced; listSteps returns them in seq order', async (store) => {
      await store.enqueue([job('wf')], T0);
      const claimed = await claimOne(store);
      assert.deepEqual(await store.listSteps(claimed.id), []);
      assert.equal(await store.saveStep(claimed.id, 'w1', 1, step('second', 1, 'failed')), true);
      assert.equal(await store.saveStep(claimed.id, 'w1', 1, step('first', 0, 'completed')), true);
      assert.equal(await store.saveStep(claimed.id, 'w1', 1, step('third', 2, 'sleeping')), true);
      assert.equal(await store.saveStep(claimed.id, 'w1', 1, step('second', 1, 'completed', 2)), true, 'replaces the failed record');
      assert.equal(await store.saveStep(claimed.id, 'intruder', 1, step('evil', 3, 'completed')), false);
      assert.equal(await store.saveStep(claimed.id, 'w1', 9, step('stale', 3, 'completed')), false);
      const steps = await store.listSteps(claimed.id);
      assert.deepEqual(steps, [step('first', 0, 'completed'), step('second', 1, 'completed', 2), step('third', 2, 'sleeping')]);
      assert.deepEqual(await store.listSteps('987654321'), []);
      assert.deepEqual(await store.listSteps('abc'), []);
    });

    it('steps survive the attempt and are readable by the next one; a stale attempt cannot write', async (store) => {
      await store.enqueue([job('wf', { attempts: 3 })], T0);
      const first = await claimOne(store);
      assert.equal(await store.saveStep(first.id, 'w1', 1, step('a', 0, 'completed')), true);
      await store.settle([outcomeOf(first, { type: 'retry', error: jobError('crash'), runAt: T0 })], T0 + 1);
      assert.equal(await store.saveStep(first.id, 'w1', 1, step('late', 1, 'completed')), false);
      const second = await claimOne(store, { workerId: 'w2', now: T0 + 1 });
      assert.deepEqual((await store.listSteps(second.id)).map((s) => s.stepId), ['a']);
      assert.equal(await store.saveStep(second.id, 'w2', 2, step('b', 1, 'completed')), true);
      assert.deepEqual((await store.listSteps(second.id)).map((s) => s.stepId), ['a', 'b']);
    });

    it('statsByName sums the usage the steps reported', async (store) => {
      await store.enqueue([job('wf')], T0);
      const claimed = await claimOne(store);
      await store.saveStep(claimed.id, 'w1', 1, step('a', 0, 'completed', 1));
      await store.saveStep(claimed.id, 'w1', 1, step('b', 1, 'completed', 3));
      const wf = (await store.statsByName()).find((s) => s.name === 'wf');
      assert.equal(wf?.tokens, 40);
      assert.equal(wf?.costUsd, 0.5);
    });
  });

  describe('events', () => {
    it('sendEvent stores events; listEvents returns those of a name since a time, oldest first, up to a limit', async (store) => {
      const sent = await store.sendEvent('order.paid', '{"order":1}', T0);
      assert.equal(typeof sent.event.id, 'string');
      assert.deepEqual({ ...sent.event, id: 'x' }, { id: 'x', name: 'order.paid', dataJson: '{"order":1}', createdAt: T0 });
      assert.equal(sent.woken, 0, 'nobody waits');
      await store.sendEvent('other', '{}', T0 + 1);
      await store.sendEvent('order.paid', '{"order":2}', T0 + 2);
      await store.sendEvent('order.paid', '{"order":3}', T0 + 3);
      const all = await store.listEvents('order.paid', 0, 10);
      assert.deepEqual(all.map((e) => JSON.parse(e.dataJson).order), [1, 2, 3]);
      assert.equal(all[0]!.id, sent.event.id);
      assert.deepEqual((await store.listEvents('order.paid', T0 + 2, 10)).map((e) => e.createdAt), [T0 + 2, T0 + 3], 'since is inclusive');
      assert.deepEqual((await store.listEvents('order.paid', 0, 2)).map((e) => JSON.parse(e.dataJson).order), [1, 2]);
      assert.deepEqual(await store.listEvents('nothing', 0, 10), []);
    });

    it('waitForEvent is fenced; sending the event makes the parked job due now', async (store) => {
      const [created] = await store.enqueue([job('wf')], T0);
      const claimed = await claimOne(store);
      assert.equal(await store.waitForEvent(claimed.id, 'intruder', 1, 'pay', 'order.paid'), false);
      assert.equal(await store.waitForEvent(claimed.id, 'w1', 1, 'pay', 'order.paid'), true);
      await store.settle([outcomeOf(claimed, { type: 'snoozed', runAt: T0 + 24 * HOUR, reason: 'waits for order.paid' })], T0 + 1);
      assert.deepEqual((await claim(store, { now: T0 + 2 })).jobs, [], 'parked');
      await store.sendEvent('order.other', '{}', T0 + 2);
      assert.deepEqual((await claim(store, { now: T0 + 3 })).jobs, [], 'another event name does not wake it');
      const sent = await store.sendEvent('order.paid', '{"order":1}', T0 + 5);
      assert.ok(sent.woken >= 1);
      const woken = await claimOne(store, { now: T0 + 5 });
      assert.equal(woken.id, created!.id);
      assert.equal(woken.attempt, 1, 'waiting did not spend an attempt');
    });

    it('an event sent while the job runs keeps it due when it parks', async (store) => {
      const [created] = await store.enqueue([job('wf')], T0);
      const claimed = await claimOne(store);
      assert.equal(await store.waitForEvent(claimed.id, 'w1', 1, 'pay', 'order.paid'), true);
      await store.sendEvent('order.paid', '{}', T0 + 2); // lands between the look and the park
      await store.settle([outcomeOf(claimed, { type: 'snoozed', runAt: T0 + 24 * HOUR })], T0 + 3);
      const again = await claimOne(store, { now: T0 + 3 });
      assert.equal(again.id, created!.id);
    });

    it('a wake-up is used once: an event sent before the attempt began does not cut short its snooze (step.sleep)', async (store) => {
      // the runtime's path: wait for an event, get it, then sleep; a later event of the same name
      // wakes the run (harmless), but the run's next snooze must still be honoured
      const [created] = await store.enqueue([job('wf')], T0);
      const first = await claimOne(store);
      assert.equal(await store.waitForEvent(first.id, 'w1', 1, 'pay', 'order.paid'), true);
      await store.settle([outcomeOf(first, { type: 'snoozed', runAt: T0 + 24 * HOUR })], T0 + 1);
      await store.sendEvent('order.paid', '{"order":1}', T0 + 2);
      // attempt 2 registers the wait again, finds the event, finishes the step and sleeps an hour
      const second = await claimOne(store, { now: T0 + 2 });
      assert.equal(await store.waitForEvent(second.id, 'w1', 1, 'pay', 'order.paid'), true);
      await store.settle([outcomeOf(second, { type: 'snoozed', runAt: T0 + HOUR, reason: 'sleeping in step nap' })], T0 + 3);
      assert.equal((await store.getJob(created!.id))?.runAt, T0 + HOUR);
      // another event of that name arrives while it sleeps and wakes it early
      await store.sendEvent('order.paid', '{"order":2}', T0 + 10);
      const third = await claim(store, { now: T0 + 10 });
      assert.ok(third.jobs.length <= 1);
      if (third.jobs.length === 1) {
        // the replay finds the sleep unfinished (the wait step is done: no new wait) and parks again
        await store.settle([outcomeOf(third.jobs[0]!, { type: 'snoozed', runAt: T0 + HOUR, reason: 'sleeping in step nap' })], T0 + 11);
      }
      const parked = await store.getJob(created!.id);
      assert.equal(parked?.state, 'scheduled');
      assert.equal(parked?.runAt, T0 + HOUR, 'the sleep is kept, not cut short by a wake-up that was already used');
      assert.deepEqual((await claim(store, { now: T0 + 12 })).jobs, [], 'not claimable again before the sleep ends');
      assert.equal(await stateOf(store, created!.id), 'scheduled');
    });
  });
}
