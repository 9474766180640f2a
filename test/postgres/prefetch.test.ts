// A worker on PostgreSQL claims jobs ahead of its free slots (prefetch) and writes outcomes while
// its next claims are in flight. Jobs claimed ahead are the worker's (running, leased) until they
// start; on stop they go back to the queue with their attempt not counted, and `prefetch: 0`
// claims only for free slots.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { Taskwright } from '../../dist/index.js';
import { postgresStore } from '../../dist/stores/postgres/index.js';
import { createDatabase, pgSkipReason, randomName } from '../support/postgres.js';
import { sleep, waitFor } from '../support/wait.js';

const skip = await pgSkipReason();
const db = skip === undefined ? await createDatabase('prefetch') : null;
after(async () => db?.drop());

describe('postgres: prefetch and pipelined outcomes', { skip }, () => {
  let client: pg.Client;
  const engines: Taskwright[] = [];
  const gates: (() => void)[] = [];

  before(async () => {
    client = new pg.Client({ connectionString: db!.url });
    await client.connect();
  });
  after(async () => {
    for (const open of gates) open();
    for (const tw of engines) await tw.close();
    await client.end();
  });

  const engine = async (schema: string) => {
    const tw = new Taskwright({ store: postgresStore({ connectionString: db!.url, schema }) });
    engines.push(tw);
    await tw.migrate();
    return tw;
  };
  const counts = async (schema: string) => {
    const { rows } = await client.query<{ state: string; attempt: number; n: string }>(`SELECT state, attempt, count(*) AS n FROM "${schema}".jobs GROUP BY 1, 2 ORDER BY 1, 2`);
    return Object.fromEntries(rows.map((r) => [`${r.state}/${r.attempt}`, Number(r.n)]));
  };

  test('jobs claimed ahead are held by the worker, and go back to the queue with their attempt uncounted on stop', async () => {
    const schema = randomName('prefetch');
    const tw = await engine(schema);
    let blocked = 0;
    const gate = new Promise<void>((resolve) => gates.push(resolve));
    // the first 300 jobs finish at once (so the worker learns its start rate), then handlers block
    tw.register('step', async (payload: { i: number }) => {
      if (payload.i < 300) return;
      blocked++;
      await gate;
    });
    await tw.enqueueMany(Array.from({ length: 600 }, (_, i) => ({ name: 'step', payload: { i } })));
    const worker = tw.worker({ concurrency: 2, prefetch: 40, grace: 0 });
    await worker.start();
    await waitFor(() => blocked === 2, 30_000, 'two handlers to block');
    // the two blocked handlers plus jobs claimed ahead for them, within the bound
    let running = 0;
    await waitFor(
      async () => {
        running = (await counts(schema))['running/1'] ?? 0;
        return running > 2;
      },
      10_000,
      'jobs claimed ahead of the two busy slots',
    );
    assert.ok(running <= 2 + 40, `at most concurrency + prefetch jobs held, got ${running}`);
    await worker.stop(0);
    const after = await counts(schema);
    // completed ones ran once; the two aborted and all prefetched ones are queued again, attempt 0
    assert.equal(after['running/1'], undefined, JSON.stringify(after));
    assert.equal((after['completed/1'] ?? 0) + (after['queued/0'] ?? 0), 600, JSON.stringify(after));
    assert.ok((after['completed/1'] ?? 0) >= 300, JSON.stringify(after));
    const { rows } = await client.query<{ history: string }>(
      `SELECT history FROM "${schema}".jobs WHERE state = 'queued' AND history LIKE '%running%' ORDER BY id LIMIT 1`,
    );
    assert.match(rows[0]!.history, /\trunning\tqueued\t0\treleased$/, 'a released job records running -> queued');
  });

  test('a job that waited in the buffer past its lease less a heartbeat goes back to the queue instead of starting, then runs once', async () => {
    const schema = randomName('stale');
    const tw = await engine(schema);
    let blocked = 0;
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
      gates.push(resolve);
    });
    const ran = new Map<number, number>();
    // the first 300 jobs finish at once (the worker learns its start rate and claims ahead), then
    // the next two hold both slots while the jobs claimed behind them wait in the buffer
    tw.register('step', async (payload: { i: number }) => {
      ran.set(payload.i, (ran.get(payload.i) ?? 0) + 1);
      if (payload.i < 300 || payload.i > 301) return;
      blocked++;
      await gate;
    });
    await tw.enqueueMany(Array.from({ length: 600 }, (_, i) => ({ name: 'step', payload: { i } })));
    // the buffered jobs count as stale after 1000 - 250 = 750 ms
    const worker = tw.worker({ concurrency: 2, prefetch: 40, grace: 0, lease: '1s', heartbeat: '250ms' });
    await worker.start();
    await waitFor(() => blocked === 2, 30_000, 'two handlers to block');
    await waitFor(async () => ((await counts(schema))['running/1'] ?? 0) > 2, 10_000, 'jobs claimed ahead of the two busy slots');
    const buffered = ((await counts(schema))['running/1'] ?? 0) - 2;
    await sleep(1200);
    release();
    await waitFor(async () => (await tw.store.pendingCount()) === 0, 30_000, 'the queue to drain');
    await worker.stop();

    // the stale ones went back to the queue (attempt not counted) and ran later: each job once
    assert.equal(ran.size, 600);
    assert.deepEqual([...ran.entries()].filter(([, n]) => n !== 1), [], 'every job ran once');
    assert.deepEqual(await counts(schema), { 'completed/1': 600 });
    const { rows } = await client.query<{ n: string }>(
      `SELECT count(*) AS n FROM "${schema}".jobs WHERE history LIKE '%' || E'\t' || 'running' || E'\t' || 'queued' || E'\t' || '0' || E'\t' || 'released%'`,
    );
    assert.ok(Number(rows[0]!.n) >= 1, `released ${rows[0]!.n} jobs (${buffered} were buffered while the slots were held)`);
  });

  test('prefetch: 0 claims only for free slots', async () => {
    const schema = randomName('noprefetch');
    const tw = await engine(schema);
    let started = 0;
    const gate = new Promise<void>((resolve) => gates.push(resolve));
    tw.register('hold', async () => {
      started++;
      await gate;
    });
    await tw.enqueueMany(Array.from({ length: 50 }, (_, i) => ({ name: 'hold', payload: { i } })));
    const worker = tw.worker({ concurrency: 3, prefetch: 0, grace: 0 });
    await worker.start();
    await waitFor(() => started === 3, 30_000, 'three handlers to start');
    await sleep(300);
    assert.deepEqual(await counts(schema), { 'queued/0': 47, 'running/1': 3 });
    await worker.stop(0);
  });

  test('two workers drain 5,000 jobs with outcomes written while claims are in flight: each job completed once', async () => {
    const schema = randomName('pipelined');
    const a = await engine(schema);
    const b = await engine(schema);
    const ran = new Map<number, number>();
    for (const tw of [a, b]) {
      tw.register('count', async (payload: { i: number }) => {
        ran.set(payload.i, (ran.get(payload.i) ?? 0) + 1);
      });
    }
    await a.enqueueMany(Array.from({ length: 5000 }, (_, i) => ({ name: 'count', payload: { i } })));
    const workers = [a.worker({ concurrency: 20 }), b.worker({ concurrency: 20 })];
    for (const w of workers) await w.start();
    await waitFor(async () => (await a.store.pendingCount()) === 0, 60_000, 'the queue to drain');
    for (const w of workers) await w.stop();
    assert.equal(ran.size, 5000);
    assert.ok([...ran.values()].every((n) => n === 1), 'no job ran twice');
    assert.deepEqual(await counts(schema), { 'completed/1': 5000 });
  });
});
