import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Taskwright, defineWorkflow } from '../../dist/index.js';
import { StorePlace } from '../support/test-store.js';

const place = new StorePlace('wf-events');
after(() => place.cleanup());

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('waitForEvent parks the run until a matching event is sent, from another store handle', async () => {
  const spec = place.fresh();
  const tw = new Taskwright({ store: place.open(spec) });
  const sender = new Taskwright({ store: place.open(spec) }); // as another process would
  let shipped = 0;
  tw.register(
    defineWorkflow('order.fulfil', async (input: { orderId: number }, step) => {
      const payment = await step.waitForEvent<{ orderId: number; cents: number }>('paid', { event: 'payment.received', match: { orderId: input.orderId } });
      await step.run('ship', () => void shipped++);
      return payment;
    }),
  );
  const { id } = await tw.enqueue('order.fulfil', { orderId: 7 });
  const worker = tw.worker({ concurrency: 2, pollInterval: 5000 });
  await worker.start();
  // the step is recorded waiting before the run parks (two writes): wait for both
  await waitFor(async () => {
    const details = await tw.getJobDetails(id);
    return details.job.state === 'scheduled' && details.steps.some((s) => s.stepId === 'paid' && s.status === 'waiting');
  }, 'the run to wait');
  await sender.sendEvent('payment.received', { orderId: 8, cents: 100 }); // another order's payment
  await new Promise((r) => setTimeout(r, 300));
  assert.equal((await tw.getJob(id)).state, 'scheduled', 'a non-matching event does not complete the wait');
  const sent = await sender.sendEvent('payment.received', { orderId: 7, cents: 2500 });
  assert.equal(sent.woken, 1);
  await waitFor(async () => (await tw.getJob(id)).state === 'completed', 'the run to complete', 3000);
  assert.deepEqual((await tw.getJob(id)).result, { orderId: 7, cents: 2500 });
  assert.equal(shipped, 1);
  await worker.stop();
  await sender.close();
  await tw.close();
});

test('waitForEvent resolves null after its timeout', async () => {
  const tw = new Taskwright({ store: place.store() });
  tw.register(defineWorkflow('approval', async (_: unknown, step) => {
    const answer = await step.waitForEvent('approved', { event: 'approval', timeout: 300 });
    return answer === null ? 'timed out' : 'approved';
  }));
  const { id } = await tw.enqueue('approval');
  await tw.drain({ timeout: '5s' });
  assert.equal((await tw.getJob(id)).result, 'timed out');
  await tw.close();
});

test('sendEvent rejects a bad name or data and stores nothing', async () => {
  const tw = new Taskwright({ store: place.store() });
  await assert.rejects(tw.sendEvent('bad name', {}), /expected event name to be/);
  await assert.rejects(tw.sendEvent('ok', { n: 1n }), /expected event data to be JSON-serializable/);
  assert.deepEqual(await tw.store.listEvents('ok', 0, 10), []);
  await tw.close();
});
