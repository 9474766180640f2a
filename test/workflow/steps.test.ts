import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Taskwright, defineWorkflow } from '../../dist/index.js';
import { StorePlace } from '../support/test-store.js';

const place = new StorePlace('wf-steps');
after(() => place.cleanup());
const engine = () => new Taskwright({ store: place.store() });

test('step.run is memoized: a retried run replays recorded steps instead of running them again', async () => {
  const tw = engine();
  const calls: Record<string, number> = { fetch: 0, charge: 0, email: 0 };
  tw.register(
    defineWorkflow('order', async (input: { id: number }, step) => {
      const item = await step.run('fetch', () => (calls.fetch++, { id: input.id, price: 30 }));
      const charge = await step.run('charge', () => {
        calls.charge++;
        if (calls.charge === 1) throw new Error('card network down');
        return { charged: item.price };
      });
      await step.run('email', () => void calls.email++);
      return { ...charge, item: item.id };
    }, { attempts: 3, backoff: { base: 10, jitter: 0 } }),
  );
  const { id } = await tw.enqueue('order', { id: 7 });
  await tw.drain({ timeout: '10s' });
  const details = await tw.getJobDetails(id);
  assert.equal(details.job.state, 'completed');
  assert.deepEqual(details.job.result, { charged: 30, item: 7 });
  assert.deepEqual(calls, { fetch: 1, charge: 2, email: 1 });
  assert.deepEqual(details.steps.map((s) => [s.stepId, s.status, s.attempts, s.seq]), [
    ['fetch', 'completed', 1, 0],
    ['charge', 'completed', 2, 1],
    ['email', 'completed', 1, 2],
  ]);
  assert.equal(details.job.attempt, 2);
  await tw.close();
});

test('step.sleep is durable: the run waits in the store (no worker held) and resumes after', async () => {
  const tw = engine();
  let before = 0;
  tw.register(
    defineWorkflow('nap', async (_: unknown, step) => {
      await step.run('before', () => void before++);
      await step.sleep('nap', 400);
      return await step.run('after', () => 'woke');
    }),
  );
  const { id } = await tw.enqueue('nap');
  const worker = tw.worker({ concurrency: 1, pollInterval: 50 });
  await worker.start();
  await waitFor(async () => (await tw.getJob(id)).state === 'scheduled', 'the run to park');
  assert.equal(worker.running, 0, 'a sleeping run holds no worker slot');
  const parked = await tw.getJobDetails(id);
  assert.deepEqual(parked.steps.map((s) => [s.stepId, s.status]), [['before', 'completed'], ['nap', 'sleeping']]);
  const started = Date.now();
  await waitFor(async () => (await tw.getJob(id)).state === 'completed', 'the run to finish', 5000);
  assert.ok(Date.now() - started >= 200, 'it slept');
  assert.equal((await tw.getJob(id)).result, 'woke');
  assert.equal((await tw.getJob(id)).attempt, 1, 'sleeping spends no attempt');
  assert.equal(before, 1);
  await worker.stop();
  await tw.close();
});

test('parallel steps with Promise.all overlap and each is recorded', async () => {
  const tw = engine();
  const spans: [number, number][] = [];
  tw.register(
    defineWorkflow('fanout', async (_: unknown, step) => {
      const parts = await Promise.all([1, 2, 3].map((i) => step.run(`part-${i}`, async () => {
        const start = Date.now();
        await new Promise((r) => setTimeout(r, 150));
        spans.push([start, Date.now()]);
        return i * 10;
      })));
      return parts.reduce((a, b) => a + b, 0);
    }),
  );
  const { id } = await tw.enqueue('fanout');
  await tw.drain();
  assert.equal((await tw.getJob(id)).result, 60);
  const latestStart = Math.max(...spans.map((s) => s[0]));
  const earliestEnd = Math.min(...spans.map((s) => s[1]));
  assert.ok(latestStart < earliestEnd, 'the three steps ran at the same time');
  assert.deepEqual((await tw.getJobDetails(id)).steps.map((s) => s.stepId).sort(), ['part-1', 'part-2', 'part-3']);
  await tw.close();
});

