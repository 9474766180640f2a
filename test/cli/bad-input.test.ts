import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CliSandbox } from './cli-helpers.js';

const box = new CliSandbox();
before(() => assert.equal(box.run('migrate').code, 0));
after(() => box.cleanup());

const cases: [string, string[], number, RegExp][] = [
  ['unknown option', ['jobs', 'list', '--bogus'], 2, /^taskwright: unknown option '--bogus'$/],
  ['unknown command', ['frobnicate'], 2, /^taskwright: unknown command 'frobnicate'$/],
  ['malformed JSON payload', ['enqueue', 'a', '--payload', '{bad'], 2, /^taskwright: expected --payload to be JSON, got "\{bad"/],
  ['negative attempts', ['enqueue', 'a', '--attempts', '-1'], 2, /^taskwright: expected --attempts to be a positive integer, got "-1"$/],
  ['zero attempts', ['enqueue', 'a', '--attempts', '0'], 2, /^taskwright: expected --attempts to be a positive integer, got "0"$/],
  ['a duration in parsecs', ['enqueue', 'a', '--delay', '5 parsecs'], 2, /^taskwright: expected --delay to be a duration like .*, got "5 parsecs"$/],
  ['bad timeout', ['enqueue', 'a', '--timeout', 'soon'], 2, /^taskwright: expected --timeout to be a duration/],
  ['bad run-at', ['enqueue', 'a', '--run-at', 'tomorrow-ish'], 2, /^taskwright: expected --run-at to be an ISO date/],
  ['delay and run-at', ['enqueue', 'a', '--delay', '1s', '--run-at', '2030-01-01T00:00:00Z'], 2, /either --delay or --run-at/],
  ['bad job name', ['enqueue', 'has spaces'], 2, /^taskwright: expected job name to be/],
  ['bad queue name', ['enqueue', 'a', '--queue', 'no spaces please'], 2, /^taskwright: expected queue to be/],
  ['unknown job id', ['jobs', 'get', '424242'], 1, /^taskwright: no job with id "424242"$/],
  ['non-numeric job id', ['jobs', 'cancel', 'abc'], 1, /^taskwright: no job with id "abc"$/],
  ['bad --state', ['jobs', 'list', '--state', 'done'], 2, /^taskwright: expected --state to be one of scheduled, queued/],
  ['bad --limit', ['jobs', 'list', '--limit', 'ten'], 2, /^taskwright: expected --limit to be a positive integer, got "ten"$/],
  ['redrive without ids', ['dlq', 'redrive'], 2, /expected job ids or --all, got neither/],
  ['missing payloads file', ['enqueue', 'a', '--payloads', '/nonexistent/x.jsonl'], 2, /expected --payloads to name a readable JSON-lines file/],
  ['worker without --handlers', ['worker'], 2, /required option '--handlers <file>' not specified/],
  ['worker with a missing handlers file', ['worker', '--handlers', 'nope.mjs'], 2, /expected --handlers to name an existing file, got "nope.mjs"/],
  ['worker with concurrency 0', ['worker', '--handlers', 'examples/handlers.mjs', '--concurrency', '0'], 2, /expected --concurrency to be a positive integer, got "0"/],
  ['worker with heartbeat longer than lease', ['worker', '--handlers', 'examples/handlers.mjs', '--lease', '1s', '--heartbeat', '2s'], 2, /expected heartbeat to be at least 10ms and shorter than the lease/],
  ['unsupported store', ['--store', 'mysql://x/y', 'stats'], 2, /expected --store to be sqlite:PATH/],
];

for (const [what, args, code, message] of cases) {
  test(`bad input: ${what} -> one line, exit ${code}, nothing written`, () => {
    const result = box.run(...args);
    assert.equal(result.code, code, `stdout: ${result.stdout} stderr: ${result.stderr}`);
    const lines = result.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, `expected one line, got: ${result.stderr}`);
    assert.match(lines[0] as string, message);
    assert.equal(result.stdout, '');
    const jobs = JSON.parse(box.run('--json', 'jobs', 'list').stdout) as unknown[];
    assert.equal(jobs.length, 0, 'a rejected command must not write a job');
  });
}

test('a bulk file with one bad line writes nothing', async () => {
  const { writeFileSync } = await import('node:fs');
  const file = `${box.dir}/mixed.jsonl`;
  writeFileSync(file, '{"ok":1}\n{"ok":2}\nnot json\n');
  const result = box.run('enqueue', 'a', '--payloads', file);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /^taskwright: expected --payloads line 3 to be JSON/);
  assert.equal((JSON.parse(box.run('--json', 'jobs', 'list').stdout) as unknown[]).length, 0);
});
