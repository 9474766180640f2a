// Event triggers (capability `triggers`): saving and reading triggers, and publishing keyed
// events: one atomic unit stores the event, wakes its waiting runs and starts the planned jobs of
// live triggers; a second publish of the key, from any handle and at the same moment, starts
// nothing and answers with the first one's outcome.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { compileTrigger, type TriggerInput } from '../../../dist/core/trigger.js';
import type { Store } from '../../../dist/store/store.js';
import type { PlannedTriggerJob, TriggerOperations, TriggerWrite } from '../../../dist/store/trigger-types.js';
import { T0, claim, claimOne, job, outcomeOf, storeTest, type SuiteContext } from './harness.js';

const HOUR = 3_600_000;

function write(id: string, input: TriggerInput, paused = false): TriggerWrite {
  return { definition: compileTrigger(id, input, T0), input, paused };
}

const planned = (triggerId: string, payload: unknown = { n: 1 }): PlannedTriggerJob => ({ triggerId, job: job(`start.${triggerId}`, {}, payload) });

/** The trigger operations, or null (and a check that the store does not claim them) without the capability. */
function ops(store: Store): (Store & TriggerOperations) | null {
  if (store.capabilities.triggers) return store as Store & TriggerOperations;
  assert.equal(typeof store.publishEvent, 'undefined', 'a store without the triggers capability has no trigger operations');
  return null;
}

