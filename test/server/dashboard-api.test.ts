// The routes the dashboard added to the API: who am I, bulk retry/cancel of a filter, limits,
// resuming a paused run, a DAG's edges; and the dashboard's files at / (under a prefix too, and
// mounted in an app of the user's own).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { fastify } from 'fastify';
import WebSocket from 'ws';
import { defineDag, defineWorkflow } from '../../dist/index.js';
import { createServer } from '../../dist/server/index.js';
import { ADMIN, READER, runJobs, snapshot, startHarness, type Harness } from './helpers.js';

const harnesses: Harness[] = [];
after(async () => {
  for (const h of harnesses) await h.close();
});
async function harness(options: Parameters<typeof startHarness>[0] = {}): Promise<Harness> {
  const h = await startHarness(options);
  harnesses.push(h);
  return h;
}

test('GET /api/session answers the role of the token; without tokens everyone is admin', async () => {
  const open = await harness();
  assert.deepEqual((await open.call('GET', '/api/session')).body, { role: 'admin', authEnabled: false });
  const guarded = await harness({ tokens: [{ role: 'admin', token: ADMIN }, { role: 'read', token: READER }] });
  assert.deepEqual((await guarded.call('GET', '/api/session', { token: READER })).body, { role: 'read', authEnabled: true });
  assert.deepEqual((await guarded.call('GET', '/api/session', { token: ADMIN })).body, { role: 'admin', authEnabled: true });
  assert.equal((await guarded.call('GET', '/api/session')).status, 401);
  assert.equal((await guarded.call('GET', '/api/session', { token: 'not-a-known-token-at-all' })).status, 401);
});

test('POST /api/jobs/bulk retries the dead jobs of a filter and cancels the waiting ones, leaving other queues alone', async () => {
  const h = await harness();
  const dead = await h.engine.enqueueMany([1, 2, 3].map(() => ({ name: 'broken', payload: null, options: { queue: 'bulk', attempts: 1 } })));
  await runJobs(h.engine, ['bulk'], dead.map((d) => d.id));
  const other = await h.engine.enqueue('echo', { n: 1 }, { queue: 'other', delay: '1h' });
  const waiting = await h.engine.enqueueMany([1, 2].map((n) => ({ name: 'echo', payload: { n }, options: { queue: 'bulk', delay: '1h' } })));

  const retried = await h.call('POST', '/api/jobs/bulk', { body: { action: 'retry', filter: { queue: 'bulk', state: 'dead' } } });
  assert.equal(retried.status, 200, retried.text);
  assert.deepEqual([...retried.body.done].sort(), dead.map((d) => d.id).sort());
  for (const d of dead) assert.equal((await h.engine.getJob(d.id)).state, 'queued');

  const cancelled = await h.call('POST', '/api/jobs/bulk', { body: { action: 'cancel', filter: { queue: 'bulk' } } });
  assert.equal(cancelled.status, 200, cancelled.text);
  // the three just retried (queued) and the two delayed ones (scheduled)
  assert.equal(cancelled.body.done.length, 5);
  for (const w of waiting) assert.equal((await h.engine.getJob(w.id)).state, 'cancelled');
  assert.equal((await h.engine.getJob(other.id)).state, 'scheduled', 'a job of another queue is untouched');
});

test('POST /api/jobs/bulk with a bad action or filter is a 400 naming the field and changes nothing', async () => {
  const h = await harness();
  await h.engine.enqueue('echo', {}, { queue: 'q', delay: '1h' });
  const before = await snapshot(h.engine);
  const badAction = await h.call('POST', '/api/jobs/bulk', { body: { action: 'delete', filter: {} } });
  assert.equal(badAction.status, 400);
  assert.equal(badAction.body.error.details.field, 'body.action');
  const badState = await h.call('POST', '/api/jobs/bulk', { body: { action: 'cancel', filter: { state: 'sleepy' } } });
  assert.equal(badState.status, 400);
  assert.equal(badState.body.error.details.field, 'body.filter.state');
  assert.equal(await snapshot(h.engine), before);
});

test('PUT and DELETE /api/limits/:key set and remove a limit; a bad rate is a 400 naming it; read tokens are refused', async () => {
  const h = await harness({ tokens: [{ role: 'admin', token: ADMIN }, { role: 'read', token: READER }], defaultToken: ADMIN });
  const set = await h.call('PUT', '/api/limits/mail', { body: { concurrency: 3, rate: '10/1s' } });
  assert.equal(set.status, 200, set.text);
  assert.deepEqual(set.body.limit, { key: 'mail', concurrency: 3, rate: { count: 10, intervalMs: 1000 } });
  const bad = await h.call('PUT', '/api/limits/mail', { body: { rate: 'lots' } });
  assert.equal(bad.status, 400);
  assert.match(bad.body.error.message, /lots/);
  assert.equal((await h.call('PUT', '/api/limits/mail', { body: { concurrency: 1 }, token: READER })).status, 403);
  assert.deepEqual((await h.call('GET', '/api/limits')).body.limits, [{ key: 'mail', concurrency: 3, rate: { count: 10, intervalMs: 1000 } }]);
  assert.equal((await h.call('DELETE', '/api/limits/mail', { body: {} })).status, 200);
  assert.deepEqual((await h.call('GET', '/api/limits')).body.limits, []);
});

