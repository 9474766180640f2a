#!/usr/bin/env node
// Runs the test suite: every `*.test.ts` under test/, one directory after another (unit,
// conformance, cli, integration, then the rest), each file in its own process, one at a time
// (integration tests spawn workers and share nothing else), or two at a time in the groups that
// measure no timing (PARALLEL_GROUPS). Before that, checks that generated
// migration modules are up to date.
//
//   node scripts/run-tests.mjs                       all tests
//   node scripts/run-tests.mjs test/unit             only files under a path prefix (several allowed)
//   node scripts/run-tests.mjs test/unit --test-name-pattern=backoff   other --flags go to node
//
// The engine tests that take a store (test/integration, test/workflow, test/schedules, test/flow) run once per store: SQLite,
// then PostgreSQL (TW_TEST_STORE=postgres; server TW_TEST_PG_URL, default the local cluster).
// TW_TEST_STORES=sqlite (or postgres) runs only that pass. When PostgreSQL cannot be reached its
// pass fails under CI=true and is reported as skipped, with the reason, otherwise.
//
// Prints node's spec output as it runs and the totals as `# pass N` / `# fail N` lines. Exits
// non-zero when migrations are stale, a test fails, a test process crashes, or no test was found.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TEST_DIR = 'test';
/** Directories run first, in this order; any other directory under test/ follows alphabetically. */
const DIRECTORY_ORDER = ['unit', 'conformance', 'cli', 'integration'];
const COUNTERS = ['tests', 'suites', 'pass', 'fail', 'cancelled', 'skipped', 'todo'];
/** Groups whose tests take their store from TW_TEST_STORE (test/support/test-store.ts). */
const PER_STORE_GROUPS = ['integration', 'workflow', 'schedules', 'flow'];
/**
 * Groups whose files may run two at a time: they measure no timing across processes, so sharing
 * the machine's cores only makes them finish sooner. Every other group runs one file at a time.
 */
const PARALLEL_GROUPS = ['unit', 'conformance', 'cli'];
const STORES = (process.env.TW_TEST_STORES ?? 'sqlite,postgres').split(',').map((s) => s.trim()).filter(Boolean);
const PG_URL = process.env.TW_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** null when the PostgreSQL test server answers, else why not (checked once, in a child process). */
let pgProbe;
function pgUnreachable() {
  if (pgProbe !== undefined) return pgProbe;
  const probe = `const pg = require('pg'); const c = new pg.Client({ connectionString: process.argv[1], connectionTimeoutMillis: 3000 });
    c.connect().then(() => c.query('SELECT 1')).then(() => c.end()).then(() => process.exit(0), (e) => { console.error(e.message); process.exit(1); });`;
  const result = spawnSync(process.execPath, ['-e', probe, PG_URL], { cwd: ROOT, encoding: 'utf8', timeout: 10_000 });
  pgProbe = result.status === 0 ? null : `PostgreSQL unreachable at ${PG_URL}: ${(result.stderr || result.error?.message || 'no answer').trim()}`;
  return pgProbe;
}

const toPosix = (path) => path.split(sep).join('/');

function findTestFiles(dir) {
  const files = [];
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory() && entry.name !== 'node_modules') files.push(...findTestFiles(path));
    else if (entry.isFile() && entry.name.endsWith('.test.ts')) files.push(path);
  }
  return files;
}

/** `test/unit`, `./test/unit/`, an absolute path or `test/unit/back` all become a repo-relative prefix. */
function toPrefix(arg) {
  const absolute = resolve(process.cwd(), arg);
  let prefix = toPosix(relative(ROOT, absolute));
  try {
    if (statSync(absolute).isDirectory() && prefix !== '') prefix += '/';
  } catch {
    // not an existing path: a plain prefix such as test/unit/back
  }
  return prefix;
}

/** The first directory under test/ decides the group: test/unit/a.test.ts -> unit. */
function groupOf(file) {
  const parts = file.split('/');
  return parts.length > 2 ? parts[1] : '.';
}

function groupRank(group) {
  const index = DIRECTORY_ORDER.indexOf(group);
  return index === -1 ? DIRECTORY_ORDER.length : index;
}

function groupFiles(files) {
  const groups = new Map();
  for (const file of files.sort()) {
    const group = groupOf(file);
    if (!groups.has(group)) groups.set(group, []);
    groups.get(group).push(file);
  }
  return [...groups.entries()].sort(([a], [b]) => groupRank(a) - groupRank(b) || a.localeCompare(b));
}

/** The last top-level `# name N` lines of a TAP stream: node's run totals. */
function readTotals(tapFile) {
  const totals = Object.fromEntries(COUNTERS.map((name) => [name, 0]));
  let text = '';
  try {
    text = readFileSync(tapFile, 'utf8');
  } catch {
    return { totals, found: false };
  }
  let found = false;
  for (const line of text.split('\n')) {
    const match = /^# (\w+) (\d+)$/.exec(line);
    if (match && COUNTERS.includes(match[1])) {
      totals[match[1]] = Number(match[2]);
      found = true;
    }
  }
  return { totals, found };
}

