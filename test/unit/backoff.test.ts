import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_BACKOFF, backoffDelay, type BackoffPolicy } from '../../dist/core/backoff.js';

const noJitter: BackoffPolicy = { baseMs: 1000, maxMs: 60_000, multiplier: 2, jitter: 0 };
const neverCalled = (): number => {
  throw new Error('random() must not be called when jitter is 0');
};

test('attempt 1 waits exactly the base delay', () => {
  assert.equal(backoffDelay(noJitter, 1, neverCalled), 1000);
  assert.equal(backoffDelay({ ...noJitter, baseMs: 250 }, 1, neverCalled), 250);
});

test('the delay grows as base * multiplier^(attempt-1)', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5].map((attempt) => backoffDelay(noJitter, attempt, neverCalled)),
    [1000, 2000, 4000, 8000, 16_000],
  );
  const triple = { ...noJitter, multiplier: 3 };
  assert.deepEqual(
    [1, 2, 3, 4].map((attempt) => backoffDelay(triple, attempt, neverCalled)),
    [1000, 3000, 9000, 27_000],
  );
  assert.equal(backoffDelay({ ...noJitter, multiplier: 1 }, 7, neverCalled), 1000, 'multiplier 1 is a constant delay');
});

test('the delay is capped at maxMs, even when the exponent overflows', () => {
  assert.equal(backoffDelay(noJitter, 6, neverCalled), 32_000);
  assert.equal(backoffDelay(noJitter, 7, neverCalled), 60_000, 'min(64000, 60000)');
  assert.equal(backoffDelay(noJitter, 50, neverCalled), 60_000);
  assert.equal(backoffDelay(noJitter, 5000, neverCalled), 60_000, '2^4999 is Infinity, still capped');
});

test('attempts below 1 are treated as the first attempt', () => {
  assert.equal(backoffDelay(noJitter, 0, neverCalled), 1000);
  assert.equal(backoffDelay(noJitter, -3, neverCalled), 1000);
});

test('jitter adds between 0 and jitter * delay, using the injected random', () => {
  const policy: BackoffPolicy = { baseMs: 1000, maxMs: 60_000, multiplier: 2, jitter: 0.5 };
  assert.equal(backoffDelay(policy, 1, () => 0), 1000, 'random 0 adds nothing');
  assert.equal(backoffDelay(policy, 1, () => 0.999), Math.round(1000 + 1000 * 0.5 * 0.999));
  assert.equal(backoffDelay(policy, 3, () => 0.999), Math.round(4000 + 4000 * 0.5 * 0.999));
  // at the cap, jitter is a fraction of the capped delay
  assert.equal(backoffDelay(policy, 20, () => 0), 60_000);
  assert.equal(backoffDelay(policy, 20, () => 0.999), Math.round(60_000 * (1 + 0.5 * 0.999)));
  let calls = 0;
  backoffDelay(policy, 2, () => {
    calls++;
    return 0.5;
  });
  assert.equal(calls, 1);
});

test('with the default random, every delay stays within [delay, delay * (1 + jitter)] and is an integer', () => {
  const policy: BackoffPolicy = { baseMs: 100, maxMs: 10_000, multiplier: 2, jitter: 0.25 };
  for (let i = 0; i < 500; i++) {
    const attempt = 1 + (i % 10);
    const expected = Math.min(100 * 2 ** (attempt - 1), 10_000);
    const delay = backoffDelay(policy, attempt);
    assert.ok(Number.isInteger(delay), `integer delay, got ${delay}`);
    assert.ok(delay >= expected && delay <= Math.round(expected * 1.25), `attempt ${attempt}: ${delay} outside [${expected}, ${expected * 1.25}]`);
  }
});

test('the default policy: 1s base doubling up to 1h with 10% jitter', () => {
  assert.deepEqual(DEFAULT_BACKOFF, { baseMs: 1000, maxMs: 3_600_000, multiplier: 2, jitter: 0.1 });
  assert.equal(backoffDelay(DEFAULT_BACKOFF, 1, () => 0), 1000);
  assert.equal(backoffDelay(DEFAULT_BACKOFF, 13, () => 0), 3_600_000);
});