test('per-step retry waits durably and spends no run attempt', async () => {
  const tw = engine();
  let tries = 0;
  tw.register(
    defineWorkflow('flaky', async (_: unknown, step) =>
      step.run('call', () => {
        tries++;
        if (tries < 3) throw new Error(`try ${tries} failed`);
        return 'ok';
      }, { retry: { attempts: 3, backoff: 20 } }),
    { attempts: 1 },
  ));
  const { id } = await tw.enqueue('flaky');
  await tw.drain({ timeout: '10s' });
  const details = await tw.getJobDetails(id);
  assert.equal(details.job.state, 'completed');
  assert.equal(details.job.result, 'ok');
  assert.equal(details.steps[0]?.attempts, 3);
  await tw.close();
});

test('a replay that diverges from the recorded history fails with an error naming the step', async () => {
  const tw = engine();
  let fail = true;
  const v1 = defineWorkflow('evolving', async (_: unknown, step) => {
    await step.run('reserve', () => 'r');
    await step.run('pay', () => {
      if (fail) throw new Error('not yet');
      return 'p';
    });
  }, { attempts: 2, backoff: { base: 300, jitter: 0 } });
  tw.register(v1);
  const { id } = await tw.enqueue('evolving');
  const worker = tw.worker({ pollInterval: 20 });
  await worker.start();
  await waitFor(async () => (await tw.getJob(id)).attempt === 1 && (await tw.getJob(id)).state === 'scheduled', 'the first attempt to fail');
  await worker.stop();
  // The code changes under the running workflow: a new step now comes first.
  fail = false;
  tw.register(defineWorkflow('evolving', async (_: unknown, step) => {
    await step.run('audit', () => 'a');
    await step.run('reserve', () => 'r');
    await step.run('pay', () => 'p');
  }));
  await tw.drain({ timeout: '5s' });
  const job = await tw.getJob(id);
  assert.equal(job.state, 'dead');
  assert.match(job.error?.message ?? '', /replay diverged at step "audit": the run recorded step "reserve" before it/);
  await tw.close();
});

test('parallel branches (Promise.all over steps) replay without a false divergence when one branch got further than another', async () => {
  const tw = engine();
  let attempt = 0;
  const ran: string[] = [];
  const stalled = new Promise<void>(() => undefined); // branch A never gets past a1 in the first attempt
  tw.register(defineWorkflow('fan', async (_: unknown, step) => {
    attempt++;
    const branchA = async () => {
      await step.run('a1', () => void ran.push(`a1@${attempt}`));
      if (attempt === 1) await stalled;
      await step.run('a2', () => void ran.push(`a2@${attempt}`));
    };
    const branchB = async () => {
      await step.run('b1', () => void ran.push(`b1@${attempt}`));
      await step.run('b2', () => void ran.push(`b2@${attempt}`));
      if (attempt === 1) throw new Error('the first attempt ends here');
    };
    await Promise.all([branchA(), branchB()]);
    return 'joined';
  }, { attempts: 2, backoff: { base: 10, jitter: 0 } }));
  const { id } = await tw.enqueue('fan');
  await tw.drain({ timeout: '10s' });
  const job = await tw.getJob(id);
  // the replay reaches a2 (new) before branch B has replayed b2 (recorded): not a divergence
  assert.equal(job.state, 'completed', job.error?.message);
  assert.equal(job.result, 'joined');
  assert.deepEqual(ran.sort(), ['a1@1', 'a2@2', 'b1@1', 'b2@1'], 'recorded steps ran once; the new one ran in the second attempt');
  await tw.close();
});

test('a new step inserted before recorded ones in one branch of a parallel run is still a divergence', async () => {
  const tw = engine();
  let version = 1;
  tw.register(defineWorkflow('fan2', async (_: unknown, step) => {
    const branchA = async () => {
      if (version === 2) await step.run('a0', () => 'new');
      await step.run('a1', () => 'a1');
    };
    const branchB = async () => {
      await step.run('b1', () => 'b1');
      if (version === 1) throw new Error('the first attempt ends here');
    };
    await Promise.all([branchA(), branchB()]);
  }, { attempts: 2, backoff: { base: 200, jitter: 0 } }));
  const { id } = await tw.enqueue('fan2');
  const worker = tw.worker({ pollInterval: 20 });
  await worker.start();
  await waitFor(async () => (await tw.getJob(id)).state === 'scheduled', 'the first attempt to fail');
  await worker.stop();
  version = 2;
  await tw.drain({ timeout: '5s' });
  const job = await tw.getJob(id);
  assert.equal(job.state, 'dead');
  assert.match(job.error?.message ?? '', /replay diverged at step "a0": the run recorded step "a1" before it/);
  await tw.close();
});

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('execution events: run and step transitions are emitted in order', async () => {
  const tw = engine();
  const seen: string[] = [];
  for (const name of ['run:started', 'run:completed', 'run:failed', 'step:started', 'step:completed', 'step:failed'] as const) {
    tw.on(name, (e) => seen.push(`${name}${'stepId' in e ? ` ${e.stepId}` : ''}`));
  }
  let first = true;
  tw.register(defineWorkflow('evented', async (_: unknown, step) => {
    await step.run('one', () => 1);
    await step.run('two', () => {
      if (first) {
        first = false;
        throw new Error('once');
      }
      return 2;
    });
  }, { attempts: 2, backoff: { base: 10, jitter: 0 } }));
  await tw.enqueue('evented');
  await tw.drain({ timeout: '5s' });
  assert.deepEqual(seen, [
    'run:started',
    'step:started one',
    'step:completed one',
    'step:started two',
    'step:failed two',
    'step:started two',
    'step:completed two',
    'run:completed',
  ]);
  await tw.close();
});

