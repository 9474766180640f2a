import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ConflictError,
  JobCancelledError,
  JobTimeoutError,
  NonRetryableError,
  NotFoundError,
  ShutdownError,
  SnoozeError,
  StoreError,
  TaskwrightError,
  ValidationError,
  describeValue,
} from '../../dist/core/errors.js';
import * as publicApi from '../../dist/index.js';

const cases: Array<[TaskwrightError, string, string]> = [
  [new ValidationError('bad'), 'ValidationError', 'invalid_input'],
  [new NotFoundError('missing'), 'NotFoundError', 'not_found'],
  [new ConflictError('nope'), 'ConflictError', 'conflict'],
  [new StoreError('disk'), 'StoreError', 'store_error'],
  [new NonRetryableError('give up'), 'NonRetryableError', 'non_retryable'],
  [new SnoozeError(5000), 'SnoozeError', 'snoozed'],
  [new JobTimeoutError(30_000), 'JobTimeoutError', 'timeout'],
  [new JobCancelledError('job-1'), 'JobCancelledError', 'cancelled'],
  [new ShutdownError(), 'ShutdownError', 'shutdown'],
];

test('every error has a stable code, its class name and the base class', () => {
  for (const [error, name, code] of cases) {
    assert.ok(error instanceof Error, name);
    assert.ok(error instanceof TaskwrightError, name);
    assert.equal(error.name, name);
    assert.equal(error.code, code, name);
    assert.ok(typeof error.stack === 'string' && error.stack.includes(name), `${name} has a stack naming it`);
  }
  assert.equal(new Set(cases.map(([, , code]) => code)).size, cases.length, 'codes are unique');
});

test('the base class carries any code and optional details', () => {
  const error = new TaskwrightError('custom', 'message', { a: 1 });
  assert.equal(error.code, 'custom');
  assert.equal(error.message, 'message');
  assert.deepEqual(error.details, { a: 1 });
  assert.equal(new ValidationError('x').details, undefined);
  assert.deepEqual(new ValidationError('x', { field: 'queue' }).details, { field: 'queue' });
});

test('control-flow and signal errors carry what the runtime needs', () => {
  const snooze = new SnoozeError(2500);
  assert.equal(snooze.delayMs, 2500);
  assert.equal(snooze.message, 'snoozed for 2500ms');
  assert.deepEqual(snooze.details, { delayMs: 2500 });
  assert.equal(new SnoozeError(10, 'rate limited').message, 'rate limited');
  assert.equal(new JobTimeoutError(30_000).message, 'job exceeded its timeout of 30000ms');
  assert.deepEqual(new JobTimeoutError(30_000).details, { timeoutMs: 30_000 });
  assert.equal(new JobCancelledError('job-9').message, 'job job-9 was cancelled');
});

test('the package root exports the error classes users throw and catch', () => {
  for (const name of ['TaskwrightError', 'ValidationError', 'NotFoundError', 'ConflictError', 'NonRetryableError', 'SnoozeError'] as const) {
    assert.equal(typeof publicApi[name], 'function', name);
  }
  assert.equal(publicApi.SnoozeError, SnoozeError, 'one class, not a copy');
});

test('describeValue: short, quoted, never throws', () => {
  assert.equal(describeValue('abc'), '"abc"');
  assert.equal(describeValue(''), '""');
  assert.equal(describeValue(undefined), 'undefined');
  assert.equal(describeValue(null), 'null');
  assert.equal(describeValue(0), '0');
  assert.equal(describeValue(Number.NaN), 'NaN');
  assert.equal(describeValue(false), 'false');
  assert.equal(describeValue({ a: [1, 2] }), '{"a":[1,2]}');
  const long = describeValue({ text: 'x'.repeat(200) });
  assert.equal(long.length, 80);
  assert.ok(long.endsWith('...'));
  assert.equal(describeValue(10n), '[object BigInt]');
  const circular: Record<string, unknown> = {};
  circular.self = circular;
  assert.equal(describeValue(circular), '[object Object]');
  assert.equal(describeValue(() => 1), '[object Function]');
});
