// Workflow and execution routes over real HTTP; the runs execute on a worker of the same engine.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { runJobs, snapshot, startHarness, until, type Harness } from './helpers.js';

let h: Harness;
before(async () => {
  h = await startHarness({ workflows: ['remote.only'] });
});
after(() => h.close());

describe('workflows and executions', () => {
  test('GET /api/workflows lists registered workflows (not plain jobs) and configured names', async () => {
    const reply = await h.call('GET', '/api/workflows');
    assert.equal(reply.status, 200, reply.text);
    const names = reply.body.workflows.map((w: { name: string }) => w.name).sort();
    assert.deepEqual(names, ['approval.flow', 'order.flow', 'parent.flow', 'remote.only']);
    assert.equal(reply.body.workflows.find((w: { name: string }) => w.name === 'remote.only').registered, false);
  });

  test('execute answers 202 with the execution id; the run has steps, history, usage and cost, and logs', async () => {
    const reply = await h.call('POST', '/api/workflows/order.flow/execute', { body: { input: { items: 3, pauseMs: 1 }, priority: 5, budget: { costUsd: 10 } } });
    assert.equal(reply.status, 202, reply.text);
    const id = reply.body.executionId;
    const job = await h.engine.getJob(id);
    assert.deepEqual([job.name, job.priority, job.budget?.costUsd], ['order.flow', 5, 10]);
    await runJobs(h.engine, ['default'], [id]);
    const detail = await h.call('GET', `/api/executions/${id}`);
    assert.equal(detail.status, 200, detail.text);
    assert.equal(detail.body.status, 'completed');
    assert.equal(detail.body.workflow, 'order.flow');
    assert.deepEqual(detail.body.input, { items: 3, pauseMs: 1 });
    assert.deepEqual(detail.body.output, { shipped: 3 });
    assert.deepEqual(detail.body.steps.map((s: { id: string; status: string }) => `${s.id}:${s.status}`), ['reserve:completed', 'charge:completed', 'ship:completed']);
    assert.deepEqual(detail.body.steps[1].output, 30);
    assert.deepEqual(detail.body.steps[1].usage, { tokens: 100, costUsd: 0.25 });
    assert.deepEqual([detail.body.usage.tokens, detail.body.usage.costUsd, detail.body.usage.steps], [100, 0.25, 3]);
    assert.equal(detail.body.cost, 0.25);
    assert.equal(detail.body.budget.costUsd, 10);
    assert.deepEqual(detail.body.history.map((t: { to: string }) => t.to), ['pending', 'running', 'completed']);
    const logs = await h.call('GET', `/api/executions/${id}/logs`);
    assert.equal(logs.status, 200);
    assert.deepEqual(logs.body.logs.map((l: { message: string; stepId: string; fields: unknown }) => [l.message, l.stepId, l.fields]), [['charging', 'charge', { items: 3 }]]);
    const workflows = await h.call('GET', '/api/workflows');
    assert.equal(workflows.body.workflows.find((w: { name: string }) => w.name === 'order.flow').costUsd, 0.25);
  });

  test('execute: 404 for an unknown workflow or a plain job, 400 for a bad body; nothing written', async () => {
    const before = await snapshot(h.engine);
    const unknown = await h.call('POST', '/api/workflows/nope/execute', { body: {} });
    assert.equal(unknown.status, 404);
    assert.equal((await h.call('POST', '/api/workflows/echo/execute', { body: {} })).status, 404);
    const bad = await h.call('POST', '/api/workflows/order.flow/execute', { body: { priority: 'high' } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.details.field, 'body.priority');
    const badBudget = await h.call('POST', '/api/workflows/order.flow/execute', { body: { budget: { onBreach: 'explode' } } });
    assert.equal(badBudget.status, 400, badBudget.text);
    assert.match(badBudget.body.error.message, /budget/);
    assert.equal(await snapshot(h.engine), before);
  });

  test('GET /api/executions filters by workflowId and status and pages; 404 for an unknown execution', async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await h.call('POST', '/api/workflows/approval.flow/execute', { body: { input: i } })).body.executionId);
    const page = await h.call('GET', '/api/executions?workflowId=approval.flow&status=pending&limit=2');
    assert.equal(page.status, 200, page.text);
    assert.deepEqual(page.body.executions.map((e: { id: string }) => e.id), [ids[2], ids[1]]);
    assert.equal(page.body.executions[0].runStatus, 'pending');
    const rest = await h.call('GET', `/api/executions?workflowId=approval.flow&status=pending&limit=2&before=${page.body.nextCursor}`);
    assert.deepEqual(rest.body.executions.map((e: { id: string }) => e.id), [ids[0]]);
    assert.equal(rest.body.nextCursor, null);
    const completed = await h.call('GET', '/api/executions?status=completed&limit=1');
    assert.deepEqual(completed.body.executions.map((e: { name: string; runStatus: string }) => `${e.name}:${e.runStatus}`), ['order.flow:completed']);
    const all = await h.call('GET', '/api/executions?limit=500');
    assert.ok(all.body.executions.every((e: { name: string }) => ['order.flow', 'approval.flow'].includes(e.name)), 'plain jobs are not executions');
    assert.equal(all.body.executions.length, 4);
    const paged: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const reply = await h.call('GET', `/api/executions?limit=1${cursor ? `&before=${cursor}` : ''}`);
      paged.push(...reply.body.executions.map((e: { id: string }) => e.id));
      cursor = reply.body.nextCursor;
    }
    assert.deepEqual(paged, all.body.executions.map((e: { id: string }) => e.id), 'pages of one walk every run once, newest first');
    assert.equal((await h.call('GET', '/api/executions?status=nope')).status, 400);
    assert.equal((await h.call('GET', '/api/executions/777777')).status, 404);
    assert.equal((await h.call('GET', '/api/executions/777777/logs')).status, 404);
    for (const id of ids) await h.engine.cancel(id);
  });

  test('events wake a waiting run; cancel a run (then 409); rerun from a step (409 while running, 400 unknown step)', async () => {
    const { executionId: id } = (await h.call('POST', '/api/workflows/approval.flow/execute', { body: { queue: 'approvals' } })).body;
    const worker = h.engine.worker({ queues: ['approvals'], pollInterval: 20 });
    await worker.start();
    try {
      await until(async () => (await h.engine.getJobDetails(id)).steps.some((s) => s.status === 'waiting'), 10_000, 'the run to wait');
      const rerunEarly = await h.call('POST', `/api/executions/${id}/rerun`, { body: { fromStep: 'after' } });
      assert.equal(rerunEarly.status, 409, rerunEarly.text);
      const sent = await h.call('POST', '/api/events', { body: { name: 'approved', data: { by: 'ada' } } });
      assert.equal(sent.status, 202, sent.text);
      assert.equal(sent.body.woken, 1);
      await until(async () => (await h.engine.getJob(id)).state === 'completed', 10_000, 'the run to complete');
      assert.deepEqual((await h.engine.getJob(id)).result, { answer: { by: 'ada' } });
      const badStep = await h.call('POST', `/api/executions/${id}/rerun`, { body: { fromStep: 'nope' } });
      assert.equal(badStep.status, 400);
      const rerun = await h.call('POST', `/api/executions/${id}/rerun`, { body: { fromStep: 'after' } });
      assert.equal(rerun.status, 202, rerun.text);
      assert.notEqual(rerun.body.executionId, id);
      assert.equal((await h.call('POST', `/api/executions/${id}/cancel`)).status, 409);
      const waiting = (await h.call('POST', '/api/workflows/approval.flow/execute', { body: { queue: 'approvals' } })).body.executionId;
      const cancelled = await h.call('POST', `/api/executions/${waiting}/cancel`);
      assert.equal(cancelled.status, 200, cancelled.text);
      assert.deepEqual(cancelled.body.cancelled, [waiting]);
      assert.equal((await h.call('POST', '/api/executions/777777/cancel')).status, 404);
      assert.equal((await h.call('POST', '/api/executions/777777/rerun', { body: { fromStep: 'a' } })).status, 404);
      assert.equal((await h.call('POST', '/api/events', { body: { name: 'bad name' } })).status, 400);
    } finally {
      await worker.stop();
    }
  });
});