/**
 * The failed tests of a TAP stream, each with the start of its error, so the end of the output
 * says what failed and why (CI shows only the last lines). A file's own entry is left out when
 * its subtests already say it.
 */
function readFailures(tapFile, label) {
  let lines;
  try {
    lines = readFileSync(tapFile, 'utf8').split('\n');
  } catch {
    return [];
  }
  const failures = [];
  for (let i = 0; i < lines.length; i++) {
    const match = /^(\s*)not ok \d+ - (.*)$/.exec(lines[i]);
    if (!match) continue;
    const detail = [];
    for (let j = i + 1; j < lines.length && !/^\s*\.\.\.$/.test(lines[j]) && !/^\s*(not )?ok \d+/.test(lines[j]); j++) detail.push(lines[j].trim());
    if (detail.some((line) => line.includes("failureType: 'subtestsFailed'"))) continue;
    const errorAt = detail.findIndex((line) => line.startsWith('error:'));
    const error = errorAt === -1 ? [] : detail.slice(errorAt, errorAt + 12).filter((line) => line !== '');
    failures.push(`${label}: ${match[2]}\n    ${error.join('\n    ')}`);
  }
  return failures;
}

let current = null;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (current) current.kill(signal);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}

function runGroup(files, nodeFlags, tapFile, env = process.env, concurrency = 1) {
  const args = [
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${concurrency}`,
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tapFile}`,
    ...nodeFlags,
    ...files,
  ];
  return new Promise((resolveRun) => {
    current = spawn(process.execPath, args, { cwd: ROOT, stdio: 'inherit', env });
    current.on('error', (error) => {
      console.error(`could not start node: ${error.message}`);
      resolveRun({ code: 1, signal: null });
    });
    current.on('exit', (code, signal) => {
      current = null;
      resolveRun({ code, signal });
    });
  });
}

function checkMigrations() {
  const result = spawnSync(process.execPath, ['scripts/gen-migrations.mjs', '--check'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('generated migrations are stale: run `node scripts/gen-migrations.mjs` and commit the result');
    process.exit(result.status || 1);
  }
}

async function main() {
  const args = process.argv.slice(2);
  const nodeFlags = args.filter((arg) => arg.startsWith('--'));
  const prefixes = args.filter((arg) => !arg.startsWith('--')).map(toPrefix);

  checkMigrations();

  const all = findTestFiles(TEST_DIR);
  const files = prefixes.length === 0 ? all : all.filter((file) => prefixes.some((prefix) => file.startsWith(prefix)));
  if (files.length === 0) {
    console.error(`no *.test.ts files found under ${TEST_DIR}/${prefixes.length ? ` matching ${prefixes.join(', ')}` : ''}`);
    process.exit(1);
  }

  const scratch = mkdtempSync(join(tmpdir(), 'taskwright-tests-'));
  const sum = Object.fromEntries(COUNTERS.map((name) => [name, 0]));
  const failures = [];
  let exitCode = 0;
  const started = Date.now();
  try {
    for (const [group, groupList] of groupFiles(files)) {
      const passes = PER_STORE_GROUPS.includes(group) ? STORES : [null];
      for (const store of passes) {
        const label = `${TEST_DIR}/${group === '.' ? '' : `${group}/`}${store ? ` [${store}]` : ''}`;
        console.log(`\n=== ${label} (${groupList.length} file${groupList.length === 1 ? '' : 's'})`);
        if (store === 'postgres' && pgUnreachable() !== null) {
          if (process.env.CI === 'true') {
            console.error(`FAILED: ${pgUnreachable()} (CI=true: the PostgreSQL pass must run)`);
            sum.fail += groupList.length;
            exitCode = exitCode || 1;
          } else {
            console.log(`skipped: ${pgUnreachable()}`);
            sum.skipped += groupList.length;
          }
          continue;
        }
        const tapFile = join(scratch, `${group === '.' ? 'root' : group}${store ? `-${store}` : ''}.tap`);
        const env = store ? { ...process.env, TW_TEST_STORE: store } : process.env;
        const { code, signal } = await runGroup(groupList, nodeFlags, tapFile, env, PARALLEL_GROUPS.includes(group) ? 2 : 1);
        const { totals, found } = readTotals(tapFile);
        for (const name of COUNTERS) sum[name] += totals[name];
        failures.push(...readFailures(tapFile, label));
        const failed = code !== 0 || !found;
        if (failed && exitCode === 0) exitCode = code || 1;
        if (signal) console.error(`test process for ${label} was killed by ${signal}`);
        else if (!found) console.error(`test process for ${label} exited ${code} without a summary`);
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }

  if (failures.length > 0) console.log(`\n# failed tests\n${failures.join('\n')}`);
  console.log('\n# totals over all test files');
  for (const name of COUNTERS) console.log(`# ${name} ${sum[name]}`);
  console.log(`# duration_ms ${Date.now() - started}`);
  console.log(`tests: ${sum.pass} passed, ${sum.fail} failed, ${sum.skipped} skipped`);
  if (sum.tests === 0) {
    console.error('no tests ran');
    exitCode = exitCode || 1;
  }
  if (sum.fail > 0 && exitCode === 0) exitCode = 1;
  process.exit(exitCode);
}

await main();
