// A worker that claims a job again while its older attempt of that job still runs (the older one
// lost its lease: rescued, then claimed anew by the same worker) stops the older attempt: its
// handler is aborted with lease_lost, and only the new attempt's outcome counts.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import pg from 'pg';
import { Taskwright } from '../../dist/index.js';
import { postgresStore } from '../../dist/stores/postgres/index.js';
import { createDatabase, pgSkipReason, randomName } from '../support/postgres.js';
import { waitFor } from '../support/wait.js';

const skip = await pgSkipReason();
const db = skip === undefined ? await createDatabase('lease_lost') : null;
after(async () => db?.drop());

test('an attempt whose job this worker claimed again is aborted with lease_lost; the new attempt completes the job', { skip }, async () => {
  const schema = randomName('superseded');
  const tw = new Taskwright({ store: postgresStore({ connectionString: db!.url, schema }) });
  const client = new pg.Client({ connectionString: db!.url });
  let openGate = (): void => undefined;
  const gate = new Promise<void>((resolve) => (openGate = resolve));
  const attempts = new Map<number, { aborted: string | null }>();
  try {
    await tw.migrate();
    await client.connect();
    tw.register('hold', async (_payload, ctx) => {
      const seen = { aborted: null as string | null };
      attempts.set(ctx.job.attempt, seen);
      await new Promise<void>((resolve) => {
        ctx.signal.addEventListener('abort', () => {
          seen.aborted = (ctx.signal.reason as { code?: string }).code ?? String(ctx.signal.reason);
          resolve();
        });
        void gate.then(resolve);
      });
      return ctx.job.attempt;
    });
    const { id } = await tw.enqueue('hold', {});
    // a long heartbeat: the periodic ownership check stays out of the way, so only the new claim can stop attempt 1
    const worker = await tw.worker({ concurrency: 2, lease: '30s', heartbeat: '10s' }).start();
    await waitFor(() => attempts.has(1), 10_000, 'attempt 1 to start');

    // its lease runs out and the job is rescued; the same worker, with a free slot, claims it again
    await client.query(`UPDATE "${schema}".jobs SET lease_expires_at = 0 WHERE id = $1`, [id]);
    assert.equal(await tw.rescueExpired(), 1);
    await waitFor(() => attempts.has(2), 10_000, 'attempt 2 to start');
    await waitFor(() => attempts.get(1)!.aborted !== null, 2_000, 'attempt 1 to be aborted');
    assert.equal(attempts.get(1)!.aborted, 'lease_lost');
    assert.equal(attempts.get(2)!.aborted, null);

    openGate();
    await waitFor(async () => (await tw.getJob(id)).state === 'completed', 10_000, 'the job to complete');
    const job = await tw.getJob(id);
    assert.deepEqual([job.attempt, job.result], [2, 2]);
    await waitFor(() => worker.running === 0, 5_000, 'no attempt left running');
    await worker.stop();
  } finally {
    openGate();
    await client.end().catch(() => undefined);
    await tw.close();
  }
});
