// `taskwright schedules ...` and `taskwright timers ...` through the real binary: create, list,
// get, pause, resume, trigger, update, delete; a worker process fires the schedules; timers
// list and cancel; bad input is one line, exit 2, and writes nothing.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { CliSandbox, assertOneLineError } from './cli-helpers.js';

interface ScheduleJson {
  id: string;
  paused: boolean;
  nextFireAt: number | null;
  runCount: number;
  lastJobId: string | null;
  timing: { kind: string };
  overlap: string;
  catchUp: string;
  maxRuns: number | null;
  job: { name: string; payloadJson: string; queue: string; maxAttempts: number };
}

const box = new CliSandbox();
after(() => box.cleanup());

test('bad input: one line naming the value, exit 2, and no schedule written', () => {
  assert.equal(box.run('migrate').code, 0);
  const cases: [string[], RegExp][] = [
    [['schedules', 'create', 's', '--job', 'a'], /^taskwright: expected exactly one of --cron, --every or --at, got none$/],
    [['schedules', 'create', 's', '--cron', '* * * * *', '--every', '1m', '--job', 'a'], /^taskwright: expected exactly one of --cron, --every or --at, got --cron and --every$/],
    [['schedules', 'create', 's', '--every', '1m'], /^taskwright: expected exactly one of --job or --workflow, got neither$/],
    [['schedules', 'create', 's', '--every', '1m', '--job', 'a', '--workflow', 'b'], /^taskwright: expected exactly one of --job or --workflow, got both$/],
    [['schedules', 'create', 's', '--cron', '* * *', '--job', 'a'], /^taskwright: expected --cron to be a cron expression of 5 fields .* or 6 .*, got "\* \* \*"$/],
    [['schedules', 'create', 's', '--cron', '0 25 * * *', '--job', 'a'], /^taskwright: expected --cron to be a valid cron expression, got "0 25 \* \* \*"/],
    [['schedules', 'create', 's', '--cron', '* * * * *', '--tz', 'Mars/Base', '--job', 'a'], /^taskwright: expected --tz to be an IANA time zone like Europe\/Berlin, got "Mars\/Base"$/],
    [['schedules', 'create', 's', '--every', '1m', '--tz', 'UTC', '--job', 'a'], /^taskwright: expected --tz only with --cron/],
    [['schedules', 'create', 's', '--every', 'often', '--job', 'a'], /^taskwright: expected --every to be a duration like .*, got "often"$/],
    [['schedules', 'create', 's', '--every', '10ms', '--job', 'a'], /^taskwright: expected --every to be at least 1s, got "10ms"$/],
    [['schedules', 'create', 's', '--at', 'tomorrow', '--job', 'a'], /^taskwright: expected --at to be an ISO date like .*, got "tomorrow"$/],
    [['schedules', 'create', 's', '--every', '1m', '--job', 'a', '--max-runs', '0'], /^taskwright: expected --max-runs to be a positive integer, got "0"$/],
    [['schedules', 'create', 's', '--every', '1m', '--job', 'a', '--overlap', 'never'], /^taskwright: expected --overlap to be one of skip, allow, queue-one, got "never"$/],
    [['schedules', 'create', 's', '--every', '1m', '--job', 'a', '--catch-up', 'some'], /^taskwright: expected --catch-up to be one of none, latest, all, got "some"$/],
    [['schedules', 'create', 's', '--every', '1m', '--job', 'a', '--start', '2027-01-01', '--end', '2026-01-01'], /^taskwright: expected --end to be after start/],
    [['schedules', 'create', 's', '--every', '1m', '--job', 'a', '--payload', '{no'], /^taskwright: expected --payload to be JSON, got "\{no"/],
    [['schedules', 'create', 's', '--every', '1m', '--job', 'a', '--attempts', '0'], /^taskwright: expected --attempts to be a positive integer, got "0"$/],
    [['schedules', 'create', 's', '--every', '1m', '--job', 'a', '--priority', 'urgent'], /^taskwright: expected --priority to be high, normal, low or an integer, got "urgent"$/],
    [['schedules', 'create', 'has space', '--every', '1m', '--job', 'a'], /^taskwright: expected schedule id to be .*, got "has space"$/],
    [['schedules', 'create', 's', '--every', '1m', '--job', 'bad name'], /^taskwright: expected job name to be .*, got "bad name"$/],
    [['schedules', 'create', 's', '--every', '1m', '--job', 'a', '--bogus'], /^taskwright: unknown option '--bogus' for 'schedules create'/],
    [['schedules', 'frob'], /^taskwright: unknown command 'frob' for 'schedules'; expected one of create, update, list, get, backfill, pause, resume, trigger, delete$/],
    [['schedules', 'get', 's', '--limit', 'x'], /^taskwright: expected --limit to be a positive integer, got "x"$/],
    [['timers', 'list', '--kind', 'alarm'], /^taskwright: expected --kind to be one of delay, retry, snooze, sleep, event, timeout, schedule, got "alarm"$/],
    [['timers', 'cancel', 'tomorrow'], /^taskwright: expected a timer id like job:42 or schedule:nightly, got "tomorrow"$/],
  ];
  for (const [args, message] of cases) assertOneLineError(box.run(...args), 2, message);
  for (const [args, message] of [
    [['schedules', 'get', 'nope'], /^taskwright: no schedule with id "nope"$/],
    [['schedules', 'pause', 'nope'], /^taskwright: no schedule with id "nope"$/],
    [['schedules', 'trigger', 'nope'], /^taskwright: no schedule with id "nope"$/],
    [['schedules', 'delete', 'nope'], /^taskwright: no schedule with id "nope"$/],
    [['schedules', 'update', 'nope', '--every', '1m'], /^taskwright: no schedule with id "nope"$/],
    [['timers', 'cancel', 'job:42'], /^taskwright: no pending timer "job:42"/],
  ] as [string[], RegExp][]) {
    assertOneLineError(box.run(...args), 1, message);
  }
  assert.deepEqual(box.json('schedules', 'list'), []);
  assert.equal(box.jobCount(), 0);
});

