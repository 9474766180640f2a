import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { MAIN, assertOneLineError, runCli } from './cli-helpers.js';
import { PG_URL, adminQuery, dropSchema, pgSkipReason, randomName } from '../support/postgres.js';

const dir = mkdtempSync(join(tmpdir(), 'tw-cli-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const pgSkip = await pgSkipReason();

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

test('an unreachable postgres server is one line; no password is printed (redis URLs: redis-store.test.ts)', () => {
  // port 1: nothing listens there
  const refused = runCli(['--store', 'postgres://app:hunter2@127.0.0.1:1/jobs', 'stats']);
  assertOneLineError(refused, 1, /^taskwright: store error: connect ECONNREFUSED 127\.0\.0\.1:1 \(ECONNREFUSED\)$/);
  assert.doesNotMatch(refused.stderr, /hunter2/);
  assertOneLineError(runCli(['--store', 'postgres://app@127.0.0.1:1/jobs?schema=Bad-Name', 'stats']), 2,
    /^taskwright: expected schema to be a lowercase identifier .*got "Bad-Name"$/);
  assertOneLineError(runCli(['stats'], { env: { TASKWRIGHT_STORE: 'jobs.json' } }), 2, /^taskwright: expected TASKWRIGHT_STORE to be sqlite:PATH/);
});

test('postgres://.../db?schema=NAME runs every command against that schema (TASKWRIGHT_STORE too)', { skip: pgSkip }, async () => {
  const schema = randomName('cli');
  const url = `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}schema=${schema}`;
  try {
    const migrated = runCli(['--store', url, 'migrate']);
    assert.equal(migrated.code, 0, migrated.stderr);
    assert.equal(migrated.stdout, `schema is current in ${url}\n`);
    const id = enqueueOne(['--store', url]);
    enqueueOne([], { TASKWRIGHT_STORE: url });
    assert.equal(countJobs(['--store', url]), 2);
    const tables = await adminQuery(`SELECT table_name FROM information_schema.tables WHERE table_schema = '${schema}' ORDER BY 1`);
    const names = tables.rows.map((r) => r.table_name as string);
    for (const table of ['event_waits', 'events', 'job_logs', 'jobs', 'migrations', 'steps']) assert.ok(names.includes(table), `${table} in ${names.join(', ')}`);
    const shown = runCli(['--store', url, '--json', 'jobs', 'get', id]);
    assert.equal(shown.code, 0, shown.stderr);
    assert.equal((JSON.parse(shown.stdout) as { job: { name: string } }).job.name, 'store.probe');
  } finally {
    await dropSchema(PG_URL, schema);
  }
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
    [['worker'], /--handlers <file>[\s\S]*workflows[\s\S]*--concurrency <n>[\s\S]*--queue <queue>[\s\S]*--lease[\s\S]*--heartbeat[\s\S]*--grace[\s\S]*Workflows in FILE are registered/],
    [['runs', 'list'], /--status <status>\s+only runs in this status \(pending, running, paused,\s+completed, failed, cancelled\)/],
    [['runs', 'get'], /status history, steps, logs, usage and cost/],
    [['enqueue'], /--payload <json>[\s\S]*--payloads[\s\S]*--delay[\s\S]*--run-at[\s\S]*--key[\s\S]*--queue[\s\S]*--priority[\s\S]*--attempts[\s\S]*--backoff[\s\S]*--timeout[\s\S]*--tags[\s\S]*--require-tags/],
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
