// The flow-control CLI against a real store: enqueue with flow flags, limits, queues, breakers,
// workers; and a worker process with --tags and --autoscale that registers itself.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CliSandbox, ROOT } from './cli-helpers.js';

const box = new CliSandbox();
after(() => box.cleanup());

interface JobJson {
  id: string;
  state: string;
  priority: number;
  groupKey: string | null;
  concurrencyKey: string | null;
  rateKey: string | null;
  breakerKey: string | null;
  requiredTags: string[];
  tags: string[];
}

test('enqueue stores priority names, group, limit keys, breaker key and required tags; jobs get shows them', () => {
  const { id } = box.json<{ id: string }>(
    'enqueue', 'report.build', '--priority', 'low', '--group', 'tenant:42', '--concurrency-key', 'tenant:42',
    '--rate-key', 'api:crm', '--breaker-key', 'api:crm', '--require-tags', 'gpu,bigmem', '--tags', 'nightly',
  );
  const { job } = box.json<{ job: JobJson }>('jobs', 'get', id);
  assert.deepEqual(
    [job.priority, job.groupKey, job.concurrencyKey, job.rateKey, job.breakerKey, job.requiredTags, job.tags],
    [-10, 'tenant:42', 'tenant:42', 'api:crm', 'api:crm', ['bigmem', 'gpu'], ['nightly']],
  );
  const text = box.run('jobs', 'get', id).stdout;
  assert.match(text, /group\s+tenant:42/);
  assert.match(text, /needs tags\s+bigmem, gpu/);
  assert.equal(box.json<JobJson & { id: string }>('enqueue', 'x', '--priority', '-3').state, 'queued');
});

test('limits set / list / delete', () => {
  assert.equal(box.run('limits', 'list').stdout, 'no limits\n');
  assert.match(box.run('limits', 'set', 'tenant:42', '--concurrency', '3').stdout, /^limit tenant:42: concurrency 3, rate -\n$/);
  assert.deepEqual(box.json('limits', 'set', 'api:crm', '--rate', '10/1s', '--concurrency', '5'), { key: 'api:crm', concurrency: 5, rate: { count: 10, intervalMs: 1000 } });
  const table = box.run('limits', 'list').stdout;
  assert.match(table, /^KEY\s+CONCURRENCY\s+RATE\n/);
  assert.match(table, /api:crm\s+5\s+10\/1s/);
  assert.match(table, /tenant:42\s+3\s+-/);
  assert.match(box.run('limits', 'delete', 'tenant:42').stdout, /^deleted limit tenant:42\n$/);
  assert.deepEqual(box.json<{ key: string }[]>('limits', 'list').map((l) => l.key), ['api:crm']);
});

test('queues pause / list / resume', () => {
  assert.match(box.run('queues', 'pause', 'mail').stdout, /^queue mail paused\n$/);
  const queues = box.json<{ queue: string; paused: boolean }[]>('queues', 'list');
  assert.deepEqual(queues.map((q) => [q.queue, q.paused]), [['default', false], ['mail', true]]);
  assert.match(box.run('queues', 'list').stdout, /mail\s+paused/);
  assert.match(box.run('queues', 'resume', 'mail').stdout, /^queue mail resumed\n$/);
  assert.equal(box.json<{ queue: string; paused: boolean }[]>('queues', 'list').find((q) => q.queue === 'mail')?.paused, false);
});

test('breakers set configures a breaker; list shows it closed with its thresholds; reset closes it', () => {
  assert.match(box.run('breakers', 'set', 'api:crm', '--failures', '3', '--error-rate', '0.5', '--min-calls', '20', '--cooldown', '10s').stdout, /^breaker api:crm configured\n$/);
  const [breaker] = box.json<{ key: string; state: string; failureThreshold: number; errorRate: number; minCalls: number; cooldownMs: number }[]>('breakers', 'list');
  assert.deepEqual([breaker?.key, breaker?.state, breaker?.failureThreshold, breaker?.errorRate, breaker?.minCalls, breaker?.cooldownMs], ['api:crm', 'closed', 3, 0.5, 20, 10_000]);
  assert.match(box.run('breakers', 'list').stdout, /api:crm\s+closed\s+0\s+0\/0\s+3 in a row or 0.5 of 20\+\s+10s/);
  assert.match(box.run('breakers', 'reset', 'api:crm').stdout, /^breaker api:crm closed\n$/);
  const bad = box.run('breakers', 'set', 'api:crm', '--error-rate', '2');
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr, 'taskwright: expected --error-rate to be a fraction in (0, 1], got "2"\n');
});

test('workers list shows a running worker with its tags and autoscale bounds', async () => {
  const worker = box.spawn('worker', '--handlers', join(ROOT, 'test/cli/fixtures/handlers.mjs'), '--tags', 'gpu', '--autoscale', '2:6', '--queue', 'none');
  try {
    await worker.started;
    assert.match(worker.output().stdout, /concurrency 2 \(autoscale 2:6\), tags gpu/);
    const workers = box.json<{ state: string; tags: string[]; concurrency: number; autoscale: { min: number; max: number }; pid: number; queues: string[] }[]>('workers', 'list');
    assert.equal(workers.length, 1);
    assert.deepEqual([workers[0]!.state, workers[0]!.tags, workers[0]!.concurrency, workers[0]!.autoscale, workers[0]!.queues], ['running', ['gpu'], 2, { min: 2, max: 6 }, ['none']]);
    assert.equal(workers[0]!.pid, worker.child.pid);
    assert.match(box.run('workers', 'list').stdout, /running\s+\S+\s+\d+\s+none\s+2 \(2:6\)\s+gpu/);
  } finally {
    worker.child.kill('SIGTERM');
    await worker.exited;
  }
  assert.equal(box.json<{ state: string }[]>('workers', 'list')[0]?.state, 'stopped');
});

test('workers leaders on SQLite: no elected roles, and the table says why', () => {
  assert.deepEqual(box.json<unknown[]>('workers', 'leaders'), []);
  assert.match(box.run('workers', 'leaders').stdout, /^no leaders: this store elects no leaders/);
});