test('create, list, get, pause, resume, update, trigger and delete', () => {
  const created = box.json<ScheduleJson>('schedules', 'create', 'nightly', '--cron', '30 2 * * *', '--tz', 'Europe/Berlin', '--job', 'report.build', '--payload', '{"kind":"daily"}', '--queue', 'reports', '--attempts', '5', '--priority', 'high', '--concurrency-key', 'reports');
  assert.equal(created.timing.kind, 'cron');
  assert.deepEqual([created.job.name, created.job.payloadJson, created.job.queue, created.job.maxAttempts], ['report.build', '{"kind":"daily"}', 'reports', 5]);
  assert.ok((created.nextFireAt as number) > Date.now());
  const text = box.run('schedules', 'create', 'poll', '--every', '15m', '--workflow', 'feed.poll', '--start', '2030-01-01T00:00:00Z', '--end', '2030-01-02T00:00:00Z', '--max-runs', '3', '--overlap', 'queue-one', '--catch-up', 'all');
  assert.equal(text.code, 0, text.stderr);
  assert.equal(text.stdout, 'schedule poll created; next fire 2030-01-01T00:00:00.000Z\n');
  assertOneLineError(box.run('schedules', 'create', 'poll', '--every', '1m', '--job', 'x'), 1, /^taskwright: schedule "poll" already exists/);

  const list = box.run('schedules', 'list');
  assert.match(list.stdout, /^ID\s+WHEN\s+TARGET\s+STATE\s+NEXT\s+LAST\s+RUNS\n/);
  assert.match(list.stdout, /\nnightly\s+cron 30 2 \* \* \* \(Europe\/Berlin\)\s+job report\.build\s+active\s/);
  assert.match(list.stdout, /\npoll\s+every 15m\s+workflow feed\.poll\s+active\s+2030-01-01T00:00:00\.000Z\s+-\s+0\/3\n/);

  assert.equal(box.run('schedules', 'pause', 'poll').stdout, 'schedule poll paused\n');
  assert.equal(box.json<ScheduleJson[]>('schedules', 'list').find((s) => s.id === 'poll')?.paused, true);
  assert.equal(box.run('schedules', 'resume', 'poll').stdout, 'schedule poll resumed; next fire 2030-01-01T00:00:00.000Z\n');
  const updated = box.json<ScheduleJson>('schedules', 'update', 'poll', '--every', '1h', '--overlap', 'allow');
  assert.deepEqual([updated.overlap, updated.catchUp, updated.maxRuns], ['allow', 'all', 3], 'only the given fields change');
  assertOneLineError(box.run('schedules', 'update', 'poll', '--every', '0s'), 2, /^taskwright: expected --every to be at least 1s, got "0s"$/);
  assert.equal(box.json<ScheduleJson[]>('schedules', 'list').find((s) => s.id === 'poll')?.overlap, 'allow', 'the rejected update wrote nothing');

  const trigger = box.run('schedules', 'trigger', 'nightly');
  assert.match(trigger.stdout, /^schedule nightly triggered: job \d+\n$/);
  const jobId = /job (\d+)/.exec(trigger.stdout)?.[1];
  const got = box.run('schedules', 'get', 'nightly');
  assert.match(got.stdout, /^id {9}nightly\nwhen {7}cron 30 2 \* \* \* \(Europe\/Berlin\)\ntarget {5}job report\.build\n/);
  assert.match(got.stdout, new RegExp(`last fire  \\S+ \\(job ${jobId}\\)\\n`));
  assert.match(got.stdout, new RegExp(`\\nhistory\\n  due \\S+  fired \\S+  triggered  job ${jobId}\\n$`));
  const job = box.json<{ job: { queue: string; payload: unknown; priority: number; concurrencyKey: string } }>('jobs', 'get', jobId as string);
  assert.deepEqual([job.job.queue, job.job.payload, job.job.concurrencyKey], ['reports', { kind: 'daily' }, 'reports']);
  assert.ok(job.job.priority > 0, `the fired job has a high priority, got ${job.job.priority}`);

  assert.equal(box.run('schedules', 'delete', 'poll').stdout, 'schedule poll deleted\n');
  assert.deepEqual(box.json<ScheduleJson[]>('schedules', 'list').map((s) => s.id), ['nightly']);
});

