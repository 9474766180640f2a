// What only PostgreSQL offers: enqueue inside the caller's own transaction, wake-ups that survive
// a dropped LISTEN connection, and the driver's description of itself.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { compileJobOptions } from '../../dist/core/options.js';
import { Taskwright } from '../../dist/index.js';
import { postgresStore, type PostgresStore } from '../../dist/stores/postgres/index.js';
import { adminQuery, createDatabase, pgSkipReason, randomName } from '../support/postgres.js';
import { sleep, waitFor } from '../support/wait.js';

const skip = await pgSkipReason();
const db = skip === undefined ? await createDatabase('tx') : null;
after(async () => db?.drop());

describe('postgres: transactional enqueue', { skip }, () => {
  const schema = randomName('tx');
  let store: PostgresStore;
  let observer: PostgresStore;
  let tw: Taskwright;
  let client: pg.Client;
  let wakes = 0;

  before(async () => {
    store = postgresStore({ connectionString: db!.url, schema });
    observer = postgresStore({ connectionString: db!.url, schema });
    tw = new Taskwright({ store });
    await tw.migrate();
    client = new pg.Client({ connectionString: db!.url });
    await client.connect();
    await client.query(`CREATE TABLE "${schema}".orders (id int PRIMARY KEY, total int NOT NULL)`);
    observer.onWake(() => wakes++);
    await waitFor(() => wakes > 0, 5000, 'the observer to listen');
  });
  after(async () => {
    await client?.end();
    await observer?.close();
    await tw?.close();
  });

  test('committed: the job appears with the order, and other processes wake only at the commit', async () => {
    await client.query('BEGIN');
    await client.query(`INSERT INTO "${schema}".orders VALUES (1, 30)`);
    const { id } = await tw.withStore(store.withClient(client)).enqueue('order.confirm', { orderId: 1 });
    wakes = 0;
    await sleep(300);
    assert.equal(await store.getJob(id), null, 'not visible outside the transaction before it commits');
    assert.equal(wakes, 0, 'no wake-up before the commit');
    await client.query('COMMIT');
    await waitFor(() => wakes > 0, 5000, 'a wake-up after the commit');
    const job = await store.getJob(id);
    assert.equal(job?.state, 'queued');
    assert.deepEqual(job?.payload, { orderId: 1 });

    let confirmed: unknown = null;
    tw.register('order.confirm', async (payload) => {
      confirmed = payload;
    });
    await tw.drain({ timeout: '10s' });
    assert.deepEqual(confirmed, { orderId: 1 });
    assert.equal((await store.getJob(id))?.state, 'completed');
  });

  test('rolled back: neither the order nor the job exists; keyed and bulk enqueues too', async () => {
    await client.query('BEGIN');
    await client.query(`INSERT INTO "${schema}".orders VALUES (2, 40)`);
    const via = tw.withStore(store.withClient(client));
    const plain = await via.enqueue('order.confirm', { orderId: 2 });
    const bulk = await via.enqueueMany([{ name: 'order.audit', payload: 1 }, { name: 'order.audit', payload: 2, options: { idempotencyKey: 'audit-2' } }]);
    assert.equal((await store.withClient(client).getJob(plain.id))?.state, 'queued', 'visible inside the transaction');
    await client.query('ROLLBACK');
    assert.equal((await client.query(`SELECT count(*)::int AS n FROM "${schema}".orders WHERE id = 2`)).rows[0].n, 0);
    for (const id of [plain.id, ...bulk.map((r) => r.id)]) assert.equal(await store.getJob(id), null, `job ${id} was rolled back`);
    // the key was never taken: enqueueing it now creates a job
    const [again] = await tw.enqueueMany([{ name: 'order.audit', payload: 2, options: { idempotencyKey: 'audit-2' } }]);
    assert.equal(again!.deduplicated, false);
  });
});

