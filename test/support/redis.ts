// Redis for the tests: where the server is (TW_TEST_REDIS_URL, default the local one), whether it
// answers, and key prefixes of their own (tw-test-*) so tests sharing one Redis never meet; each
// test removes its prefix's keys afterwards. When the server cannot be reached the Redis tests
// FAIL under CI=true and are reported as skipped, with the reason, everywhere else.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export const REDIS_URL = process.env.TW_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

export const randomPrefix = (label: string): string => `tw-test-${label}-${randomBytes(4).toString('hex')}`;

let reachability: Promise<string | null> | null = null;

/** null when the server answers, else why not. */
export function redisUnavailable(): Promise<string | null> {
  reachability ??= (async () => {
    const client = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.ping();
      return null;
    } catch (error) {
      return `Redis unreachable at ${REDIS_URL}: ${(error as Error).message}`;
    } finally {
      client.disconnect();
    }
  })();
  return reachability;
}

/**
 * The skip reason for a Redis test, or undefined to run it. Under CI=true an unreachable server
 * is an error instead (thrown, so the test file fails).
 */
export async function redisSkipReason(): Promise<string | undefined> {
  const reason = await redisUnavailable();
  if (reason === null) return undefined;
  if (process.env.CI === 'true') throw new Error(`${reason} (CI=true: the Redis tests must run)`);
  return reason;
}

/** Deletes every key of a store's prefix (`{prefix}:*`). */
export async function dropPrefix(prefix: string, url = REDIS_URL): Promise<void> {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  client.on('error', () => undefined);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `{${prefix}}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await client.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}
