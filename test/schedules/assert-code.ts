import assert from 'node:assert/strict';

/** Asserts `action` rejects with a Taskwright error of this code whose message matches. */
export async function assertThrowsCode(action: () => Promise<unknown>, code: string, message: RegExp, what = ''): Promise<void> {
  await assert.rejects(action, (error: Error & { code?: string }) => {
    assert.equal(error.code, code, `${what}: code of "${error.message}"`);
    assert.match(error.message, message, what);
    return true;
  });
}
