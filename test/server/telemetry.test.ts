// Metrics move when jobs run; one trace links the HTTP request, the job's attempt and its steps
// (in-memory exporter); a trace context survives in the stored job.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { instrumentTracing } from '../../dist/telemetry/tracing.js';
import { runJobs, startHarness, type Harness } from './helpers.js';

const exporter = new InMemorySpanExporter();
let h: Harness;
let stopTracing: () => void;
before(async () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  h = await startHarness();
  stopTracing = instrumentTracing(h.engine.events);
});
after(async () => {
  stopTracing();
  await h.close();
  trace.disable();
  context.disable();
  propagation.disable();
});

/** The value of one sample line of the Prometheus text, or 0 when absent. */
function sample(text: string, name: string, labels: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && labels.split(',').every((label) => l.includes(label)));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

test('metrics move when jobs run', async () => {
  const before = (await h.call('GET', '/metrics')).text;
  const ok = [];
  for (let i = 0; i < 3; i++) ok.push((await h.call('POST', '/api/jobs', { body: { name: 'echo', payload: i, options: { queue: 'm' } } })).body.id);
  const dead = (await h.call('POST', '/api/jobs', { body: { name: 'broken', options: { queue: 'm' } } })).body.id;
  const mid = (await h.call('GET', '/metrics')).text;
  assert.equal(sample(mid, 'taskwright_queue_depth', 'queue="m",state="queued"'), 4);
  await runJobs(h.engine, ['m'], [...ok, dead]);
  const response = await h.call('GET', '/metrics');
  assert.match(response.headers.get('content-type') ?? '', /text\/plain/);
  const text = response.text;
  const delta = (name: string, labels: string) => sample(text, name, labels) - sample(before, name, labels);
  assert.equal(delta('taskwright_jobs_enqueued_total', 'queue="m",name="echo"'), 3);
  assert.equal(delta('taskwright_jobs_started_total', 'queue="m",name="echo"'), 3);
  assert.equal(delta('taskwright_jobs_completed_total', 'queue="m",name="echo"'), 3);
  assert.equal(delta('taskwright_jobs_dead_total', 'queue="m",name="broken"'), 1);
  assert.equal(delta('taskwright_job_duration_seconds_count', 'queue="m",name="echo"'), 3);
  assert.equal(sample(text, 'taskwright_queue_depth', 'queue="m",state="completed"'), 3);
  assert.equal(sample(text, 'taskwright_queue_depth', 'queue="m",state="dead"'), 1);
  assert.match(text, /^taskwright_running_jobs 0$/m);
  assert.match(text, /^taskwright_workers 0$/m, 'the worker stopped');
});

test('one trace: the HTTP request span is the parent of the job attempt, which is the parent of each step', async () => {
  exporter.reset();
  const reply = await h.call('POST', '/api/workflows/order.flow/execute', { body: { input: { pauseMs: 1 }, queue: 'traced' } });
  const id = reply.body.executionId;
  const stored = await h.engine.getJob(id);
  assert.match(stored.traceParent ?? '', /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/, 'the job stores the request span as its traceparent');
  await runJobs(h.engine, ['traced'], [id]);
  const spans = exporter.getFinishedSpans();
  const request = spans.find((s) => s.name === 'POST /api/workflows/:id/execute');
  const attempt = spans.find((s) => s.name === 'job order.flow');
  assert.ok(request && attempt, `spans: ${spans.map((s) => s.name).join(', ')}`);
  const parentOf = (span: (typeof spans)[number]) => span.parentSpanContext?.spanId;
  assert.equal(attempt.spanContext().traceId, request.spanContext().traceId);
  assert.equal(parentOf(attempt), request.spanContext().spanId);
  assert.equal(attempt.attributes['taskwright.job.id'], id);
  const steps = spans.filter((s) => s.name.startsWith('step '));
  assert.deepEqual(steps.map((s) => s.name), ['step reserve', 'step charge', 'step ship']);
  for (const step of steps) {
    assert.equal(step.spanContext().traceId, request.spanContext().traceId);
    assert.equal(parentOf(step), attempt.spanContext().spanId);
  }
});

test('a child run started by a step joins the same trace', async () => {
  exporter.reset();
  const { executionId: id } = (await h.call('POST', '/api/workflows/parent.flow/execute', { body: { queue: 'traced' } })).body;
  const traceId = (await h.engine.getJob(id)).traceParent?.split('-')[1];
  assert.ok(traceId);
  await runJobs(h.engine, ['traced', 'default'], [id]);
  const [child] = await h.engine.listJobs({ name: 'order.flow', tag: `parent:${id}` });
  assert.ok(child, 'the child run exists');
  assert.equal(child.traceParent?.split('-')[1], traceId, 'the child stores the same trace id');
  const parentAttempts = exporter.getFinishedSpans().filter((s) => s.name === 'job parent.flow').map((s) => s.spanContext().spanId);
  assert.ok(parentAttempts.includes(child.traceParent?.split('-')[2] ?? ''), 'the child\'s parent span is an attempt of the parent run');
  const childSpans = exporter.getFinishedSpans().filter((s) => s.attributes['taskwright.job.id'] === child.id);
  assert.ok(childSpans.length >= 1);
  assert.ok(childSpans.every((s) => s.spanContext().traceId === traceId));
});

test('spans a handler makes are children of its attempt span', async () => {
  exporter.reset();
  const { id } = (await h.call('POST', '/api/jobs', { body: { name: 'spanning', options: { queue: 'traced' } } })).body;
  await runJobs(h.engine, ['traced'], [id]);
  const spans = exporter.getFinishedSpans();
  const attempt = spans.find((s) => s.name === 'job spanning');
  const user = spans.find((s) => s.name === 'user work');
  assert.ok(attempt && user, `spans: ${spans.map((s) => s.name).join(', ')}`);
  assert.equal(user.parentSpanContext?.spanId, attempt.spanContext().spanId);
  assert.equal(user.spanContext().traceId, attempt.spanContext().traceId);
});

test('an incoming traceparent header becomes the request span\'s parent', async () => {
  exporter.reset();
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  await h.call('GET', '/api/jobs', { headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } });
  const span = exporter.getFinishedSpans().find((s) => s.name === 'GET /api/jobs');
  assert.equal(span?.spanContext().traceId, traceId);
});
