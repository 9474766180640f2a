import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_BACKOFF } from '../../dist/core/backoff.js';
import { compileJobOptions, type EnqueueOptions } from '../../dist/core/options.js';
import { assertInvalid } from './assert-error.js';

const NOW = 1_700_000_000_000;
const compile = (options?: EnqueueOptions, payload: unknown = { n: 1 }) => compileJobOptions('email.send', payload, options, NOW);

test('fills every default', () => {
  assert.deepEqual(compile(), {
    queue: 'default',
    name: 'email.send',
    payloadJson: '{"n":1}',
    priority: 0,
    runAt: NOW,
    maxAttempts: 3,
    backoff: DEFAULT_BACKOFF,
    timeoutMs: null,
    idempotencyKey: null,
    idempotencyTtlMs: 86_400_000,
    tags: [],
    deadLetter: true,
    budgetJson: null,
    priorityLeadMs: 0,
    groupKey: null,
    concurrencyKey: null,
    rateKey: null,
    breakerKey: null,
    requiredTags: [],
  });
  assert.deepEqual(compile({}), compile(undefined));
});

test('keeps the options it is given', () => {
  const job = compile({
    queue: 'mail:high',
    priority: -5,
    attempts: 1,
    timeout: '30s',
    idempotencyKey: 'order-7',
    idempotencyTtl: '1h',
    tags: ['a', 'b'],
    deadLetter: false,
  });
  assert.equal(job.queue, 'mail:high');
  assert.equal(job.priority, -5);
  assert.equal(job.maxAttempts, 1);
  assert.equal(job.timeoutMs, 30_000);
  assert.equal(job.idempotencyKey, 'order-7');
  assert.equal(job.idempotencyTtlMs, 3_600_000);
  assert.deepEqual(job.tags, ['a', 'b']);
  assert.equal(job.deadLetter, false);
});

test('payload is stored as JSON; undefined becomes null', () => {
  assert.equal(compileJobOptions('email.send', undefined, undefined, NOW).payloadJson, 'null');
  assert.equal(compile(undefined, null).payloadJson, 'null');
  assert.equal(compile(undefined, 'text').payloadJson, '"text"');
  assert.equal(compile(undefined, [1, { a: null }]).payloadJson, '[1,{"a":null}]');
});

test('delay runs the job later than now; runAt sets the time', () => {
  assert.equal(compile({ delay: '5s' }).runAt, NOW + 5000);
  assert.equal(compile({ delay: 250 }).runAt, NOW + 250);
  assert.equal(compile({ runAt: NOW + 60_000 }).runAt, NOW + 60_000);
  assert.equal(compile({ runAt: new Date(NOW + 1000) }).runAt, NOW + 1000);
  assert.equal(compile({ runAt: '2030-01-01T00:00:00.000Z' }).runAt, Date.UTC(2030, 0, 1));
});

test('delay and runAt together are rejected', () => {
  assertInvalid(() => compile({ delay: '5s', runAt: NOW }), 'expected either delay or runAt, got both');
});

test('an unknown option is rejected by name', () => {
  assertInvalid(() => compile({ attempt: 3 } as EnqueueOptions), /^unknown option "attempt" in enqueue options; expected one of: .*\battempts\b/);
  assertInvalid(() => compile({ retries: 1, queue: 'q' } as EnqueueOptions), /unknown option "retries"/);
});

test('attempts must be a positive integer', () => {
  for (const attempts of [0, -1, 1.5]) {
    assertInvalid(() => compile({ attempts }), new RegExp(`^expected attempts to be a positive integer.*, got ${String(attempts).replace('.', '\\.')}$`));
  }
  assertInvalid(() => compile({ attempts: '3' as unknown as number }), /^expected attempts to be a positive integer.*, got "3"$/);
});

test('queue names are validated', () => {
  for (const queue of ['bad queue', '', 'x'.repeat(201), 'a/b']) {
    assertInvalid(() => compile({ queue }), /^expected queue to be a name of letters, digits, _ \. : or - .*, got /);
  }
  assert.equal(compile({ queue: 'a_b.c:d-1' }).queue, 'a_b.c:d-1');
});

