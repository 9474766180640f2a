// Triggers over HTTP: create, list, get, pause, resume, delete, and POST /api/events with an id
// starting the trigger's job once; the webhook secret is never returned; bad input is a 400
// naming the field and writes nothing.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startHarness, type Harness } from './helpers.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.close());

test('create, read, pause, resume and delete a trigger; events with an id start its job once', async () => {
  const created = await h.call('POST', '/api/triggers', { body: { id: 'paid', event: 'order.paid', match: { currency: 'EUR' }, job: 'echo', payload: { order: '$.data.id' }, webhook: { secret: 's'.repeat(32) } } });
  assert.equal(created.status, 201, created.text);
  assert.equal(created.body.trigger.webhook.maxBodyBytes, 1024 * 1024);
  assert.ok(!created.text.includes('s'.repeat(32)), 'the secret is not returned');
  assert.equal((await h.call('POST', '/api/triggers', { body: { id: 'paid', event: 'x', job: 'echo' } })).status, 409);
  assert.deepEqual((await h.call('GET', '/api/triggers')).body.triggers.map((t: { id: string }) => t.id), ['paid']);

  const sent = await h.call('POST', '/api/events', { body: { name: 'order.paid', data: { id: 'o-9', currency: 'EUR' }, id: 'evt-9' } });
  assert.equal(sent.status, 202, sent.text);
  assert.equal(sent.body.deduplicated, false);
  assert.equal(sent.body.started.length, 1);
  const job = await h.engine.getJob(sent.body.started[0].jobId);
  assert.deepEqual([job.name, job.payload], ['echo', { order: 'o-9' }]);
  const again = await h.call('POST', '/api/events', { body: { name: 'order.paid', data: { id: 'o-9', currency: 'EUR' }, id: 'evt-9' } });
  assert.deepEqual([again.body.deduplicated, again.body.started], [true, sent.body.started]);

  const detail = await h.call('GET', '/api/triggers/paid?history=5');
  assert.equal(detail.status, 200, detail.text);
  assert.deepEqual(detail.body.fires.map((f: { eventKey: string }) => f.eventKey), ['evt-9']);
  assert.ok(!detail.text.includes('s'.repeat(32)));
  assert.equal((await h.call('POST', '/api/triggers/paid/pause')).body.trigger.paused, true);
  assert.deepEqual((await h.call('POST', '/api/events', { body: { name: 'order.paid', data: { currency: 'EUR' } } })).body.started, [], 'paused');
  assert.equal((await h.call('POST', '/api/triggers/paid/resume')).body.trigger.paused, false);
  assert.equal((await h.call('DELETE', '/api/triggers/paid')).status, 200);
  assert.equal((await h.call('GET', '/api/triggers/paid')).status, 404);
});

test('bad trigger input is a 400 naming the value; nothing is written', async () => {
  const cases: [unknown, RegExp][] = [
    [{ id: 'b', event: 'e' }, /exactly one of job or workflow/],
    [{ id: 'b', event: 'e', job: 'echo', match: { a: { $regex: 'x' } } }, /"\$regex"/],
    [{ id: 'b', event: 'e', job: 'echo', webhook: { secret: 'short' } }, /body\.webhook\.secret/],
    [{ id: 'b', event: 'e', job: 'echo', extra: 1 }, /extra|Unrecognized/],
    [{ id: 'b', event: 'e', job: 'echo', webhook: { secret: 'x'.repeat(20), tolerance: '1y' } }, /webhook\.tolerance .*"1y"/],
  ];
  for (const [body, message] of cases) {
    const reply = await h.call('POST', '/api/triggers', { body });
    assert.equal(reply.status, 400, reply.text);
    assert.match(reply.body.error.message, message);
  }
  assert.equal((await h.call('POST', '/api/events', { body: { name: 'e', id: 'has space' } })).status, 400);
  assert.deepEqual((await h.call('GET', '/api/triggers')).body.triggers, []);
});
