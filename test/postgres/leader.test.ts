// Leader election on PostgreSQL: one engine per schema stages due jobs, runs maintenance and fires
// schedules; claims no longer stage. Covered: the lease statement itself, the claim that leaves
// due jobs alone (and is not sent through the flow gate by a due keyed job), two engines where
// exactly one leads and only it stages and fires, what operators see of the leaders, a leader
// process killed with SIGKILL replaced within the lease while a delayed job enqueued meanwhile
// still runs, and delayed jobs started on time by a follower woken through the leader's stager.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, describe, test } from 'node:test';
import { promisify } from 'node:util';
import pg from 'pg';
import { compileJobOptions } from '../../dist/core/options.js';
import { Taskwright } from '../../dist/index.js';
import { createServer } from '../../dist/server/index.js';
import type { Store } from '../../dist/store/store.js';
import { createClaim } from '../../dist/stores/postgres/claim.js';
import { postgresStore, type PostgresStore } from '../../dist/stores/postgres/index.js';
import { MAIN, ROOT } from '../cli/cli-helpers.js';
import { Harness } from '../integration/helpers.js';
import { createDatabase, pgSkipReason, randomName } from '../support/postgres.js';
import { waitFor } from '../support/wait.js';

const skip = await pgSkipReason();
const db = skip === undefined ? await createDatabase('leader') : null;
const stores: PostgresStore[] = [];
const harnesses: Harness[] = [];
after(async () => {
  for (const store of stores) await store.close().catch(() => undefined);
  for (const h of harnesses) await h.cleanup();
  await db?.drop();
});

function openStore(schema: string): PostgresStore {
  const store = postgresStore({ connectionString: db!.url, schema });
  stores.push(store);
  return store;
}

/** Counts this store's stageDue calls that moved jobs. */
function countStaging(store: Store): { staged: number } {
  const counter = { staged: 0 };
  const stageDue = (store.stageDue as NonNullable<Store['stageDue']>).bind(store);
  store.stageDue = async (now, limit) => {
    const result = await stageDue(now, limit);
    counter.staged += result.staged;
    return result;
  };
  return counter;
}

