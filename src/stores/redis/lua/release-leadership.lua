-- release-leadership: give a role up if this holder holds it, and tell the other processes.
-- KEYS[1]  <prefix>:meta
-- ARGV     role, holder
-- Returns  1 when released, 0 when the holder did not hold it
local lk = key('leader', ARGV[1])
if redis.call('HGET', lk, 'holder') ~= ARGV[2] then return 0 end
redis.call('DEL', lk)
redis.call('SREM', P .. ':roles', ARGV[1])
redis.call('PUBLISH', P .. ':released', ARGV[1])
return 1
