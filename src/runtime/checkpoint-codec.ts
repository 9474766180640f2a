import { gunzipSync, gzipSync } from 'node:zlib';
import { ValidationError, describeValue } from '../core/errors.js';
import type { StoredCheckpoint } from '../store/types.js';

/** Checkpoint data above this many bytes of JSON is gzip-compressed before it is stored. */
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
