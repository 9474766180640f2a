-- save-worker: insert or replace a worker's registry record.
-- KEYS[1]  <prefix>:meta
-- ARGV     workerId, recordJson, state, heartbeatAt
-- Returns  1
redis.call('HSET', P .. ':workers', ARGV[1], ARGV[2])
redis.call('HSET', P .. ':worker-state', ARGV[1], ARGV[3])
redis.call('HSET', P .. ':worker-beats', ARGV[1], ARGV[4])
return 1
