// Webhooks over real HTTP on SQLite and PostgreSQL: POST /api/hooks/:id signed with the hook's
// secret publishes its trigger's event (202 with the started job); a replay inside the window and
// a resend with the same delivery id start nothing new; a stale, forged or missing signature is a
// 401, an oversized body a 413 (declared or streamed), and none of them changes anything.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { Taskwright } from '../../dist/index.js';
import { createServer, signHook, type TaskwrightServer } from '../../dist/server/index.js';
import { pgSkipReason } from '../support/postgres.js';
import { StorePlace } from '../support/test-store.js';

const SECRET = 'hook-secret-0123456789abcdef';
const pgSkip = await pgSkipReason();

for (const driver of ['sqlite', 'postgres'] as const) {
  describe(`webhooks on ${driver}`, { skip: driver === 'postgres' ? pgSkip : undefined }, () => {
    const place = new StorePlace(`hooks-${driver}`, driver);
    let tw: Taskwright;
    let server: TaskwrightServer;
    let url = '';
    after(async () => {
      await server?.close();
      await tw?.close();
      await place.cleanup();
    });

    const post = async (id: string, body: string | Buffer | ReadableStream, headers: Record<string, string> = {}) => {
      const init: RequestInit & { duplex?: string } = { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body };
      if (body instanceof ReadableStream) init.duplex = 'half';
      const response = await fetch(`${url}/api/hooks/${id}`, init);
      const text = await response.text();
      return { status: response.status, body: JSON.parse(text) as Record<string, any>, text }; // eslint-disable-line @typescript-eslint/no-explicit-any
    };
    const signed = (body: string, options: { eventId?: string; timestamp?: number; secret?: string } = {}) => ({
      'taskwright-signature': signHook(options.secret ?? SECRET, body, options),
      ...(options.eventId !== undefined && { 'taskwright-event-id': options.eventId }),
    });
    const jobCount = async () => (await tw.listJobs({ limit: 1000 })).length;

    test('setup: an engine, a server and a hook trigger', async () => {
      tw = new Taskwright({ store: place.store() });
      await tw.migrate();
      await tw.createTrigger('github', { event: 'github.push', job: 'deploy', payload: { ref: '$.data.ref' }, webhook: { secret: SECRET, maxBodyBytes: 2048 } });
      await tw.createTrigger('notify', { event: 'github.push', match: { ref: 'main' }, job: 'notify' });
      await tw.createTrigger('plain', { event: 'plain', job: 'x' });
      server = createServer({ engine: tw, port: 0, tokens: [] });
      url = await server.listen();
    });

    test('a signed request starts the trigger job (and every other matching trigger): 202 with the job id', async () => {
      const body = JSON.stringify({ ref: 'main', commits: 3 });
      const headers = signed(body);
      const reply = await post('github', body, headers);
      assert.equal(reply.status, 202, reply.text);
      assert.equal(reply.body.deduplicated, false);
      assert.deepEqual(reply.body.started.map((s: { triggerId: string }) => s.triggerId), ['github', 'notify']);
      const job = await tw.getJob(reply.body.jobId);
      assert.deepEqual([job.name, job.payload], ['deploy', { ref: 'main' }]);

      const replay = await post('github', body, headers);
      assert.equal(replay.status, 202, replay.text);
      assert.equal(replay.body.deduplicated, true, 'the same signed request again starts nothing');
      assert.equal(replay.body.jobId, reply.body.jobId);
      assert.equal(await jobCount(), 2);
    });

    test('a resend with the same delivery id, signed anew later, starts nothing new', async () => {
      const body = JSON.stringify({ ref: 'dev' });
      const now = Math.floor(Date.now() / 1000);
      const first = await post('github', body, signed(body, { eventId: 'delivery-1', timestamp: now - 60 }));
      const second = await post('github', body, signed(body, { eventId: 'delivery-1', timestamp: now }));
      assert.deepEqual([first.status, second.status], [202, 202], second.text);
      assert.deepEqual([first.body.deduplicated, second.body.deduplicated], [false, true]);
      assert.equal(second.body.jobId, first.body.jobId);
      assert.equal(await jobCount(), 3);
    });

    test('stale, forged or missing signatures are 401 and change nothing', async () => {
      const body = JSON.stringify({ ref: 'main' });
      const before = await jobCount();
      const stale = await post('github', body, signed(body, { timestamp: Math.floor(Date.now() / 1000) - 600 }));
      assert.equal(stale.status, 401, stale.text);
      assert.equal(stale.body.error.code, 'signature_expired');
      assert.match(stale.body.error.message, /t=\d+ is 60\ds from now; this hook accepts at most 300s/);
      const forged = await post('github', body, signed(body, { secret: 'another-secret-0123456789' }));
      assert.deepEqual([forged.status, forged.body.error.code], [401, 'invalid_signature']);
      const tampered = await post('github', JSON.stringify({ ref: 'evil' }), signed(body));
      assert.deepEqual([tampered.status, tampered.body.error.code], [401, 'invalid_signature']);
      const unsignedId = await post('github', body, { ...signed(body), 'taskwright-event-id': 'swapped' });
      assert.deepEqual([unsignedId.status, unsignedId.body.error.code], [401, 'invalid_signature'], 'the event id is part of the signature');
      const missing = await post('github', body);
      assert.equal(missing.status, 401);
      assert.match(missing.body.error.message, /expected a Taskwright-Signature/);
      const malformed = await post('github', body, { 'taskwright-signature': 'sha256=abc' });
      assert.match(malformed.body.error.message, /got "sha256=abc"/);
      assert.equal(await jobCount(), before);
    });

    test('bodies over the hook limit are 413, declared or streamed; unknown hooks 404; bad JSON 400', async () => {
      const before = await jobCount();
      const big = JSON.stringify({ pad: 'x'.repeat(3000) });
      const declared = await post('github', big, signed(big));
      assert.equal(declared.status, 413, declared.text);
      assert.match(declared.body.error.message, /over this hook's limit of 2048/);
      const chunks = [Buffer.from('{"pad":"'), Buffer.from('y'.repeat(3000)), Buffer.from('"}')];
      const stream = new ReadableStream({ start(c) { for (const chunk of chunks) c.enqueue(chunk); c.close(); } });
      const streamed = await post('github', stream, signed(Buffer.concat(chunks).toString()));
      assert.equal(streamed.status, 413, streamed.text);
      assert.equal((await post('nope', '{}', signed('{}'))).status, 404);
      assert.equal((await post('plain', '{}', signed('{}'))).status, 404, 'a trigger without a webhook is no hook');
      const notJson = await post('github', '{oops', signed('{oops'));
      assert.deepEqual([notJson.status, notJson.body.error.code], [400, 'invalid_json']);
      assert.equal(await jobCount(), before);
    });

    test('a paused hook answers 409 and starts nothing', async () => {
      await tw.pauseTrigger('github');
      const body = '{"ref":"main"}';
      const reply = await post('github', body, signed(body));
      assert.equal(reply.status, 409, reply.text);
      await tw.resumeTrigger('github');
      assert.equal((await post('github', body, signed(body, { eventId: 'after-resume' }))).status, 202);
    });
  });
}
