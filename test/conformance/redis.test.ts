// Runs the Store conformance suite for the Redis driver: each test on a key prefix of its own
// (tw-test-conformance-<random>) on the shared test server, its keys deleted afterwards. Every test
// gets a second store on the same keys (another connection and subscriber), as another process
// would open it.
import { describe } from 'node:test';
import { redisStore, type RedisStore } from '../../dist/stores/redis/index.js';
import { REDIS_URL, dropPrefix, randomPrefix, redisSkipReason } from '../support/redis.js';
import { defineStoreConformance } from './store-suite.js';

const skip = await redisSkipReason();

if (skip !== undefined) {
  describe('Store conformance: redis', { skip }, () => undefined);
} else {
  defineStoreConformance(
    'redis (prefix per test)',
    async () => redisStore({ url: REDIS_URL, prefix: randomPrefix('conformance') }),
    (store) => dropPrefix((store as RedisStore).options.prefix),
    { openSecond: async (store) => redisStore({ url: REDIS_URL, prefix: (store as RedisStore).options.prefix }) },
  );
}
