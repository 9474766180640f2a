// Choosing the Redis store: --store redis://... and TASKWRIGHT_STORE, the prefix query parameter,
// and bad input (nothing listening, a wrong password, a port that is not Redis, a bad database):
// one clear line naming the URL (password masked), for the CLI and the API alike.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { after, before, test } from 'node:test';
import { redisStore } from '../../dist/stores/redis/index.js';
import { REDIS_URL, dropPrefix, randomPrefix, redisSkipReason } from '../support/redis.js';
import { PrivateRedis, freePort } from '../support/redis-server.js';
import { assertOneLineError, runCli } from './cli-helpers.js';

const skip = await redisSkipReason();
const prefix = randomPrefix('cli');
const storeUrl = `${REDIS_URL}?prefix=${prefix}`;
const guarded = new PrivateRedis({ password: 'right-secret' });
let notRedis: ChildProcess;
let notRedisPort = 0;
// In a process of its own: the CLI runs synchronously here (spawnSync), which would stall a server in this one.
const NOT_REDIS = `const s = require('node:net').createServer((c) => c.end('HTTP/1.1 400 Bad Request\\r\\n\\r\\n'));
  s.listen(0, '127.0.0.1', () => console.log(s.address().port));`;

before(async () => {
  await guarded.start();
  // a TCP service that answers every connection with a line no Redis client understands
  notRedis = spawn(process.execPath, ['-e', NOT_REDIS], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(notRedis.stdout as NodeJS.ReadableStream, 'data')) as [Buffer];
  notRedisPort = Number(line.toString().trim());
});
after(async () => {
  await guarded.dispose();
  notRedis.kill();
  if (!skip) await dropPrefix(prefix);
});

const json = <T>(args: string[], env: Record<string, string> = {}): T => {
  const result = runCli(['--json', ...args], { env });
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as T;
};

test('redis://host:port/db?prefix=NAME runs every command against that prefix (TASKWRIGHT_STORE too)', { skip }, async () => {
  const migrated = runCli(['--store', storeUrl, 'migrate']);
  assert.equal(migrated.code, 0, migrated.stderr);
  const { id } = json<{ id: string }>(['--store', storeUrl, 'enqueue', 'store.probe']);
  json(['enqueue', 'store.probe'], { TASKWRIGHT_STORE: storeUrl });
  assert.equal(json<unknown[]>(['--store', storeUrl, 'jobs', 'list']).length, 2);
  assert.equal(json<{ job: { name: string } }>(['--store', storeUrl, 'jobs', 'get', id]).job.name, 'store.probe');
  // the keys are under the prefix's hash tag, on the shared server
  const store = redisStore({ url: REDIS_URL, prefix });
  try {
    assert.equal(await store.client.exists(`{${prefix}}:job:${id}`), 1);
  } finally {
    await store.close();
  }
});

test('a URL where nothing listens names the URL and says so', async () => {
  const port = await freePort();
  assertOneLineError(runCli(['--store', `redis://127.0.0.1:${port}/0`, 'stats']), 1,
    new RegExp(`^taskwright: cannot reach Redis at redis://127\\.0\\.0\\.1:${port}/0: nothing is listening there \\(connect ECONNREFUSED`));
  const store = redisStore(`redis://127.0.0.1:${port}/0`);
  await assert.rejects(store.migrate(), (error: Error) => {
    assert.equal((error as { code?: string }).code, 'store_error');
    assert.match(error.message, new RegExp(`cannot reach Redis at redis://127\\.0\\.0\\.1:${port}/0: nothing is listening there`));
    return true;
  });
  await store.close();
});

test('a wrong password is an authentication failure naming the URL, with the password masked', async () => {
  const wrong = `redis://:not-the-secret@127.0.0.1:${guarded.port}/0`;
  const result = runCli(['--store', wrong, 'stats']);
  assertOneLineError(result, 1, new RegExp(`^taskwright: cannot reach Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${guarded.port}/0: authentication failed \\(WRONGPASS`));
  assert.doesNotMatch(result.stderr, /not-the-secret/);
  // the right one works, and the failed attempt left nothing behind
  const right = redisStore({ url: guarded.url, prefix: 'cli-auth' });
  try {
    await right.migrate();
    assert.equal(await right.pendingCount(), 0);
    assert.deepEqual(await right.client.keys('*'), ['{cli-auth}:meta']);
  } finally {
    await right.close();
  }
});

test('a port that does not speak Redis is named as such', async () => {
  const result = runCli(['--store', `redis://127.0.0.1:${notRedisPort}/0`, 'stats']);
  assertOneLineError(result, 1, new RegExp(`^taskwright: cannot reach Redis at redis://127\\.0\\.0\\.1:${notRedisPort}/0: the server answered in a protocol other than Redis's`));
});

test('a database that is not a number and a bad prefix are invalid input, before any connection', () => {
  assertOneLineError(runCli(['--store', 'redis://127.0.0.1:6379/jobs', 'stats']), 2,
    /^taskwright: expected the database in redis:\/\/127\.0\.0\.1:6379\/jobs to be a number \(redis:\/\/host:6379\/0\), got "jobs"$/);
  assertOneLineError(runCli(['--store', 'redis://127.0.0.1:6379/0?prefix=a{b}', 'stats']), 2, /^taskwright: expected prefix to be 1-64 letters, digits, '_', '.' or '-', got "a\{b\}"$/);
  assert.throws(() => redisStore({ url: 'http://127.0.0.1:6379' }), /expected url to be a redis:\/\/ or rediss:\/\/ URL, got "http:\/\/127\.0\.0\.1:6379"/);
});
