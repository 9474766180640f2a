import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CliSandbox, assertOneLineError, until } from './cli-helpers.js';

const box = new CliSandbox();
after(() => box.cleanup());

interface JobJson {
  id: string;
  state: string;
  attempt: number;
  result?: unknown;
  error: { message: string } | null;
  checkpointToken: string | null;
  cancelRequested: boolean;
}
interface DetailsJson {
  job: JobJson;
  logs: { message: string; attempt: number }[];
  transitions: { from: string | null; to: string; attempt: number }[];
}

const getJob = (id: string): JobJson => box.json<DetailsJson>('jobs', 'get', id).job;
const waitForState = (id: string, state: string, timeoutMs = 15_000): Promise<JobJson> =>
  until(() => {
    const job = getJob(id);
    return job.state === state ? job : undefined;
  }, timeoutMs, `job ${id} to be ${state}`);

test('a worker runs jobs from a .mjs handlers file and stops gracefully on SIGTERM', async () => {
  const ok = box.json<{ id: string }>('enqueue', 'email.send', '--payload', '{"to":"ada@example.com"}');
  const bad = box.json<{ id: string }>('enqueue', 'email.send', '--payload', '{"to":"nobody"}');
  const resize = box.json<{ id: string }>('enqueue', 'image.resize', '--payload', '{"url":"x.png","sizes":[64,128]}');
  const worker = box.spawn('worker', '--handlers', 'examples/handlers.mjs', '--concurrency', '2', '--grace', '2s');
  try {
    await worker.started;
    assert.match(worker.output().stdout, /^worker \S+ started on sqlite:\S+tw\.db: queues default, concurrency 2, handlers email\.send, report\.build, image\.resize\n/);
    await waitForState(resize.id, 'completed');
    assert.deepEqual(getJob(resize.id).result, { url: 'x.png', sizes: [64, 128] });
    const sent = await waitForState(ok.id, 'completed');
    assert.deepEqual(sent.result, { sent: true, to: 'ada@example.com' });
    const dead = await waitForState(bad.id, 'dead');
    assert.match(dead.error?.message ?? '', /expected payload.to to be an email address/);
    assert.deepEqual(box.json<JobJson[]>('dlq', 'list').map((j) => j.id), [bad.id]);
    assert.match(box.run('dlq', 'list').stdout, new RegExp(`\\n${bad.id}\\s+email\\.send\\s+default\\s+dead\\s+1/3\\s+\\S+\\s+expected payload.to`));
    assert.deepEqual(box.json<{ redriven: string[] }>('dlq', 'redrive', '--all').redriven, [bad.id]);
    await waitForState(bad.id, 'dead'); // the bad address fails again after the redrive
  } finally {
    worker.child.kill('SIGTERM');
  }
  assert.equal(await worker.exited, 0);
  assert.match(worker.output().stdout, /\nworker \S+ stopping \(SIGTERM\): \d+ running, grace 2000ms\nworker \S+ stopped\n$/);
  assert.equal(worker.output().stderr, '');
});

test('jobs get shows checkpoint, logs and history; dlq redrive and jobs retry resume from the checkpoint', async () => {
  const first = box.json<{ id: string }>('enqueue', 'steps.flaky', '--attempts', '1', '--queue', 'flaky');
  const second = box.json<{ id: string }>('enqueue', 'steps.flaky', '--attempts', '1', '--queue', 'flaky');
  const worker = box.spawn('worker', '--handlers', 'test/cli/fixtures/handlers.mjs', '--queue', 'flaky');
  try {
    await worker.started;
    for (const { id } of [first, second]) await waitForState(id, 'dead');
    const details = box.json<DetailsJson>('jobs', 'get', first.id);
    assert.equal(details.job.checkpointToken, 'step-2');
    assert.equal(details.job.error?.message, 'crashed after step 2');
    assert.deepEqual(details.logs.map((l) => l.message), ['finished step 1', 'finished step 2']);
    assert.deepEqual(details.transitions.map((t) => t.to), ['queued', 'running', 'dead']);
    const text = box.run('jobs', 'get', first.id).stdout;
    for (const line of [/^state\s+dead$/m, /^attempt\s+1\/1$/m, /^checkpoint\s+step-2$/m, /^error\s+crashed after step 2 \(attempt 1\)$/m, /running\s+-> dead/, /\[info\] finished step 2/]) {
      assert.match(text, line);
    }

    assert.deepEqual(box.json<{ redriven: string[] }>('dlq', 'redrive', first.id).redriven, [first.id]);
    assert.equal(box.json<JobJson>('jobs', 'retry', second.id).state, 'queued');
    for (const { id } of [first, second]) {
      const done = await waitForState(id, 'completed');
      assert.deepEqual(done.result, { resumedFrom: 'step-2' });
    }
    const stillDead = box.json<JobJson[]>('dlq', 'list').map((j) => j.id);
    assert.ok(!stillDead.includes(first.id) && !stillDead.includes(second.id), `dlq: ${stillDead.join(', ')}`);
  } finally {
    worker.child.kill('SIGINT');
  }
  assert.equal(await worker.exited, 0);
});

