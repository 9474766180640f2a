// PostgreSQL text cannot hold U+0000; SQLite can. Input with a NUL character must get the same
// answer on both stores: a 400 (HTTP) or an invalid_input error (library) naming the field, and
// nothing written.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { ValidationError } from '../../dist/index.js';
import { pgSkipReason } from '../support/postgres.js';
import { StorePlace } from '../support/test-store.js';
import { startHarness, type Harness } from './helpers.js';

const NUL = '\u0000';

for (const driver of ['sqlite', 'postgres'] as const) {
  describe(`NUL characters in input on ${driver}`, async () => {
    const skip = driver === 'postgres' ? await pgSkipReason() : undefined;
    const place = new StorePlace(`nul-${driver}`, driver);
    let harness: Harness | null = null;
    const start = async () => (harness ??= await startHarness({ store: place.store() }));
    after(async () => {
      await harness?.close();
      await place.cleanup();
    });

    const expectField = (reply: { status: number; body: { error?: { code: string; message: string; details: { field?: string } | null } } }, field: string) => {
      assert.equal(reply.status, 400, JSON.stringify(reply.body));
      assert.equal(reply.body.error?.code, 'invalid_input');
      assert.equal(reply.body.error?.details?.field, field);
      assert.ok(reply.body.error?.message.includes(field), reply.body.error?.message);
      assert.match(reply.body.error?.message ?? '', /NUL/);
    };

    test('HTTP list and stats filters answer 400 naming the filter', { skip }, async () => {
      const { call } = await start();
      expectField(await call('GET', '/api/jobs?tag=%00'), 'tag');
      expectField(await call('GET', `/api/jobs?tag=a%00b`), 'tag');
      expectField(await call('GET', '/api/stats/executions?tag=%00'), 'tag');
    });

    test('HTTP enqueue answers 400 naming the option and writes nothing', { skip }, async () => {
      const { call, engine } = await start();
      expectField(await call('POST', '/api/jobs', { body: { name: 'echo', options: { idempotencyKey: `k${NUL}` } } }), 'idempotencyKey');
      expectField(await call('POST', '/api/jobs', { body: { name: 'echo', options: { tags: ['ok', NUL] } } }), 'tags[1]');
      expectField(await call('POST', '/api/jobs', { body: { jobs: [{ name: 'echo' }, { name: 'echo', options: { tags: [NUL] } }] } }), 'tags[0]');
      assert.equal((await engine.listJobs({})).length, 0, 'nothing was enqueued');
      // the same text without the NUL is accepted
      assert.equal((await call('POST', '/api/jobs', { body: { name: 'echo', options: { idempotencyKey: 'k', tags: ['ok'] } } })).status, 201);
    });

    test('the library API throws invalid_input naming the field', { skip }, async () => {
      const { engine } = await start();
      const before = (await engine.listJobs({})).length;
      const rejects = (promise: Promise<unknown>, field: string) =>
        assert.rejects(promise, (error: unknown) => error instanceof ValidationError && error.code === 'invalid_input' && error.details?.field === field && error.message.includes(field));
      await rejects(engine.enqueue('echo', {}, { idempotencyKey: NUL }), 'idempotencyKey');
      await rejects(engine.enqueue('echo', {}, { tags: [`x${NUL}`] }), 'tags[0]');
      await rejects(engine.enqueueMany([{ name: 'echo', options: { tags: [NUL] } }]), 'tags[0]');
      await rejects(engine.listJobs({ tag: NUL }), 'tag');
      await rejects(engine.statsByName({ tag: NUL }), 'tag');
      assert.equal((await engine.listJobs({})).length, before, 'nothing was enqueued');
    });
  });
}
