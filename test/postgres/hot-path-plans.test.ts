// The plans of the two hot statements, claim and settle, which always run with their generic plans
// (the hot-path pool's session settings), on a table that looks like a busy one (a backlog, jobs
// running, jobs finished) and on an empty one: every row must be found through the primary key or
// the queued index, never by reading the whole table or the running index.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { compileJobOptions } from '../../dist/core/options.js';
import { claimCtes, claimSelect } from '../../dist/stores/postgres/claim.js';
import { postgresStore, type PostgresStore } from '../../dist/stores/postgres/index.js';
import { createSettle } from '../../dist/stores/postgres/settle.js';
import { HOT_PATH_SESSION } from '../../dist/stores/postgres/connection.js';
import { adminQuery, createDatabase, pgSkipReason, randomName } from '../support/postgres.js';

const skip = await pgSkipReason();
const db = skip === undefined ? await createDatabase('hot_plans') : null;
after(async () => db?.drop());

const T0 = Date.parse('2026-06-01T00:00:00Z');
const CLAIM_TYPES = 'bigint, text[], int, text, bigint, text[]';
const CLAIM_ARGS = `${T0}, '{default}', 100, 'w2', ${T0 + 600_000}, '{}'`;
const SETTLE_TYPES = 'bigint, bigint[], text[], int[], text[], text[], bigint[], text[], text[], boolean[]';
const settleArgs = (discard: boolean) =>
  `${T0}, '{1,2}', '{w1,w1}', '{1,1}', '{completed,completed}', '{null,null}', '{NULL,NULL}', '{NULL,NULL}', '{"",""}', '{${discard},${discard}}'`;
const SETTLE_ARGS = settleArgs(false);

/** The plan PostgreSQL uses for `statement` when it plans it once for any parameters (`settings`: of the session). */
async function genericPlan(url: string, statement: string, types: string, args: string, settings: Readonly<Record<string, string>> = {}): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SET plan_cache_mode = force_generic_plan');
    for (const [name, value] of Object.entries(settings)) await client.query(`SET ${name} = ${value}`);
    await client.query(`PREPARE hot(${types}) AS ${statement}`);
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN EXECUTE hot(${args})`);
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  } finally {
    await client.end();
  }
}

describe('postgres: plans of the claim and the settle', { skip }, () => {
  let store: PostgresStore;

  before(async () => {
    store = postgresStore({ connectionString: db!.url, schema: randomName('plans') });
    await store.migrate();
    const jobs = Array.from({ length: 3000 }, (_, i) => compileJobOptions(`job${i}`, {}, {}, T0));
    await store.enqueue(jobs, T0);
    const claimed = await store.claim({ workerId: 'w1', queues: ['default'], limit: 1500, leaseMs: 600_000, now: T0 });
    const done = claimed.jobs.slice(0, 1000);
    await store.settle(done.map((j) => ({ id: j.id, workerId: 'w1', attempt: j.attempt, outcome: { type: 'completed', resultJson: null } })), T0);
    await adminQuery(`ANALYZE ${store.names.jobs}`, db!.url);
  });
  after(async () => store?.close());

  test('the claim finds its rows through the queued index and updates them where it locked them', async () => {
    const statement = `WITH ${claimCtes(store.names)} ${claimSelect()}`;
    const plan = await genericPlan(db!.url, statement, CLAIM_TYPES, CLAIM_ARGS, HOT_PATH_SESSION);
    assert.match(plan, /Index Scan using jobs_queued on jobs/, plan);
    // the update reads the row versions the claim locked where they are, with no index descent
    assert.match(plan, /Tid Scan on jobs j/, plan);
    assert.doesNotMatch(plan, /Seq Scan on jobs|Hash Join/, plan);
  });

  test('claim and settle plans made while the table is empty still read the indexes (the hot-path sessions rule out sequential scans)', async () => {
    const empty = postgresStore({ connectionString: db!.url, schema: randomName('empty') });
    try {
      await empty.migrate();
      const statement = `WITH ${claimCtes(empty.names)} ${claimSelect()}`;
      const plan = await genericPlan(db!.url, statement, CLAIM_TYPES, CLAIM_ARGS, HOT_PATH_SESSION);
      assert.match(plan, /Index Scan using jobs_queued on jobs/, plan);
      assert.doesNotMatch(plan, /Seq Scan on jobs/, plan);
      // the checkpoint journal is probed per claimed row, behind its flag: hashing it (what a plan made
      // while it was empty chose) would read every checkpoint of the table on each claim
      assert.match(plan, /One-Time Filter: c\.checkpointed/, plan);
      assert.doesNotMatch(plan, /Hash Left Join/, plan);
      const settlePlan = await genericPlan(db!.url, createSettle(empty.names).quiet.text, SETTLE_TYPES, SETTLE_ARGS, HOT_PATH_SESSION);
      assert.match(settlePlan, /Index Scan using jobs_pkey on jobs/, settlePlan);
      assert.doesNotMatch(settlePlan, /Seq Scan on jobs|jobs_running/, settlePlan);
    } finally {
      await empty.close();
    }
  });

  test('the settle finds its rows through the primary key, not the running index', async () => {
    const statement = createSettle(store.names).quiet.text;
    const plan = await genericPlan(db!.url, statement, SETTLE_TYPES, SETTLE_ARGS, HOT_PATH_SESSION);
    assert.match(plan, /Index Scan using jobs_pkey on jobs/, plan);
    assert.doesNotMatch(plan, /Seq Scan on jobs|jobs_running|Hash Join/, plan);
    // one probe per outcome for the update, one for the discarding delete: no snapshot read first
    assert.equal(plan.match(/Index Scan using jobs_pkey on jobs/g)?.length, 2, plan);
    // a completion's checkpoint is found through the checkpoint index
    assert.match(plan, /steps_checkpoints/, plan);
  });

  test('a discarding settle deletes jobs, logs, steps and waits by index probes', async () => {
    const statement = createSettle(store.names).quiet.text;
    const plan = await genericPlan(db!.url, statement, SETTLE_TYPES, settleArgs(true), HOT_PATH_SESSION);
    assert.match(plan, /Delete on jobs j/, plan);
    for (const index of ['job_logs_job', 'steps_pkey', 'event_waits_pkey']) assert.match(plan, new RegExp(`(Index Scan using|Bitmap Index Scan on) ${index}`), plan);
    // every delete probes its index by id (a semi join would walk the whole index each time)
    assert.doesNotMatch(plan, /Seq Scan|jobs_running|Join Filter: \(steps\.job_id/, plan);
  });
});
