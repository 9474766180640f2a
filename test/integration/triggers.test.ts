// Event triggers on the engine: matching and payload mapping, a workflow target, idempotency on
// the event id, pause and delete, and four processes publishing the same events at once (each
// event starts each trigger's job exactly once). Runs once per store (TW_TEST_STORE).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { defineWorkflow } from '../../dist/index.js';
import { Harness } from './helpers.js';

const h = new Harness('triggers');
// the workflow test drains its store, so it gets one without the other tests' handler-less jobs
const wf = new Harness('triggers-wf');
after(() => Promise.all([h.cleanup(), wf.cleanup()]));
const PUBLISHER = fileURLToPath(new URL('../fixtures/send-events.mjs', import.meta.url));

async function errorOf(action: () => Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await action();
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('expected the call to fail');
}

test('a matching event starts the trigger job with a mapped payload; others start nothing', async () => {
  const tw = h.engine();
  await tw.migrate();
  await tw.createTrigger('invoice', { event: 'order.paid', match: { currency: { $in: ['EUR', 'USD'] }, 'customer.vip': true }, job: 'invoice.create', payload: { order: '$.data.id', event: '$.id', fixed: { $literal: '$.not-a-path' } }, options: { queue: 'billing', priority: 3 } });
  await tw.createTrigger('audit', { event: 'order.paid', job: 'audit.log' });
  const sent = await tw.sendEvent('order.paid', { id: 'o-1', currency: 'EUR', customer: { vip: true } }, { id: 'evt-1' });
  assert.equal(sent.deduplicated, false);
  assert.equal(sent.key, 'evt-1');
  assert.deepEqual(sent.started.map((s) => s.triggerId), ['audit', 'invoice']);
  const invoice = await tw.getJob(sent.started[1]!.jobId);
  assert.deepEqual([invoice.name, invoice.queue, invoice.priority, invoice.state], ['invoice.create', 'billing', 3, 'queued']);
  assert.deepEqual(invoice.payload, { order: 'o-1', event: 'evt-1', fixed: '$.not-a-path' });
  const audit = await tw.getJob(sent.started[0]!.jobId);
  assert.deepEqual(audit.payload, { id: 'o-1', currency: 'EUR', customer: { vip: true } }, 'no template: the event data');

  const other = await tw.sendEvent('order.paid', { id: 'o-2', currency: 'GBP', customer: { vip: true } });
  assert.deepEqual(other.started.map((s) => s.triggerId), ['audit'], 'GBP does not match the invoice trigger');
  assert.match(other.key ?? '', /^evt_/, 'an event without an id gets a fresh one');
  const { fires } = await tw.getTrigger('invoice');
  assert.deepEqual(fires.map((f) => [f.eventKey, f.jobId]), [['evt-1', invoice.id]]);
});

test('sending an event id twice starts nothing the second time and answers with the same jobs', async () => {
  const tw = h.engine();
  await tw.createTrigger('once', { event: 'user.created', job: 'welcome', options: { delay: '1m' } });
  const first = await tw.sendEvent('user.created', { user: 1 }, { id: 'u-1' });
  const again = await tw.sendEvent('user.created', { user: 1 }, { id: 'u-1' });
  assert.equal(again.deduplicated, true);
  assert.deepEqual(again.started, first.started);
  assert.equal(again.eventId, first.eventId);
  assert.equal((await tw.listJobs({ name: 'welcome', limit: 10 })).length, 1);
  const job = await tw.getJob(first.started[0]!.jobId);
  assert.equal(job.state, 'scheduled', 'the delay option holds the job a minute after the event');
});

test('a workflow target starts a run; a paused trigger starts nothing until resumed; delete keeps the jobs', async () => {
  const tw = wf.engine();
  tw.register(defineWorkflow('ship', async (input: { order: string }, step) => step.run('label', async () => `label-${input.order}`)));
  await tw.createTrigger('ship-it', { event: 'order.packed', workflow: 'ship', payload: { order: '$.data.order' } });
  const view = await tw.pauseTrigger('ship-it');
  assert.equal(view.paused, true);
  assert.deepEqual((await tw.sendEvent('order.packed', { order: 'A' })).started, []);
  await tw.resumeTrigger('ship-it');
  const sent = await tw.sendEvent('order.packed', { order: 'B' });
  assert.equal(sent.started.length, 1);
  await tw.drain({ timeout: '20s' });
  const run = await tw.getJob(sent.started[0]!.jobId);
  assert.deepEqual([run.name, run.state, run.result], ['ship', 'completed', 'label-B']);
  await tw.deleteTrigger('ship-it');
  assert.equal((await errorOf(() => tw.getTrigger('ship-it'))).code, 'not_found');
  assert.equal((await tw.getJob(run.id)).state, 'completed', 'the run stays');
});

