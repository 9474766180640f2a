// Flow-control inputs and the autoscaler's decisions (pure: no store, no timers).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileAging, compileBreakerConfig, compileLimit, DEFAULT_AGING_STEP_MS, NO_AGING_STEP_MS, parseRate } from '../../dist/core/flow.js';
import { compileJobOptions } from '../../dist/core/options.js';
import { Autoscaler } from '../../dist/runtime/autoscaler.js';
import { Taskwright } from '../../dist/index.js';
import { sqliteStore } from '../../dist/stores/sqlite/index.js';

test('priority names map to numbers and the lead is priority x aging step', () => {
  const at = 1_000_000;
  assert.equal(compileJobOptions('a', null, { priority: 'high' }, at).priority, 10);
  assert.equal(compileJobOptions('a', null, { priority: 'low' }, at).priorityLeadMs, -10 * DEFAULT_AGING_STEP_MS);
  assert.equal(compileJobOptions('a', null, { priority: 3 }, at, 1000).priorityLeadMs, 3000);
  assert.equal(compileJobOptions('a', null, {}, at).priorityLeadMs, 0);
  assert.throws(() => compileJobOptions('a', null, { priority: 'urgent' as never }, at), /expected priority to be an integer between -1000000 and 1000000, or high, normal or low, got "urgent"/);
  assert.deepEqual(compileJobOptions('a', null, { requireTags: ['gpu', 'a', 'gpu'] }, at).requiredTags, ['a', 'gpu']);
  assert.throws(() => compileJobOptions('a', null, { concurrencyKey: '' }, at), /expected concurrencyKey to be 1 to 200 letters/);
});

test('aging: a duration, false for none, bounds named', () => {
  assert.equal(compileAging(undefined), DEFAULT_AGING_STEP_MS);
  assert.equal(compileAging('1m'), 60_000);
  assert.equal(compileAging(false), NO_AGING_STEP_MS);
  assert.throws(() => compileAging(0), /expected priorityAging to be a duration between 1ms and 11d \(or false\), got 0/);
  assert.throws(() => new Taskwright({ store: sqliteStore(':memory:'), priorityAging: 'slowly' }), /expected priorityAging to be a duration like/);
});

test('rates and limits', () => {
  assert.deepEqual(parseRate('rate', '10/1s'), { count: 10, intervalMs: 1000 });
  assert.deepEqual(parseRate('rate', { count: 3, per: '1m' }), { count: 3, intervalMs: 60_000 });
  assert.throws(() => parseRate('rate', '0/1s'), /expected rate to be N\/DURATION like 10\/1s .*, got "0\/1s"/);
  assert.throws(() => parseRate('rate', '5/0s'), /expected rate to have an interval of at least 1ms, got "5\/0s"/);
  assert.deepEqual(compileLimit('tenant:1', { concurrency: 3 }), { key: 'tenant:1', concurrency: 3, rate: null });
  assert.throws(() => compileLimit('tenant:1', {}), /expected a concurrency or a rate for limit "tenant:1", got neither/);
  assert.throws(() => compileLimit('tenant:1', { concurrency: -1 }), /expected concurrency to be a positive integer, got -1/);
  assert.throws(() => compileLimit('tenant:1', { burst: 3 } as never), /unknown limit option "burst"/);
  assert.deepEqual(compileBreakerConfig({ failures: 2, cooldown: '5s', errorRate: 0.5 }), { failureThreshold: 2, errorRate: 0.5, windowMs: 60_000, minCalls: 10, cooldownMs: 5000 });
});

test('autoscaler: grows when busy with work waiting, by at most the backlog and the current size; respects cooldowns and bounds', () => {
  let now = 0;
  const clock = { now: () => now };
  const scaler = new Autoscaler({ min: 2, max: 10, intervalMs: 100, scaleUpAt: 0.8, scaleDownAt: 0.3, upCooldownMs: 500, downCooldownMs: 1000 }, clock);
  scaler.sample(2, 2);
  now = 100;
  assert.deepEqual(scaler.decide(2, 2, 100), { from: 2, to: 4, reason: 'utilization 1 >= 0.8 with 100 queued', utilization: 1, queued: 100 });
  now = 200;
  scaler.sample(4, 4);
  assert.equal(scaler.decide(4, 4, 100), null, 'up cooldown');
  now = 700;
  scaler.sample(4, 4);
  assert.equal(scaler.decide(4, 4, 1)?.to, 5, 'no more than the backlog needs');
  now = 1300;
  scaler.sample(5, 5);
  assert.equal(scaler.decide(5, 5, 0), null, 'busy but nothing waits: stay');
  now = 1800;
  scaler.sample(0, 5);
  assert.deepEqual(scaler.decide(5, 0, 0)?.to, 2, 'idle: halve, not below min');
  now = 3000;
  scaler.sample(9, 10);
  assert.equal(scaler.decide(12, 9, 50)?.to, 10, 'above max: back to max');
});

test('a store without flow control refuses keyed jobs instead of ignoring their keys', async () => {
  const inner = sqliteStore(':memory:');
  const plain = new Proxy(inner, {
    get: (target, prop, receiver) => (prop === 'capabilities' ? { crossProcessWakeups: false, embedded: true } : Reflect.get(target, prop, receiver)),
  });
  const tw = new Taskwright({ store: plain });
  await assert.rejects(tw.enqueue('a', null, { concurrencyKey: 'k' }), /the sqlite store does not support flow control \(job a has a group, limit or breaker key, or requires worker tags\)/);
  await assert.rejects(tw.setLimit('k', { concurrency: 1 }), /does not support flow control \(setLimit\)/);
  assert.equal((await tw.enqueue('a', null)).state, 'queued', 'plain jobs still work');
  await tw.close();
});
