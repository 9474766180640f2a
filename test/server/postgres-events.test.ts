// The server on a PostgreSQL store: jobs and a workflow run in two `taskwright worker` processes,
// and the server process (which runs nothing itself) streams their events over WebSocket through
// the store's event feed, woken by NOTIFY. Also: /api/workers lists those processes from the
// worker registry, and /readyz (checkHealth) reports a schema that lacks migrations without
// migrating it.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import WebSocket from 'ws';
import { Taskwright, type JobDefinition } from '../../dist/index.js';
import { createServer, type TaskwrightServer } from '../../dist/server/index.js';
import { postgresStore } from '../../dist/stores/postgres/index.js';
import { MIGRATIONS } from '../../dist/stores/postgres/migrations/generated.js';
import { adminQuery, createDatabase, pgSkipReason, randomName } from '../support/postgres.js';
import { HANDLERS_FILE, until } from './helpers.js';

const MAIN = join(fileURLToPath(new URL('../..', import.meta.url)), 'dist/cli/main.js');
const skip = await pgSkipReason();
const db = skip === undefined ? await createDatabase('server') : null;
after(async () => db?.drop());

type Message = Record<string, unknown>;

async function connect(url: string): Promise<{ socket: WebSocket; messages: Message[]; send: (m: unknown) => void }> {
  const socket = new WebSocket(`${url.replace('http', 'ws')}/api/events/ws`);
  const messages: Message[] = [];
  socket.on('message', (data) => messages.push(JSON.parse(String(data)) as Message));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  await until(() => messages.some((m) => m.type === 'hello'), 5000, 'the hello message');
  return { socket, messages, send: (m) => socket.send(JSON.stringify(m)) };
}

async function startServer(storeUrl: { connectionString: string; schema: string }, migrate: boolean) {
  const engine = new Taskwright({ store: postgresStore(storeUrl) });
  if (migrate) await engine.migrate();
  const server = createServer({ engine, port: 0, tokens: [], validateResponses: true, feedPollMs: 60_000 });
  const url = await server.listen();
  const get = async (path: string) => {
    const response = await fetch(`${url}${path}`);
    return { status: response.status, body: (await response.json()) as Message };
  };
  return { engine, server, url, get };
}

