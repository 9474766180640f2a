import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CliSandbox } from './cli-helpers.js';

const box = new CliSandbox();
after(() => box.cleanup());

interface JobJson {
  id: string;
  name: string;
  state: string;
  queue: string;
  priority: number;
  maxAttempts: number;
  timeoutMs: number | null;
  tags: string[];
  payload: unknown;
}

test('migrate creates the schema and says so', () => {
  const result = box.run('migrate');
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, `schema is current in ${box.store}\n`);
  assert.deepEqual(box.json('migrate'), { store: box.store, migrated: true });
});

test('enqueue without --json prints the id and state; --run-at sets the time', () => {
  const text = box.run('enqueue', 'plain.job', '--queue', 'text', '--run-at', '2031-05-06T07:08:09Z');
  assert.equal(text.code, 0, text.stderr);
  const id = /^job (\d+) scheduled\n$/.exec(text.stdout)?.[1];
  assert.ok(id, text.stdout);
  const { job } = box.json<{ job: JobJson & { runAt: number } }>('jobs', 'get', id);
  assert.equal(job.runAt, Date.parse('2031-05-06T07:08:09Z'));
  assert.equal(job.payload, null);
  const listed = box.run('jobs', 'list', '--queue', 'text');
  assert.match(listed.stdout, /^ID\s+NAME\s+QUEUE\s+STATE\s+ATTEMPT\s+CREATED\s+ERROR\n/);
  assert.match(listed.stdout, new RegExp(`\\n${id}\\s+plain\\.job\\s+text\\s+scheduled\\s+0/3`));
  assert.equal(box.run('jobs', 'list', '--queue', 'no-such-queue').stdout, 'no jobs\n');
});

test('enqueue prints the job and jobs get / list show it with every option applied', () => {
  const created = box.json<{ id: string; state: string; deduplicated: boolean }>(
    'enqueue', 'email.send', '--payload', '{"to":"ada@example.com"}', '--queue', 'mail', '--priority', '7',
    '--attempts', '4', '--timeout', '30s', '--tags', 'a,b', '--delay', '1h',
  );
  assert.equal(created.state, 'scheduled');
  assert.equal(created.deduplicated, false);
  const { job, transitions } = box.json<{ job: JobJson; transitions: { to: string }[] }>('jobs', 'get', created.id);
  assert.deepEqual(job.payload, { to: 'ada@example.com' });
  assert.equal(job.queue, 'mail');
  assert.equal(job.priority, 7);
  assert.equal(job.maxAttempts, 4);
  assert.equal(job.timeoutMs, 30_000);
  assert.deepEqual(job.tags, ['a', 'b']);
  assert.deepEqual(transitions.map((t) => t.to), ['scheduled']);
  const listed = box.json<JobJson[]>('jobs', 'list', '--queue', 'mail', '--state', 'scheduled');
  assert.deepEqual(listed.map((j) => j.id), [created.id]);
  const text = box.run('jobs', 'get', created.id);
  assert.match(text.stdout, /state\s+scheduled/);
});

test('the same --key twice returns the first job, marked deduplicated', () => {
  const first = box.json<{ id: string; deduplicated: boolean }>('enqueue', 'report.build', '--key', 'nightly-1');
  const second = box.json<{ id: string; deduplicated: boolean }>('enqueue', 'report.build', '--key', 'nightly-1');
  assert.equal(second.id, first.id);
  assert.equal(second.deduplicated, true);
  assert.match(box.run('enqueue', 'report.build', '--key', 'nightly-1').stdout, /deduplicated/);
});

test('--payloads enqueues one job per line in bulk and prints the count', () => {
  const file = join(box.dir, 'jobs.jsonl');
  writeFileSync(file, Array.from({ length: 2500 }, (_, i) => JSON.stringify({ n: i })).join('\n') + '\n');
  const summary = box.json<{ enqueued: number }>('enqueue', 'bulk.item', '--payloads', file, '--queue', 'bulk');
  assert.deepEqual(summary, { enqueued: 2500, name: 'bulk.item', queue: 'bulk' });
  const stats = box.json<{ queues: { queue: string; counts: Record<string, number> }[] }>('stats');
  assert.equal(stats.queues.find((q) => q.queue === 'bulk')?.counts.queued, 2500);
  const payloads = box.json<JobJson[]>('jobs', 'list', '--queue', 'bulk', '--limit', '3').map((j) => j.payload);
  assert.equal(payloads.length, 3);
  for (const p of payloads) assert.ok(typeof (p as { n: number }).n === 'number');
});

test('--payloads - reads the lines from stdin', () => {
  const result = box.runWith({ input: '{"n":1}\n\n{"n":2}\n' }, 'enqueue', 'stdin.item', '--payloads', '-', '--queue', 'stdin');
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, 'enqueued 2 stdin.item jobs\n');
  const numbers = box.json<JobJson[]>('jobs', 'list', '--queue', 'stdin').map((j) => (j.payload as { n: number }).n);
  assert.deepEqual(numbers.sort(), [1, 2]);
});

test('cancel a queued job, then retry it', () => {
  const { id } = box.json<{ id: string }>('enqueue', 'thing', '--queue', 'ctl');
  assert.equal(box.json<JobJson>('jobs', 'cancel', id).state, 'cancelled');
  const again = box.run('jobs', 'cancel', id);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /^taskwright: cannot cancel job \d+: it is already cancelled\n$/);
  assert.equal(box.json<JobJson>('jobs', 'retry', id).state, 'queued');
});

test('stats prints counts per queue and state, the oldest queued age and the checkpoint totals', () => {
  const result = box.run('stats');
  assert.equal(result.code, 0);
  assert.match(result.stdout, /^QUEUE\s+SCHEDULED\s+QUEUED\s+RUNNING\s+COMPLETED\s+FAILED\s+DEAD\s+CANCELLED\s+OLDEST QUEUED\n/);
  assert.match(result.stdout, /\nbulk\s+0\s+2500\s+0\s+0\s+0\s+0\s+0\s+\d+(ms|\.?\d*s)\n/);
  assert.match(result.stdout, /checkpoints: 0 \(0 bytes\)\n$/);
  const stats = box.json<{ queues: { queue: string; oldestQueuedAgeMs: number | null }[]; checkpoints: { count: number; totalBytes: number } }>('stats');
  assert.ok((stats.queues.find((q) => q.queue === 'bulk')?.oldestQueuedAgeMs ?? -1) >= 0);
  assert.equal(stats.queues.find((q) => q.queue === 'mail')?.oldestQueuedAgeMs, null);
  assert.deepEqual(stats.checkpoints, { count: 0, totalBytes: 0 });
});

test('events send stores an event and reports how many runs it woke; bad --data is refused', () => {
  const sent = box.json<{ eventId: string; woken: number }>('events', 'send', 'payment.received', '--data', '{"orderId":7}');
  assert.match(sent.eventId, /^\d+$/);
  assert.equal(sent.woken, 0);
  const bad = box.run('events', 'send', 'payment.received', '--data', '{nope');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^taskwright: expected --data to be JSON/);
});
