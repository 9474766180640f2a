import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Taskwright, getRun } from '../../dist/index.js';
import { StorePlace, openSpec } from '../support/test-store.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const place = new StorePlace('wf-crash');
const store = place.fresh();
const effects = join(place.dir, 'effects.log');
const children: ChildProcess[] = [];
after(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await place.cleanup();
});

const startWorker = (): ChildProcess => {
  const child = spawn(
    process.execPath,
    [join(ROOT, 'dist/cli/main.js'), '--store', store.url, 'worker', '--handlers', 'test/fixtures/workflows.mjs', '--lease', '1s', '--heartbeat', '200ms'],
    { cwd: ROOT, env: { ...process.env, TW_EFFECTS: effects }, stdio: 'ignore' },
  );
  children.push(child);
  return child;
};
const lines = (): string[] => (existsSync(effects) ? readFileSync(effects, 'utf8').trim().split('\n') : []);
const count = (what: string): number => lines().filter((l) => l === what).length;
async function waitFor(check: () => boolean | Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; effects: ${lines().join(',')}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
const kill9 = async (child: ChildProcess): Promise<void> => {
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
};

test('a workflow with a durable sleep survives kill -9 of every worker; completed steps run exactly once', async () => {
  const tw = new Taskwright({ store: openSpec(store) });
  const { id } = await tw.enqueue('pipeline', { rows: [1, 2, 3] });

  const a = startWorker();
  await waitFor(async () => (await tw.getJobDetails(id)).steps.some((s) => s.stepId === 'cool-down'), 'the run to reach its sleep');
  await kill9(a); // killed while the run sleeps in the store

  const b = startWorker();
  await waitFor(() => count('load-start') === 1, 'the load step to start');
  await kill9(b); // killed in the middle of a step

  startWorker();
  await waitFor(async () => (await tw.getJob(id)).state === 'completed', 'the run to complete', 20_000);
  const details = await tw.getJobDetails(id);
  assert.deepEqual(details.job.result, { loaded: 3, sum: 12 });
  assert.equal(count('extract'), 1);
  assert.equal(count('transform'), 1);
  assert.equal(count('report'), 1);
  assert.equal(count('load-done'), 1, 'the interrupted step completed once');
  assert.equal(count('load-start'), 2, 'the step interrupted by kill -9 ran again (at-least-once per attempt)');
  assert.deepEqual(details.steps.map((s) => [s.stepId, s.status]), [
    ['extract', 'completed'],
    ['transform', 'completed'],
    ['cool-down', 'completed'],
    ['load', 'completed'],
    ['report', 'completed'],
  ]);
  await tw.close();
});

test('a workflow with a sleep and a wait-for-event survives kill -9 of every worker and a restart; each completed step ran once', async () => {
  // the worker the previous test left running is stopped first: every worker is under test here
  await Promise.all(children.filter((c) => c.exitCode === null && c.signalCode === null).map(kill9));
  const tw = new Taskwright({ store: openSpec(store) });
  const { id } = await tw.enqueue('approval', { order: 7 });
  const stepStatus = async (stepId: string) => (await tw.getJobDetails(id)).steps.find((s) => s.stepId === stepId)?.status;

  const first = [startWorker(), startWorker()];
  await waitFor(async () => (await stepStatus('approved')) === 'waiting', 'the run to wait for the event (after its sleep)');
  await Promise.all(first.map(kill9)); // every worker gone while the run waits in the store
  // an event for another order does not count; the matching one arrives while no worker runs
  await tw.sendEvent('order.approved', { order: 8, by: 'mallory' });
  await tw.sendEvent('order.approved', { order: 7, by: 'ada' });

  const second = [startWorker(), startWorker()];
  await waitFor(() => count('ship-start') === 1, 'the ship step to start');
  await Promise.all(second.map(kill9)); // killed in the middle of a step

  startWorker();
  await waitFor(async () => (await tw.getJob(id)).state === 'completed', 'the run to complete', 20_000);
  const run = await getRun(tw, id);
  assert.equal(run.status, 'completed');
  assert.deepEqual(run.output, { shippedBy: 'ada' });
  assert.equal(count('prepare'), 1);
  assert.equal(count('ship-done'), 1, 'the interrupted step completed once');
  assert.equal(count('ship-start'), 2, 'the step interrupted by kill -9 ran again (at-least-once per attempt)');
  assert.equal(count('notify'), 1);
  assert.deepEqual(run.steps.map((s) => [s.id, s.status]), [
    ['prepare', 'completed'],
    ['cool-down', 'completed'],
    ['approved', 'completed'],
    ['ship', 'completed'],
    ['notify', 'completed'],
  ]);
  assert.equal(run.steps.find((s) => s.id === 'ship')?.attempts, 2, 'the crashed attempt of the step is counted');
  assert.deepEqual(run.steps.find((s) => s.id === 'approved')?.input, { event: 'order.approved', match: { order: 7 } });
  await tw.close();
});
