import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CliSandbox, until } from './cli-helpers.js';

const box = new CliSandbox();
const effects = join(box.dir, 'effects.log');
process.env.TW_EFFECTS = effects;
let worker: ReturnType<CliSandbox['spawn']>;
before(async () => {
  worker = box.spawn('worker', '--handlers', 'test/fixtures/workflows.mjs', '--concurrency', '4');
  await worker.started;
});
after(async () => {
  worker.child.kill('SIGTERM');
  await worker.exited;
  box.cleanup();
});
const count = (what: string): number => (existsSync(effects) ? readFileSync(effects, 'utf8').split('\n').filter((l) => l === what).length : 0);

test('run --wait prints the result of a workflow run; runs list and runs get show it with its steps', () => {
  const result = box.run('--json', 'run', 'three.steps', '--input', '{"n":1}', '--wait', '--wait-timeout', '15s');
  assert.equal(result.code, 0, result.stderr);
  const out = JSON.parse(result.stdout) as { runId: string; status: string; result: number };
  assert.equal(out.status, 'completed');
  assert.equal(out.result, 21);
  const listed = box.json<{ id: string; status: string }[]>('runs', 'list', '--workflow', 'three.steps');
  assert.deepEqual(listed.map((r) => [r.id, r.status]), [[out.runId, 'completed']]);
  assert.deepEqual(box.json<unknown[]>('runs', 'list', '--workflow', 'three.steps', '--status', 'running'), []);
  const text = box.run('runs', 'get', out.runId);
  assert.match(text.stdout, /^run \d+\s+three\.steps\s+completed/);
  assert.match(text.stdout, /history\n.*-\s+-> pending[\s\S]*pending\s+-> running\s+attempt 1 on worker[\s\S]*running\s+-> completed/);
  assert.match(text.stdout, /STEP\s+STATUS\s+ATTEMPTS[\s\S]*\ba\s+completed\s+1\b[\s\S]*\bb\s+completed\s+1\b[\s\S]*\bc\s+completed\s+1\b/);
  assert.match(text.stdout, /usage\s+tokens 0\s+cost \$0\.0000\s+steps 3/);
  const bad = box.run('runs', 'list', '--status', 'dead');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /expected --status to be one of pending, running, paused, completed, failed, cancelled, got "dead"/);
});

test('runs rerun --from reuses the earlier steps and runs the chosen step and the ones after it', async () => {
  const first = JSON.parse(box.run('--json', 'run', 'three.steps', '--input', '{"n":4}', '--wait').stdout) as { runId: string };
  const before = { a: count('a'), b: count('b'), c: count('c') };
  const rerun = box.json<{ runId: string; rerunOf: string }>('runs', 'rerun', first.runId, '--from', 'b');
  assert.equal(rerun.rerunOf, first.runId);
  const done = await until(() => {
    const run = box.json<{ status: string; output: number }>('runs', 'get', rerun.runId);
    return run.status === 'completed' ? run : undefined;
  }, 15_000, 'the rerun to complete');
  assert.equal(done.output, 51);
  assert.deepEqual({ a: count('a'), b: count('b'), c: count('c') }, { a: before.a, b: before.b + 1, c: before.c + 1 });
  const bad = box.run('runs', 'rerun', first.runId, '--from', 'zzz');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /expected --from to name a step of run \d+ \(a, b, c\), got "zzz"/);
});

test('runs cancel cancels a run and the child it is waiting for', async () => {
  const { runId } = box.json<{ runId: string }>('run', 'waits.for.child');
  const child = await until(() => box.json<{ id: string; state: string }[]>('jobs', 'list', '--tag', `parent:${runId}`)[0], 10_000, 'the child run to start');
  await until(() => box.json<{ steps: { id: string; parked?: string }[] }>('runs', 'get', child.id).steps.find((s) => s.id === 'nap' && s.parked === 'sleeping'), 10_000, 'the child to sleep');
  const { cancelled } = box.json<{ cancelled: string[] }>('runs', 'cancel', runId);
  assert.deepEqual([...cancelled].sort(), [child.id, runId].sort());
  await until(() => box.json<{ status: string }>('runs', 'get', runId).status === 'cancelled' || undefined, 5000, 'the parent to end cancelled');
  const childRun = box.json<{ status: string; parentId: string; steps: { id: string; status: string }[] }>('runs', 'get', child.id);
  assert.equal(childRun.status, 'cancelled');
  assert.equal(childRun.parentId, runId);
  assert.equal(childRun.steps.find((s) => s.id === 'nap')?.status, 'cancelled', 'the sleeping step ends cancelled with its run');
  const listed = box.json<{ id: string }[]>('runs', 'list', '--workflow', 'waits.for.child', '--status', 'cancelled');
  assert.ok(listed.some((r) => r.id === runId));
});

test('runs stats prints per-workflow counts and durations', () => {
  const stats = box.json<{ name: string; total: number; counts: { completed: number } }[]>('runs', 'stats');
  const three = stats.find((s) => s.name === 'three.steps');
  assert.ok(three && three.counts.completed >= 2, JSON.stringify(stats));
  assert.match(box.run('runs', 'stats').stdout, /NAME\s+TOTAL\s+COMPLETED[\s\S]*three\.steps/);
});
