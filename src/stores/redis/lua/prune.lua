-- prune: delete up to `limit` finished jobs past retention (with their journal, logs and waits),
-- except those holding a live idempotency key, and forget idempotency keys that expired.
-- KEYS[1]  <prefix>:meta
-- ARGV     completedBefore, failedBefore, idempotencyBefore, limit
-- Returns  how many jobs were deleted
local keyBefore = tonumber(ARGV[3])
local left = tonumber(ARGV[4])
local deleted = 0
local function sweep(index, before)
  local offset = 0
  while left > 0 do
    local ids = redis.call('ZRANGEBYSCORE', index, '-inf', '(' .. before, 'LIMIT', offset, left)
    if #ids == 0 then return end
    for _, id in ipairs(ids) do
      local ix = num(redis.call('HGET', jobKey(id), 'ix'))
      if ix and ix >= keyBefore then
        offset = offset + 1
      elseif removeJob(id) then
        deleted = deleted + 1
        left = left - 1
      end
    end
  end
end
sweep(P .. ':ended:ok', ARGV[1])
sweep(P .. ':ended:err', ARGV[2])
for _, k in ipairs(redis.call('ZRANGEBYSCORE', P .. ':ikeys', '-inf', '(' .. ARGV[3], 'LIMIT', 0, 1000)) do
  local holder = redis.call('HGET', key('ikey', k), 'id')
  if holder then redis.call('HDEL', jobKey(holder), 'ik', 'ix') end
  redis.call('DEL', key('ikey', k))
  redis.call('ZREM', P .. ':ikeys', k)
end
return deleted