describe('postgres: leader leases and the stager', { skip }, () => {
  test('acquire takes a free or expired role, renews its own, refuses a live one; release frees it', async () => {
    const store = openStore(randomName('lease'));
    await store.migrate();
    assert.equal(store.capabilities.leaderElection, true);
    assert.equal(store.capabilities.stagedByLeader, true);

    const a = await store.acquireLeadership('stager', 'a', 400);
    assert.equal(a.leader, true);
    assert.equal(a.holder, 'a');
    const b = await store.acquireLeadership('stager', 'b', 400);
    assert.deepEqual([b.leader, b.holder], [false, 'a'], 'a live lease is not taken');
    const renewed = await store.acquireLeadership('stager', 'a', 400);
    assert.equal(renewed.leader, true);
    assert.ok((renewed.expiresAt as number) >= (a.expiresAt as number), 'renewal moves the expiry on');

    await waitFor(async () => (await store.acquireLeadership('stager', 'b', 60_000)).leader, 5000, 'b to take the expired role');
    assert.equal((await store.acquireLeadership('stager', 'a', 400)).leader, false, 'the old holder cannot renew once replaced');
    const [row] = await store.listLeaders();
    assert.deepEqual([row?.role, row?.holder, row?.live], ['stager', 'b', true]);
    // the countdown is the database's own (expiry minus its clock), not the reader's clock
    assert.ok(row!.remainingMs > 50_000 && row!.remainingMs <= 60_000, `remainingMs ${row!.remainingMs}`);
    assert.ok(Math.abs(row!.expiresAt - row!.remainingMs - Date.now()) < 5_000, 'expiry minus remaining is about now');

    await store.releaseLeadership('stager', 'a'); // not the holder: changes nothing
    assert.equal((await store.listLeaders())[0]?.holder, 'b');
    await store.releaseLeadership('stager', 'b');
    assert.deepEqual(await store.listLeaders(), []);
    assert.equal((await store.acquireLeadership('stager', 'a', 400)).leader, true);

    await assert.rejects(store.acquireLeadership('', 'a', 400), /expected a leader role/);
    await assert.rejects(store.acquireLeadership('stager', 'a', 0), /expected a leader lease ttl/);
    await assert.rejects(store.stageDue(Date.now(), 0), /expected stageDue limit/);
  });

  test('claims leave due scheduled jobs alone; stageDue queues them (grouped ones take their fairness turn)', async () => {
    const store = openStore(randomName('stage'));
    await store.migrate();
    const t0 = Date.now();
    await store.enqueue([compileJobOptions('plain', {}, { delay: 1000 }, t0), compileJobOptions('grouped', {}, { delay: 1000, group: 'g1' }, t0)], t0);
    const request = { workerId: 'w', queues: ['default'], limit: 10, leaseMs: 30_000, now: t0 + 2000 };
    assert.equal((await store.claim(request)).jobs.length, 0, 'the claim did not stage');
    const staged = await store.stageDue(t0 + 2000, 100);
    assert.deepEqual(staged, { staged: 2, nextDueAt: null });
    assert.deepEqual((await store.claim(request)).jobs.map((j) => j.name).sort(), ['grouped', 'plain']);
  });

  test('a due keyed job waiting for the stager does not send plain claims through the flow gate', async () => {
    const store = openStore(randomName('gate'));
    await store.migrate();
    const t0 = Date.now();
    await store.enqueue([compileJobOptions('keyed', {}, { delay: 1000, concurrencyKey: 'k' }, t0), compileJobOptions('now', {}, {}, t0)], t0);
    const client = new pg.Client({ connectionString: db!.url });
    await client.connect();
    try {
      const plain = await createClaim(store.names)(client, { workerId: 'w', queues: ['default'], limit: 10, leaseMs: 30_000, now: t0 + 2000 });
      assert.equal(plain.gated, false, 'the plain claim answered itself');
      assert.deepEqual(plain.claim.jobs.map((j) => j.name), ['now']);
      // the schema's flow_claim_check, which earlier versions' claims call, agrees (migration 006);
      // a queued keyed job does gate
      const check = `SELECT gated FROM "${store.names.schema}".flow_claim_check('{default}'::text[], '{}'::text[], $1)`;
      assert.equal((await client.query<{ gated: boolean }>(check, [t0 + 2000])).rows[0]?.gated, false);
      await store.stageDue(t0 + 2000, 10);
      assert.equal((await client.query<{ gated: boolean }>(check, [t0 + 2000])).rows[0]?.gated, true);
    } finally {
      await client.end();
    }
  });

  test('two engines on one schema: exactly one leads; only it stages and fires schedules', async () => {
    const schema = randomName('two');
    const [storeA, storeB] = [openStore(schema), openStore(schema)];
    const [countA, countB] = [countStaging(storeA), countStaging(storeB)];
    const a = new Taskwright({ store: storeA, leaderLease: '2s' });
    const b = new Taskwright({ store: storeB, leaderLease: '2s' });
    const ran: string[] = [];
    for (const tw of [a, b]) tw.register('tick', async (_payload, ctx) => void ran.push(ctx.job.id));
    const fired = { a: 0, b: 0 };
    a.on('schedule:fired', () => fired.a++);
    b.on('schedule:fired', () => fired.b++);
    await a.migrate();
    const wa = await a.worker({ concurrency: 2, pollInterval: '10s' }).start();
    const wb = await b.worker({ concurrency: 2, pollInterval: '10s' }).start();
    try {
      assert.deepEqual([a.leadership.stager, b.leadership.stager], [true, false], 'the first engine leads, the second follows');
      assert.deepEqual([a.leadership.scheduler, b.leadership.scheduler], [true, false]);
      const leaders = await storeB.listLeaders();
      assert.deepEqual(leaders.map((l) => [l.role, l.holder, l.live]), [['scheduler', a.leadership.holder, true], ['stager', a.leadership.holder, true]]);

      await a.createSchedule('every', { every: '1s', job: 'tick', overlap: 'allow' });
      const jobs = await b.enqueueMany(Array.from({ length: 6 }, (_, i) => ({ name: 'tick', options: { delay: 100 + i * 100 } })));
      await waitFor(() => jobs.every((j) => ran.includes(j.id)), 10_000, 'the delayed jobs to run');
      await waitFor(() => fired.a >= 2, 10_000, 'the schedule to fire twice');
      assert.ok(countA.staged >= 6, `the leader staged the delayed jobs (${countA.staged})`);
      assert.equal(countB.staged, 0, 'the follower staged nothing');
      assert.equal(fired.b, 0, 'the follower fired no schedule');

      // a clean stop hands both roles over at once (the release notifies the follower)
      await a.deleteSchedule('every');
      await wa.stop();
      await waitFor(() => b.leadership.stager && b.leadership.scheduler, 1500, 'the follower to take over after a clean stop');
      const late = await a.enqueue('tick', {}, { delay: 200 });
      await waitFor(() => ran.includes(late.id), 5000, 'a delayed job staged by the new leader');
      assert.ok(countB.staged >= 1);
    } finally {
      await wa.stop();
      await wb.stop();
    }
  });
});

