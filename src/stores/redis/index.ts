import type { RedisOptions } from './options.js';
import { RedisStore } from './store.js';

export { RedisStore };
export type { RedisOptions };
export { DEFAULT_PREFIX } from './options.js';

/**
 * Opens a Redis store (one connection, opened on first use; a second one for pub/sub once
 * something listens for wake-ups).
 *
 * ```ts
 * const store = redisStore({ url: 'redis://cache:6379/0', prefix: 'taskwright' });
 * const tw = new Taskwright({ store });
 * ```
 */
export function redisStore(options: RedisOptions | string): RedisStore {
  return new RedisStore(options);
}
