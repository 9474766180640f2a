import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration, parseDuration } from '../../dist/core/duration.js';
import { assertInvalid } from './assert-error.js';

test('parses text durations into milliseconds', () => {
  const cases: Array<[string, number]> = [
    ['500ms', 500],
    ['5s', 5000],
    ['1m30s', 90_000],
    ['2h', 7_200_000],
    ['7d', 604_800_000],
    ['1w', 604_800_000],
    ['10sec', 10_000],
    ['3min', 180_000],
    ['1h30m15s250ms', 5_415_250],
    ['1.5s', 1500],
    [' 5s ', 5000],
    ['0s', 0],
  ];
  for (const [text, ms] of cases) assert.equal(parseDuration(text), ms, text);
});

test('numbers and digit-only strings are milliseconds', () => {
  assert.equal(parseDuration(0), 0);
  assert.equal(parseDuration(1500), 1500);
  assert.equal(parseDuration(1.6), 2, 'rounded to whole milliseconds');
  assert.equal(parseDuration('1500'), 1500);
});

test('rejects text that is not a duration, naming the field and the value', () => {
  const shape = (got: string) => `expected timeout to be a duration like 30s, 1m30s, 500ms or PT3H, got ${got}`;
  assertInvalid(() => parseDuration('5 parsecs', 'timeout'), shape('"5 parsecs"'));
  assertInvalid(() => parseDuration('', 'timeout'), shape('""'));
  assertInvalid(() => parseDuration('abc', 'timeout'), shape('"abc"'));
  assertInvalid(() => parseDuration('5s trailing', 'timeout'), shape('"5s trailing"'));
  assertInvalid(() => parseDuration('1e3', 'timeout'), shape('"1e3"'));
  assertInvalid(() => parseDuration('-5s', 'timeout'), shape('"-5s"'));
});

test('rejects negative and non-finite numbers', () => {
  const shape = (got: string) => `expected timeout to be a non-negative number of milliseconds, got ${got}`;
  assertInvalid(() => parseDuration(-1, 'timeout'), shape('-1'));
  assertInvalid(() => parseDuration(Number.NaN, 'timeout'), shape('NaN'));
  assertInvalid(() => parseDuration(Number.POSITIVE_INFINITY, 'timeout'), shape('Infinity'));
});

test('rejects values that are neither numbers nor strings', () => {
  assertInvalid(() => parseDuration({} as never, 'timeout'), /^expected timeout to be a duration like 30s.* or 500ms, got \{\}$/);
  assertInvalid(() => parseDuration(null as never, 'lease'), /^expected lease to be a duration like .*, got null$/);
});

test('without a field name the message says "duration"', () => {
  assertInvalid(() => parseDuration('soon'), 'expected duration to be a duration like 30s, 1m30s, 500ms or PT3H, got "soon"');
});

test('the parser keeps no state between calls', () => {
  assertInvalid(() => parseDuration('5x'), /got "5x"$/);
  assert.equal(parseDuration('5s'), 5000);
  assert.equal(parseDuration('5s'), 5000);
});

test('formatDuration picks a readable unit', () => {
  assert.equal(formatDuration(250), '250ms');
  assert.equal(formatDuration(1500), '1.5s');
  assert.equal(formatDuration(90_000), '1.5m');
  assert.equal(formatDuration(7_200_000), '2h');
});

test('parses ISO 8601 durations of fixed length', () => {
  const cases: Array<[string, number]> = [
    ['PT3H', 10_800_000],
    ['PT90M', 5_400_000],
    ['PT0.5S', 500],
    ['P1D', 86_400_000],
    ['P1DT12H', 129_600_000],
    ['P2W', 1_209_600_000],
    ['pt1h30m15s', 5_415_000],
    ['PT1.5H', 5_400_000],
  ];
  for (const [text, ms] of cases) assert.equal(parseDuration(text), ms, text);
});

test('rejects ISO 8601 durations that are malformed or of calendar length, naming the value', () => {
  const shape = (got: string) => `expected timeout to be a duration like 30s, 1m30s, 500ms or PT3H, got ${got}`;
  assertInvalid(() => parseDuration('P', 'timeout'), shape('"P"'));
  assertInvalid(() => parseDuration('PT', 'timeout'), shape('"PT"'));
  assertInvalid(() => parseDuration('P1DT', 'timeout'), shape('"P1DT"'));
  assertInvalid(() => parseDuration('PT5X', 'timeout'), shape('"PT5X"'));
  assertInvalid(() => parseDuration('PT1S3H', 'timeout'), shape('"PT1S3H"'));
  const calendar = (got: string) =>
    `expected timeout to be a duration of fixed length (weeks, days, hours, minutes, seconds), got ${got}: years and months vary in length`;
  assertInvalid(() => parseDuration('P1Y', 'timeout'), calendar('"P1Y"'));
  assertInvalid(() => parseDuration('P2M', 'timeout'), calendar('"P2M"'));
});
