import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CliSandbox, assertOneLineError } from './cli-helpers.js';

const box = new CliSandbox();
before(() => {
  assert.equal(box.run('migrate').code, 0);
  writeFileSync(join(box.dir, 'notes.txt'), 'not code');
  writeFileSync(join(box.dir, 'ok.jsonl'), '{"n":1}\n');
});
after(() => box.cleanup());

// [what, args, exit code, the one line on stderr]
const cases: [string, string[], number, RegExp][] = [
  ['unknown option', ['jobs', 'list', '--bogus'], 2, /^taskwright: unknown option '--bogus' for 'jobs list' \(see taskwright jobs list --help\)$/],
  ['misspelled option', ['jobs', 'list', '--stat', 'queued'], 2, /unknown option '--stat' for 'jobs list' \(did you mean --state\?\)/],
  ['unknown command', ['frobnicate'], 2, /^taskwright: unknown command 'frobnicate'; expected one of dev, worker, enqueue, jobs, dlq, stats, migrate/],
  ['misspelled command', ['jobz'], 2, /^taskwright: unknown command 'jobz' \(did you mean jobs\?\); expected one of/],
  ['unknown subcommand', ['jobs', 'frob'], 2, /^taskwright: unknown command 'frob' for 'jobs'; expected one of get, list, cancel, retry$/],
  ['a group without its subcommand', ['dlq'], 2, /^taskwright: expected a command after 'dlq': list, redrive \(see taskwright dlq --help\)$/],
  ['missing argument', ['jobs', 'get'], 2, /^taskwright: missing required argument 'id'/],
  ['malformed JSON payload', ['enqueue', 'a', '--payload', '{bad'], 2, /^taskwright: expected --payload to be JSON, got "\{bad"/],
  ['negative attempts', ['enqueue', 'a', '--attempts', '-1'], 2, /^taskwright: expected --attempts to be a positive integer, got "-1"$/],
  ['zero attempts', ['enqueue', 'a', '--attempts', '0'], 2, /^taskwright: expected --attempts to be a positive integer, got "0"$/],
  ['too many attempts', ['enqueue', 'a', '--attempts', '5000'], 2, /^taskwright: expected attempts to be a positive integer \(at most 1000\), got 5000$/],
  ['fractional priority', ['enqueue', 'a', '--priority', '1.5'], 2, /^taskwright: expected --priority to be high, normal, low or an integer, got "1.5"$/],
  ["an unknown priority name", ["enqueue", "a", "--priority", "urgent"], 2, /^taskwright: expected --priority to be high, normal, low or an integer, got "urgent"$/],
  ['a duration in parsecs', ['enqueue', 'a', '--delay', '5 parsecs'], 2, /^taskwright: expected --delay to be a duration like .*, got "5 parsecs"$/],
  ['bad backoff', ['enqueue', 'a', '--backoff', 'later'], 2, /^taskwright: expected --backoff to be a duration like .*, got "later"$/],
  ['bad timeout', ['enqueue', 'a', '--timeout', 'soon'], 2, /^taskwright: expected --timeout to be a duration/],
  ['bad run-at', ['enqueue', 'a', '--run-at', 'tomorrow-ish'], 2, /^taskwright: expected --run-at to be an ISO date like 2026-01-31T12:00:00Z, got "tomorrow-ish"$/],
  ['a run-at that is not a real day', ['enqueue', 'a', '--run-at', '2026-02-31'], 2, /expected --run-at to be an ISO date .*, got "2026-02-31"$/],
  ['delay and run-at', ['enqueue', 'a', '--delay', '1s', '--run-at', '2030-01-01T00:00:00Z'], 2, /^taskwright: expected either --delay or --run-at, got both$/],
  ['payload and payloads', ['enqueue', 'a', '--payload', '1', '--payloads', 'x.jsonl'], 2, /^taskwright: expected either --payload or --payloads, got both$/],
  ['one key for a bulk file', ['enqueue', 'a', '--payloads', 'ok.jsonl', '--key', 'k'], 2, /^taskwright: expected --key with a single --payload, not with --payloads/],
  ['bad job name', ['enqueue', 'has spaces'], 2, /^taskwright: expected job name to be .*, got "has spaces"$/],
  ['bad queue name', ['enqueue', 'a', '--queue', 'no spaces please'], 2, /^taskwright: expected queue to be .*, got "no spaces please"$/],
  ['unknown job id', ['jobs', 'get', '424242'], 1, /^taskwright: no job with id "424242"$/],
  ['non-numeric job id', ['jobs', 'cancel', 'abc'], 1, /^taskwright: no job with id "abc"$/],
  ['retry of an unknown job', ['jobs', 'retry', '77'], 1, /^taskwright: no job with id "77"$/],
  ['redrive of an unknown job', ['dlq', 'redrive', '77'], 1, /^taskwright: no job with id "77"$/],
  ['bad --state', ['jobs', 'list', '--state', 'done'], 2, /^taskwright: expected --state to be one of scheduled, queued, running, completed, failed, dead, cancelled, got "done"$/],
  ['bad --limit', ['jobs', 'list', '--limit', 'ten'], 2, /^taskwright: expected --limit to be a positive integer, got "ten"$/],
  ['redrive without ids', ['dlq', 'redrive'], 2, /^taskwright: expected job ids or --all, got neither$/],
  ['redrive with ids and --all', ['dlq', 'redrive', '1', '--all'], 2, /^taskwright: expected job ids or --all, got both$/],
  ['missing payloads file', ['enqueue', 'a', '--payloads', '/nonexistent/x.jsonl'], 2, /expected --payloads to name a readable JSON-lines file, got "\/nonexistent\/x.jsonl"/],
  ['worker without --handlers', ['worker'], 2, /required option '--handlers <file>' not specified/],
  ['worker with a missing handlers file', ['worker', '--handlers', 'nope.mjs'], 2, /expected --handlers to name an existing file, got "nope.mjs"/],
  ['worker with a handlers file that is not code', ['worker', '--handlers', 'notes.txt'], 2, /expected --handlers to be a .js, .mjs, .cjs or .ts file, got ".*\/notes\.txt"$/],
  ['worker with concurrency 0', ['worker', '--handlers', 'examples/handlers.mjs', '--concurrency', '0'], 2, /expected --concurrency to be a positive integer, got "0"$/],
  ['worker with a bad grace', ['worker', '--handlers', 'examples/handlers.mjs', '--grace', '5 parsecs'], 2, /expected --grace to be a duration like .*, got "5 parsecs"$/],
  ['worker with a bad queue', ['worker', '--handlers', 'examples/handlers.mjs', '--queue', 'a b'], 2, /expected queues.0 to be .*, got "a b"/],
  ['worker with heartbeat longer than lease', ['worker', '--handlers', 'examples/handlers.mjs', '--lease', '1s', '--heartbeat', '2s'], 2, /expected heartbeat to be at least 10ms and shorter than the lease/],
  ['unsupported store', ['--store', 'mysql://x/y', 'stats'], 2, /^taskwright: expected --store to be sqlite:PATH, sqlite::memory:, a path ending in .db or .sqlite, or postgres:\/\/user@host:5432\/db or redis:\/\/host:6379\/0, got "mysql:\/\/x\/y"$/],
  ['a limit key with spaces', ['limits', 'set', 'a b', '--concurrency', '3'], 2, /^taskwright: expected limit key to be 1 to 200 letters, .*, got "a b"$/],
  ['a rate without an interval', ['limits', 'set', 'api:x', '--rate', '10'], 2, /^taskwright: expected --rate to be N\/DURATION like 10\/1s .*, got "10"$/],
  ['a rate per parsec', ['limits', 'set', 'api:x', '--rate', '10/1parsec'], 2, /^taskwright: expected --rate to be a duration like .*, got "1parsec"$/],
  ['a limit with neither concurrency nor rate', ['limits', 'set', 'api:x'], 2, /^taskwright: expected --concurrency and\/or --rate, got neither$/],
  ['a zero concurrency limit', ['limits', 'set', 'api:x', '--concurrency', '0'], 2, /^taskwright: expected --concurrency to be a positive integer, got "0"$/],
  ['deleting a limit that does not exist', ['limits', 'delete', 'api:none'], 1, /^taskwright: no limit with key "api:none"$/],
  ['resetting an unknown breaker', ['breakers', 'reset', 'api:none'], 1, /^taskwright: no breaker with key "api:none"$/],
  ['pausing a queue with a bad name', ['queues', 'pause', 'a b'], 2, /^taskwright: expected a queue name of .*, got "a b"$/],
  ['a bad group key', ['enqueue', 'a', '--group', 'x y'], 2, /^taskwright: expected group to be .*, got "x y"$/],
  ['a bad required tag', ['enqueue', 'a', '--require-tags', 'g p u'], 2, /^taskwright: expected requireTags.0 to be .*, got "g p u"$/],
  ['worker with autoscale min above max', ['worker', '--handlers', 'examples/handlers.mjs', '--autoscale', '5:2'], 2, /^taskwright: expected --autoscale to be MIN:MAX with 1 <= MIN <= MAX <= 10000, got "5:2"$/],
  ['worker with a bad tag', ['worker', '--handlers', 'examples/handlers.mjs', '--tags', 'g p u'], 2, /expected tags.0 to be .*, got "g p u"/],
];

