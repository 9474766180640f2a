// retention.completed 0: the engine keeps no record of completed jobs, so each completion deletes
// its job in the same write (no row left for the pruner); failures, keyed jobs and the events that
// carry results are unaffected.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Taskwright } from '../../dist/index.js';
import { StorePlace } from '../support/test-store.js';
import { waitFor } from '../support/wait.js';

const place = new StorePlace('retention');
after(() => place.cleanup());

test('retention.completed 0: completed jobs are deleted as they complete; their results still reach listeners; failures stay', async () => {
  const tw = new Taskwright({ store: place.store(), retention: { completed: 0 } });
  await tw.migrate();
  const results = new Map<string, unknown>();
  tw.on('job:completed', ({ jobId, result }) => results.set(jobId, result));
  tw.register('double', async (payload: { n: number }, ctx) => {
    await ctx.log('doubling');
    return payload.n * 2;
  });
  tw.register('broken', async () => {
    throw new Error('nope');
  });
  const plain = await Promise.all([1, 2, 3].map((n) => tw.enqueue('double', { n })));
  const keyed = await tw.enqueue('double', { n: 10 }, { idempotencyKey: 'report-1', idempotencyTtl: '1h' });
  const broken = await tw.enqueue('broken', {}, { attempts: 1 });
  const worker = tw.worker({ concurrency: 4 });
  await worker.start();
  try {
    await waitFor(async () => results.size === 4 && (await tw.getJob(broken.id))?.state !== 'running' && (await tw.getJob(broken.id))?.state !== 'queued', 10_000, 'the jobs to end');
    assert.deepEqual(plain.map((j) => results.get(j.id)), [2, 4, 6], 'listeners got each result');
    for (const j of plain) await assert.rejects(tw.getJob(j.id), { name: 'NotFoundError' }, `completed job ${j.id} is gone`);
    assert.equal((await tw.getJob(keyed.id))?.state, 'completed', 'a keyed job stays while its key deduplicates');
    assert.equal((await tw.enqueue('double', { n: 10 }, { idempotencyKey: 'report-1', idempotencyTtl: '1h' })).id, keyed.id);
    assert.equal((await tw.getJob(broken.id))?.state, 'dead', 'failures keep their record (retention.failed)');
  } finally {
    await worker.stop();
    await tw.close();
  }
});

test('retention.completed must be a duration: a bad value is refused before anything runs', () => {
  assert.throws(() => new Taskwright({ store: place.store(), retention: { completed: 'soon' as never } }), /retention\.completed/);
});
