// A job past its timeout is aborted with reason code 'timeout' and the attempt counts as failed.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Harness, transitions, waitForState } from './helpers.js';

const h = new Harness('timeout');
after(() => h.cleanup());

test('a handler past its timeout sees signal.reason.code "timeout"; the attempt fails, retries, then goes dead', async () => {
  const tw = h.engine();
  await tw.migrate();
  const w = await h.start('W', { worker: { concurrency: 2, lease: '2s', heartbeat: '200ms' } });

  const { id } = await tw.enqueue('sleep', { ms: 60_000 }, { timeout: '300ms', attempts: 2, backoff: { base: '200ms', jitter: 0 } });

  // attempt 1 times out and a retry is scheduled
  const first = await w.waitFor((r) => r.event === 'aborted' && r.id === id && r.attempt === 1, 5000, 'attempt 1 to time out');
  assert.equal(first.reason?.code, 'timeout');
  assert.equal(first.reason?.name, 'JobTimeoutError');
  assert.ok(first.afterMs !== undefined && first.afterMs >= 250 && first.afterMs < 1000, `attempt 1 aborted after ${first.afterMs}ms (timeout 300ms)`);

  // attempt 2 times out too, and it was the last: the job is dead
  const second = await w.waitFor((r) => r.event === 'aborted' && r.id === id && r.attempt === 2, 5000, 'attempt 2 to time out');
  assert.equal(second.reason?.code, 'timeout');
  const starts = w.events('start', id);
  assert.deepEqual(starts.map((r) => r.attempt), [1, 2]);
  const retryDelay = (starts[1]?.t ?? 0) - first.t;
  assert.ok(retryDelay >= 150, `attempt 2 started ${retryDelay}ms after attempt 1 timed out (backoff 200ms)`);

  const job = await waitForState(tw, id, 'dead', 5000);
  assert.equal(job.attempt, 2);
  assert.equal(job.error?.code, 'timeout');
  assert.equal(job.error?.attempt, 2);
  assert.match(job.error?.message ?? '', /timeout of 300ms/);
  assert.deepEqual(await transitions(tw, id), [
    '>queued@0',
    'queued>running@1',
    'running>scheduled@1',
    'scheduled>queued@1',
    'queued>running@2',
    'running>dead@2',
  ]);
  assert.deepEqual((await tw.listDeadLetters()).map((j) => j.id), [id]);
  assert.equal(w.events('end', id).length, 0, 'no attempt ran to its end');

  w.kill('SIGTERM');
  assert.equal((await w.waitExit(5000)).code, 0);
});