test("an execution's detail carries the DAG's edges; a step function has none", async () => {
  const h = await harness({ register: false });
  const dag = defineDag('fan.dag');
  const a = dag.node('a', { run: () => 1 });
  const b = dag.node('b', { parents: [a], run: () => 2 });
  const c = dag.node('c', { parents: [a], run: () => 3 });
  dag.node('d', { parents: [b, c], run: () => 4 });
  h.engine.register(dag.build(), defineWorkflow('plain.flow', async (_input, step) => step.run('only', () => 1)));
  const run = await h.call('POST', '/api/workflows/fan.dag/execute', { body: {} });
  const plain = await h.call('POST', '/api/workflows/plain.flow/execute', { body: {} });
  const detail = await h.call('GET', `/api/executions/${run.body.executionId}`);
  assert.equal(detail.status, 200, detail.text);
  assert.deepEqual(detail.body.graph, [
    { id: 'a', parents: [] },
    { id: 'b', parents: ['a'] },
    { id: 'c', parents: ['a'] },
    { id: 'd', parents: ['b', 'c'] },
  ]);
  assert.equal((await h.call('GET', `/api/executions/${plain.body.executionId}`)).body.graph, null);
});

test('POST /api/executions/:id/resume gives a paused run a new budget and it finishes; a bad budget is a 400', async () => {
  const h = await harness({ register: false });
  h.engine.register(defineWorkflow('steps.flow', async (_input, step) => {
    for (const id of ['one', 'two', 'three']) await step.run(id, () => id);
    return 'done';
  }));
  const { id } = await h.engine.enqueue('steps.flow', {}, { budget: { steps: 1, onBreach: 'pause' } });
  await h.engine.drain({ timeout: '5s' });
  assert.equal((await h.call('GET', `/api/executions/${id}`)).body.status, 'paused');
  const bad = await h.call('POST', `/api/executions/${id}/resume`, { body: { budget: { steps: -1 } } });
  assert.equal(bad.status, 400);
  assert.match(bad.body.error.message, /budget\.steps/);
  assert.equal((await h.call('GET', `/api/executions/${id}`)).body.status, 'paused', 'a refused resume leaves the run paused');
  const resumed = await h.call('POST', `/api/executions/${id}/resume`, { body: { budget: { steps: 10 } } });
  assert.equal(resumed.status, 200, resumed.text);
  await h.engine.drain({ timeout: '5s' });
  assert.equal((await h.call('GET', `/api/executions/${id}`)).body.status, 'completed');
});

test('the dashboard is served at / with its files; dashboard: false leaves it out', async () => {
  const h = await harness();
  const page = await h.call('GET', '/');
  assert.equal(page.status, 200);
  assert.match(page.text, /<base href="\/">/);
  assert.equal((await h.call('GET', '/assets/app.js')).status, 200);
  assert.equal((await h.call('GET', '/assets/style.css')).headers.get('content-type'), 'text/css; charset=utf-8');
  assert.equal((await h.call('GET', '/assets/..%2Fpackage.json')).status, 404);
  const bare = await harness({ dashboard: false });
  assert.equal((await bare.call('GET', '/')).status, 404);
  assert.equal(bare.server.dashboard, false);
});

test('with a prefix, the API, the WebSocket and the dashboard live under it', async () => {
  const h = await harness({ prefix: '/ops/tw' });
  const page = await h.call('GET', '/ops/tw/');
  assert.equal(page.status, 200);
  assert.match(page.text, /<base href="\/ops\/tw\/">/);
  assert.equal((await h.call('GET', '/ops/tw/api/jobs')).status, 200);
  assert.equal((await h.call('GET', '/api/jobs')).status, 404);
  const socket = new WebSocket(`${h.url.replace('http', 'ws')}/ops/tw/api/events/ws`);
  const hello = await new Promise<unknown>((resolve, reject) => {
    socket.once('message', (data) => resolve(JSON.parse(String(data))));
    socket.once('error', reject);
  });
  socket.close();
  assert.deepEqual(hello, { type: 'hello', authenticated: true });
  assert.throws(() => createServer({ engine: h.engine, prefix: 'ops/' }), /expected prefix to be a path like \/taskwright/);
});

test("mounted in a user's own Fastify app under a prefix, the routes and the dashboard answer there", async () => {
  const base = await harness();
  const app = fastify();
  app.get('/', async () => ({ mine: true }));
  const server = createServer({ engine: base.engine, app, prefix: '/taskwright', tokens: [] });
  await server.start();
  await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    const address = app.server.address() as { port: number };
    const url = `http://127.0.0.1:${address.port}`;
    assert.deepEqual(await (await fetch(`${url}/`)).json(), { mine: true }, "the user's own routes are untouched");
    assert.match(await (await fetch(`${url}/taskwright/`)).text(), /<base href="\/taskwright\/">/);
    const jobs = await fetch(`${url}/taskwright/api/jobs`);
    assert.equal(jobs.status, 200);
    const missing = await fetch(`${url}/taskwright/api/jobs/999999`);
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { error: { code: string } }).error.code, 'not_found', "Taskwright's error shape inside the mount");
  } finally {
    await server.close();
    await app.close();
  }
});