test('jobs cancel reaches a handler running in the worker process', async () => {
  const { id } = box.json<{ id: string }>('enqueue', 'until.cancelled', '--queue', 'cancel');
  const worker = box.spawn('worker', '--handlers', 'test/cli/fixtures/handlers.mjs', '--queue', 'cancel');
  try {
    await worker.started;
    await waitForState(id, 'running');
    const requested = box.json<JobJson>('jobs', 'cancel', id);
    assert.equal(requested.state, 'running');
    assert.equal(requested.cancelRequested, true);
    await waitForState(id, 'cancelled', 10_000);
  } finally {
    worker.child.kill('SIGTERM');
  }
  assert.equal(await worker.exited, 0);
});

test('a second signal while a worker waits for a stubborn job exits at once with 143', async () => {
  const { id } = box.json<{ id: string }>('enqueue', 'stubborn.sleep', '--payload', '{"ms":20000}', '--queue', 'stubborn');
  const worker = box.spawn('worker', '--handlers', 'test/cli/fixtures/handlers.mjs', '--queue', 'stubborn', '--grace', '30s');
  await worker.started;
  await waitForState(id, 'running');
  const stoppedAt = Date.now();
  worker.child.kill('SIGTERM');
  await until(() => worker.output().stdout.includes('stopping (SIGTERM): 1 running'), 5000, 'the stopping line');
  worker.child.kill('SIGTERM');
  assert.equal(await worker.exited, 143);
  assert.ok(Date.now() - stoppedAt < 5000, 'the second signal must not wait for the 30s grace');
  assert.match(worker.output().stderr, /^taskwright: second SIGTERM, exiting now; jobs still running go back to the queue when their lease expires\n$/);
});

test('a worker loads TypeScript handlers (.ts) through tsx', async () => {
  const job = box.json<{ id: string }>('enqueue', 'invoice.send', '--payload', '{"customer":"acme","amountCents":1250}', '--queue', 'billing');
  const worker = box.spawn('worker', '--handlers', 'examples/handlers.ts', '--queue', 'billing');
  try {
    await worker.started;
    assert.match(worker.output().stdout, /handlers invoice\.ping, invoice\.send\n/);
    const done = await waitForState(job.id, 'completed');
    assert.deepEqual(done.result, { customer: 'acme', total: 12.5 });
  } finally {
    worker.child.kill('SIGINT');
  }
  assert.equal(await worker.exited, 0);
});

test('TypeScript and .cjs handlers outside an ESM package (CommonJS context) load too', async () => {
  const dir = mkdtempSync(join(box.dir, 'cjs-project-'));
  writeFileSync(join(dir, 'package.json'), '{ "name": "plain-project" }');
  writeFileSync(join(dir, 'handlers.ts'), "interface P { n: number }\nexport default { 'math.double': async (p: P): Promise<number> => p.n * 2 };\n");
  writeFileSync(join(dir, 'handlers.cjs'), "module.exports = { 'math.triple': async (p) => p.n * 3 };\n");
  const doubled = box.json<{ id: string }>('enqueue', 'math.double', '--payload', '{"n":21}', '--queue', 'math');
  const tripled = box.json<{ id: string }>('enqueue', 'math.triple', '--payload', '{"n":5}', '--queue', 'math3');
  for (const [file, queue, id, expected] of [['handlers.ts', 'math', doubled.id, 42], ['handlers.cjs', 'math3', tripled.id, 15]] as const) {
    const worker = box.spawn('worker', '--handlers', join(dir, file), '--queue', queue);
    try {
      await worker.started;
      assert.equal((await waitForState(id, 'completed')).result, expected);
    } finally {
      worker.child.kill('SIGTERM');
    }
    assert.equal(await worker.exited, 0);
  }
});

test('a handlers file that fails to load is one line naming the file and the place', () => {
  const broken = join(box.dir, 'broken.mjs');
  writeFileSync(broken, "const ready = true;\nthrow new Error('database URL missing');\n");
  assertOneLineError(box.run('worker', '--handlers', broken), 1, /^taskwright: could not load --handlers .*broken\.mjs: Error: database URL missing \(at .*broken\.mjs:2:7\)$/);
  const badTs = join(box.dir, 'broken.ts');
  writeFileSync(badTs, 'const x: number = ;\nexport default {};\n');
  assertOneLineError(box.run('worker', '--handlers', badTs), 1, /^taskwright: could not load --handlers .*broken\.ts: TransformError: .*broken\.ts:1:18: ERROR: Unexpected ";"/);
  const empty = join(box.dir, 'empty.mjs');
  writeFileSync(empty, 'export const notAHandler = 1;\n');
  assertOneLineError(box.run('worker', '--handlers', empty), 2, /^taskwright: expected .*empty\.mjs to export handlers \(a default object of functions, or defineJob definitions\), found none$/);
  const badName = join(box.dir, 'bad-name.mjs');
  writeFileSync(badName, "export default { 'has spaces': async () => 1 };\n");
  assertOneLineError(box.run('worker', '--handlers', badName), 2, /^taskwright: expected job name to be .*, got "has spaces" \(in --handlers .*bad-name\.mjs\)$/);
});