test('bad input names the value and changes nothing', async () => {
  const tw = h.engine();
  const cases: [string, () => Promise<unknown>, RegExp][] = [
    ['id', () => tw.createTrigger('bad id!', { event: 'e', job: 'j' }), /trigger id .*"bad id!"/],
    ['event', () => tw.createTrigger('t', { event: '', job: 'j' }), /expected event to be .*""/],
    ['target', () => tw.createTrigger('t', { event: 'e' }), /exactly one of job or workflow, got neither/],
    ['key', () => tw.createTrigger('t', { event: 'e', job: 'j', when: 1 } as never), /unknown trigger option "when"/],
    ['match op', () => tw.createTrigger('t', { event: 'e', job: 'j', match: { a: { $gt: 1 } } }), /match operator for a .*"\$gt"/],
    ['match path', () => tw.createTrigger('t', { event: 'e', job: 'j', match: { 'a..b': 1 } }), /dotted data paths .*"a\.\.b"/],
    ['template', () => tw.createTrigger('t', { event: 'e', job: 'j', payload: { x: '$.a b' } }), /payload\.x to be a path .*"\$\.a b"/],
    ['runAt', () => tw.createTrigger('t', { event: 'e', job: 'j', options: { runAt: 5 } }), /without runAt/],
    ['attempts', () => tw.createTrigger('t', { event: 'e', job: 'j', options: { attempts: 0 } }), /attempts/],
    ['secret', () => tw.createTrigger('t', { event: 'e', job: 'j', webhook: { secret: 'short' } }), /webhook\.secret .*got 5 characters/],
    ['tolerance', () => tw.createTrigger('t', { event: 'e', job: 'j', webhook: { secret: 'x'.repeat(20), tolerance: 'PT1M30' } }), /webhook\.tolerance .*"PT1M30"/],
    ['event id', () => tw.sendEvent('e', null, { id: 'has space' }), /event id .*"has space"/],
    ['event data', () => tw.sendEvent('e', { n: 1n }), /JSON-serializable/],
  ];
  for (const [what, action, message] of cases) {
    const error = await errorOf(action);
    assert.equal(error.code, 'invalid_input', `${what}: ${error.message}`);
    assert.match(error.message, message, what);
  }
  assert.deepEqual((await tw.listTriggers()).filter((t) => t.id === 't'), [], 'no trigger was written');
  assert.equal((await errorOf(() => tw.createTrigger('invoice', { event: 'x', job: 'y' }))).code, 'conflict', 'an existing id without replace');
  assert.equal((await tw.createTrigger('invoice', { event: 'order.paid', job: 'invoice.create' }, { replace: true })).match, null);
});

test('four processes sending the same 40 event ids at once start each trigger once per event', async () => {
  const tw = h.engine();
  await tw.createTrigger('p1', { event: 'tick', job: 'on.tick' });
  await tw.createTrigger('p2', { event: 'tick', job: 'on.tick.too' });
  const ids = Array.from({ length: 40 }, (_, i) => `tick-${i}`);
  const startAt = Date.now() + 1500;
  const runs = [0, 1, 2, 3].map((n) => {
    const order = n % 2 === 0 ? ids : [...ids].reverse();
    const config = { store: h.store, name: 'tick', ids: order, startAt };
    const child = spawn(process.execPath, [PUBLISHER, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    return new Promise<{ id: string; deduplicated: boolean; started: { triggerId: string; jobId: string }[] }[]>((resolve, reject) =>
      child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`publisher ${n} exited ${code}: ${err}`)))),
    );
  });
  const answers = await Promise.all(runs);
  const jobs = [...(await tw.listJobs({ name: 'on.tick', limit: 1000 })), ...(await tw.listJobs({ name: 'on.tick.too', limit: 1000 }))];
  assert.equal(jobs.length, 80, 'two jobs per event');
  for (const id of ids) {
    const per = answers.map((a) => a.find((x) => x.id === id)!);
    assert.equal(per.filter((x) => !x.deduplicated).length, 1, `${id}: one process stored it`);
    const seen = new Set(per.map((x) => JSON.stringify(x.started)));
    assert.equal(seen.size, 1, `${id}: every process got the same jobs`);
    assert.deepEqual(per[0]!.started.map((s) => s.triggerId), ['p1', 'p2']);
  }
  assert.equal(new Set(jobs.map((j) => j.id)).size, 80);
});
