import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { DEFAULT_COMPRESSION_THRESHOLD, compressStep, decodeCheckpoint, encodeCheckpoint, expandStep } from '../../dist/runtime/checkpoint-codec.js';
import type { StepRecord } from '../../dist/store/types.js';
import { assertInvalid } from './assert-error.js';

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');

test('the default threshold is 16 KiB', () => {
  assert.equal(DEFAULT_COMPRESSION_THRESHOLD, 16 * 1024);
});

test('small data is stored as JSON text and round-trips', () => {
  const data = { next: 42, done: [1, 2, 3], label: 'é✓' };
  const stored = encodeCheckpoint('step-3', data, DEFAULT_COMPRESSION_THRESHOLD);
  assert.equal(stored.token, 'step-3');
  assert.equal(stored.encoding, 'json');
  assert.equal(text(stored.data), JSON.stringify(data));
  assert.deepEqual(decodeCheckpoint(stored), { token: 'step-3', data });
});

test('undefined data is stored as null', () => {
  const stored = encodeCheckpoint('t', undefined, 1024);
  assert.equal(text(stored.data), 'null');
  assert.deepEqual(decodeCheckpoint(stored), { token: 't', data: null });
});

test('data over the threshold is gzip-compressed and round-trips', () => {
  const data = { rows: Array.from({ length: 2000 }, (_, i) => ({ i, name: `row-${i}` })) };
  const json = JSON.stringify(data);
  assert.ok(json.length > 16 * 1024);
  const stored = encodeCheckpoint('rows', data, DEFAULT_COMPRESSION_THRESHOLD);
  assert.equal(stored.encoding, 'gzip');
  assert.ok(stored.data.byteLength < json.length / 2, `compressed ${stored.data.byteLength} bytes of ${json.length}`);
  assert.equal(gunzipSync(stored.data).toString('utf8'), json);
  assert.deepEqual(decodeCheckpoint(stored), { token: 'rows', data });
});

test('the threshold is in bytes: at the threshold stays JSON, one byte over compresses', () => {
  const data = 'x'.repeat(98); // JSON "xxx..." is 100 bytes
  assert.equal(encodeCheckpoint('t', data, 100).encoding, 'json');
  assert.equal(encodeCheckpoint('t', data, 99).encoding, 'gzip');
  const multiByte = '€'.repeat(40); // 120 bytes of UTF-8 plus quotes, 42 characters
  assert.equal(encodeCheckpoint('t', multiByte, 100).encoding, 'gzip');
});

test('decoding accepts a plain Uint8Array, as stores return', () => {
  const data = { rows: 'y'.repeat(5000) };
  for (const threshold of [1_000_000, 100]) {
    const stored = encodeCheckpoint('t', data, threshold);
    const copy = { ...stored, data: new Uint8Array(stored.data) };
    assert.deepEqual(decodeCheckpoint(copy).data, data);
  }
});

test('a bad token is rejected', () => {
  const message = /^expected checkpoint token to be a non-empty string of at most 500 characters, got /;
  assertInvalid(() => encodeCheckpoint('', 1, 1024), message);
  assertInvalid(() => encodeCheckpoint('x'.repeat(501), 1, 1024), message);
  assertInvalid(() => encodeCheckpoint(7 as unknown as string, 1, 1024), message);
  assert.equal(encodeCheckpoint('x'.repeat(500), 1, 1024).token.length, 500);
});

test('data that is not JSON is rejected', () => {
  assertInvalid(() => encodeCheckpoint('t', () => 1, 1024), 'expected checkpoint data to be JSON-serializable, got [object Function]');
});

const record = (outputJson: string | null): StepRecord => ({
  stepId: 's', seq: 0, status: 'completed', outputJson, error: null, attempts: 1, startedAt: 1, finishedAt: 2, usage: null,
});

test('a step output above the threshold is stored gzipped and expands back to the same JSON', () => {
  const json = JSON.stringify({ rows: Array.from({ length: 500 }, (_, i) => ({ i, label: `row ${i} é✓` })) });
  const stored = compressStep(record(json), 1024);
  assert.equal(stored.outputJson, null);
  assert.ok(stored.outputGzip && stored.outputGzip.byteLength < Buffer.byteLength(json) / 4, 'compressed');
  assert.equal(gunzipSync(stored.outputGzip).toString('utf8'), json);
  const expanded = expandStep(stored);
  assert.equal(expanded.outputJson, json);
  assert.equal('outputGzip' in expanded, false);
});

test('a step output at or below the threshold (in UTF-8 bytes) is stored as it is', () => {
  const small = record(JSON.stringify('x'.repeat(98)));
  assert.equal(compressStep(small, 100), small);
  assert.equal(expandStep(small), small);
  assert.equal(compressStep(record(null), 0).outputJson, null);
  // 34 characters of JSON, 100 bytes of UTF-8: over a 99-byte threshold
  const multiByte = record(JSON.stringify('✓'.repeat(32) + 'ab'));
  assert.equal(Buffer.byteLength(multiByte.outputJson ?? ''), 100);
  assert.equal(compressStep(multiByte, 100).outputJson, multiByte.outputJson);
  assert.equal(compressStep(multiByte, 99).outputJson, null);
});
