// A server with no handlers in front of workers in another process: it learns their workflows from
// the event feed; readiness reports pending migrations and an unreachable store.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { HANDLERS_FILE, startHarness, until, type Harness } from './helpers.js';

const MAIN = join(fileURLToPath(new URL('../..', import.meta.url)), 'dist/cli/main.js');
let h: Harness;
before(async () => {
  h = await startHarness({ register: false });
});
after(() => h.close());

test('workflows run by a worker in another process become known (listed, executable, their runs listed) and its worker is counted in the metrics', async () => {
  assert.deepEqual((await h.call('GET', '/api/workflows')).body.workflows, []);
  assert.equal((await h.call('POST', '/api/workflows/order.flow/execute', { body: {} })).status, 404);
  const first = (await h.engine.enqueue('order.flow', { pauseMs: 1 }, { queue: 'remote' })).id;
  const worker = spawn(process.execPath, [MAIN, 'worker', '--handlers', HANDLERS_FILE, '--queue', 'remote', '--store', `sqlite:${h.dbPath}`], { stdio: 'ignore' });
  try {
    await until(async () => (await h.call('GET', '/api/workflows')).body.workflows.some((w: { name: string }) => w.name === 'order.flow'), 20_000, 'order.flow to become known');
    const started = await h.call('POST', '/api/workflows/order.flow/execute', { body: { input: { pauseMs: 1 }, queue: 'remote' } });
    assert.equal(started.status, 202, started.text);
    await until(async () => (await h.call('GET', `/api/executions/${started.body.executionId}`)).body.status === 'completed', 20_000, 'the second run to complete');
    const runs = await h.call('GET', '/api/executions?workflowId=order.flow');
    assert.deepEqual(runs.body.executions.map((e: { id: string }) => e.id), [started.body.executionId, first]);
    assert.match((await h.call('GET', '/metrics')).text, /^taskwright_workers 1$/m, 'the worker of the other process counts, read from the registry');
  } finally {
    worker.kill('SIGTERM');
    await new Promise((r) => worker.once('exit', r));
  }
  assert.match((await h.call('GET', '/metrics')).text, /^taskwright_workers 0$/m, 'a stopped worker no longer counts');
});

test('readyz: 503 naming pending migrations, then ready again; 503 when the store cannot be reached', async () => {
  assert.equal((await h.call('GET', '/readyz')).status, 200);
  const db = new Database(h.dbPath);
  const row = db.prepare('SELECT * FROM tw_migrations ORDER BY version DESC LIMIT 1').get() as { version: number; name: string; applied_at: number };
  db.prepare('DELETE FROM tw_migrations WHERE version = ?').run(row.version);
  try {
    const pending = await h.call('GET', '/readyz');
    assert.equal(pending.status, 503);
    assert.match(pending.body.reason, /1 schema migration\(s\) pending/);
  } finally {
    db.prepare('INSERT INTO tw_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(row.version, row.name, row.applied_at);
    db.close();
  }
  assert.equal((await h.call('GET', '/readyz')).status, 200);
  await h.engine.store.close();
  const down = await h.call('GET', '/readyz');
  assert.equal(down.status, 503);
  assert.match(down.body.reason, /store unreachable/);
  assert.equal((await h.call('GET', '/healthz')).status, 200, 'the process is still up');
});

test('worker --no-events writes nothing to the event feed', async () => {
  const h2 = await startHarness({ register: false });
  try {
    const head = (await h2.engine.store.readFeed!(null, 1)).cursor;
    const { id } = await h2.engine.enqueue('echo', 1, { queue: 'quiet' });
    const worker = spawn(process.execPath, [MAIN, 'worker', '--no-events', '--handlers', HANDLERS_FILE, '--queue', 'quiet', '--store', `sqlite:${h2.dbPath}`], { stdio: 'ignore' });
    try {
      await until(async () => (await h2.engine.getJob(id)).state === 'completed', 20_000, 'the job to complete');
    } finally {
      worker.kill('SIGTERM');
      await new Promise((r) => worker.once('exit', r));
    }
    assert.deepEqual((await h2.engine.store.readFeed!(head, 100)).entries, []);
  } finally {
    await h2.close();
  }
});
