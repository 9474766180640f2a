// Shared assertions for Taskwright errors: the class, the stable code and the message.
import assert from 'node:assert/strict';

export interface ExpectedError {
  name: string;
  code: string;
  /** the exact message, or a pattern it must match */
  message: string | RegExp;
}

/** Asserts that `fn` throws a Taskwright error with this name, code and message. */
export function assertThrowsCoded(fn: () => unknown, expected: ExpectedError): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof Error, `expected an Error, got ${String(error)}`);
    assert.equal(error.name, expected.name);
    assert.equal((error as { code?: unknown }).code, expected.code);
    if (typeof expected.message === 'string') assert.equal(error.message, expected.message);
    else assert.match(error.message, expected.message);
    return true;
  });
}

/** Asserts that `fn` throws a ValidationError (code `invalid_input`) with this message. */
export function assertInvalid(fn: () => unknown, message: string | RegExp): void {
  assertThrowsCoded(fn, { name: 'ValidationError', code: 'invalid_input', message });
}
