import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { MAIN, assertOneLineError, runCli } from './cli-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tw-cli-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const enqueueOne = (store: string[], env: Record<string, string> = {}, cwd?: string): string => {
  const result = runCli([...store, '--json', 'enqueue', 'store.probe'], { env, cwd });
  assert.equal(result.code, 0, result.stderr);
  return (JSON.parse(result.stdout) as { id: string }).id;
};
const countJobs = (store: string[], env: Record<string, string> = {}, cwd?: string): number =>
  (JSON.parse(runCli([...store, '--json', 'jobs', 'list'], { env, cwd }).stdout) as unknown[]).length;

test('the default store is ./.taskwright/taskwright.db in the working directory', () => {
  const cwd = mkdtempSync(join(dir, 'project-'));
  const result = runCli(['migrate'], { cwd });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, 'schema is current in sqlite:./.taskwright/taskwright.db\n');
  assert.ok(existsSync(join(cwd, '.taskwright', 'taskwright.db')));
  enqueueOne([], {}, cwd);
  assert.equal(countJobs([], {}, cwd), 1);
});

test('sqlite:PATH, sqlite://PATH and a bare .db or .sqlite path open the same file', () => {
  const file = join(dir, 'forms', 'tw.db');
  enqueueOne(['--store', `sqlite:${file}`]);
  enqueueOne(['--store', `sqlite://${file}`]);
  enqueueOne(['--store', file]);
  assert.equal(countJobs(['--store', `sqlite:${file}`]), 3);
  const other = join(dir, 'other.sqlite');
  enqueueOne(['--store', other]);
  assert.equal(countJobs(['--store', `sqlite:${other}`]), 1);
});

test('TASKWRIGHT_STORE chooses the store, and --store wins over it', () => {
  const fromEnv = join(dir, 'env.db');
  const fromFlag = join(dir, 'flag.db');
  enqueueOne([], { TASKWRIGHT_STORE: `sqlite:${fromEnv}` });
  enqueueOne(['--store', `sqlite:${fromFlag}`], { TASKWRIGHT_STORE: `sqlite:${fromEnv}` });
  enqueueOne(['--store', `sqlite:${fromFlag}`]);
  assert.equal(countJobs(['--store', fromEnv]), 1);
  assert.equal(countJobs(['--store', fromFlag]), 2);
});

test('sqlite::memory: works for one command and keeps nothing', () => {
  assert.equal(enqueueOne(['--store', 'sqlite::memory:']), '1');
  assert.equal(countJobs(['--store', 'sqlite::memory:']), 0);
});

test('postgres and redis URLs say the driver is not available yet, without printing a password', () => {
  assertOneLineError(runCli(['--store', 'postgres://app:hunter2@db/jobs', 'stats']), 2,
    /^taskwright: the postgres store driver is not available yet; use sqlite:PATH \(got --store "postgres:\/\/app:\*\*\*@db\/jobs"\)$/);
  assertOneLineError(runCli(['jobs', 'list'], { env: { TASKWRIGHT_STORE: 'redis://localhost:6379' } }), 2,
    /^taskwright: the redis store driver is not available yet; use sqlite:PATH \(got TASKWRIGHT_STORE "redis:\/\/localhost:6379"\)$/);
  assertOneLineError(runCli(['stats'], { env: { TASKWRIGHT_STORE: 'jobs.json' } }), 2, /^taskwright: expected TASKWRIGHT_STORE to be sqlite:PATH/);
});

test('a store that cannot be opened is one line, not a stack trace', () => {
  const file = join(dir, 'plain-file');
  writeFileSync(file, 'x');
  assertOneLineError(runCli(['--store', `sqlite:${file}/tw.db`, 'stats']), 1, /^taskwright: cannot open the store at .*plain-file\/tw\.db: .*plain-file is a file, not a directory$/);
  const garbage = join(dir, 'garbage.db');
  writeFileSync(garbage, 'this is not a database, just some text that is long enough'.repeat(20));
  assertOneLineError(runCli(['--store', garbage, 'stats']), 1, /^taskwright: cannot open the store at .*garbage\.db: file is not a database$/);
});

test('a bare taskwright prints the overview; --help works for every command; --version prints the version', () => {
  const bare = runCli([]);
  assert.equal(bare.code, 0);
  assert.match(bare.stdout, /^Usage: taskwright \[options\] \[command\]/);
  assert.match(bare.stdout, /Run `taskwright dev`/);
  const commands: [string[], RegExp][] = [
    [['dev'], /--keep-running/],
    [['worker'], /--handlers <file>[\s\S]*--concurrency <n>[\s\S]*--queue <queue>[\s\S]*--lease[\s\S]*--heartbeat[\s\S]*--grace/],
    [['enqueue'], /--payload <json>[\s\S]*--payloads[\s\S]*--priority[\s\S]*--delay[\s\S]*--run-at[\s\S]*--attempts[\s\S]*--backoff[\s\S]*--timeout[\s\S]*--key[\s\S]*--tags/],
    [['jobs'], /get[\s\S]*list[\s\S]*cancel[\s\S]*retry/],
    [['jobs', 'get'], /Usage: taskwright jobs get \[options\] <id>/],
    [['jobs', 'list'], /--state <state>[\s\S]*--queue[\s\S]*--name[\s\S]*--limit/],
    [['jobs', 'cancel'], /Usage: taskwright jobs cancel/],
    [['jobs', 'retry'], /Usage: taskwright jobs retry/],
    [['dlq', 'list'], /Usage: taskwright dlq list/],
    [['dlq', 'redrive'], /\[ids\.\.\.\][\s\S]*--all/],
    [['stats'], /Usage: taskwright stats/],
    [['migrate'], /Usage: taskwright migrate/],
  ];
  for (const [command, expected] of commands) {
    const result = runCli([...command, '--help']);
    assert.equal(result.code, 0, `${command.join(' ')} --help: ${result.stderr}`);
    assert.match(result.stdout, expected, command.join(' '));
    assert.equal(result.stderr, '');
  }
  assert.match(runCli(['help', 'enqueue']).stdout, /Usage: taskwright enqueue/);
  const version = runCli(['--version']);
  assert.equal(version.code, 0);
  assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
});

test('output piped into a reader that stops early (| head) is not an error', () => {
  const file = join(dir, 'pipe.db');
  const lines = Array.from({ length: 2000 }, (_, i) => JSON.stringify({ n: i })).join('\n');
  assert.equal(runCli(['--store', file, 'enqueue', 'many', '--payloads', '-'], { input: lines }).code, 0);
  // far more than a pipe buffer, so the CLI is still writing when head exits
  const script = `set -o pipefail; "${process.execPath}" "${MAIN}" --store "${file}" jobs list --limit 2000 | head -1`;
  const result = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
  assert.equal(result.stderr, '');
  assert.equal(result.status, 0);
  assert.match(result.stdout, /^ID\s+NAME/);
});
