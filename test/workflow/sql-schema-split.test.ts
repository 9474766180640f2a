// The SQL node (read-only by default), JSON Schema output checks, and the automatic budget split.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Taskwright, dagFromJson, defineDag, defineWorkflow, getRun, sqlNode } from '../../dist/index.js';
import { StorePlace } from '../support/test-store.js';

const place = new StorePlace('wf-sql');
after(() => place.cleanup());
const engine = () => new Taskwright({ store: place.store() });

test('sql nodes query the store database with parameters mapped from parent outputs; read-only unless told', async () => {
  const tw = engine();
  const setup = defineDag<{ sku: string }>('prices.setup');
  const create = setup.node('create', { run: sqlNode({ query: 'CREATE TABLE IF NOT EXISTS prices (sku TEXT PRIMARY KEY, cents INTEGER)', readOnly: false }) });
  setup.node('fill', { parents: [create], run: sqlNode({ query: "INSERT INTO prices VALUES ('a', 150), ('b', 275)", readOnly: false }) });
  tw.register(
    setup.build(),
    dagFromJson({
      name: 'price.lookup',
      nodes: [
        { id: 'pick', type: 'transform', config: { map: { sku: 'input.sku' } } },
        { id: 'price', type: 'sql', dependsOn: ['pick'], config: { query: 'SELECT sku, cents FROM prices WHERE sku = :sku', params: { sku: 'parents.pick.sku' } } },
        { id: 'all', type: 'sql', config: { query: 'SELECT cents FROM prices ORDER BY sku', maxRows: 1 } },
      ],
    }),
    dagFromJson({ name: 'price.wipe', nodes: [{ id: 'wipe', type: 'sql', config: { query: 'DELETE FROM prices' } }] }),
  );
  const { id: setupId } = await tw.enqueue('prices.setup');
  await tw.drain({ timeout: '10s' });
  assert.equal((await getRun(tw, setupId)).status, 'completed');
  const { id } = await tw.enqueue('price.lookup', { sku: 'b' });
  const { id: wipe } = await tw.enqueue('price.wipe', {}, { attempts: 1 });
  await tw.drain({ timeout: '10s' });
  const outputs = (await tw.getJob(id)).result as { outputs: Record<string, { rows: unknown[] }> };
  assert.deepEqual(outputs.outputs.price?.rows, [{ sku: 'b', cents: 275 }]);
  assert.deepEqual(outputs.outputs.all?.rows, [{ cents: 150 }], 'maxRows caps the rows returned');
  const wiped = await getRun(tw, wipe);
  assert.equal(wiped.status, 'failed');
  assert.match(wiped.error?.message ?? '', /expected a read-only SQL statement .*got "DELETE FROM prices"/);
  const rows = await tw.store.sqlQuery!('SELECT count(*) AS n FROM prices', [], { readOnly: true, maxRows: 10 });
  assert.deepEqual(rows.rows, [{ n: 2 }], 'the rejected statement changed nothing');
  assert.throws(() => sqlNode({ query: '' }), /expected an sql node query, got ""/);
  assert.throws(() => sqlNode({ query: 'SELECT 1', maxRows: 0 }), /expected sql node maxRows to be a positive integer, got 0/);
  await tw.close();
});

test('output schemas: a node or step output that does not match fails naming the node and the path', async () => {
  const tw = engine();
  const dag = defineDag('totals');
  dag.node('sum', { run: () => ({ total: 'twelve' }), output: { type: 'object', required: ['total'], properties: { total: { type: 'number' } } } });
  tw.register(
    dag.build({ attempts: 1 }),
    dagFromJson({ name: 'totals.json', nodes: [{ id: 'shape', type: 'transform', config: { map: { n: 'input.n' } }, output: { type: 'object', properties: { n: { type: 'integer', minimum: 0 } }, required: ['n'] } }] }),
    defineWorkflow('step.schema', async (_: unknown, step) => step.run('make', () => ({ items: [1, 'x'] }), { output: { type: 'object', properties: { items: { type: 'array', items: { type: 'number' } } } } }), { attempts: 1 }),
  );
  const { id: bad } = await tw.enqueue('totals');
  const { id: good } = await tw.enqueue('totals.json', { n: 4 }, { attempts: 1 });
  const { id: negative } = await tw.enqueue('totals.json', { n: -1 }, { attempts: 1 });
  const { id: stepBad } = await tw.enqueue('step.schema');
  await tw.drain({ timeout: '10s' });
  assert.match((await tw.getJob(bad)).error?.message ?? '', /node "sum" output does not match its schema at \/total: must be number/);
  assert.equal((await getRun(tw, good)).status, 'completed');
  assert.match((await tw.getJob(negative)).error?.message ?? '', /node "shape" output does not match its schema at \/n: must be >= 0/);
  assert.match((await tw.getJob(stepBad)).error?.message ?? '', /step "make" output does not match its schema at \/items\/1: must be number/);
  assert.throws(() => defineDag('broken').node('x', { run: () => 1, output: { type: 'no-such-type' } }), /expected the output schema of node "x" to be a valid JSON Schema/);
  await tw.close();
});

test('invokeAll splits what is left of the parent budget across its children, evenly or by weight', async () => {
  const tw = engine();
  tw.register(
    defineWorkflow('leaf', async (input: { n: number }, step) => step.run('work', () => (step.usage({ tokens: 10 }), input.n))),
    defineWorkflow('fan', async (_: unknown, step) => {
      await step.run('plan', () => step.usage({ tokens: 200, costUsd: 0.2 }));
      const weighted = await step.invokeAll<number>('weighted', [{ workflow: 'leaf', input: { n: 1 }, weight: 1 }, { workflow: 'leaf', input: { n: 2 }, weight: 3 }]);
      const even = await step.invokeAll<number>('even', [{ workflow: 'leaf', input: { n: 3 } }, { workflow: 'leaf', input: { n: 4 } }]);
      return [...weighted, ...even];
    }),
  );
  const { id } = await tw.enqueue('fan', {}, { budget: { tokens: 1000, costUsd: 1, onBreach: 'fail' } });
  await tw.drain({ timeout: '10s' });
  assert.deepEqual((await tw.getJob(id)).result, [1, 2, 3, 4]);
  // children may be enqueued in any order: line them up by their input
  const inputOf = (job: { payload: unknown }) => (job.payload as { n: number }).n;
  const children = (await tw.listJobs({ tag: `parent:${id}` })).sort((a, b) => inputOf(a) - inputOf(b));
  // what the parent's own steps left (1000 - 200 = 800) is split; children spend within their shares
  assert.deepEqual(children.map((c) => c.budget?.tokens), [200, 600, 400, 400], '800 left split 1:3, then evenly');
  assert.ok(Math.abs((children[1]?.budget?.costUsd ?? 0) - 0.6) < 1e-9);
  assert.ok(children.every((c) => c.budget?.onBreach === 'fail'));
  await tw.close();
});
