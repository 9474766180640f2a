-- queue-stats: per queue and state counts, and the oldest queued job's ready time per queue.
-- KEYS[1]  <prefix>:meta
-- ARGV     (none)
-- Returns  { counts (field, value pairs of "queue TAB state" -> n), oldest (queue, runAt pairs) }
-- Reads every queued job of every queue (an operator read, not the hot path).
local oldest = {}
for _, q in ipairs(redis.call('SMEMBERS', P .. ':queues')) do
  local min = false
  for _, member in ipairs(redis.call('ZRANGE', key('queued', q), 0, -1)) do
    local ra = tonumber(redis.call('HGET', jobKey(tonumber(member)), 'ra'))
    if ra and (not min or ra < min) then min = ra end
  end
  if min then oldest[#oldest + 1] = q; oldest[#oldest + 1] = fmt(min) end
end
return { redis.call('HGETALL', P .. ':counts'), oldest }
