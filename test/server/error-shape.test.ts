// Every error the server sends has the documented shape { error: { code, message, details } },
// including the ones the framework answers before a route runs (bad percent-escapes, path
// parameters over 100 characters, malformed requests), and the caller's token is judged first.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { ADMIN, READER, startHarness, type Harness, type Reply } from './helpers.js';

const LONG = 'x'.repeat(101);

function assertShape(reply: Pick<Reply, 'status' | 'body' | 'text'>, status: number, code: string): void {
  assert.equal(reply.status, status, reply.text);
  assert.deepEqual(Object.keys(reply.body ?? {}), ['error'], reply.text);
  assert.deepEqual(Object.keys(reply.body.error).sort(), ['code', 'details', 'message'], reply.text);
  assert.equal(reply.body.error.code, code, reply.text);
  assert.equal(typeof reply.body.error.message, 'string');
  assert.ok(reply.body.error.message.length > 0);
}

/** Sends raw bytes and reads the whole answer (for requests fetch refuses to make). */
function rawRequest(url: string, bytes: string): Promise<Reply> {
  const { port, hostname } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(bytes));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => (text += chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', body = ''] = text.split('\r\n\r\n');
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        parsed = undefined;
      }
      resolve({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1]), body: parsed, text, headers: new Headers() });
    });
  });
}

describe('error shape without tokens', () => {
  let h: Harness;
  before(async () => (h = await startHarness()));
  after(() => h.close());

  test('a bad percent-escape in the path is a 400 bad_url', async () => {
    assertShape(await h.call('GET', '/api/jobs/%zz'), 400, 'bad_url');
    assertShape(await h.call('POST', '/api/jobs/%E0%A4%A/cancel'), 400, 'bad_url');
  });

  test('a path parameter over 100 characters is a 414 uri_too_long', async () => {
    const reply = await h.call('GET', `/api/jobs/${LONG}`);
    assertShape(reply, 414, 'uri_too_long');
    assert.match(reply.body.error.message, /100 characters/);
  });

  test('malformed requests and oversized headers are answered in the shape', async () => {
    assertShape(await rawRequest(h.url, 'GET /api/jobs HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n'), 400, 'bad_request');
    assertShape(await rawRequest(h.url, `GET /api/jobs HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`), 431, 'headers_too_large');
  });

  test('an unknown route is a 404 in the shape', async () => {
    assertShape(await h.call('PATCH', '/api/jobs'), 404, 'not_found');
  });
});

describe('error shape with tokens: the token is judged before the URL', () => {
  let h: Harness;
  before(async () => (h = await startHarness({ tokens: [{ role: 'admin', token: ADMIN }, { role: 'read', token: READER }] })));
  after(() => h.close());

  test('an unauthorised write with a long parameter or a bad escape gets 401, a read token 403', async () => {
    assertShape(await h.call('POST', `/api/jobs/${LONG}/cancel`), 401, 'unauthorized');
    assertShape(await h.call('POST', `/api/jobs/${LONG}/cancel`, { token: 'wrong-token-0123456789' }), 401, 'unauthorized');
    assertShape(await h.call('POST', '/api/jobs/%zz/cancel'), 401, 'unauthorized');
    assertShape(await h.call('GET', `/api/jobs/${LONG}`), 401, 'unauthorized');
    assertShape(await h.call('POST', `/api/jobs/${LONG}/cancel`, { token: READER }), 403, 'forbidden');
    assertShape(await h.call('GET', '/api/nothing'), 401, 'unauthorized');
  });

  test('with a token that may make the request, the URL error follows', async () => {
    assertShape(await h.call('POST', `/api/jobs/${LONG}/cancel`, { token: ADMIN }), 414, 'uri_too_long');
    assertShape(await h.call('GET', `/api/jobs/${LONG}`, { token: READER }), 414, 'uri_too_long');
    assertShape(await h.call('GET', '/api/jobs/%zz', { token: READER }), 400, 'bad_url');
    assertShape(await h.call('GET', '/api/nothing', { token: READER }), 404, 'not_found');
    assert.equal((await h.call('GET', '/healthz')).status, 200, 'public routes stay open');
  });
});

test('a request that arrives while the server closes gets a 503 in the shape', async () => {
  const h = await startHarness();
  try {
    const { port, hostname } = new URL(h.url);
    const socket = connect(Number(port), hostname);
    await new Promise((resolve) => socket.once('connect', resolve));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => (text += chunk));
    const body = JSON.stringify({ name: 'echo' });
    // the first request is in flight (its body not yet sent) when closing starts, so its connection stays open
    socket.write(`POST /api/jobs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closed = h.server.app.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.end(`${body}GET /api/jobs HTTP/1.1\r\nHost: x\r\n\r\n`);
    await new Promise((resolve) => socket.once('close', resolve));
    await closed;
    const answers = text.split(/(?=HTTP\/1\.1 )/);
    assert.equal(answers.length, 2, text);
    const second = answers[1] ?? '';
    assert.match(second, /^HTTP\/1\.1 503/);
    const parsed = JSON.parse(second.slice(second.indexOf('\r\n\r\n') + 4));
    assertShape({ status: 503, body: parsed, text: second }, 503, 'unavailable');
  } finally {
    await h.close().catch(() => undefined);
  }
});
