// The job routes over real HTTP against a real engine on SQLite, each success and error case.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Ajv } from 'ajv';
import { runJobs, snapshot, startHarness, until, type Harness } from './helpers.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.close());

describe('POST /api/jobs', () => {
  test('enqueues one job with the CLI options and answers 201 with its id', async () => {
    const reply = await h.call('POST', '/api/jobs', { body: { name: 'echo', payload: { a: 1 }, options: { queue: 'mail', attempts: 5, delay: '1h', tags: ['t1'], idempotencyKey: 'k1' } } });
    assert.equal(reply.status, 201, reply.text);
    assert.equal(reply.body.state, 'scheduled');
    assert.equal(reply.body.deduplicated, false);
    const job = await h.engine.getJob(reply.body.id);
    assert.deepEqual([job.queue, job.maxAttempts, job.tags, job.payload], ['mail', 5, ['t1'], { a: 1 }]);
    const again = await h.call('POST', '/api/jobs', { body: { name: 'echo', payload: { a: 2 }, options: { idempotencyKey: 'k1' } } });
    assert.equal(again.body.id, reply.body.id);
    assert.equal(again.body.deduplicated, true);
  });

  test('enqueues a batch in order, and X-Priority sets the priority unless options.priority does', async () => {
    const reply = await h.call('POST', '/api/jobs', {
      headers: { 'x-priority': 'high' },
      body: { jobs: [{ name: 'echo', payload: 1, options: { queue: 'batch' } }, { name: 'echo', payload: 2, options: { queue: 'batch', priority: 3 } }] },
    });
    assert.equal(reply.status, 201, reply.text);
    assert.equal(reply.body.jobs.length, 2);
    const [first, second] = await Promise.all(reply.body.jobs.map((r: { id: string }) => h.engine.getJob(r.id)));
    assert.deepEqual([first!.payload, first!.priority, second!.payload, second!.priority], [1, 10, 2, 3]);
    const low = await h.call('POST', '/api/jobs', { headers: { 'x-priority': 'low' }, body: { name: 'echo', options: { queue: 'batch' } } });
    assert.equal((await h.engine.getJob(low.body.id)).priority, -10);
  });

  test('400 names the field for invalid input and writes nothing (a bad job in a batch rejects the whole batch)', async () => {
    const before = await snapshot(h.engine);
    const cases: [unknown, string, Record<string, string>?][] = [
      [{ name: 'echo', options: { attempts: 0 } }, 'body.options.attempts'],
      [{ name: 'echo', options: { colour: 'red' } }, 'body.options'],
      [{ name: 'bad name!' }, 'body.name'],
      [{ jobs: [{ name: 'echo' }, { name: 'echo', options: { delay: 'soon' } }] }, 'delay'],
      [{ name: 'echo', options: { delay: '1s', runAt: Date.now() } }, 'delay'],
      [{ name: 'echo' }, 'X-Priority', { 'x-priority': 'urgent' }],
      [{ jobs: [] }, 'body'],
    ];
    for (const [body, field, headers] of cases) {
      const reply = await h.call('POST', '/api/jobs', { body, headers });
      assert.equal(reply.status, 400, `${JSON.stringify(body)}: ${reply.text}`);
      assert.equal(reply.body.error.code, 'invalid_input');
      assert.ok(reply.body.error.message.includes(field) || JSON.stringify(reply.body.error.details ?? {}).includes(field), `${reply.body.error.message} names ${field}`);
    }
    assert.equal(await snapshot(h.engine), before);
  });
});