test('timers list shows pending timers and stats; cancel skips a schedule due time or cancels a waiting job', () => {
  const delayed = box.json<{ id: string }>('enqueue', 'later.job', '--delay', '1h');
  const listed = box.json<{ stats: { pending: number; jobs: number; schedules: number }; timers: { id: string; kind: string }[] }>('timers', 'list');
  assert.deepEqual([listed.stats.pending, listed.stats.jobs, listed.stats.schedules], [2, 1, 1]);
  assert.deepEqual(listed.timers.map((t) => `${t.kind} ${t.id}`).sort(), [`delay job:${delayed.id}`, 'schedule schedule:nightly']);
  const text = box.run('timers', 'list', '--kind', 'delay');
  assert.match(text.stdout, /^2 pending \(1 job, 0 timeout, 1 schedule\); next fires \S+\nTIMER\s+KIND\s+FIRES\s+NAME\n/);
  assert.match(text.stdout, new RegExp(`\\njob:${delayed.id}\\s+delay\\s+\\S+\\s+later\\.job\\n$`));

  const before = box.json<ScheduleJson[]>('schedules', 'list')[0]?.nextFireAt as number;
  const skipped = box.run('timers', 'cancel', 'schedule:nightly');
  assert.match(skipped.stdout, /^timer schedule:nightly cancelled: due time \S+ skipped; next \S+\n$/);
  assert.equal(box.json<ScheduleJson[]>('schedules', 'list')[0]?.nextFireAt, before + 86_400_000, 'the next 02:30 Berlin is a day later');
  assert.equal(box.run('timers', 'cancel', `job:${delayed.id}`).stdout, `timer job:${delayed.id} cancelled: job ${delayed.id} cancelled\n`);
  assert.equal(box.json<{ job: { state: string } }>('jobs', 'get', delayed.id).job.state, 'cancelled');
  assertOneLineError(box.run('timers', 'cancel', `job:${delayed.id}`), 1, new RegExp(`^taskwright: no pending timer "job:${delayed.id}" \\(job ${delayed.id} is cancelled\\)$`));
});

test('taskwright worker fires schedules: an every-1s schedule enqueues jobs the worker runs', async () => {
  assert.equal(box.run('schedules', 'create', 'tick', '--every', '1s', '--job', 'sched.tick', '--payload', '{"n":7}', '--overlap', 'allow').code, 0);
  const worker = box.spawn('worker', '--handlers', 'test/cli/fixtures/handlers.mjs');
  try {
    await worker.started;
    const deadline = Date.now() + 20_000;
    let done: { result: unknown }[] = [];
    while (Date.now() < deadline) {
      done = box.json<{ result: unknown; name: string }[]>('jobs', 'list', '--name', 'sched.tick', '--state', 'completed');
      if (done.length >= 2) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(done.length >= 2, `expected the worker to fire and run the schedule twice, got ${done.length}\n${worker.output().stderr}`);
    assert.deepEqual(done[0]?.result, { tick: 7 });
  } finally {
    worker.child.kill('SIGTERM');
    assert.equal(await worker.exited, 0, worker.output().stderr);
  }
  const fires = box.json<{ fires: { action: string }[] }>('schedules', 'get', 'tick').fires;
  assert.ok(fires.length >= 2 && fires.every((f) => f.action === 'enqueued'), JSON.stringify(fires));
});

test('schedules backfill: each past due time once, a dry run enqueues nothing, bad ranges are one line', () => {
  const start = '2026-01-05T00:00:00Z';
  assert.equal(box.run('schedules', 'create', 'bf', '--every', '6h', '--start', start, '--job', 'bf.job', '--overlap', 'allow').code, 0);
  const dry = box.json<{ dueTimes: number[]; enqueued: unknown[] }>('schedules', 'backfill', 'bf', '--from', start, '--to', '2026-01-05T23:59:59Z', '--dry-run');
  assert.deepEqual([dry.dueTimes.length, dry.enqueued.length], [4, 0]);
  const done = box.run('schedules', 'backfill', 'bf', '--from', start, '--to', '2026-01-05T23:59:59Z');
  assert.equal(done.code, 0, done.stderr);
  assert.match(done.stdout, /^schedule bf: 4 due times from .* to .*; enqueued 4, 0 already fired$/m);
  const again = box.json<{ enqueued: unknown[]; existing: unknown[] }>('schedules', 'backfill', 'bf', '--from', start, '--to', '2026-01-05T23:59:59Z');
  assert.deepEqual([again.enqueued.length, again.existing.length], [0, 4]);
  assertOneLineError(box.run('schedules', 'backfill', 'bf', '--from', start), 2, /^taskwright: expected --from and --to, got no --to$/);
  assertOneLineError(box.run('schedules', 'backfill', 'bf', '--from', 'last week', '--to', start), 2, /^taskwright: expected --from to be an ISO date .*"last week"$/);
  assertOneLineError(box.run('schedules', 'backfill', 'bf', '--from', start, '--to', '2099-01-01T00:00:00Z'), 2, /expected to to be at or before now/);
});
