import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelay } from '../../dist/core/backoff.js';
import { NonRetryableError, SnoozeError, ValidationError } from '../../dist/core/errors.js';
import { outcomeForError, toJobError } from '../../dist/runtime/outcome.js';
import type { ClaimedJob } from '../../dist/store/types.js';

const NOW = 1_700_000_000_000;

function claimed(overrides: Partial<ClaimedJob> = {}): ClaimedJob {
  return {
    id: 'job-1',
    queue: 'default',
    name: 'work',
    payloadJson: 'null',
    attempt: 1,
    maxAttempts: 3,
    backoff: { baseMs: 1000, maxMs: 60_000, multiplier: 2, jitter: 0 },
    timeoutMs: null,
    deadLetter: true,
    tags: [],
    createdAt: NOW - 1000,
    checkpoint: null,
    budget: null,
    ...overrides,
  };
}

test('a snooze does not spend an attempt: snoozed until now + delay, even on the last attempt', () => {
  assert.deepEqual(outcomeForError(claimed(), new SnoozeError(5000), NOW), { type: 'snoozed', runAt: NOW + 5000, reason: 'snoozed for 5000ms' });
  assert.deepEqual(outcomeForError(claimed({ attempt: 3, maxAttempts: 3 }), new SnoozeError(250), NOW), { type: 'snoozed', runAt: NOW + 250, reason: 'snoozed for 250ms' });
});

test('a snooze from another copy of the package is recognised by its code', () => {
  assert.deepEqual(outcomeForError(claimed(), { code: 'snoozed', delayMs: 200 }, NOW), { type: 'snoozed', runAt: NOW + 200 });
});

test('a non-retryable error goes to the dead-letter queue, or fails when deadLetter is false', () => {
  const error = new NonRetryableError('bad card');
  const dead = outcomeForError(claimed(), error, NOW);
  assert.equal(dead.type, 'dead');
  assert.ok(dead.type === 'dead');
  assert.equal(dead.error.message, 'bad card');
  assert.equal(dead.error.code, 'non_retryable');
  assert.equal(dead.error.name, 'NonRetryableError');
  assert.equal(dead.error.attempt, 1);
  assert.equal(dead.error.at, NOW);
  assert.equal(outcomeForError(claimed({ deadLetter: false }), error, NOW).type, 'failed');
});

test('the last attempt ends dead, or failed when deadLetter is false', () => {
  const error = new Error('boom');
  assert.equal(outcomeForError(claimed({ attempt: 3, maxAttempts: 3 }), error, NOW).type, 'dead');
  assert.equal(outcomeForError(claimed({ attempt: 3, maxAttempts: 3, deadLetter: false }), error, NOW).type, 'failed');
  assert.equal(outcomeForError(claimed({ attempt: 1, maxAttempts: 1 }), error, NOW).type, 'dead');
  assert.equal(outcomeForError(claimed({ attempt: 4, maxAttempts: 3 }), error, NOW).type, 'dead', 'past the last attempt too');
});

test('otherwise the job retries at now + backoff for the failed attempt', () => {
  const error = new Error('flaky');
  const first = outcomeForError(claimed({ attempt: 1 }), error, NOW);
  assert.deepEqual(first, { type: 'retry', runAt: NOW + 1000, error: toJobError(error, 1, NOW) });
  const second = outcomeForError(claimed({ attempt: 2 }), error, NOW);
  assert.equal(second.type, 'retry');
  assert.ok(second.type === 'retry');
  assert.equal(second.runAt, NOW + 2000);
  assert.equal(second.error.attempt, 2);
});

test('retry jitter uses the injected random', () => {
  const job = claimed({ attempt: 2, maxAttempts: 5, backoff: { baseMs: 1000, maxMs: 60_000, multiplier: 2, jitter: 0.5 } });
  const low = outcomeForError(job, new Error('x'), NOW, () => 0);
  const high = outcomeForError(job, new Error('x'), NOW, () => 0.999);
  assert.ok(low.type === 'retry' && high.type === 'retry');
  assert.equal(low.runAt, NOW + 2000);
  assert.equal(high.runAt, NOW + backoffDelay(job.backoff, 2, () => 0.999));
  assert.equal(high.runAt, NOW + 2999);
});

test('other Taskwright errors retry and keep their code', () => {
  const outcome = outcomeForError(claimed(), new ValidationError('bad input'), NOW);
  assert.ok(outcome.type === 'retry');
  assert.equal(outcome.error.code, 'invalid_input');
});

test('thrown non-errors are recorded as text', () => {
  assert.deepEqual(toJobError('plain text', 2, NOW), { message: 'plain text', attempt: 2, at: NOW });
  assert.deepEqual(toJobError({ reason: 'x' }, 1, NOW), { message: '{"reason":"x"}', attempt: 1, at: NOW });
  assert.deepEqual(toJobError(undefined, 1, NOW), { message: 'undefined', attempt: 1, at: NOW });
  const outcome = outcomeForError(claimed(), 'plain text', NOW);
  assert.ok(outcome.type === 'retry');
  assert.equal(outcome.error.message, 'plain text');
});

test('a thrown value JSON cannot encode still yields an outcome', () => {
  const circular: Record<string, unknown> = {};
  circular.self = circular;
  for (const thrown of [10n, { amount: 10n }, circular]) {
    const outcome = outcomeForError(claimed(), thrown, NOW);
    assert.equal(outcome.type, 'retry');
  }
});
