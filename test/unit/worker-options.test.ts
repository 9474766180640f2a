import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileWorkerOptions, type WorkerOptions } from '../../dist/runtime/worker-options.js';
import { assertInvalid } from './assert-error.js';

test('fills every default', () => {
  const defaults = {
    concurrency: 10,
    queues: ['default'],
    leaseMs: 30_000,
    heartbeatMs: 10_000,
    graceMs: 10_000,
    pollMs: 1000,
    cancelPollMs: 500,
    rescueMs: 5000,
    handleSignals: false,
    tags: [],
    autoscale: null,
    schedules: true,
    prefetch: null,
  };
  assert.deepEqual(compileWorkerOptions(), defaults);
  assert.deepEqual(compileWorkerOptions({}), defaults);
});

test('compiles durations and keeps given values', () => {
  assert.deepEqual(
    compileWorkerOptions({
      concurrency: 4,
      queues: ['a', 'b:c'],
      lease: '1m',
      heartbeat: '15s',
      grace: 0,
      pollInterval: '250ms',
      cancelPollInterval: 100,
      rescueInterval: '2s',
      handleSignals: true,
      schedules: false,
      prefetch: 0,
    }),
    {
      concurrency: 4,
      queues: ['a', 'b:c'],
      leaseMs: 60_000,
      heartbeatMs: 15_000,
      graceMs: 0,
      pollMs: 250,
      cancelPollMs: 100,
      rescueMs: 2000,
      handleSignals: true,
      tags: [],
      autoscale: null,
      schedules: false,
      prefetch: 0,
    },
  );
});

test('concurrency must be a positive integer', () => {
  assertInvalid(() => compileWorkerOptions({ concurrency: 0 }), /^expected concurrency to be a positive integer.*, got 0$/);
  assertInvalid(() => compileWorkerOptions({ concurrency: -2 }), /^expected concurrency to be a positive integer.*, got -2$/);
  assertInvalid(() => compileWorkerOptions({ concurrency: 1.5 }), /^expected concurrency to be a positive integer.*, got 1\.5$/);
});

test('the heartbeat must be shorter than the lease', () => {
  assertInvalid(
    () => compileWorkerOptions({ lease: '10s', heartbeat: '10s' }),
    'expected heartbeat to be at least 10ms and shorter than the lease (10000ms), got 10000ms',
  );
  assertInvalid(() => compileWorkerOptions({ heartbeat: '1m' }), /^expected heartbeat to be .*shorter than the lease \(30000ms\), got 60000ms$/);
  assertInvalid(() => compileWorkerOptions({ heartbeat: 5 }), /^expected heartbeat to be at least 10ms/);
  assert.equal(compileWorkerOptions({ lease: '10s', heartbeat: '9999ms' }).heartbeatMs, 9999);
});

test('bad durations are rejected by field name', () => {
  assertInvalid(() => compileWorkerOptions({ lease: 'abc' }), 'expected lease to be a duration like 30s, 1m30s, 500ms or PT3H, got "abc"');
  assertInvalid(() => compileWorkerOptions({ heartbeat: '5 parsecs' }), 'expected heartbeat to be a duration like 30s, 1m30s, 500ms or PT3H, got "5 parsecs"');
  assertInvalid(() => compileWorkerOptions({ grace: -1 }), 'expected grace to be a non-negative number of milliseconds, got -1');
  assertInvalid(() => compileWorkerOptions({ lease: '50ms', heartbeat: '20ms' }), 'expected lease to be at least 100ms, got 50ms');
  assertInvalid(() => compileWorkerOptions({ pollInterval: 0 }), 'expected pollInterval to be at least 1ms, got 0ms');
  assertInvalid(() => compileWorkerOptions({ rescueInterval: '0s' }), 'expected rescueInterval to be at least 1ms, got 0ms');
});

test('queues and unknown options are validated', () => {
  assertInvalid(() => compileWorkerOptions({ queues: [] }), 'expected queues to be a non-empty array of queue names, got []');
  assertInvalid(() => compileWorkerOptions({ queues: ['bad queue'] }), /^expected queues\.0 to be /);
  assertInvalid(() => compileWorkerOptions({ concurency: 5 } as WorkerOptions), /^unknown option "concurency" in worker options; expected one of: concurrency, /);
  assertInvalid(() => compileWorkerOptions({ handleSignals: 'yes' as unknown as boolean }), 'expected handleSignals to be a boolean, got "yes"');
});

test('prefetch must be an integer from 0 to 100000', () => {
  assert.equal(compileWorkerOptions({ prefetch: 250 }).prefetch, 250);
  assertInvalid(() => compileWorkerOptions({ prefetch: -1 }), 'expected prefetch to be an integer from 0 to 100000, got -1');
  assertInvalid(() => compileWorkerOptions({ prefetch: 2.5 }), 'expected prefetch to be an integer from 0 to 100000, got 2.5');
  assertInvalid(() => compileWorkerOptions({ prefetch: '8' as unknown as number }), 'expected prefetch to be an integer from 0 to 100000, got "8"');
});
