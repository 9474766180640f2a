// WebSocket events: a client subscribed to an execution receives its events in order while the
// workflow runs in another process (`taskwright worker`, through the store's event feed);
// unsubscribe, auth on the socket, and a slow client being dropped.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { ADMIN, HANDLERS_FILE, READER, sleep, startHarness, until, type Harness } from './helpers.js';

const MAIN = join(fileURLToPath(new URL('../..', import.meta.url)), 'dist/cli/main.js');

interface Client {
  socket: WebSocket;
  messages: Record<string, unknown>[];
  send: (message: unknown) => void;
  closed: Promise<{ code: number; reason: string }>;
}

async function connect(url: string, options: { token?: string; query?: string } = {}): Promise<Client> {
  const socket = new WebSocket(`${url.replace('http', 'ws')}/api/events/ws${options.query ?? ''}`, options.token ? { headers: { authorization: `Bearer ${options.token}` } } : {});
  const messages: Record<string, unknown>[] = [];
  socket.on('message', (data) => messages.push(JSON.parse(String(data)) as Record<string, unknown>));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  await until(() => messages.some((m) => m.type === 'hello'), 5000, 'the hello message');
  return { socket, messages, send: (m) => socket.send(JSON.stringify(m)), closed };
}

describe('WebSocket events (no tokens)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  test('a subscriber gets an execution\'s events in order while the run executes in another process', async () => {
    const { executionId: id } = (await h.call('POST', '/api/workflows/order.flow/execute', { body: { input: { items: 2, pauseMs: 30 }, queue: 'xproc' } })).body;
    const client = await connect(h.url);
    const other = await connect(h.url);
    client.send({ action: 'subscribe', execution: id });
    other.send({ action: 'subscribe', execution: '999999' });
    await until(() => client.messages.some((m) => m.type === 'subscribed'), 5000, 'the subscription');
    const worker = spawn(process.execPath, [MAIN, 'worker', '--handlers', HANDLERS_FILE, '--queue', 'xproc', '--store', `sqlite:${h.dbPath}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    worker.stderr.on('data', (d) => (stderr += String(d)));
    try {
      // job:completed follows run:completed, possibly in a later append of the feed
      await until(() => client.messages.some((m) => m.type === 'job:completed'), 30_000, `job:completed over the socket (worker stderr: ${stderr})`);
    } finally {
      worker.kill('SIGTERM');
      await new Promise((r) => worker.once('exit', r));
    }
    const events = client.messages.filter((m) => typeof m.type === 'string' && /^(run|step|job):/.test(m.type as string));
    const sequence = events.map((m) => `${m.type}${m.stepId ? ` ${m.stepId}` : ''}`);
    assert.deepEqual(sequence, [
      'job:started', 'run:started',
      'step:started reserve', 'step:completed reserve',
      'step:started charge', 'job:log charge', 'step:completed charge',
      'step:started ship', 'step:completed ship',
      'run:completed', 'job:completed',
    ]);
    const log = events.find((e) => e.type === 'job:log');
    assert.deepEqual([log?.message, log?.fields], ['charging', { items: 2 }], 'the log line as written');
    for (const event of events) {
      assert.ok(event.jobId === id || event.runId === id, 'only this execution');
      assert.ok(!Number.isNaN(Date.parse(String(event.timestamp))), 'an ISO timestamp');
    }
    const times = events.map((e) => Date.parse(String(e.timestamp)));
    assert.deepEqual(times, [...times].sort((a, b) => a - b), 'timestamps in order');
    assert.ok(!other.messages.some((m) => String(m.type).includes(':')), 'a subscriber of another execution got nothing');
    client.socket.close();
    other.socket.close();
  });

  test('job, queue and all subscriptions; unsubscribe stops events; a bad message gets an error', async () => {
    const client = await connect(h.url);
    client.send({ action: 'subscribe', queue: 'q-ws' });
    client.send({ action: 'subscribe', all: true });
    client.send({ action: 'unsubscribe', all: true });
    client.send({ action: 'subscribe', nothing: 1 });
    client.socket.send('not json');
    await until(() => client.messages.filter((m) => m.type === 'error').length === 2, 5000, 'two errors');
    await until(() => client.messages.some((m) => m.type === 'unsubscribed'), 5000, 'the unsubscription');
    const first = (await h.call('POST', '/api/jobs', { body: { name: 'echo', options: { queue: 'q-ws' } } })).body.id;
    await h.call('POST', '/api/jobs', { body: { name: 'echo', options: { queue: 'elsewhere' } } });
    await until(() => client.messages.some((m) => m.type === 'job:enqueued' && m.jobId === first), 5000, 'the queue event');
    assert.ok(!client.messages.some((m) => m.type === 'job:enqueued' && m.queue === 'elsewhere'), 'no event of another queue');
    client.send({ action: 'unsubscribe', queue: 'q-ws' });
    client.send({ action: 'subscribe', job: first });
    await until(() => client.messages.filter((m) => m.type === 'subscribed').length === 3, 5000, 'the job subscription');
    await h.call('POST', '/api/jobs', { body: { name: 'echo', options: { queue: 'q-ws' } } });
    await h.call('POST', `/api/jobs/${first}/cancel`);
    await sleep(200);
    const after = client.messages.filter((m) => m.type === 'job:enqueued');
    assert.equal(after.length, 1, 'after unsubscribing from the queue, its new job sent nothing');
    await until(() => client.messages.some((m) => m.type === 'job:cancelled' && m.jobId === first), 5000, 'the cancel of the subscribed job');
    client.socket.close();
  });

  test('cancelling a waiting run over REST sends run:cancelled to its subscribers', async () => {
    const { executionId: id } = (await h.call('POST', '/api/workflows/order.flow/execute', { body: { queue: 'nobody' } })).body;
    const client = await connect(h.url);
    client.send({ action: 'subscribe', execution: id });
    await until(() => client.messages.some((m) => m.type === 'subscribed'), 5000, 'the subscription');
    assert.equal((await h.call('POST', `/api/executions/${id}/cancel`)).status, 200);
    const event = await until(() => client.messages.find((m) => m.type === 'run:cancelled'), 5000, 'run:cancelled');
    assert.equal(event.runId, id);
    assert.equal(event.workflow, 'order.flow');
    client.socket.close();
  });

  test('a client that does not read is dropped; the others keep receiving', async () => {
    const slowServer = await startHarness({ wsMaxBufferedBytes: 64 * 1024 });
    try {
      const slow = await connect(slowServer.url);
      const fast = await connect(slowServer.url);
      slow.send({ action: 'subscribe', all: true });
      fast.send({ action: 'subscribe', all: true });
      await until(() => slow.messages.some((m) => m.type === 'subscribed') && fast.messages.some((m) => m.type === 'subscribed'), 5000, 'subscriptions');
      (slow.socket as unknown as { _socket: { pause: () => void } })._socket.pause();
      // log lines as a handler writes them, emitted on the engine's bus as fast as possible
      const line = 'x'.repeat(4000);
      for (let i = 0; i < 50_000 && slowServer.server.hub.dropped === 0; i++) {
        slowServer.engine.events.emit('job:log', { jobId: '1', attempt: 1, at: Date.now(), level: 'info', message: line });
        if (i % 100 === 0) await new Promise((r) => setImmediate(r));
      }
      assert.equal(slowServer.server.hub.dropped, 1, 'the slow client was dropped');
      (slow.socket as unknown as { _socket: { resume: () => void } })._socket.resume();
      const closed = await slow.closed;
      assert.equal(closed.code, 1013);
      const before = fast.messages.length;
      await slowServer.engine.enqueue('echo', 1, { queue: 'flood' });
      await until(() => fast.messages.length > before, 5000, 'the fast client still receives');
      fast.socket.close();
    } finally {
      await slowServer.close();
    }
  });
});

test('a client that stops answering pings is closed', async () => {
  const pinged = await startHarness({ wsPingMs: 100 });
  try {
    const client = await connect(pinged.url, {});
    client.send({ action: 'subscribe', all: true });
    await sleep(350);
    assert.equal(pinged.server.hub.size, 1, 'a client answering pings stays');
    // stop answering: ws answers pings by itself, so swallow them before it does
    const raw = client.socket as unknown as { pong: () => void };
    raw.pong = () => {};
    (client.socket as unknown as { _receiver: { removeAllListeners: (e: string) => void } })._receiver.removeAllListeners('ping');
    await until(() => pinged.server.hub.size === 0, 5000, 'the silent client to be dropped');
    assert.equal((await client.closed).code, 1006, 'the server cut the connection (no close frame)');
  } finally {
    await pinged.close();
  }
});

describe('WebSocket auth', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ tokens: [{ role: 'admin', token: ADMIN }, { role: 'read', token: READER }] });
  });
  after(() => h.close());

  test('a read token in the header or the query may subscribe; the first message may carry it instead', async () => {
    const header = await connect(h.url, { token: READER });
    header.send({ action: 'subscribe', all: true });
    await until(() => header.messages.some((m) => m.type === 'subscribed'), 5000, 'subscribed with a header token');
    const query = await connect(h.url, { query: `?token=${READER}` });
    assert.equal(query.messages[0]?.authenticated, true);
    const first = await connect(h.url);
    assert.equal(first.messages[0]?.authenticated, false);
    first.send({ action: 'subscribe', all: true });
    assert.equal((await first.closed).code, 4401, 'subscribing before authenticating closes the socket');
    const late = await connect(h.url);
    late.send({ action: 'auth', token: READER });
    late.send({ action: 'subscribe', all: true });
    await until(() => late.messages.some((m) => m.type === 'subscribed'), 5000, 'subscribed after an auth message');
    for (const c of [header, query, late]) c.socket.close();
  });

  test('an unknown token is refused with 4401', async () => {
    const wrong = await connect(h.url, { query: '?token=not-a-known-token-at-all' }).catch(() => null);
    if (wrong) assert.equal((await wrong.closed).code, 4401);
    const byMessage = await connect(h.url);
    byMessage.send({ action: 'auth', token: 'not-a-known-token-at-all' });
    assert.equal((await byMessage.closed).code, 4401);
  });
});