describe('reading jobs', () => {
  test('GET /api/jobs filters by state, queue, name and tag, and pages newest first', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await h.call('POST', '/api/jobs', { body: { name: 'echo', payload: i, options: { queue: 'pages', tags: [i % 2 ? 'odd' : 'even'] } } })).body.id);
    const first = await h.call('GET', '/api/jobs?queue=pages&limit=2');
    assert.equal(first.status, 200);
    assert.deepEqual(first.body.jobs.map((j: { id: string }) => j.id), [ids[4], ids[3]]);
    const second = await h.call('GET', `/api/jobs?queue=pages&limit=2&before=${first.body.nextCursor}`);
    assert.deepEqual(second.body.jobs.map((j: { id: string }) => j.id), [ids[2], ids[1]]);
    const last = await h.call('GET', `/api/jobs?queue=pages&limit=2&before=${second.body.nextCursor}`);
    assert.deepEqual(last.body.jobs.map((j: { id: string }) => j.id), [ids[0]]);
    assert.equal(last.body.nextCursor, null);
    const odd = await h.call('GET', '/api/jobs?queue=pages&tag=odd&state=queued&name=echo');
    assert.deepEqual(odd.body.jobs.map((j: { id: string }) => j.id), [ids[3], ids[1]]);
  });

  test('GET /api/jobs rejects unknown filters and bad values with 400 naming them', async () => {
    for (const [query, field] of [['state=lost', 'query.state'], ['limit=0', 'query.limit'], ['limit=abc', 'query.limit'], ['colour=red', 'query'], ['queue=a%20b', 'query.queue']]) {
      const reply = await h.call('GET', `/api/jobs?${query}`);
      assert.equal(reply.status, 400, query);
      assert.equal(reply.body.error.details.field, field, reply.text);
    }
  });

  test('GET /api/jobs/:id has logs, checkpoint token, attempts and history; 404 for an unknown id', async () => {
    const { id } = (await h.call('POST', '/api/jobs', { body: { name: 'echo', payload: { hi: true }, options: { queue: 'detail' } } })).body;
    await runJobs(h.engine, ['detail'], [id]);
    const reply = await h.call('GET', `/api/jobs/${id}`);
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.job.state, 'completed');
    assert.deepEqual(reply.body.job.result, { echoed: { hi: true } });
    assert.equal(reply.body.logs[0].message, 'echoing');
    assert.equal(reply.body.checkpointToken, null);
    assert.equal(reply.body.attempts.length, 1);
    assert.equal(reply.body.attempts[0].outcome, 'completed');
    assert.deepEqual(reply.body.transitions.map((t: { to: string }) => t.to), ['queued', 'running', 'completed']);
    for (const missing of ['999999', 'nope']) {
      const notFound = await h.call('GET', `/api/jobs/${missing}`);
      assert.equal(notFound.status, 404);
      assert.equal(notFound.body.error.code, 'not_found');
    }
  });
});

describe('cancel, retry and the dead-letter queue', () => {
  test('cancel a waiting job (200), then 409 since it is finished; 404 unknown', async () => {
    const { id } = (await h.call('POST', '/api/jobs', { body: { name: 'echo', options: { queue: 'cancel', delay: '1h' } } })).body;
    const reply = await h.call('POST', `/api/jobs/${id}/cancel`);
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.job.state, 'cancelled');
    const conflict = await h.call('POST', `/api/jobs/${id}/cancel`);
    assert.equal(conflict.status, 409);
    assert.equal(conflict.body.error.code, 'conflict');
    assert.equal((await h.call('POST', '/api/jobs/424242/cancel')).status, 404);
  });

  test('cancel a running job asks its worker to stop', async () => {
    const { id } = (await h.call('POST', '/api/jobs', { body: { name: 'waiter', options: { queue: 'running' } } })).body;
    const worker = h.engine.worker({ queues: ['running'], pollInterval: 20 });
    await worker.start();
    try {
      await until(async () => (await h.engine.getJob(id)).state === 'running', 10_000, 'the job to run');
      const reply = await h.call('POST', `/api/jobs/${id}/cancel`);
      assert.equal(reply.status, 200);
      assert.equal(reply.body.job.cancelRequested, true);
      await until(async () => (await h.engine.getJob(id)).state === 'cancelled', 10_000, 'the job to end cancelled');
    } finally {
      await worker.stop();
    }
  });

  test('retry: 409 for a queued job, 200 for a cancelled one; 404 unknown', async () => {
    const { id } = (await h.call('POST', '/api/jobs', { body: { name: 'echo', options: { queue: 'retry', delay: '1h' } } })).body;
    const conflict = await h.call('POST', `/api/jobs/${id}/retry`);
    assert.equal(conflict.status, 409);
    await h.call('POST', `/api/jobs/${id}/cancel`);
    const reply = await h.call('POST', `/api/jobs/${id}/retry`);
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.job.state, 'queued');
    assert.equal((await h.call('POST', '/api/jobs/424242/retry')).status, 404);
  });

  test('GET /api/dlq lists dead jobs; redrive by ids (409 for a job that is not dead, changing nothing) and all', async () => {
    const dead = [];
    for (let i = 0; i < 2; i++) dead.push((await h.call('POST', '/api/jobs', { body: { name: 'broken', options: { queue: 'dlq' } } })).body.id);
    await runJobs(h.engine, ['dlq'], dead);
    const list = await h.call('GET', '/api/dlq?queue=dlq');
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.jobs.map((j: { id: string }) => j.id).sort(), [...dead].sort());
    const alive = (await h.call('POST', '/api/jobs', { body: { name: 'echo', options: { queue: 'dlq-other', delay: '1h' } } })).body.id;
    const before = await snapshot(h.engine);
    const conflict = await h.call('POST', '/api/dlq/redrive', { body: { ids: [dead[0], alive] } });
    assert.equal(conflict.status, 409, conflict.text);
    assert.equal(await snapshot(h.engine), before);
    assert.equal((await h.call('POST', '/api/dlq/redrive', { body: { ids: ['99999'] } })).status, 404);
    const one = await h.call('POST', '/api/dlq/redrive', { body: { ids: [dead[0], dead[0]] } });
    assert.deepEqual(one.body.redriven, [dead[0]]);
    const all = await h.call('POST', '/api/dlq/redrive', { body: { all: true } });
    assert.ok(all.body.redriven.includes(dead[1]));
    assert.equal((await h.engine.getJob(dead[1]!)).state, 'queued');
    assert.equal((await h.call('POST', '/api/dlq/redrive', { body: { all: false } })).status, 400);
  });
});

