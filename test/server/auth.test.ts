// API tokens: read may GET, admin may do everything, no token is 401; the server refuses to bind
// beyond loopback without tokens (library and CLI).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Taskwright } from '../../dist/index.js';
import { createServer, parseTokenList } from '../../dist/server/index.js';
import { sqliteStore } from '../../dist/stores/sqlite/index.js';
import { ADMIN, READER, snapshot, startHarness, type Harness } from './helpers.js';

const MAIN = join(fileURLToPath(new URL('../..', import.meta.url)), 'dist/cli/main.js');

let h: Harness;
before(async () => {
  h = await startHarness({ tokens: [{ role: 'admin', token: ADMIN }, { role: 'read', token: READER }] });
});
after(() => h.close());

test('no token or an unknown token: 401 on every API route and /metrics; health stays open', async () => {
  for (const [method, path] of [['GET', '/api/jobs'], ['POST', '/api/jobs'], ['GET', '/api/workflows'], ['GET', '/metrics'], ['POST', '/api/dlq/redrive']] as const) {
    const none = await h.call(method, path, { body: method === 'POST' ? {} : undefined });
    assert.equal(none.status, 401, `${method} ${path}`);
    assert.equal(none.body.error.code, 'unauthorized');
    assert.equal((await h.call(method, path, { token: 'wrong-token-0123456789' })).status, 401);
  }
  assert.equal((await h.call('GET', '/api/jobs', { headers: { authorization: `Basic ${ADMIN}` } })).status, 401);
  assert.equal((await h.call('GET', '/healthz')).status, 200);
  assert.equal((await h.call('GET', '/readyz')).status, 200);
});

test('a read token may GET but not cancel, enqueue or redrive (403, nothing changes); admin may', async () => {
  const id = (await h.call('POST', '/api/jobs', { token: ADMIN, body: { name: 'echo', options: { delay: '1h' } } })).body.id;
  assert.equal((await h.call('GET', `/api/jobs/${id}`, { token: READER })).status, 200);
  assert.equal((await h.call('GET', '/metrics', { token: READER })).status, 200);
  const before = await snapshot(h.engine);
  const cancel = await h.call('POST', `/api/jobs/${id}/cancel`, { token: READER });
  assert.equal(cancel.status, 403);
  assert.equal(cancel.body.error.code, 'forbidden');
  assert.equal((await h.call('POST', '/api/jobs', { token: READER, body: { name: 'echo' } })).status, 403);
  assert.equal((await h.call('POST', '/api/dlq/redrive', { token: READER, body: { all: true } })).status, 403);
  assert.equal(await snapshot(h.engine), before);
  assert.equal((await h.call('POST', `/api/jobs/${id}/cancel`, { token: ADMIN })).status, 200);
});

test('tokens come from TASKWRIGHT_API_TOKENS; a malformed entry or a short token is refused with the entry named', () => {
  assert.deepEqual(parseTokenList(`admin:${ADMIN}, read:${READER}`, 'TASKWRIGHT_API_TOKENS'), [{ role: 'admin', token: ADMIN }, { role: 'read', token: READER }]);
  assert.throws(() => parseTokenList(`owner:${ADMIN}`, 'TASKWRIGHT_API_TOKENS'), /TASKWRIGHT_API_TOKENS entry 1 to be ROLE:TOKEN/);
  assert.throws(() => parseTokenList('admin:short', 'TASKWRIGHT_API_TOKENS'), /at least 16 characters/);
});

test('without tokens the server refuses to bind beyond loopback (library and CLI), and says loopback at start', async () => {
  const engine = new Taskwright({ store: sqliteStore(':memory:') });
  const saved = process.env.TASKWRIGHT_API_TOKENS;
  delete process.env.TASKWRIGHT_API_TOKENS;
  try {
    assert.throws(() => createServer({ engine, host: '0.0.0.0' }), /refusing to listen on 0\.0\.0\.0 without API tokens/);
    assert.throws(() => createServer({ engine, host: '::' }), /refusing to listen/);
    assert.ok(createServer({ engine, host: '0.0.0.0', tokens: [{ role: 'admin', token: ADMIN }] }));
  } finally {
    if (saved !== undefined) process.env.TASKWRIGHT_API_TOKENS = saved;
    await engine.close();
  }
  const env = { ...process.env, TASKWRIGHT_API_TOKENS: '' };
  const refused = spawnSync(process.execPath, [MAIN, 'serve', '--host', '0.0.0.0', '--port', '0', '--store', `sqlite:${join(h.dir, 'cli.db')}`], { env, encoding: 'utf8', timeout: 20_000 });
  assert.notEqual(refused.status, 0);
  assert.match(refused.stderr, /refusing to listen on 0\.0\.0\.0 without API tokens.*TASKWRIGHT_API_TOKENS/);
  const badPort = spawnSync(process.execPath, [MAIN, 'serve', '--port', '70000'], { env, encoding: 'utf8', timeout: 20_000 });
  assert.match(badPort.stderr, /expected --port to be a port number from 0 to 65535, got "70000"/);
});
