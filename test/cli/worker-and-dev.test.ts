import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { CliSandbox, until } from './cli-helpers.js';

const box = new CliSandbox();
after(() => box.cleanup());

interface JobJson {
  id: string;
  state: string;
  result?: unknown;
  error: { message: string } | null;
}

test('a worker runs jobs from a .mjs handlers file and stops gracefully on SIGTERM', async () => {
  const ok = box.json<{ id: string }>('enqueue', 'email.send', '--payload', '{"to":"ada@example.com"}');
  const bad = box.json<{ id: string }>('enqueue', 'email.send', '--payload', '{"to":"nobody"}');
  const resize = box.json<{ id: string }>('enqueue', 'image.resize', '--payload', '{"url":"x.png","sizes":[64,128]}');
  const worker = box.spawn('worker', '--handlers', 'examples/handlers.mjs', '--concurrency', '2', '--grace', '2s');
  try {
    await worker.started;
    await until(() => box.json<{ job: JobJson }>('jobs', 'get', resize.id).job.state === 'completed' || undefined, 15_000, 'image.resize to complete');
    assert.deepEqual(box.json<{ job: JobJson }>('jobs', 'get', ok.id).job.result, { sent: true, to: 'ada@example.com' });
    const dead = box.json<{ job: JobJson }>('jobs', 'get', bad.id).job;
    assert.equal(dead.state, 'dead');
    assert.match(dead.error?.message ?? '', /expected payload.to to be an email address/);
    const dlq = box.json<JobJson[]>('dlq', 'list');
    assert.deepEqual(dlq.map((j) => j.id), [bad.id]);
    assert.deepEqual(box.json<{ redriven: string[] }>('dlq', 'redrive', '--all').redriven, [bad.id]);
  } finally {
    worker.child.kill('SIGTERM');
  }
  assert.equal(await worker.exited, 0);
  assert.match(worker.output().stdout, /stopping \(SIGTERM\)[\s\S]*stopped/);
});

test('a worker loads TypeScript handlers (.ts) through tsx', async () => {
  const job = box.json<{ id: string }>('enqueue', 'invoice.send', '--payload', '{"customer":"acme","amountCents":1250}', '--queue', 'billing');
  const worker = box.spawn('worker', '--handlers', 'examples/handlers.ts', '--queue', 'billing');
  try {
    await worker.started;
    const done = await until(() => {
      const j = box.json<{ job: JobJson }>('jobs', 'get', job.id).job;
      return j.state === 'completed' ? j : undefined;
    }, 15_000, 'invoice.send to complete');
    assert.deepEqual(done.result, { customer: 'acme', total: 12.5 });
  } finally {
    worker.child.kill('SIGINT');
  }
  assert.equal(await worker.exited, 0);
});

test('dev runs the example jobs to the end with visible progress and exits 0', async () => {
  const dev = box.spawn('dev');
  const code = await dev.exited;
  const { stdout, stderr } = dev.output();
  assert.equal(code, 0, stderr);
  for (const line of [/enqueued 6 example jobs/, /start\s+greet#\d+/, /checkpoint thumbnails\.render#\d+ saved "image-5"/, /progress\s+thumbnails\.render/, /retry\s+weather\.fetch/, /dead\s+card\.charge/, /done\s+weather\.fetch#\d+ .*celsius/, /all example jobs finished/, /quickstart\s+0\s+0\s+0\s+5\s+0\s+1\s+0/]) {
    assert.match(stdout, line);
  }
});