test('a run timebox fails a run that sleeps past it, on time, and the error workflow starts with its details', async () => {
  const tw = engine();
  tw.register(
    defineWorkflow('slowpoke', async (_: unknown, step) => {
      await step.run('first', () => 1);
      await step.sleep('long-nap', '1h');
      await step.run('never', () => 2);
    // long enough for the first step on a loaded machine with a networked store, far below the 1h sleep
    }, {}, { timeout: 1500, onError: 'slowpoke.failed' }),
    defineWorkflow('slowpoke.failed', async (details: { runId: string; workflow: string; error: string }, step) => step.run('record', () => details)),
  );
  const { id } = await tw.enqueue('slowpoke', { customer: 9 });
  const started = Date.now();
  await tw.drain({ timeout: '5s' });
  const run = await tw.getJob(id);
  assert.equal(run.state, 'dead');
  assert.match(run.error?.message ?? '', /run exceeded its timeout of 1500ms in step "long-nap"/);
  assert.ok(Date.now() - started < 5000, 'the timebox ended the 1h sleep early');
  const [handler] = await tw.listJobs({ name: 'slowpoke.failed' });
  assert.equal(handler?.state, 'completed');
  assert.deepEqual(handler?.result, { runId: id, workflow: 'slowpoke', input: { customer: 9 }, error: run.error?.message });
  await tw.close();
});

test('a large step output is stored compressed in the journal and replays intact; the checkpoint step id is reserved', async () => {
  const spec = place.fresh();
  const tw = new Taskwright({ store: place.open(spec), checkpointCompressionThreshold: 1024 });
  const rows = Array.from({ length: 2000 }, (_, i) => ({ i, label: `row ${i}` }));
  let loads = 0;
  let flaky = 0;
  tw.register(
    defineWorkflow('bulk', async (_: unknown, step) => {
      const loaded = await step.run('load', () => (loads++, rows));
      await step.run('flaky', () => {
        if (++flaky === 1) throw new Error('transient');
      });
      return loaded.length === rows.length && loaded.every((r, i) => r.label === rows[i]?.label);
    }, { attempts: 2, backoff: { base: 10, jitter: 0 } }),
    defineWorkflow('reserved', async (_: unknown, step) => step.run('$checkpoint', () => 1), { attempts: 1 }),
  );
  const { id } = await tw.enqueue('bulk');
  const reserved = await tw.enqueue('reserved');
  await tw.drain({ timeout: '10s' });
  const details = await tw.getJobDetails(id);
  assert.equal(details.job.state, 'completed');
  assert.equal(details.job.result, true, 'the replayed output equals the original');
  assert.equal(loads, 1, 'the recorded step did not run again');
  assert.deepEqual(details.steps.find((s) => s.stepId === 'load')?.outputJson, JSON.stringify(rows), 'run details show it expanded');
  const raw = place.open(spec);
  const stored = (await raw.listSteps(id)).find((s) => s.stepId === 'load');
  assert.equal(stored?.outputJson, null);
  assert.ok(stored?.outputGzip && stored.outputGzip.byteLength < JSON.stringify(rows).length / 4, 'stored gzipped');
  await raw.close();
  const failed = await tw.getJob(reserved.id);
  assert.ok(failed.state === 'failed' || failed.state === 'dead', `ended ${failed.state}`);
  assert.match(failed.error?.message ?? '', /step id "\$checkpoint" is reserved for job checkpoints/);
  await tw.close();
});