for (const [what, args, code, message] of cases) {
  test(`bad input: ${what} -> one line, exit ${code}, nothing written`, () => {
    // relative file names in the cases live in the sandbox directory
    const resolved = args.map((a) => (a === 'ok.jsonl' || a === 'notes.txt' ? join(box.dir, a) : a));
    const result = box.run(...resolved);
    assertOneLineError(result, code, message);
    assert.equal(box.jobCount(), 0, 'a rejected command must not write a job');
  });
}

test('a bulk file with one bad line writes nothing', () => {
  const file = join(box.dir, 'mixed.jsonl');
  writeFileSync(file, '{"ok":1}\n{"ok":2}\nnot json\n');
  assertOneLineError(box.run('enqueue', 'a', '--payloads', file), 2, /^taskwright: expected --payloads line 3 to be JSON, got "not json"/);
  assert.equal(box.jobCount(), 0);
});

test('after all the bad input above, jobs list is still empty', () => {
  const result = box.run('jobs', 'list');
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, 'no jobs\n');
  assert.deepEqual(box.json('jobs', 'list'), []);
});

test('after all the bad input above, no limit, paused queue or breaker was written', () => {
  assert.deepEqual(box.json('limits', 'list'), []);
  assert.deepEqual(box.json('breakers', 'list'), []);
  assert.deepEqual(box.json<{ paused: boolean }[]>('queues', 'list').filter((q) => q.paused), []);
});

test('conflicts exit 1 with one line and leave the job as it was', () => {
  const { id } = box.json<{ id: string }>('enqueue', 'conflict.demo', '--queue', 'conflicts');
  assertOneLineError(box.run('jobs', 'retry', id), 1, new RegExp(`^taskwright: cannot retry job ${id}: it is queued, expected failed, dead or cancelled$`));
  assertOneLineError(box.run('dlq', 'redrive', id), 1, new RegExp(`^taskwright: cannot redrive job ${id}: it is queued, expected dead$`));
  assert.equal(box.json<{ job: { state: string } }>('jobs', 'get', id).job.state, 'queued');
  assert.equal(box.json<{ state: string }>('jobs', 'cancel', id).state, 'cancelled');
  assertOneLineError(box.run('jobs', 'cancel', id), 1, new RegExp(`^taskwright: cannot cancel job ${id}: it is already cancelled$`));
});