test('other fields are validated with the field name in the message', () => {
  assertInvalid(() => compile({ priority: 1.5 }), /^expected priority to be an integer .*, got 1\.5$/);
  assertInvalid(() => compile({ deadLetter: 'yes' as unknown as boolean }), 'expected deadLetter to be a boolean, got "yes"');
  assertInvalid(() => compile({ delay: '5 parsecs' }), 'expected delay to be a duration like 30s, 1m30s, 500ms or PT3H, got "5 parsecs"');
  assertInvalid(() => compile({ delay: -5 }), 'expected delay to be a non-negative number of milliseconds, got -5');
  assertInvalid(() => compile({ runAt: 'tomorrow' }), /^expected runAt to be a Date, epoch milliseconds or an ISO date, got "tomorrow"$/);
  assertInvalid(() => compile({ timeout: 0 }), 'expected timeout to be a positive duration, got 0');
  assertInvalid(() => compile({ timeout: '0s' }), 'expected timeout to be a positive duration, got 0');
  assertInvalid(() => compile({ idempotencyTtl: 'forever' }), /^expected idempotencyTtl to be a duration/);
  assertInvalid(() => compile({ tags: [''] }), /^expected tags\.0 to be /);
});

test('job names are validated', () => {
  assertInvalid(() => compileJobOptions('has space', null, {}, NOW), /^expected job name to be .*, got "has space"$/);
  assertInvalid(() => compileJobOptions('', null, {}, NOW), /^expected job name to be .*, got ""$/);
  assert.equal(compileJobOptions('reports/daily.build:v2', null, {}, NOW).name, 'reports/daily.build:v2');
});

test('backoff: a duration sets the base, an object sets the policy', () => {
  assert.deepEqual(compile({ backoff: '5s' }).backoff, { ...DEFAULT_BACKOFF, baseMs: 5000 });
  assert.deepEqual(compile({ backoff: { base: '2s', max: '1m', multiplier: 3, jitter: 0 } }).backoff, {
    baseMs: 2000,
    maxMs: 60_000,
    multiplier: 3,
    jitter: 0,
  });
  assert.deepEqual(compile({ backoff: { multiplier: 1.5 } }).backoff, { ...DEFAULT_BACKOFF, multiplier: 1.5 });
});

test('backoff: bad objects are rejected', () => {
  assertInvalid(() => compile({ backoff: { base: '1s', factor: 2 } as never }), /unknown option "factor"/);
  assertInvalid(() => compile({ backoff: { multiplier: 0.5 } }), /^expected backoff\.multiplier to be .*, got 0\.5$/);
  assertInvalid(() => compile({ backoff: { jitter: 2 } }), /^expected backoff\.jitter to be .*, got 2$/);
  assertInvalid(() => compile({ backoff: { base: '5 parsecs' } }), 'expected backoff.base to be a duration like 30s, 1m30s, 500ms or PT3H, got "5 parsecs"');
  assertInvalid(() => compile({ backoff: { base: '10s', max: '1s' } }), 'expected backoff.max to be at least backoff.base (10000ms), got 1000ms');
  assertInvalid(() => compile({ backoff: 'abc' }), /^expected backoff to be a duration/);
});

test('backoff: a base above the default cap raises the cap', () => {
  const policy = compile({ backoff: '2h' }).backoff;
  assert.ok(policy.maxMs >= policy.baseMs, `maxMs ${policy.maxMs} < baseMs ${policy.baseMs}`);
});

test('a payload that is not JSON is rejected', () => {
  assertInvalid(() => compile(undefined, () => 1), 'expected payload to be JSON-serializable, got [object Function]');
  assertInvalid(() => compile(undefined, Symbol('s')), /^expected payload to be JSON-serializable/);
});

test('a BigInt payload is rejected with a ValidationError', () => {
  assertInvalid(() => compile(undefined, { amount: 10n }), /^expected payload to be JSON-serializable, got /);
});

test('a BigInt payload is rejected', () => {
  assert.throws(() => compile(undefined, { amount: 10n }), /BigInt/);
});

test('a circular payload is rejected with a ValidationError', () => {
  const payload: Record<string, unknown> = {};
  payload.self = payload;
  assertInvalid(() => compile(undefined, payload), /^expected payload to be JSON-serializable/);
});
