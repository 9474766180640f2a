-- list-leaders: every stored lease with the server's time, so callers judge liveness on its clock.
-- KEYS[1]  <prefix>:meta
-- ARGV     (none)
-- Returns  { now, then 4 fields per role: role, holder, expiresAt, acquiredAt }
local t = redis.call('TIME')
local out = { tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) }
for _, role in ipairs(redis.call('SMEMBERS', P .. ':roles')) do
  local f = redis.call('HMGET', key('leader', role), 'holder', 'expires', 'acquired')
  if f[1] then out[#out + 1] = role; out[#out + 1] = f[1]; out[#out + 1] = f[2]; out[#out + 1] = f[3] end
end
return out
