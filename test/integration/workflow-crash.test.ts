import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Taskwright } from '../../dist/index.js';
import { sqliteStore } from '../../dist/stores/sqlite/index.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tw-wf-crash-'));
const db = join(dir, 'tw.db');
const effects = join(dir, 'effects.log');
const children: ChildProcess[] = [];
after(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const startWorker = (): ChildProcess => {
  const child = spawn(
    process.execPath,
    [join(ROOT, 'dist/cli/main.js'), '--store', `sqlite:${db}`, 'worker', '--handlers', 'test/fixtures/workflows.mjs', '--lease', '1s', '--heartbeat', '200ms'],
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
  const tw = new Taskwright({ store: sqliteStore(db) });
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