describe('server on PostgreSQL: events from worker processes', { skip }, () => {
  const schema = randomName('srv');
  let engine: Taskwright;
  let server: TaskwrightServer;
  let url: string;
  let get: (path: string) => Promise<{ status: number; body: Message }>;
  const workers: { proc: ChildProcess; stderr: string }[] = [];

  before(async () => {
    ({ engine, server, url, get } = await startServer({ connectionString: db!.url, schema }, true));
    engine.register(...Object.values((await import(pathToFileURL(HANDLERS_FILE).href)) as Record<string, JobDefinition>));
  });
  after(async () => {
    for (const w of workers) {
      if (w.proc.exitCode === null && w.proc.signalCode === null) {
        w.proc.kill('SIGTERM');
        await new Promise((r) => w.proc.once('exit', r));
      }
    }
    await server?.close();
    await engine?.close();
  });

  test('two worker processes run jobs and a workflow; the server streams every event once, each execution in order', async () => {
    // the fallback poll is a minute (feedPollMs): events arriving sooner came by NOTIFY
    const runClient = await connect(url);
    const queueClient = await connect(url);
    const { id: runId } = await engine.enqueue('order.flow', { items: 2, pauseMs: 30 }, { queue: 'xproc' });
    runClient.send({ action: 'subscribe', execution: runId });
    queueClient.send({ action: 'subscribe', queue: 'xproc' });
    await until(() => runClient.messages.some((m) => m.type === 'subscribed') && queueClient.messages.some((m) => m.type === 'subscribed'), 5000, 'the subscriptions');
    const storeUrl = `${db!.url}?schema=${schema}`;
    for (let i = 0; i < 2; i++) {
      const proc = spawn(process.execPath, [MAIN, 'worker', '--handlers', HANDLERS_FILE, '--queue', 'xproc', '--store', storeUrl], { stdio: ['ignore', 'pipe', 'pipe'] });
      const worker = { proc, stderr: '' };
      proc.stderr!.on('data', (d) => (worker.stderr += String(d)));
      workers.push(worker);
    }
    const stderr = () => workers.map((w) => w.stderr).join('\n');
    const jobs = await engine.enqueueMany(Array.from({ length: 20 }, (_, i) => ({ name: 'echo', payload: { i }, options: { queue: 'xproc' } })));
    const ids = new Set(jobs.map((j) => j.id));
    const completed = () => queueClient.messages.filter((m) => m.type === 'job:completed' && ids.has(m.jobId as string));
    // job:completed follows run:completed, possibly in a later append
    await until(() => runClient.messages.some((m) => m.type === 'job:completed' && m.jobId === runId), 30_000, `the run's job:completed over the socket (workers' stderr: ${stderr()})`);
    await until(() => completed().length >= ids.size, 30_000, `job:completed for the 20 echo jobs (workers' stderr: ${stderr()})`);

    const events = runClient.messages.filter((m) => typeof m.type === 'string' && /^(run|step|job):/.test(m.type as string));
    assert.deepEqual(events.map((m) => `${m.type as string}${m.stepId ? ` ${m.stepId as string}` : ''}`), [
      'job:started', 'run:started',
      'step:started reserve', 'step:completed reserve',
      'step:started charge', 'job:log charge', 'step:completed charge',
      'step:started ship', 'step:completed ship',
      'run:completed', 'job:completed',
    ]);
    assert.equal(new Set(completed().map((m) => m.jobId)).size, completed().length, 'no job:completed twice');
    for (const id of ids) {
      const started = queueClient.messages.filter((m) => m.jobId === id && m.type === 'job:started');
      assert.equal(started.length, 1, `job ${id} started once`);
      const order = queueClient.messages.filter((m) => m.jobId === id).map((m) => m.type);
      assert.ok(order.indexOf('job:started') < order.indexOf('job:completed'), `job ${id}: started before completed`);
    }
    const listed = await get('/api/workers');
    assert.equal(listed.status, 200);
    const running = (listed.body.workers as Message[]).filter((w) => w.state === 'running');
    assert.deepEqual(running.map((w) => w.pid).sort(), workers.map((w) => w.proc.pid).sort(), 'both worker processes are registered');
    runClient.socket.close();
    queueClient.socket.close();
  });

  test('/readyz is ready on the migrated schema', async () => {
    assert.deepEqual(await get('/readyz'), { status: 200, body: { status: 'ready', store: 'postgres' } });
  });
});

describe('PostgreSQL health: a schema behind this version', { skip }, () => {
  test('checkHealth on a schema never migrated counts every migration and creates nothing', async () => {
    const schema = randomName('never');
    const store = postgresStore({ connectionString: db!.url, schema });
    try {
      assert.deepEqual(await store.checkHealth(), { pendingMigrations: MIGRATIONS.length });
      const exists = await adminQuery(`SELECT 1 FROM pg_namespace WHERE nspname = '${schema}'`, db!.url);
      assert.equal(exists.rowCount, 0, 'the probe created no schema');
    } finally {
      await store.close();
    }
  });

  test('/readyz answers 503 naming the pending migrations when the ledger lacks one, and the probe migrates nothing', async () => {
    const schema = randomName('behind');
    const { engine, server, get } = await startServer({ connectionString: db!.url, schema }, true);
    try {
      assert.equal((await get('/readyz')).status, 200);
      const latest = MIGRATIONS[MIGRATIONS.length - 1]!.version;
      await adminQuery(`DELETE FROM "${schema}".migrations WHERE version = ${latest}`, db!.url);
      const behind = await get('/readyz');
      assert.deepEqual(behind, { status: 503, body: { status: 'unavailable', store: 'postgres', reason: '1 schema migration(s) pending; run taskwright migrate' } });
      assert.deepEqual(await get('/readyz'), behind, 'still pending: the probe did not migrate');
    } finally {
      await server.close();
      await engine.close();
    }
  });
});
