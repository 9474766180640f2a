-- migrate: record the key layout version this driver writes (there is no schema to create).
-- KEYS[1]  <prefix>:meta
-- ARGV     version
-- Returns  the version stored before (0 for a new store), or an error reply when the stored
--          layout is newer than this driver
local stored = tonumber(redis.call('HGET', KEYS[1], 'layout') or '0')
if stored > tonumber(ARGV[1]) then
  return redis.error_reply('the store at ' .. P .. ' has key layout ' .. stored .. ', newer than this driver (' .. ARGV[1] .. ')')
end
redis.call('HSET', KEYS[1], 'layout', ARGV[1])
return stored
