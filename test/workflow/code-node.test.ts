import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Taskwright, dagFromJson, runCodeInSandbox } from '../../dist/index.js';
import { StorePlace } from '../support/test-store.js';

test('runs user code on its input, async included', async () => {
  assert.equal(await runCodeInSandbox('return input.a + input.b', { a: 2, b: 3 }), 5);
  await assert.rejects(runCodeInSandbox('await new Promise((r) => setTimeout(r, 10))', null), /code node failed: setTimeout is not defined/);
  assert.deepEqual(await runCodeInSandbox('await null; return { doubled: input.map((x) => x * 2) }', [1, 2]), { doubled: [2, 4] });
});

test('an infinite loop is killed at the time limit', async () => {
  const started = Date.now();
  await assert.rejects(runCodeInSandbox('while (true) {}', null, { timeoutMs: 200 }), (error: Error & { code?: string; details?: { reason?: string } }) => {
    assert.equal(error.code, 'sandbox_error');
    assert.equal(error.details?.reason, 'timeout');
    assert.match(error.message, /exceeded its time limit of 200ms/);
    return true;
  });
  assert.ok(Date.now() - started < 2000, 'killed promptly');
});

test('a memory bomb is killed at the memory limit and the host survives', async () => {
  await assert.rejects(
    runCodeInSandbox('const hoard = []; while (true) hoard.push("x".repeat(1024) + hoard.length);', null, { memoryMb: 32, timeoutMs: 20_000 }),
    (error: Error & { details?: { reason?: string } }) => {
      assert.equal(error.details?.reason, 'memory');
      assert.match(error.message, /exceeded its memory limit of 32 MB/);
      return true;
    },
  );
  assert.equal(await runCodeInSandbox('return 1', null), 1, 'the host still runs code afterwards');
});

test('the code cannot reach the host: no process, env, require or dynamic import', async () => {
  assert.equal(await runCodeInSandbox('return typeof process', null), 'undefined');
  assert.equal(await runCodeInSandbox('return typeof require', null), 'undefined');
  await assert.rejects(runCodeInSandbox('return process.env.HOME', null), /process is not defined/);
  await assert.rejects(runCodeInSandbox('const fs = await import("node:fs"); return typeof fs', null), /code node failed/);
  await assert.rejects(runCodeInSandbox('return this.constructor.constructor("return process")().env', null), /code node failed/);
  await assert.rejects(runCodeInSandbox('return input.constructor.constructor("return process")()', {}), /code node failed/);
  await assert.rejects(runCodeInSandbox('return console.log.constructor("return process")()', null), /code node failed/);
  await assert.rejects(runCodeInSandbox('throw new Error("user says no")', null), /code node failed: user says no/);
  assert.throws(() => runCodeInSandbox('', null), /expected code to be a non-empty string/);
  assert.throws(() => runCodeInSandbox('return 1', null, { timeoutMs: 0 }), /expected timeoutMs to be a positive integer, got 0/);
});

test('a code node in a JSON DAG computes from its parents', async () => {
  const place = new StorePlace('wf-code');
  const tw = new Taskwright({ store: place.store() });
  tw.register(dagFromJson({
    name: 'scored',
    nodes: [
      { id: 'pick', type: 'transform', config: { map: { values: 'input.values' } } },
      { id: 'sum', type: 'code', dependsOn: ['pick'], config: { source: 'return input.parents.pick.values.reduce((a, b) => a + b, 0)', timeoutMs: 2000 } },
    ],
  }));
  const { id } = await tw.enqueue('scored', { values: [1, 2, 3, 4] });
  await tw.drain({ timeout: '10s' });
  assert.equal(((await tw.getJob(id)).result as { outputs: { sum: number } }).outputs.sum, 10);
  await tw.close();
  await place.cleanup();
});

test('a cancelled run stops its code node at once: the thread is terminated on abort', async () => {
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error('run cancelled')), 100);
  const started = Date.now();
  await assert.rejects(runCodeInSandbox('while (true) {}', null, { timeoutMs: 20_000 }, controller.signal), /run cancelled/);
  assert.ok(Date.now() - started < 15_000, 'stopped by the abort, not by the time limit');
});
