// Circuit breakers through the engine and a real worker on the test store (SQLite, or PostgreSQL
// on its pass): failures open the breaker, its jobs are held (not failed, no attempt spent), a
// probe goes through after the cool-down, and the probe's outcome closes it or opens it again. Each change is a `breaker:changed` event.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Taskwright, type BreakerChange } from '../../dist/index.js';
import { StorePlace } from '../support/test-store.js';

const place = new StorePlace('flow-breaker');
after(() => place.cleanup());

const waitFor = async (check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

function setup() {
  const tw = new Taskwright({ store: place.store() });
  const service = { down: true };
  const ran: string[] = [];
  tw.register('pay', async (payload: { label: string }) => {
    ran.push(payload.label);
    if (service.down) throw new Error('payment API unavailable');
    return 'paid';
  });
  const changes: BreakerChange[] = [];
  tw.on('breaker:changed', (change) => changes.push(change));
  return { tw, service, ran, changes };
}

const transitions = (changes: BreakerChange[]) => changes.map((c) => `${c.from}>${c.to}`);

test('opens after consecutive failures, holds its jobs, half-opens after the cool-down, closes when the probe succeeds', async () => {
  const { tw, service, ran, changes } = setup();
  await tw.configureBreaker('api:pay', { failures: 3, cooldown: '400ms' });
  const worker = tw.worker({ concurrency: 1, pollInterval: 20 });
  await worker.start();
  try {
    const failing = await tw.enqueueMany(['f1', 'f2', 'f3'].map((label) => ({ name: 'pay', payload: { label }, options: { breakerKey: 'api:pay', attempts: 1 } })));
    await waitFor(() => transitions(changes).includes('closed>open'), 'the breaker to open');
    for (const { id } of failing) assert.equal((await tw.getJob(id)).state, 'dead');
    const openedAt = Date.now();
    const held = await tw.enqueueMany(['h1', 'h2', 'h3', 'h4'].map((label) => ({ name: 'pay', payload: { label }, options: { breakerKey: 'api:pay', attempts: 1 } })));
    const other = await tw.enqueue('pay', { label: 'unkeyed' }, { attempts: 5, backoff: '10ms' });
    service.down = false; // the service recovers, but the breaker does not know yet
    await waitFor(async () => (await tw.getJob(other.id)).state === 'completed', 'a job without the key to run meanwhile');
    if (Date.now() - openedAt < 300) {
      for (const { id } of held) {
        const job = await tw.getJob(id);
        assert.equal(job.state, 'queued', 'held while open');
        assert.equal(job.attempt, 0, 'no attempt spent while held');
      }
    }
    assert.equal((await tw.listBreakers())[0]?.state, 'open');
    await waitFor(async () => (await Promise.all(held.map(({ id }) => tw.getJob(id)))).every((j) => j.state === 'completed'), 'the held jobs to run after the probe');
    assert.deepEqual(transitions(changes), ['closed>open', 'open>half_open', 'half_open>closed']);
    assert.ok(changes[1]!.at - changes[0]!.at >= 400, 'the probe waited for the cool-down');
    assert.equal(ran.filter((label) => label.startsWith('h'))[0], 'h1', 'the probe was the first held job');
    const [breaker] = await tw.listBreakers();
    assert.equal(breaker?.state, 'closed');
    assert.equal(breaker?.consecutiveFailures, 0);
  } finally {
    await worker.stop(1000);
    await tw.close();
  }
});

test('a failing probe opens the breaker again; a reset closes it at once', async () => {
  const { tw, service, changes } = setup();
  await tw.configureBreaker('api:pay', { failures: 1, cooldown: '200ms' });
  const worker = tw.worker({ concurrency: 2, pollInterval: 20 });
  await worker.start();
  try {
    await tw.enqueue('pay', { label: 'f1' }, { breakerKey: 'api:pay', attempts: 1 });
    await waitFor(() => transitions(changes).includes('closed>open'), 'the breaker to open');
    const probes = await tw.enqueueMany(['p1', 'p2', 'p3'].map((label) => ({ name: 'pay', payload: { label }, options: { breakerKey: 'api:pay', attempts: 1 } })));
    await waitFor(() => transitions(changes).filter((t) => t === 'half_open>open').length >= 1, 'the probe to fail and reopen');
    assert.deepEqual(transitions(changes).slice(0, 3), ['closed>open', 'open>half_open', 'half_open>open']);
    service.down = false;
    await tw.resetBreaker('api:pay');
    await waitFor(async () => (await Promise.all(probes.map(({ id }) => tw.getJob(id)))).filter((j) => j.state === 'completed').length === 2, 'the other two to run after the reset');
    assert.equal((await tw.listBreakers())[0]?.reason, 'reset by request');
  } finally {
    await worker.stop(1000);
    await tw.close();
  }
});

test('breaker options are validated with the value named, and change nothing', async () => {
  const { tw } = setup();
  await assert.rejects(tw.configureBreaker('api:pay', { failures: 0 }), /expected failures to be a positive integer, got 0/);
  await assert.rejects(tw.configureBreaker('api:pay', { errorRate: 1.5 }), /expected errorRate to be a fraction in \(0, 1\], got 1.5/);
  await assert.rejects(tw.configureBreaker('bad key', {}), /expected breaker key to be .*, got "bad key"/);
  await assert.rejects(tw.configureBreaker('api:pay', { cooldown: 'soon' } as never), /expected cooldown to be a duration/);
  await assert.rejects(tw.configureBreaker('api:pay', { bogus: 1 } as never), /unknown breaker option "bogus"/);
  await assert.rejects(tw.resetBreaker('api:pay'), /no breaker with key "api:pay"/);
  assert.deepEqual(await tw.listBreakers(), []);
  await tw.close();
});
