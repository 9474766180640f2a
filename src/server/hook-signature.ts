import { createHmac, timingSafeEqual } from 'node:crypto';
import { HttpError } from './http-error.js';

// The webhook signature: `Taskwright-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>` over
// `<t>.<event id>.<raw body>` (the event id from `Taskwright-Event-Id`, or empty), keyed with the
// hook's secret. The timestamp bounds how long a captured request can be replayed; within that
// window the event id (or, without one, the signature itself) makes a replay start nothing new.

export const SIGNATURE_HEADER = 'taskwright-signature';
export const EVENT_ID_HEADER = 'taskwright-event-id';

/** The `Taskwright-Signature` value for a request: what a sender computes. */
export function signHook(secret: string, body: string | Buffer, options: { timestamp?: number; eventId?: string } = {}): string {
  const t = options.timestamp ?? Math.floor(Date.now() / 1000);
  return `t=${t},v1=${mac(secret, t, options.eventId ?? '', body)}`;
}

function mac(secret: string, t: number, eventId: string, body: string | Buffer): string {
  return createHmac('sha256', secret).update(`${t}.${eventId}.`).update(body).digest('hex');
}

const SIGNATURE = /^t=(\d{1,12}),v1=([0-9a-f]{64})$/;

/**
 * Checks a request's signature; returns the signature's MAC (hex). 401 when the header is missing
 * or malformed, the timestamp is outside `toleranceMs` of `now`, or the MAC does not match.
 */
export function verifyHook(secret: string, header: string | undefined, eventId: string, body: Buffer, now: number, toleranceMs: number): string {
  if (header === undefined) throw new HttpError(401, 'invalid_signature', 'expected a Taskwright-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256> header');
  const parts = SIGNATURE.exec(header.trim());
  if (!parts) throw new HttpError(401, 'invalid_signature', `expected Taskwright-Signature to be t=<unix seconds>,v1=<64 hex digits>, got ${JSON.stringify(header.slice(0, 120))}`);
  const t = Number(parts[1]);
  const skewMs = Math.abs(now - t * 1000);
  if (skewMs > toleranceMs) {
    throw new HttpError(401, 'signature_expired', `the signature timestamp t=${t} is ${Math.round(skewMs / 1000)}s from now; this hook accepts at most ${toleranceMs / 1000}s (sign each request anew)`, { timestamp: t, toleranceMs });
  }
  const expected = Buffer.from(mac(secret, t, eventId, body), 'hex');
  const given = Buffer.from(parts[2] as string, 'hex');
  if (!timingSafeEqual(expected, given)) throw new HttpError(401, 'invalid_signature', 'the signature does not match the body, timestamp and event id signed with this hook\'s secret');
  return parts[2] as string;
}
