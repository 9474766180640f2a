// A PostgreSQL restart while workers are busy: a private server (its own data directory and port)
// is stopped and started again under two worker processes. They reconnect on their own (pool,
// LISTEN connection, heartbeat thread), every accepted job completes exactly once, and jobs
// enqueued after the restart run too.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import pg from 'pg';
import { Harness, sleep, waitUntil } from '../integration/helpers.js';
import { PrivatePostgres, privatePostgresUnavailable } from '../support/private-postgres.js';

const unavailable = privatePostgresUnavailable();
if (unavailable !== null && process.env.CI === 'true') throw new Error(`${unavailable} (CI=true: the restart test must run)`);
const server = unavailable === null ? await PrivatePostgres.start() : null;
const h = server ? new Harness('restart', 'postgres', server.url) : null;
after(async () => {
  await h?.cleanup();
  server?.stop();
});

const BEFORE = 3000;
const AFTER = 1000;

test('workers reconnect after PostgreSQL restarts under them; nothing accepted is lost; the run finishes', { skip: unavailable ?? undefined }, async () => {
  const tw = h!.engine();
  await tw.migrate();
  const options = { worker: { concurrency: 20, lease: '5s', heartbeat: '500ms', rescueInterval: '500ms', pollInterval: '1s' } };
  const workers = await Promise.all([h!.start('A', options, 20_000), h!.start('B', options, 20_000)]);
  const first = await tw.enqueueMany(Array.from({ length: BEFORE }, (_, i) => ({ name: 'sleep', payload: { ms: 15, i } })));

  const pending = () => tw.store.pendingCount().catch(() => Number.NaN);
  await waitUntil(async () => (await pending()) < BEFORE - 300, 30_000, 'the workers to get going');
  const busy = await tw.store.stats(Date.now());
  assert.ok((busy[0]?.counts.running ?? 0) > 0, 'jobs are running when the server goes down');
  await server!.restart(1500);

  // the test's own engine reconnects too: enqueue more once the server is back
  const second = await waitUntil(
    () => tw.enqueueMany(Array.from({ length: AFTER }, (_, i) => ({ name: 'sleep', payload: { ms: 1, i } }))).catch(() => undefined),
    30_000,
    'an enqueue after the restart',
    200,
  );
  await waitUntil(async () => (await pending()) === 0, 120_000, 'every job to finish', 200);
  for (const worker of workers) assert.ok(worker.alive, `${worker.label} survived the restart without being restarted\n${worker.diagnostics()}`);
  const errors = workers.flatMap((w) => w.events('worker-error'));
  assert.ok(errors.length > 0, 'the workers did notice the outage');

  const spec = h!.store;
  assert.equal(spec.driver, 'postgres');
  const client = new pg.Client({ connectionString: spec.connectionString });
  await client.connect();
  try {
    const { rows } = await client.query(`SELECT id::text, state, history FROM "${spec.schema}".jobs`);
    const ids = new Set([...first, ...second].map((r) => r.id));
    assert.equal(rows.length, BEFORE + AFTER);
    assert.ok(rows.every((r) => ids.has(r.id)));
    const notCompleted = rows.filter((r) => r.state !== 'completed');
    assert.deepEqual(notCompleted.slice(0, 5).map((r) => [r.id, r.state]), [], `${notCompleted.length} accepted jobs did not complete`);
    const completions = (history: string) => history.split('\n').filter((line) => line.split('\t')[2] === 'completed').length;
    assert.deepEqual(rows.filter((r) => completions(r.history) !== 1).map((r) => r.id).slice(0, 5), [], 'each job completed exactly once');
  } finally {
    await client.end();
  }
  for (const worker of workers) worker.kill('SIGTERM');
  for (const worker of workers) assert.equal((await worker.waitExit(15_000)).code, 0, worker.diagnostics());
  console.log(`restart under load: ${BEFORE + AFTER} jobs completed; ${errors.length} worker errors reported during the outage`);
  await sleep(0);
});
