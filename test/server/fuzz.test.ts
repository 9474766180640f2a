// Fuzz-style: malformed, wrongly typed and oversized bodies posted to every write route each get a
// 4xx in the error shape, and the store is unchanged afterwards.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { snapshot, startHarness, type Harness } from './helpers.js';

const BODY_LIMIT = 4096;
let h: Harness;
let jobId: string;
let runId: string;
before(async () => {
  h = await startHarness({ bodyLimit: BODY_LIMIT });
  jobId = (await h.engine.enqueue('echo', { seed: true }, { delay: '1h' })).id;
  runId = (await h.engine.enqueue('order.flow', {}, { delay: '1h' })).id;
});
after(() => h.close());

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

function malformedBodies(next: () => number): (string | Buffer)[] {
  // `{}` is left out: it is a valid body for execute (a run without input) and for cancel/retry
  const values: unknown[] = [null, true, 0, -1, 1e308, '', 'x', [], [1, 2], { a: { b: { c: [] } } }, { name: 42 }, { name: '' }, { jobs: 'all' }, { ids: [1] }, { all: 'yes' },
    { fromStep: 7 }, { name: 'echo', options: { attempts: 'three' } }, { name: 'echo', options: { tags: 'a' } }, { input: 1, priority: 1.5 }, { name: 'echo', options: { budget: [] } },
    { constructor: { prototype: { polluted: 1 } } }];
  const texts = values.map((v) => JSON.stringify(v));
  texts.push('{"__proto__":{"name":"echo","polluted":1}}');
  texts.push('{', '{"name":', '[1,2', '{"name":"echo"', 'nul', '\u0000', '{"a":1}}', 'undefined', '{"name":"echo","payload":NaN}', '\ufeff{"x":1}');
  for (let i = 0; i < 20; i++) {
    const length = Math.floor(next() * 60);
    texts.push(Array.from({ length }, () => String.fromCharCode(32 + Math.floor(next() * 95))).join(''));
  }
  return [...texts, Buffer.from([0xff, 0xfe, 0x00, 0x7b])];
}

test('every write route answers 4xx to malformed, mistyped and oversized bodies, and nothing changes', async () => {
  const routes = h.server.routes
    .filter((r) => r.method !== 'GET')
    .map((r) => ({ method: r.method, url: r.url.replace(/:(\w+)/, (_m, name: string) => (name === 'id' && r.url.startsWith('/api/workflows') ? 'order.flow' : r.url.startsWith('/api/executions') ? runId : name === 'id' ? jobId : 'fuzz')) }));
  assert.ok(routes.length >= 8, `write routes: ${routes.map((r) => `${r.method} ${r.url}`).join(', ')}`);
  const before = await snapshot(h.engine);
  const next = random(7);
  const bodies = malformedBodies(next);
  const oversized = JSON.stringify({ name: 'echo', payload: 'x'.repeat(BODY_LIMIT) });
  let requests = 0;
  for (const { method, url } of routes) {
    for (const raw of bodies) {
      const reply = await h.call(method, url, { raw, headers: { 'content-type': 'application/json' } });
      requests++;
      assert.ok(reply.status >= 400 && reply.status < 500, `${url} ${JSON.stringify(String(raw))}: ${reply.status} ${reply.text}`);
      assert.equal(typeof reply.body?.error?.code, 'string', `${url}: the error shape`);
    }
    const big = await h.call(method, url, { raw: oversized, headers: { 'content-type': 'application/json' } });
    assert.equal(big.status, 413, `${url} oversized: ${big.text}`);
    assert.equal(big.body.error.code, 'payload_too_large');
    const notJson = await h.call(method, url, { raw: 'name=echo', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(notJson.status, 415, `${url} form body`);
    requests += 2;
  }
  assert.equal(await snapshot(h.engine), before, 'the store is unchanged');
  assert.ok(requests > 100);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});
