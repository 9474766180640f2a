import { STATUS_CODES } from 'node:http';
import { TaskwrightError } from '../core/errors.js';

/** The one error shape every route answers with: `{ error: { code, message, details } }`. */
export interface ErrorBody {
  error: { code: string; message: string; details: Record<string, unknown> | null };
}

/** An error that already knows its HTTP status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> | null = null,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

const STATUS_BY_CODE: Record<string, number> = { invalid_input: 400, not_found: 404, conflict: 409, unsupported: 501 };

/** Fastify's own errors (body parsing, limits) by their code: our status and code. */
const FRAMEWORK_ERRORS: Record<string, [status: number, code: string, expected?: string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'payload_too_large'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'unsupported_media_type'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'invalid_content_length'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'invalid_json'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'invalid_json'],
  FST_ERR_BAD_URL: [400, 'bad_url', 'expected the URL to use valid percent-escapes (%XX)'],
  FST_ERR_MAX_PARAM_LENGTH: [414, 'uri_too_long', 'expected each path parameter to be at most 100 characters'],
};

/** Maps anything a handler or the framework throws to a status and the error body. */
export function toErrorResponse(error: unknown): { status: number; body: ErrorBody } {
  const body = (code: string, message: string, details: Record<string, unknown> | null = null): ErrorBody => ({ error: { code, message, details } });
  if (error instanceof HttpError) return { status: error.status, body: body(error.code, error.message, error.details) };
  if (error instanceof TaskwrightError) {
    return { status: STATUS_BY_CODE[error.code] ?? 500, body: body(error.code, error.message, error.details ?? null) };
  }
  const framework = error as { code?: string; statusCode?: number; message?: string };
  const known = framework.code ? FRAMEWORK_ERRORS[framework.code] : undefined;
  if (known) {
    const [status, code, expected] = known;
    return { status, body: body(code, expected ? `${expected}: ${framework.message ?? code}` : (framework.message ?? code)) };
  }
  if (typeof framework.statusCode === 'number' && framework.statusCode >= 400 && framework.statusCode < 500) {
    return { status: framework.statusCode, body: body('bad_request', framework.message ?? 'bad request') };
  }
  return { status: 500, body: body('internal', 'internal server error') };
}

/** Node's rejections of a request it could not parse, by error code: our status, code and message. */
const CLIENT_ERRORS: Record<string, [status: number, code: string, message: string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'request_timeout', 'the request was not received in time'],
  HPE_HEADER_OVERFLOW: [431, 'headers_too_large', 'expected the request headers to fit the server limit (16 KiB)'],
};

/** The raw HTTP response, in the error shape, for a request Node could not parse (sent on the socket). */
export function clientErrorResponse(error: Error & { code?: string }): string {
  const [status, code, message] = CLIENT_ERRORS[error.code ?? ''] ?? [400, 'bad_request', `expected a well-formed HTTP request (${error.code ?? error.message})`];
  const text = JSON.stringify({ error: { code, message, details: null } } satisfies ErrorBody);
  return `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Length: ${Buffer.byteLength(text)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${text}`;
}