export function triggerTests(ctx: SuiteContext): void {
  const it = (name: string, body: (store: Store & TriggerOperations, second: (() => Promise<Store>) | null) => Promise<void>) =>
    storeTest(ctx, name, async (store, tools) => {
      const s = ops(store);
      if (s) await body(s, tools.openSecond);
    });

  describe('triggers', () => {
    it('saveTrigger inserts and replaces; getTrigger, listTriggers (all, or the unpaused of one event) read them back', async (store) => {
      const saved = await store.saveTrigger(write('b', { event: 'order.paid', job: 'invoice', match: { currency: 'EUR' }, payload: { id: '$.data.id' } }), T0);
      await store.saveTrigger(write('a', { event: 'order.paid', workflow: 'ship' }), T0);
      await store.saveTrigger(write('c', { event: 'order.paid', job: 'x' }, true), T0);
      await store.saveTrigger(write('d', { event: 'user.created', job: 'welcome' }), T0);
      assert.deepEqual([saved.id, saved.event, saved.target, saved.job.name, saved.paused, saved.createdAt, saved.updatedAt], ['b', 'order.paid', 'job', 'invoice', false, T0, T0]);
      assert.deepEqual(saved.match, { currency: 'EUR' });
      assert.deepEqual(saved.payloadTemplate, { value: { id: '$.data.id' } });
      assert.deepEqual(await store.getTrigger('b'), saved);
      assert.equal(await store.getTrigger('missing'), null);
      assert.deepEqual((await store.listTriggers()).map((t) => t.id), ['a', 'b', 'c', 'd']);
      assert.deepEqual((await store.listTriggers({ event: 'order.paid' })).map((t) => t.id), ['a', 'b'], 'paused and other events left out');
      const replaced = await store.saveTrigger(write('b', { event: 'order.refunded', job: 'refund' }, true), T0 + 5);
      assert.deepEqual([replaced.event, replaced.job.name, replaced.paused, replaced.createdAt, replaced.updatedAt], ['order.refunded', 'refund', true, T0, T0 + 5]);
      assert.deepEqual((await store.listTriggers({ event: 'order.paid' })).map((t) => t.id), ['a']);
    });

    it('publishEvent stores the event, starts each planned job and records one fire per trigger', async (store) => {
      await store.saveTrigger(write('t1', { event: 'order.paid', job: 'start.t1' }), T0);
      await store.saveTrigger(write('t2', { event: 'order.paid', job: 'start.t2' }), T0);
      const result = await store.publishEvent('evt-1', 'order.paid', '{"id":7}', [planned('t2', { o: 7 }), planned('t1')], T0 + 1);
      assert.equal(result.deduplicated, false);
      assert.deepEqual({ ...result.event, id: 'x' }, { id: 'x', name: 'order.paid', dataJson: '{"id":7}', createdAt: T0 + 1 });
      assert.deepEqual(result.fires.map((f) => [f.triggerId, f.eventKey, f.eventId, f.firedAt]), [['t1', 'evt-1', result.event.id, T0 + 1], ['t2', 'evt-1', result.event.id, T0 + 1]]);
      const t2Job = await store.getJob(result.fires[1]!.jobId);
      assert.deepEqual([t2Job?.name, t2Job?.state, t2Job?.payload], ['start.t2', 'queued', { o: 7 }]);
      assert.equal(await store.pendingCount(), 2);
      assert.deepEqual((await store.listEvents('order.paid', 0, 10)).map((e) => e.id), [result.event.id], 'the event is stored like any other');
      assert.deepEqual((await store.listTriggerFires('t1', 10)).map((f) => f.jobId), [result.fires[0]!.jobId]);
    });

    it('a second publishEvent of a key changes nothing and returns the first outcome', async (store) => {
      await store.saveTrigger(write('t1', { event: 'order.paid', job: 'start.t1' }), T0);
      const first = await store.publishEvent('evt-1', 'order.paid', '{"id":7}', [planned('t1')], T0);
      const again = await store.publishEvent('evt-1', 'order.paid', '{"id":8}', [planned('t1')], T0 + 10);
      assert.equal(again.deduplicated, true);
      assert.equal(again.woken, 0);
      assert.deepEqual(again.event, first.event, 'the first event, not the second data');
      assert.deepEqual(again.fires, first.fires);
      assert.equal(await store.pendingCount(), 1);
      assert.equal((await store.listEvents('order.paid', 0, 10)).length, 1);
      const other = await store.publishEvent('evt-2', 'order.paid', '{}', [planned('t1')], T0 + 20);
      assert.equal(other.deduplicated, false, 'another key is another event');
      assert.equal(await store.pendingCount(), 2);
      assert.deepEqual((await store.listTriggerFires('t1', 10)).map((f) => f.eventKey), ['evt-2', 'evt-1'], 'newest first');
      assert.deepEqual((await store.listTriggerFires('t1', 1)).map((f) => f.eventKey), ['evt-2']);
    });

    it('publishEvent starts nothing for a planned trigger that was paused or deleted meanwhile', async (store) => {
      await store.saveTrigger(write('live', { event: 'e', job: 'start.live' }), T0);
      await store.saveTrigger(write('paused', { event: 'e', job: 'start.paused' }, true), T0);
      const result = await store.publishEvent('k', 'e', 'null', [planned('live'), planned('paused'), planned('gone')], T0);
      assert.deepEqual(result.fires.map((f) => f.triggerId), ['live']);
      assert.equal(await store.pendingCount(), 1);
    });

    it('publishEvent wakes the runs waiting for its name, once per key', async (store) => {
      const [created] = await store.enqueue([job('wf')], T0);
      const claimed = await claimOne(store);
      assert.equal(await store.waitForEvent(claimed.id, 'w1', 1, 'pay', 'order.paid'), true);
      await store.settle([outcomeOf(claimed, { type: 'snoozed', runAt: T0 + 24 * HOUR, reason: 'waits for order.paid' })], T0 + 1);
      const sent = await store.publishEvent('evt-9', 'order.paid', '{}', [], T0 + 5);
      assert.equal(sent.woken, 1);
      assert.deepEqual(sent.fires, []);
      assert.equal((await claimOne(store, { now: T0 + 5 })).id, created!.id);
    });

    it('deleteTrigger removes the trigger and its fires (the jobs stay); false when there was none', async (store) => {
      await store.saveTrigger(write('t', { event: 'e', job: 'start.t' }), T0);
      const { fires } = await store.publishEvent('k', 'e', 'null', [planned('t')], T0);
      assert.equal(await store.deleteTrigger('t'), true);
      assert.equal(await store.getTrigger('t'), null);
      assert.deepEqual(await store.listTriggerFires('t', 10), []);
      assert.equal(await store.deleteTrigger('t'), false);
      assert.ok(await store.getJob(fires[0]!.jobId), 'the started job is kept');
    });

    it('publishers of one key at the same moment, on two handles, start its jobs once', async (store, openSecond) => {
      await store.saveTrigger(write('t1', { event: 'e', job: 'start.t1' }), T0);
      await store.saveTrigger(write('t2', { event: 'e', job: 'start.t2' }), T0);
      const second = (openSecond ? await openSecond() : store) as Store & TriggerOperations;
      const handles = [store, second, store, second, store, second];
      const results = await Promise.all(handles.map((h, i) => h.publishEvent('same', 'e', `{"i":${i}}`, [planned('t1'), planned('t2')], T0 + i)));
      assert.equal(results.filter((r) => !r.deduplicated).length, 1, 'one publish stored the event');
      const jobIds = new Set(results.flatMap((r) => r.fires.map((f) => f.jobId)));
      assert.equal(jobIds.size, 2, 'every publish answers with the same two jobs');
      assert.equal(await store.pendingCount(), 2);
      assert.equal((await claim(store, { now: T0 + 10 })).jobs.length, 2);
    });
  });
}
