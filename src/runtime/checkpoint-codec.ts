import { gunzipSync, gzipSync } from 'node:zlib';
import { ValidationError, describeValue } from '../core/errors.js';
import type { StepRecord, StoredCheckpoint } from '../store/types.js';

/**
 * Journal data (a checkpoint's data, a step's output) above this many bytes of JSON is
 * gzip-compressed before it is stored.
 */
export const DEFAULT_COMPRESSION_THRESHOLD = 16 * 1024;

export function encodeCheckpoint(token: string, data: unknown, thresholdBytes: number): StoredCheckpoint {
  if (typeof token !== 'string' || token.length === 0 || token.length > 500) {
    throw new ValidationError(`expected checkpoint token to be a non-empty string of at most 500 characters, got ${describeValue(token)}`);
  }
  const json = JSON.stringify(data === undefined ? null : data);
  if (json === undefined) throw new ValidationError(`expected checkpoint data to be JSON-serializable, got ${describeValue(data)}`);
  const raw = Buffer.from(json, 'utf8');
  if (raw.byteLength > thresholdBytes) return { token, data: gzipSync(raw), encoding: 'gzip' };
  return { token, data: raw, encoding: 'json' };
}

export function decodeCheckpoint(stored: StoredCheckpoint): { token: string; data: unknown } {
  const bytes = stored.encoding === 'gzip' ? gunzipSync(stored.data) : Buffer.from(stored.data);
  return { token: stored.token, data: JSON.parse(bytes.toString('utf8')) as unknown };
}

/** The step as the journal stores it: an output above the threshold moves to `outputGzip`. */
export function compressStep(step: StepRecord, thresholdBytes: number): StepRecord {
  const json = step.outputJson;
  // a UTF-16 length of at most a third of the threshold cannot exceed it in UTF-8 bytes
  if (json === null || json.length * 3 <= thresholdBytes) return step;
  const raw = Buffer.from(json, 'utf8');
  if (raw.byteLength <= thresholdBytes) return step;
  return { ...step, outputJson: null, outputGzip: gzipSync(raw) };
}

/** The step as workflows read it: a compressed output is expanded back to `outputJson`. */
export function expandStep(step: StepRecord): StepRecord {
  if (!step.outputGzip) return step;
  const { outputGzip, ...rest } = step;
  return { ...rest, outputJson: gunzipSync(outputGzip).toString('utf8') };
}