describe('postgres: wake-ups and self-description', { skip }, () => {
  test('the LISTEN connection is re-established after the server drops it, and wake-ups resume', async () => {
    const schema = randomName('listen');
    const writer = postgresStore({ connectionString: db!.url, schema, listenerRetryMs: 50 });
    const listener = postgresStore({ connectionString: db!.url, schema, listenerRetryMs: 50 });
    try {
      await writer.migrate();
      let wakes = 0;
      listener.onWake(() => wakes++);
      await waitFor(() => wakes > 0, 5000, 'the first LISTEN');
      const backends = async () =>
        (await adminQuery(`SELECT pid FROM pg_stat_activity WHERE datname = '${db!.name}' AND application_name = 'taskwright-listener' AND query LIKE 'LISTEN "${schema}_wake"%'`)).rows.map((r) => r.pid as number);
      const [first] = await backends();
      assert.ok(first, 'one listener connection');
      await adminQuery(`SELECT pg_terminate_backend(${first})`);
      await waitFor(async () => (await backends()).some((pid) => pid !== first), 10_000, 'a new LISTEN connection');
      await sleep(100);
      wakes = 0;
      await writer.enqueue([compileJobOptions('x', {}, {}, 1)], 1);
      await waitFor(() => wakes > 0, 5000, 'a wake-up through the new connection');
    } finally {
      await listener.close();
      await writer.close();
      await adminQuery(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`, db!.url);
    }
  });

  test('prune deletes finished jobs with their log, step and wait rows in bounded batches, and releases expired keys', async () => {
    const schema = randomName('prune');
    const store = postgresStore({ connectionString: db!.url, schema });
    const DAY = 86_400_000;
    const T0 = Date.parse('2026-03-01T12:00:00Z');
    const job = (name: string, key: string | null = null) =>
      compileJobOptions(name, {}, key === null ? {} : { idempotencyKey: key, idempotencyTtl: DAY }, T0);
    const count = async (sql: string) => Number((await adminQuery(sql.replaceAll('S.', `"${schema}".`), db!.url)).rows[0].n);
    try {
      const created = await store.enqueue([...Array.from({ length: 25 }, (_, i) => job(`old-${i}`)), job('keyed', 'k')], T0);
      const { jobs } = await store.claim({ workerId: 'w', queues: ['default'], limit: 100, leaseMs: 60_000, now: T0 });
      const old = jobs.filter((j) => j.name.startsWith('old-'));
      await store.appendLogs(old.map((j) => ({ jobId: j.id, attempt: 1, at: T0, level: 'info' as const, message: 'x' })));
      for (const j of old) {
        await store.saveStep(j.id, 'w', 1, { stepId: 's', seq: 0, status: 'completed', outputJson: '1', error: null, attempts: 1, startedAt: T0, finishedAt: T0, usage: null });
        await store.waitForEvent(j.id, 'w', 1, 'e', 'evt');
      }
      await store.settle(old.map((j) => ({ id: j.id, workerId: 'w', attempt: 1, outcome: { type: 'completed' as const, resultJson: null } })), T0);
      const now = T0 + 8 * DAY;
      const request = { now, completedBefore: now - 7 * DAY, failedBefore: now - 30 * DAY, idempotencyBefore: now, limit: 10 };
      assert.deepEqual([await store.prune(request), await store.prune(request), await store.prune(request), await store.prune(request)].map((r) => r.jobs), [10, 10, 5, 0]);
      assert.equal(await count('SELECT count(*) AS n FROM S.jobs'), 1, 'only the running keyed job is left');
      assert.equal(await count('SELECT count(*) AS n FROM S.job_logs'), 0);
      assert.equal(await count('SELECT count(*) AS n FROM S.steps'), 0);
      assert.equal(await count('SELECT count(*) AS n FROM S.event_waits'), 0);
      assert.equal(await count('SELECT count(*) AS n FROM S.jobs WHERE idempotency_key IS NOT NULL'), 0, 'the expired key is released');
      assert.equal((await store.getJob(created.at(-1)!.id))?.state, 'running');
    } finally {
      await store.close();
      await adminQuery(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`, db!.url);
    }
  });

  test('postgres is networked, wakes across processes, and reopens itself in the heartbeat thread', async () => {
    const store = postgresStore({ connectionString: db!.url, schema: 'tw_pg_describe' });
    try {
      assert.equal(store.driver, 'postgres');
      assert.deepEqual(store.capabilities, { crossProcessWakeups: true, embedded: false, sqlQuery: true, schedules: true, eventFeed: true, workerRegistry: true, flowControl: true, leaderElection: true, stagedByLeader: true, triggers: true });
      const spec = store.reopenSpec();
      assert.equal(spec?.exportName, 'postgresStore');
      assert.deepEqual(spec?.options, { connectionString: db!.url, schema: 'tw_pg_describe', poolSize: 1 });
      assert.equal(store.withClient(new pg.Client()).reopenSpec(), null, 'a view bound to a client cannot be reopened');
    } finally {
      await store.close();
    }
  });
});
