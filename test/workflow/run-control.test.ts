// Cancel, timebox and the ends no handler code sees (job timeout, lease rescue on the last
// attempt): runs end the way the issue says, and parents waiting on them hear of it.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Taskwright, defineWorkflow, getRun, type EngineEvents } from '../../dist/index.js';
import { StorePlace } from '../support/test-store.js';

const place = new StorePlace('wf-run-control');
after(() => place.cleanup());
const engine = () => new Taskwright({ store: place.store() });

async function until<T>(check: () => Promise<T | undefined | false>, what: string, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const sleepyChild = defineWorkflow('sleepy.child', async (_: unknown, step) => {
  await step.sleep('nap', '1h');
});

/** A step that runs until its signal aborts, and says whether it saw the abort. */
const untilAborted = (seen: { aborted: boolean }) => ({ signal }: { signal: AbortSignal }) =>
  new Promise<string>((resolve) => {
    signal.addEventListener('abort', () => {
      seen.aborted = true;
      resolve('stopped');
    }, { once: true });
  });

test('cancel a running run: its running step sees the abort, later steps never start, its child runs are cancelled, run:cancelled is emitted', async () => {
  const tw = engine();
  const seen = { aborted: false };
  let laterRan = false;
  tw.register(
    sleepyChild,
    defineWorkflow('cancellable', async (_: unknown, step) => {
      await step.start('helper', 'sleepy.child', {});
      await step.run('slow', untilAborted(seen));
      await step.run('later', () => (laterRan = true));
    }),
  );
  const cancelledEvents: EngineEvents['run:cancelled'][] = [];
  tw.on('run:cancelled', (e) => cancelledEvents.push(e));
  const worker = await tw.worker({ concurrency: 4 }).start();
  const { id } = await tw.enqueue('cancellable');
  const running = await until(async () => (await getRun(tw, id)).steps.find((s) => s.id === 'slow' && s.status === 'running'), 'the slow step to run');
  assert.equal(running.attempts, 1);
  const child = await until(async () => (await tw.listJobs({ tag: `parent:${id}` })).find((j) => j.state === 'scheduled'), 'the child to sleep');

  await tw.cancel(id); // the plain job cancel: the run's end hook cancels its children too
  const run = await until(async () => { const r = await getRun(tw, id); return r.status === 'cancelled' && r; }, 'the run to end cancelled');
  const childRun = await until(async () => { const r = await getRun(tw, child.id); return r.status === 'cancelled' && r; }, 'the child to be cancelled');
  await until(async () => cancelledEvents.length >= 2, 'run:cancelled for both runs');
  await new Promise((r) => setTimeout(r, 200)); // a later step would have started by now
  await worker.stop();

  assert.equal(seen.aborted, true, 'the running step saw its signal abort');
  assert.equal(laterRan, false, 'no step starts after the cancel');
  assert.deepEqual(run.steps.map((s) => [s.id, s.status]), [['helper', 'completed'], ['slow', 'cancelled']]);
  assert.deepEqual(run.history.map((h) => h.to), ['pending', 'running', 'cancelled']);
  assert.match(run.history.at(-1)?.cause ?? '', /cancel/);
  assert.equal(childRun.steps.find((s) => s.id === 'nap')?.status, 'cancelled');
  assert.deepEqual(cancelledEvents.map((e) => e.runId).sort(), [child.id, id].sort());
  assert.ok(cancelledEvents.every((e) => e.workflow === 'cancellable' || e.workflow === 'sleepy.child'));
  await tw.close();
});

test('a timebox aborts the running step, fails the run and cancels the child runs still going', async () => {
  const tw = engine();
  const seen = { aborted: false };
  tw.register(
    sleepyChild,
    defineWorkflow('boxed', async (_: unknown, step) => {
      await step.start('helper', 'sleepy.child', {});
      await step.run('forever', untilAborted(seen));
    }, {}, { timeout: '1500ms' }),
  );
  const failed: EngineEvents['run:failed'][] = [];
  tw.on('run:failed', (e) => failed.push(e));
  const worker = await tw.worker({ concurrency: 4 }).start();
  const { id } = await tw.enqueue('boxed');
  const run = await until(async () => { const r = await getRun(tw, id); return r.status === 'failed' && r; }, 'the run to fail at its timebox');
  const [child] = await tw.listJobs({ tag: `parent:${id}` });
  assert.ok(child);
  await until(async () => (await getRun(tw, child.id)).status === 'cancelled', 'the child to be cancelled');
  await worker.stop();
  assert.equal(seen.aborted, true, 'the running step saw the timebox');
  assert.match(run.error?.message ?? '', /run exceeded its timeout of 1500ms in step "forever"/);
  assert.equal(run.error?.code, 'run_timeout');
  assert.equal(failed.filter((e) => e.runId === id).length, 1);
  await tw.close();
});

test('a child ended by its job timeout tells its waiting parent at once', async () => {
  const tw = engine();
  tw.register(
    defineWorkflow('hangs', async (_: unknown, step) => step.run('hang', () => new Promise(() => {})), { timeout: '300ms', attempts: 1 }),
    defineWorkflow('waits.for.hang', async (_: unknown, step) => step.invoke('call', 'hangs', {}), { attempts: 1 }),
  );
  const { id } = await tw.enqueue('waits.for.hang');
  await tw.drain({ timeout: '10s' });
  const parent = await getRun(tw, id);
  assert.equal(parent.status, 'failed');
  assert.match(parent.error?.message ?? '', /child workflow hangs \(run \d+\) failed: job exceeded its timeout of 300ms/);
  await tw.close();
});

test('a child whose worker died on its last attempt (rescued, no handler code runs) still tells its waiting parent', async () => {
  const tw = engine();
  tw.register(
    defineWorkflow('remote.child', async () => 'never runs here', { queue: 'elsewhere', attempts: 1 }),
    defineWorkflow('waits.for.remote', async (_: unknown, step) => step.invoke('call', 'remote.child', {}), { attempts: 1 }),
  );
  const { id } = await tw.enqueue('waits.for.remote');
  // the parent starts the child and parks; no worker here takes the queue 'elsewhere'
  let worker = await tw.worker().start();
  await until(async () => (await getRun(tw, id)).steps.find((s) => s.id === 'call' && s.parked === 'waiting'), 'the parent to wait');
  await worker.stop();
  const [child] = await tw.listJobs({ tag: `parent:${id}` });
  assert.ok(child);
  // a worker claims the child and dies: nobody renews its lease
  const claimed = await tw.store.claim({ workerId: 'dead-worker', queues: ['elsewhere'], limit: 1, leaseMs: 1, now: Date.now() });
  assert.equal(claimed.jobs[0]?.id, child.id);
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(await tw.rescueExpired(), 1);
  assert.equal((await tw.getJob(child.id)).state, 'dead');
  worker = await tw.worker().start();
  const parent = await until(async () => { const r = await getRun(tw, id); return r.status === 'failed' && r; }, 'the parent to hear of it and fail');
  await worker.stop();
  assert.match(parent.error?.message ?? '', /child workflow remote\.child \(run \d+\) failed: lease expired/);
  await tw.close();
});

test('cancelling a parked child on its own tells the parent waiting on it, which fails naming it', async () => {
  const tw = engine();
  tw.register(sleepyChild, defineWorkflow('waits.for.sleepy', async (_: unknown, step) => step.invoke('call', 'sleepy.child', {}), { attempts: 1 }));
  const { id } = await tw.enqueue('waits.for.sleepy');
  await tw.drain({ timeout: '5s' }); // both park: the child sleeps an hour, the parent waits for it
  const [child] = await tw.listJobs({ tag: `parent:${id}` });
  assert.equal(child?.state, 'scheduled');
  await tw.cancel(child!.id);
  await tw.drain({ timeout: '5s' });
  const parent = await getRun(tw, id);
  assert.equal(parent.status, 'failed');
  assert.match(parent.error?.message ?? '', /child workflow sleepy\.child \(run \d+\) cancelled/);
  await tw.close();
});
