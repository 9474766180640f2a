// Autoscaling on a real worker and store (each store's pass): the pool grows under a burst and shrinks after it,
// always within its bounds, and reports each decision as a `worker:scaled` event; manual scale(n).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Taskwright, type EngineEvents } from '../../dist/index.js';
import { sqliteStore } from '../../dist/stores/sqlite/index.js';
import { StorePlace } from '../support/test-store.js';

const place = new StorePlace('flow-autoscale');
after(() => place.cleanup());

const waitFor = async (check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

test('grows under a burst up to max and shrinks back to min after it, each decision an event', async () => {
  const tw = new Taskwright({ store: place.store() });
  let running = 0;
  let peak = 0;
  tw.register('work', async () => {
    peak = Math.max(peak, ++running);
    await new Promise((r) => setTimeout(r, 60));
    running--;
  });
  const decisions: EngineEvents['worker:scaled'][] = [];
  tw.on('worker:scaled', (e) => decisions.push(e));
  const worker = tw.worker({ autoscale: { min: 1, max: 8, interval: '50ms', upCooldown: '100ms', downCooldown: '200ms' }, pollInterval: 20 });
  await worker.start();
  try {
    assert.equal(worker.concurrency, 1, 'starts at min');
    const jobs = await tw.enqueueMany(Array.from({ length: 150 }, (_, i) => ({ name: 'work', payload: { i } })));
    await waitFor(() => worker.concurrency === 8, 'the pool to reach max under the burst');
    await waitFor(async () => (await tw.store.pendingCount()) === 0, 'the burst to finish');
    await waitFor(() => worker.concurrency === 1, 'the pool to shrink back to min');
    const ups = decisions.filter((d) => d.to > d.from);
    const downs = decisions.filter((d) => d.to < d.from);
    assert.ok(ups.length >= 2, `grew in steps: ${JSON.stringify(ups.map((d) => `${d.from}->${d.to}`))}`);
    assert.ok(downs.length >= 1);
    for (const d of decisions) {
      assert.ok(d.to >= 1 && d.to <= 8, `within bounds: ${d.from}->${d.to}`);
      assert.match(d.reason, /utilization/);
    }
    for (const d of ups) assert.ok((d.queued ?? 0) > 0 && (d.utilization ?? 0) >= 0.8, `grew only when busy with work waiting: ${JSON.stringify(d)}`);
    const lastUp = ups.at(-1)!;
    const firstDown = downs[0]!;
    assert.ok(decisions.indexOf(firstDown) > decisions.indexOf(lastUp), 'shrank after the growth');
    assert.ok(peak > 1 && peak <= 8, `handlers ran up to ${peak} at once`);
    assert.equal((await Promise.all(jobs.map((j) => tw.getJob(j.id)))).filter((j) => j.state !== 'completed').length, 0);
    const [registered] = await tw.listWorkers();
    assert.equal(registered?.concurrency, 1, 'the registry follows the pool size');
    assert.deepEqual(registered?.autoscale, { min: 1, max: 8 });
  } finally {
    await worker.stop(1000);
    await tw.close();
  }
});

test('manual scale(n): an event with reason manual; out of bounds is rejected and changes nothing', async () => {
  const tw = new Taskwright({ store: place.store() });
  tw.register('work', async () => undefined);
  const decisions: EngineEvents['worker:scaled'][] = [];
  tw.on('worker:scaled', (e) => decisions.push(e));
  const fixed = tw.worker({ concurrency: 4 });
  const scaled = tw.worker({ autoscale: { min: 2, max: 6, downCooldown: '1h' } });
  await fixed.start();
  await scaled.start();
  try {
    fixed.scale(12);
    assert.equal(fixed.concurrency, 12);
    assert.deepEqual(decisions.map((d) => [d.from, d.to, d.reason]), [[4, 12, 'manual']]);
    assert.throws(() => fixed.scale(0), /expected concurrency to be an integer from 1 to 10000, got 0/);
    assert.throws(() => scaled.scale(7), /expected concurrency to be an integer from 2 to 6, got 7/);
    assert.throws(() => scaled.scale(2.5), /got 2.5/);
    assert.equal(scaled.concurrency, 2);
    scaled.scale(5);
    assert.equal(scaled.concurrency, 5);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(scaled.concurrency, 5, 'the down cooldown (1h) keeps a manual size');
    const registry = await tw.listWorkers();
    assert.deepEqual(registry.map((w) => w.concurrency).sort((a, b) => a - b), [5, 12]);
  } finally {
    await fixed.stop(500);
    await scaled.stop(500);
    await tw.close();
  }
});

test('autoscale options are validated with the value named', () => {
  const tw = new Taskwright({ store: sqliteStore(':memory:') });
  assert.throws(() => tw.worker({ autoscale: { min: 5, max: 2 } }), /expected autoscale.min to be at most autoscale.max \(2\), got 5/);
  assert.throws(() => tw.worker({ autoscale: { min: 0, max: 2 } }), /expected autoscale.min to be .*, got 0/);
  assert.throws(() => tw.worker({ autoscale: { min: 1, max: 2, scaleUpAt: 0.2, scaleDownAt: 0.5 } }), /expected autoscale.scaleDownAt to be below scaleUpAt \(0.2\), got 0.5/);
  assert.throws(() => tw.worker({ tags: ['g p u'] }), /expected tags.0 to be .*, got "g p u"/);
});
