// Many processes on one PostgreSQL database: four worker processes drain 20,000 jobs while workers
// are SIGKILLed at random and replaced, some of them in the middle of jobs that checkpoint. No job
// is lost, none is completed twice, and a checkpointed job resumes after its last checkpoint.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import pg from 'pg';
import { Harness, sleep, waitUntil, type WorkerProcess } from '../integration/helpers.js';
import { pgSkipReason } from '../support/postgres.js';

const skip = await pgSkipReason();
const h = new Harness('many', 'postgres');
after(() => h.cleanup());

const JOBS = 20_000;
const CHECKPOINTING_EVERY = 20; // 1,000 jobs of five checkpointed steps, spread through the queue
const STEPS = 5;
const KILLS = 6;

test('four worker processes drain 20,000 jobs through random kill -9s: none lost, none completed twice, checkpoints resumed', { skip }, async () => {
  const tw = h.engine();
  await tw.migrate();
  const options = { worker: { concurrency: 50, lease: '1s', heartbeat: '250ms', rescueInterval: '250ms' } };
  let started = 0;
  const spawnWorker = () => h.start(`W${started++}`, options, 20_000);
  const alive: WorkerProcess[] = await Promise.all([spawnWorker(), spawnWorker(), spawnWorker(), spawnWorker()]);
  const all = [...alive];

  const items = Array.from({ length: JOBS }, (_, i) =>
    i % CHECKPOINTING_EVERY === 0
      ? { name: 'steps', payload: { steps: STEPS, stepMs: 60 }, options: { attempts: 20 } }
      : { name: 'record', payload: { i }, options: { attempts: 20 } },
  );
  const ids: string[] = [];
  for (let start = 0; start < JOBS; start += 2000) ids.push(...(await tw.enqueueMany(items.slice(start, start + 2000))).map((r) => r.id));
  assert.equal(new Set(ids).size, JOBS);

  // kill -9 a random worker, and start a replacement (not waiting for it), each time the work left
  // falls under the next of KILLS thresholds spread from 85% to 20% of the jobs (with jitter): the
  // kills follow progress rather than the clock, so a faster drain still gets every one of them
  let kills = 0;
  const timeline: string[] = [];
  const began = Date.now();
  const thresholds = Array.from({ length: KILLS }, (_, i) => Math.round(JOBS * (0.85 - (0.65 * i) / (KILLS - 1) + (Math.random() - 0.5) * 0.06)));
  while (kills < KILLS) {
    const pending = await tw.store.pendingCount();
    if (pending >= thresholds[kills]!) {
      if (Date.now() - began > 180_000) throw new Error(`the drain stalled at ${pending} jobs left (kills so far: ${timeline.join(' ')})\n${h.diagnostics()}`);
      await sleep(25);
      continue;
    }
    timeline.push(`${Date.now() - began}ms:${pending}`);
    const victim = alive.splice(Math.floor(Math.random() * alive.length), 1)[0]!;
    victim.kill('SIGKILL');
    await victim.waitExit(5000);
    kills++;
    const replacement = h.spawn(`W${started++}`, options);
    alive.push(replacement);
    all.push(replacement);
  }
  try {
    await waitUntil(async () => (await tw.store.pendingCount()) === 0, 180_000, 'every job to finish', 200);
  } catch (error) {
    const stuck = [...(await tw.listJobs({ state: 'running', limit: 5 })), ...(await tw.listJobs({ state: 'queued', limit: 5 })), ...(await tw.listJobs({ state: 'scheduled', limit: 5 }))];
    const errors = all.flatMap((p) => p.events('worker-error')).slice(-10);
    throw new Error(`${(error as Error).message}\nstats: ${JSON.stringify(await tw.stats())}\nsome pending: ${JSON.stringify(stuck.map((j) => [j.id, j.state, j.attempt, j.workerId, j.leaseExpiresAt, j.runAt]))}\nworker errors: ${JSON.stringify(errors)}\nalive: ${alive.map((p) => `${p.label}:${p.alive}`).join(' ')}`);
  }
  // a replacement spawned near the end may not have installed its signal handlers yet
  for (const proc of alive) await proc.waitForEvent('ready', 20_000);
  for (const proc of alive) proc.kill('SIGTERM');
  for (const proc of alive) assert.equal((await proc.waitExit(15_000)).code, 0, h.diagnostics());
  const pendingAtKills = timeline.map((t) => Number(t.split(':')[1]));
  assert.ok(pendingAtKills.length === KILLS && pendingAtKills.every((n) => n > 1000), `every kill came while work remained (ms since enqueue:pending ${timeline.join(' ')})`);

  // none lost, none completed twice: read the rows themselves
  const spec = h.store;
  assert.equal(spec.driver, 'postgres');
  const client = new pg.Client({ connectionString: spec.connectionString });
  await client.connect();
  let rows: { id: string; state: string; history: string; result: string | null; name: string }[];
  try {
    rows = (await client.query(`SELECT id::text, state, history, result, name FROM "${spec.schema}".jobs`)).rows;
  } finally {
    await client.end();
  }
  assert.equal(rows.length, JOBS);
  const notCompleted = rows.filter((r) => r.state !== 'completed');
  assert.deepEqual(notCompleted.slice(0, 5).map((r) => [r.id, r.state]), [], `${notCompleted.length} jobs did not complete`);
  const completions = (history: string) => history.split('\n').filter((line) => line.split('\t')[2] === 'completed').length;
  const twice = rows.filter((r) => completions(r.history) !== 1);
  assert.deepEqual(twice.slice(0, 5).map((r) => r.id), [], `${twice.length} jobs were completed more or less than once`);

  // every record job ran (at least once: a killed attempt may have run it before)
  const ran = new Set(all.flatMap((p) => p.events('run').map((r) => r.id as string)));
  const recordIds = rows.filter((r) => r.name === 'record').map((r) => r.id);
  assert.deepEqual(recordIds.filter((id) => !ran.has(id)).slice(0, 5), [], 'every record job ran');

  // checkpointed jobs: finished every step, and no attempt redid a step an earlier attempt had checkpointed
  const stepJobs = rows.filter((r) => r.name === 'steps');
  assert.equal(stepJobs.length, JOBS / CHECKPOINTING_EVERY);
  for (const job of stepJobs) assert.deepEqual(JSON.parse(job.result ?? 'null'), { done: [1, 2, 3, 4, 5] }, `job ${job.id}`);
  const records = all.flatMap((p) => p.records());
  const checkpointed = new Map<string, { attempt: number; step: number }[]>();
  for (const r of records) {
    if (r.event !== 'checkpointed') continue;
    const list = checkpointed.get(r.id as string) ?? [];
    list.push({ attempt: r.attempt as number, step: r.step as number });
    checkpointed.set(r.id as string, list);
  }
  let resumed = 0;
  for (const r of records) {
    if (r.event === 'start' && r.resume) resumed++;
    if (r.event !== 'step') continue;
    const earlier = (checkpointed.get(r.id as string) ?? []).filter((c) => c.attempt < (r.attempt as number));
    const saved = Math.max(0, ...earlier.map((c) => c.step));
    assert.ok((r.step as number) > saved, `job ${r.id} attempt ${r.attempt} redid step ${r.step} although step ${saved} was checkpointed before`);
  }
  assert.ok(resumed > 0, 'some killed jobs resumed from a checkpoint');
  // leases lost by workers that were never killed (a starved heartbeat): legal, and the case where
  // an outcome's fence fails while the job moves on, so worth seeing in the output
  const killedIds = new Set(all.filter((p) => !alive.includes(p)).flatMap((p) => p.events('ready').map((r) => r.workerId as string)));
  const rescuedFrom = rows.flatMap((r) => [...r.history.matchAll(/lease expired: worker (\S+)/g)].map((m) => m[1]!));
  const fromLive = rescuedFrom.filter((id) => !killedIds.has(id)).length;
  console.log(`kills at ms since enqueue:pending ${timeline.join(' ')}; ${rescuedFrom.length} lease rescues, ${fromLive} from workers never killed`);
  console.log(`20,000 jobs, ${kills} kill -9s, ${all.length} worker processes, ${resumed} attempts resumed from a checkpoint`);
});
