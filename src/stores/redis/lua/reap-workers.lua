-- reap-workers: running workers silent for longer than their deadAfterMs become dead; stopped or
-- dead workers last seen before `forgetBefore` are forgotten.
-- KEYS[1]  <prefix>:meta
-- ARGV     now, forgetBefore
-- Returns  ids of the workers marked dead
local now, forget = tonumber(ARGV[1]), tonumber(ARGV[2])
local dead = {}
local records = redis.call('HGETALL', P .. ':workers')
for i = 1, #records, 2 do
  local id = records[i]
  local record = cjson.decode(records[i + 1])
  local state = redis.call('HGET', P .. ':worker-state', id)
  local beat = tonumber(redis.call('HGET', P .. ':worker-beats', id))
  if state == 'running' and beat + record.deadAfterMs < now then
    redis.call('HSET', P .. ':worker-state', id, 'dead')
    dead[#dead + 1] = id
  elseif (state == 'stopped' or state == 'dead') and beat < forget then
    redis.call('HDEL', P .. ':workers', id)
    redis.call('HDEL', P .. ':worker-state', id)
    redis.call('HDEL', P .. ':worker-beats', id)
  end
end
return dead