describe('postgres: leaders seen by operators', { skip }, () => {
  test('engine.listLeaders, GET /api/leaders and `taskwright workers leaders` name the holder of each role', async () => {
    const schema = randomName('seen');
    const tw = new Taskwright({ store: openStore(schema), leaderLease: '5s' });
    await tw.migrate();
    const worker = await tw.worker({ concurrency: 1, pollInterval: '10s' }).start();
    const server = createServer({ engine: tw, port: 0, tokens: [], validateResponses: true });
    try {
      await waitFor(() => tw.leadership.stager && tw.leadership.scheduler, 5000, 'the engine to lead');
      const holder = tw.leadership.holder;
      const leaders = await tw.listLeaders();
      assert.deepEqual(leaders.map((l) => [l.role, l.holder, l.live]), [['scheduler', holder, true], ['stager', holder, true]]);

      const url = await server.listen();
      const reply = (await (await fetch(`${url}/api/leaders`)).json()) as { leaders: { role: string; holder: string; live: boolean; remainingMs: number }[] };
      assert.deepEqual(reply.leaders.map((l) => [l.role, l.holder, l.live]), [['scheduler', holder, true], ['stager', holder, true]]);
      for (const l of reply.leaders) assert.ok(l.remainingMs > 0 && l.remainingMs <= 5_000, `${l.role} remainingMs ${l.remainingMs}`);

      // the CLI runs as its own process (async, so this engine keeps renewing its lease meanwhile)
      const store = `${db!.url}${db!.url.includes('?') ? '&' : '?'}schema=${schema}`;
      const cli = (...args: string[]) => promisify(execFile)(process.execPath, [MAIN, '--store', store, ...args], { cwd: ROOT, encoding: 'utf8' });
      const json = JSON.parse((await cli('--json', 'workers', 'leaders')).stdout) as { role: string; holder: string }[];
      assert.deepEqual(json.map((l) => [l.role, l.holder]), [['scheduler', holder], ['stager', holder]]);
      const table = (await cli('workers', 'leaders')).stdout;
      assert.match(table, new RegExp(`stager\\s+${holder.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s+yes\\s+\\S.*\\s\\d+(\\.\\d+)?m?s left`), table);
    } finally {
      await server.close();
      await worker.stop();
      await tw.close();
    }
  });
});

describe('postgres: leader processes', { skip }, () => {
  test('a SIGKILLed leader is replaced within its lease; a delayed job enqueued meanwhile runs', async () => {
    const h = new Harness('leader-kill', 'postgres', db!.url);
    harnesses.push(h);
    const tw = h.engine(); // enqueues only: runs no worker, so it never competes
    await tw.migrate();
    const options = { leaderLease: '2s', worker: { concurrency: 2, pollInterval: '10s', lease: '5s', heartbeat: '1s' } };
    const first = await h.start('A', options);
    await first.waitFor((r) => r.event === 'leader' && r.role === 'stager' && r.leader === true, 5000, 'A to lead');
    const second = await h.start('B', options);
    const holderA = first.events('leader')[0]?.holder;
    assert.equal((await tw.store.listLeaders!()).find((l) => l.role === 'stager')?.holder, holderA, 'A still leads once B runs');
    assert.equal(second.events('leader').length, 0, 'B follows');

    first.kill('SIGKILL');
    await first.waitExit(5000);
    const killedAt = Date.now();
    const job = await tw.enqueue('record', {}, { delay: 300 });
    const took = await second.waitFor((r) => r.event === 'leader' && r.role === 'stager' && r.leader === true, 6000, 'B to take over');
    // the lease (2s) runs out, then B's next attempt (every ttl/3) takes the role
    assert.ok(took.t - killedAt <= 2000 + 700 + 500, `B took over ${took.t - killedAt}ms after the kill`);
    const run = await second.waitForEvent('run', 5000, job.id);
    assert.ok(run.t >= killedAt + 300);
    await waitFor(async () => (await tw.getJob(job.id)).state === 'completed', 5000, 'the delayed job to complete');
    second.kill('SIGTERM');
    assert.equal((await second.waitExit(10_000)).code, 0, second.diagnostics());
  });

  test('a follower starts delayed jobs close to their due time when another process leads', async () => {
    const h = new Harness('leader-ontime', 'postgres', db!.url);
    harnesses.push(h);
    // the leader's worker takes another queue: every job below runs in the follower, here
    const leader = await h.start('L', { worker: { queues: ['elsewhere'], pollInterval: '10s' } });
    await leader.waitFor((r) => r.event === 'leader' && r.role === 'stager' && r.leader === true, 5000, 'L to lead');
    const tw = h.engine();
    const lateness: number[] = [];
    tw.register('timed', async (payload: { due: number }) => void lateness.push(Date.now() - payload.due));
    // a 10s poll: only the stager's NOTIFY can start these jobs on time
    const worker = await tw.worker({ concurrency: 4, pollInterval: '10s' }).start();
    try {
      assert.equal(tw.leadership.stager, false, 'this engine follows');
      const now = Date.now();
      const delays = [300, 600, 900, 1200, 1500];
      await tw.enqueueMany(delays.map((delay) => ({ name: 'timed', payload: { due: now + delay }, options: { delay } })));
      await waitFor(() => lateness.length === delays.length, 10_000, 'every delayed job to run');
      assert.ok(Math.max(...lateness) < 500, `each job started within 500ms of its due time (late by ${lateness.join(', ')}ms)`);
      assert.ok(Math.min(...lateness) >= -5, 'none started early');
    } finally {
      await worker.stop();
    }
    leader.kill('SIGTERM');
    await leader.waitExit(10_000);
  });
});
