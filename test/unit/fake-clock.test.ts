import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from '../../dist/testing/index.js';
import { assertInvalid } from './assert-error.js';

test('FakeClock.advance takes milliseconds, text durations and ISO 8601 durations', () => {
  const clock = new FakeClock(0);
  clock.advance(250);
  assert.equal(clock.now(), 250);
  clock.advance('5m');
  assert.equal(clock.now(), 250 + 300_000);
  clock.advance('1h30m');
  assert.equal(clock.now(), 250 + 300_000 + 5_400_000);
  clock.advance('PT1S');
  assert.equal(clock.now(), 250 + 300_000 + 5_400_000 + 1000);
});

test('FakeClock.advance rejects what is not a duration and leaves the time alone', () => {
  const clock = new FakeClock(1000);
  assertInvalid(() => clock.advance('soon'), 'expected advance to be a duration like 30s, 1m30s, 500ms or PT3H, got "soon"');
  assertInvalid(() => clock.advance(-5), 'expected advance to be a non-negative number of milliseconds, got -5');
  assert.equal(clock.now(), 1000);
});
