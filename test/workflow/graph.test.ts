import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { Taskwright, dagFromJson, defineDag, httpNode } from '../../dist/index.js';
import { StorePlace } from '../support/test-store.js';

const place = new StorePlace('wf-graph');
let server: Server;
let base = '';
before(async () => {
  server = createServer((req, res) => {
    if (req.url === '/ok') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ total: 42 }));
    } else {
      res.writeHead(500);
      res.end('database on fire');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.close();
  await place.cleanup();
});
const engine = () => new Taskwright({ store: place.store() });
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('independent branches run at the same time; a node waits for all its parents and gets their outputs (fan-in)', async () => {
  const tw = engine();
  const spans: Record<string, [number, number]> = {};
  const timed = (id: string, value: number) => async () => {
    const start = Date.now();
    await pause(150);
    spans[id] = [start, Date.now()];
    return value;
  };
  const dag = defineDag<{ base: number }>('fan');
  const root = dag.node('root', { run: ({ input }) => input.base });
  const left = dag.node('left', { parents: [root], run: timed('left', 1) });
  const right = dag.node('right', { parents: [root], run: timed('right', 2) });
  dag.node('join', { parents: [left, right], run: ({ parents }) => ({ ...parents, at: Date.now() }) });
  tw.register(dag.build());
  const { id } = await tw.enqueue('fan', { base: 10 });
  await tw.drain({ timeout: '10s' });
  const result = (await tw.getJob(id)).result as { outputs: Record<string, unknown>; skipped: string[] };
  const join = result.outputs.join as { left: number; right: number; at: number };
  assert.equal(join.left, 1);
  assert.equal(join.right, 2);
  assert.ok(Math.max(spans.left![0], spans.right![0]) < Math.min(spans.left![1], spans.right![1]), 'the branches overlapped');
  assert.ok(join.at >= Math.max(spans.left![1], spans.right![1]), 'join started after both parents finished');
  assert.deepEqual(result.skipped, []);
  await tw.close();
});

test('a condition picks a branch; the other is recorded as skipped and never runs', async () => {
  const tw = engine();
  const ran: string[] = [];
  const dag = defineDag<{ amount: number }>('route');
  const check = dag.node('is-large', { run: ({ input }) => input.amount > 100 });
  const review = dag.node('manual-review', { parents: [check], when: { node: check, equals: true }, run: () => (ran.push('review'), 'reviewed') });
  const auto = dag.node('auto-approve', { parents: [check], when: { node: check, equals: false }, run: () => (ran.push('auto'), 'approved') });
  dag.node('notify', { parents: [review], run: () => (ran.push('notify'), 'sent') });
  dag.node('archive', { parents: [review, auto], run: ({ parents }) => parents });
  tw.register(dag.build());
  const { id } = await tw.enqueue('route', { amount: 5 });
  await tw.drain({ timeout: '10s' });
  const result = (await tw.getJob(id)).result as { outputs: Record<string, unknown>; skipped: string[] };
  assert.deepEqual(ran, ['auto']);
  assert.deepEqual(result.skipped.sort(), ['manual-review', 'notify']);
  assert.deepEqual(result.outputs.archive, { 'auto-approve': 'approved' }, 'a skipped parent contributes no output');
  const steps = (await tw.getJobDetails(id)).steps;
  assert.equal(steps.find((s) => s.stepId === 'manual-review')?.status, 'skipped');
  assert.equal(steps.find((s) => s.stepId === 'notify')?.status, 'skipped');
  await tw.close();
});

test('cycles, unknown parents and duplicate ids are rejected when the workflow is defined, naming the node', () => {
  const node = (id: string, dependsOn: string[] = []) => ({ id, type: 'transform' as const, dependsOn, config: { map: {} } });
  assert.throws(() => dagFromJson({ name: 'loop', nodes: [node('a', ['c']), node('b', ['a']), node('c', ['b'])] }), /cycle in workflow "loop": a -> c -> b -> a/);
  assert.throws(() => dagFromJson({ name: 'typo', nodes: [node('extract'), node('load', ['transfrom'])] }), /node "load" of workflow "typo" depends on unknown node "transfrom"/);
  assert.throws(() => dagFromJson({ name: 'dup', nodes: [node('a'), node('a')] }), /workflow "dup" has two nodes with id "a"/);
  const dag = defineDag('dup2');
  dag.node('x', { run: () => 1 });
  dag.node('x', { run: () => 2 });
  assert.throws(() => dag.build(), /workflow "dup2" has two nodes with id "x"/);
  assert.throws(() => dagFromJson({ name: 'bad', nodes: [{ id: 'a', type: 'teleport', config: {} }] }), /expected/);
});

test('JSON form: http and transform nodes with input mapping; a 500 fails the node with the status', async () => {
  const tw = engine();
  tw.register(
    dagFromJson({
      name: 'report',
      nodes: [
        { id: 'fetch', type: 'http', config: { url: `${base}/ok` }, required: ['status', 'body'] },
        { id: 'shape', type: 'transform', dependsOn: ['fetch'], config: { map: { total: 'parents.fetch.body.total', who: 'input.user' } } },
        { id: 'big', type: 'condition', dependsOn: ['shape'], config: { path: 'parents.shape.total', equals: 42 } },
      ],
    }),
    dagFromJson({ name: 'broken', nodes: [{ id: 'fetch', type: 'http', config: { url: `${base}/fail` } }] }),
  );
  const ok = await tw.enqueue('report', { user: 'ada' });
  const bad = await tw.enqueue('broken', {}, { attempts: 1 });
  await tw.drain({ timeout: '10s' });
  const result = (await tw.getJob(ok.id)).result as { outputs: Record<string, unknown> };
  assert.deepEqual(result.outputs.shape, { total: 42, who: 'ada' });
  assert.equal(result.outputs.big, true);
  const failed = await tw.getJob(bad.id);
  assert.equal(failed.state, 'dead');
  assert.match(failed.error?.message ?? '', /GET http:\/\/127\.0\.0\.1:\d+\/fail answered 500: database on fire/);
  assert.throws(() => httpNode({ url: 'ftp://x' }), /expected an http node url starting with http/);
  await tw.close();
});

test('a node that fails is retried without running the completed nodes again', async () => {
  const tw = engine();
  const calls: Record<string, number> = { a: 0, b: 0, c: 0 };
  const dag = defineDag('retrying');
  const a = dag.node('a', { run: () => ++calls.a });
  const b = dag.node('b', { parents: [a], run: () => {
    calls.b++;
    if (calls.b === 1) throw new Error('flaky');
    return 'b';
  } });
  dag.node('c', { parents: [b], run: () => ++calls.c });
  tw.register(dag.build({ attempts: 3, backoff: { base: 20, jitter: 0 } }));
  const { id } = await tw.enqueue('retrying');
  await tw.drain({ timeout: '10s' });
  assert.equal((await tw.getJob(id)).state, 'completed');
  assert.deepEqual(calls, { a: 1, b: 2, c: 1 });
  await tw.close();
});
