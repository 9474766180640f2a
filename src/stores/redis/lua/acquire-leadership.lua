-- acquire-leadership: take or renew a role for a holder when it is free, expired or already held
-- by that holder. Judged on the Redis server's clock (TIME), so skewed hosts agree.
-- KEYS[1]  <prefix>:meta
-- ARGV     role, holder, ttlMs
-- Returns  { 1|0 leader, holder|nil, expiresAt|nil }
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lk = key('leader', ARGV[1])
local f = redis.call('HMGET', lk, 'holder', 'expires', 'acquired')
local expires = tonumber(f[2])
if f[1] and f[1] ~= ARGV[2] and expires and expires > now then return { 0, f[1], f[2] } end
local acquired = f[3]
if f[1] ~= ARGV[2] or not expires or expires <= now then acquired = fmt(now) end
local until_ = fmt(now + tonumber(ARGV[3]))
redis.call('HSET', lk, 'holder', ARGV[2], 'expires', until_, 'acquired', acquired)
redis.call('SADD', P .. ':roles', ARGV[1])
return { 1, ARGV[2], until_ }