describe('stats, health, documents and unknown routes', () => {
  test('GET /api/stats and /api/stats/executions', async () => {
    const stats = await h.call('GET', '/api/stats');
    assert.equal(stats.status, 200);
    assert.ok(stats.body.queues.some((q: { queue: string }) => q.queue === 'pages'));
    const byName = await h.call('GET', '/api/stats/executions');
    assert.ok(byName.body.stats.some((s: { name: string }) => s.name === 'echo'));
    assert.equal((await h.call('GET', '/api/stats/executions?tag=odd')).body.stats[0].total, 2);
  });

  test('healthz, readyz, the OpenAPI document, and 404 in the error shape for an unknown route', async () => {
    assert.deepEqual((await h.call('GET', '/healthz')).body, { status: 'ok' });
    assert.deepEqual((await h.call('GET', '/readyz')).body, { status: 'ready', store: 'sqlite' });
    const doc = (await h.call('GET', '/api/openapi.json')).body;
    assert.equal(doc.openapi, '3.0.3');
    for (const route of h.server.routes) {
      const path = route.url.replace(/:(\w+)/g, '{$1}');
      assert.ok(doc.paths[path]?.[route.method.toLowerCase()], `${route.method} ${path} is documented`);
    }
    const enqueue = doc.paths['/api/jobs'].post;
    assert.ok(enqueue.requestBody.content['application/json'].schema.anyOf, 'the request body schema comes from zod');
    assert.ok(enqueue.parameters.some((p: { name: string; in: string }) => p.name === 'x-priority' && p.in === 'header'));
    assert.ok(doc.paths['/api/jobs'].get.parameters.some((p: { name: string }) => p.name === 'state'));
    // every schema in the document compiles, and the enqueue body schema accepts and rejects like the route
    const ajv = new Ajv({ strict: false, allErrors: true });
    ajv.addSchema({ ...doc.components.schemas.Error, $id: '#/components/schemas/Error' });
    let compiled = 0;
    for (const operations of Object.values(doc.paths) as Record<string, { requestBody?: { content: Record<string, { schema: object }> }; responses: Record<string, { content: Record<string, { schema: object }> }> }>[]) {
      for (const operation of Object.values(operations)) {
        const schemas = [operation.requestBody?.content['application/json']?.schema, ...Object.values(operation.responses).map((r) => r.content['application/json']?.schema)];
        for (const schema of schemas) {
          if (!schema || '$ref' in schema) continue;
          ajv.compile(schema);
          compiled++;
        }
      }
    }
    assert.ok(compiled >= h.server.routes.length, `compiled ${compiled} schemas for ${h.server.routes.length} routes`);
    const enqueueBody = ajv.compile(enqueue.requestBody.content['application/json'].schema);
    assert.equal(enqueueBody({ name: 'echo', options: { attempts: 2 } }), true);
    assert.equal(enqueueBody({ name: 'echo', options: { attempts: 0 } }), false);
    const missing = await h.call('GET', '/api/nothing');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'not_found');
  });
});
