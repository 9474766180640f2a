// Flow control under racing claims: many store handles (each its own pool, as separate processes
// would have) claim at the same instant, again and again. The gate must let exactly the limit
// through: a concurrency limit, a rate window, one half-open probe; and a plain claim racing the
// gated ones never takes a held job. Also: a settle that frees a concurrency slot wakes other
// processes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { compileJobOptions } from '../../dist/core/options.js';
import type { ClaimRequest } from '../../dist/store/types.js';
import { claimCtes, claimParams, claimSelect } from '../../dist/stores/postgres/claim.js';
import { postgresStore, type PostgresStore } from '../../dist/stores/postgres/index.js';
import { adminQuery, createDatabase, pgSkipReason, randomName } from '../support/postgres.js';

const skip = await pgSkipReason();
const db = skip === undefined ? await createDatabase('flow_races') : null;
after(async () => db?.drop());

/** Runs `body` on a client of its own (no store type parsers: plain pg values). */
async function withClient<T>(url: string, body: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await body(client);
  } finally {
    await client.end();
  }
}

const T0 = Date.parse('2026-06-01T00:00:00Z');
const HANDLES = 8;
const job = (name: string, options: Record<string, unknown> = {}) => compileJobOptions(name, {}, options, T0);

describe('postgres: flow control under racing claims', { skip }, () => {
  let handles: PostgresStore[] = [];

  before(async () => {
    const schema = randomName('races');
    handles = Array.from({ length: HANDLES }, () => postgresStore({ connectionString: db!.url, schema, poolSize: 2 }));
    await Promise.all(handles.map((h) => h.migrate()));
  });
  after(async () => {
    for (const h of handles) await h.close();
  });

  const request = (i: number, now: number, limit = 3): ClaimRequest => ({ workerId: `w${i}`, queues: ['default'], limit, leaseMs: 600_000, now });
  /** Every handle claims at once; returns the names claimed per round, all rounds together. */
  const race = async (rounds: number, now: number, queue = 'default') => {
    const names: string[] = [];
    for (let r = 0; r < rounds; r++) {
      const results = await Promise.all(handles.map((h, i) => h.claim({ ...request(i, now), queues: [queue] })));
      for (const result of results) names.push(...result.jobs.map((j) => j.name));
    }
    return names;
  };

  test('a worker without tags claims through the one plain statement, which reads the plain index in order past a backlog of tagged jobs', async () => {
    const [store] = handles as [PostgresStore];
    await store.enqueue(Array.from({ length: 500 }, (_, i) => job(`held${i}`, { concurrencyKey: 'tenant:none', queue: 'plan-keyed' })), T0);
    await store.enqueue(Array.from({ length: 500 }, (_, i) => job(`gpu${i}`, { requireTags: ['gpu'], queue: 'plan' })), T0);
    await store.enqueue(Array.from({ length: 500 }, (_, i) => job(`plain${i}`, { queue: 'plan' })), T0);
    await adminQuery(`ANALYZE ${store.names.jobs}`, db!.url);
    const text = `EXPLAIN WITH ${claimCtes(store.names)} ${claimSelect()}`;
    const explained = await withClient(db!.url, (c) => c.query<{ 'QUERY PLAN': string }>({ text, values: claimParams({ ...request(0, T0, 10), queues: ['plan'] }) }));
    const plan = explained.rows.map((r) => r['QUERY PLAN']).join('\n');
    assert.match(plan, /Index Scan using jobs_queued on jobs/, plan);
    assert.doesNotMatch(plan, /Seq Scan on jobs/, plan);
    // the flow check only looks at the head of the keyed index (and, for a worker with tags, the
    // tagged one); the claim itself reads the plain index alone
    const [flowPart, claimPart] = plan.split('CTE ready') as [string, string];
    assert.match(flowPart, /Limit[\s\S]*Index Only Scan using jobs_queued_keyed/, plan);
    assert.doesNotMatch(claimPart, /jobs_queued_keyed|jobs_queued_tagged/, plan);
    const claimed = await store.claim({ ...request(0, T0, 10), queues: ['plan'] });
    assert.deepEqual(claimed.jobs.map((j) => j.name), Array.from({ length: 10 }, (_, i) => `plain${i}`));
    // the statement itself claimed them: it did not hand the claim to the flow gate
    const again = await withClient(db!.url, (c) => c.query({ text: `WITH ${claimCtes(store.names)} ${claimSelect()}`, values: claimParams({ ...request(1, T0, 5), queues: ['plan'] }), rowMode: 'array' }));
    const summary = again.rows.at(-1) as unknown[];
    assert.equal(again.rows.length, 6, 'five claimed jobs and the summary row');
    assert.equal(summary[5], 0, 'not handed to the flow gate');
  });

  test('a concurrency limit of 3: eight handles racing five times start exactly 3; plain jobs beside them all start', async () => {
    const [store] = handles as [PostgresStore];
    await store.controlFlow({ type: 'setLimit', limit: { key: 'tenant:race', concurrency: 3, rate: null } }, T0);
    await store.enqueue([...Array.from({ length: 40 }, (_, i) => job(`k${i}`, { concurrencyKey: 'tenant:race' })), ...Array.from({ length: 20 }, (_, i) => job(`p${i}`))], T0);
    const names = await race(5, T0);
    assert.equal(names.filter((n) => n.startsWith('k')).length, 3, `keyed starts: ${names.filter((n) => n.startsWith('k')).join(',')}`);
    assert.equal(names.filter((n) => n.startsWith('p')).length, 20);
    assert.equal(new Set(names).size, names.length, 'no job claimed twice');
  });

  test('a rate of 4 per minute: eight handles racing start exactly 4; the window sliding on lets 4 more', async () => {
    const [store] = handles as [PostgresStore];
    await store.controlFlow({ type: 'setLimit', limit: { key: 'api:race', concurrency: null, rate: { count: 4, intervalMs: 60_000 } } }, T0);
    await store.enqueue(Array.from({ length: 30 }, (_, i) => job(`r${i}`, { rateKey: 'api:race', queue: 'rated' })), T0);
    assert.equal((await race(4, T0, 'rated')).length, 4);
    assert.equal((await race(2, T0 + 59_999, 'rated')).length, 0, 'still inside the window');
    assert.equal((await race(3, T0 + 60_000, 'rated')).length, 4, 'the next window');
  });

  test('an open breaker past its cool-down lets exactly one probe through, whoever races for it', async () => {
    const [store] = handles as [PostgresStore];
    await store.controlFlow({ type: 'configureBreaker', key: 'api:probe', config: { failureThreshold: 1, errorRate: null, windowMs: 60_000, minCalls: 10, cooldownMs: 1000 } }, T0);
    await store.enqueue(Array.from({ length: 10 }, (_, i) => job(`b${i}`, { breakerKey: 'api:probe', queue: 'probed', attempts: 1 })), T0);
    const [first] = (await store.claim({ ...request(0, T0, 1), queues: ['probed'] })).jobs;
    const error = { message: 'down', attempt: 1, at: T0 + 1 };
    const opened = await store.settle([{ id: first!.id, workerId: 'w0', attempt: first!.attempt, outcome: { type: 'failed', error } }], T0 + 1);
    assert.deepEqual(opened.breakerChanges?.map((c) => c.to), ['open']);
    assert.equal((await race(2, T0 + 500, 'probed')).length, 0, 'held during the cool-down');
    const probes = await race(3, T0 + 1001, 'probed');
    assert.equal(probes.length, 1, `probes: ${probes.join(',')}`);
    const snapshot = await store.readFlow();
    assert.equal(snapshot.breakers.find((b) => b.key === 'api:probe')?.state, 'half_open');
  });

  test('completing a job with a concurrency key wakes other processes; held jobs then start there', async () => {
    const [store, other] = handles as [PostgresStore, PostgresStore];
    await store.controlFlow({ type: 'setLimit', limit: { key: 'tenant:wake', concurrency: 1, rate: null } }, T0);
    await store.enqueue([job('w0', { concurrencyKey: 'tenant:wake', queue: 'woken' }), job('w1', { concurrencyKey: 'tenant:wake', queue: 'woken' })], T0);
    const [running] = (await store.claim({ ...request(0, T0, 5), queues: ['woken'] })).jobs;
    assert.equal(running?.name, 'w0');
    assert.deepEqual((await other.claim({ ...request(1, T0, 5), queues: ['woken'] })).jobs, [], 'held while w0 runs');
    let woken = false;
    const stop = other.onWake(() => (woken = true));
    try {
      await store.settle([{ id: running.id, workerId: 'w0', attempt: running.attempt, outcome: { type: 'completed', resultJson: null } }], T0 + 1);
      const deadline = Date.now() + 10_000;
      while (!woken && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.ok(woken, 'the other handle was woken by the freed slot');
    } finally {
      stop();
    }
    assert.deepEqual((await other.claim({ ...request(1, T0 + 2, 5), queues: ['woken'] })).jobs.map((j) => j.name), ['w1']);
  });
});
