-- control-flow: one operator change to flow control, applied atomically.
-- KEYS[1]  <prefix>:meta
-- ARGV     type, then per type:
--          setLimit key concurrency|'' rateCount|'' rateIntervalMs|''; deleteLimit key;
--          pauseQueue queue; resumeQueue queue;
--          configureBreaker key failureThreshold errorRate|'' windowMs minCalls cooldownMs;
--          resetBreaker key; and last, now
-- Returns  'ok', or 'not_found' (deleteLimit / resetBreaker of an unknown key: nothing changed)
local kind = ARGV[1]
local now = ARGV[#ARGV]
if kind == 'setLimit' then
  redis.call('HSET', P .. ':limits', ARGV[2], ARGV[3] .. '|' .. ARGV[4] .. '|' .. ARGV[5])
  if ARGV[4] == '' then redis.call('DEL', key('rate', ARGV[2])) end
elseif kind == 'deleteLimit' then
  if redis.call('HDEL', P .. ':limits', ARGV[2]) == 0 then return 'not_found' end
  redis.call('DEL', key('rate', ARGV[2]))
elseif kind == 'pauseQueue' or kind == 'resumeQueue' then
  local paused = '0'
  if kind == 'pauseQueue' then paused = '1' end
  redis.call('HSET', P .. ':paused', ARGV[2], paused .. '|' .. now)
  if paused == '0' then wake() end
elseif kind == 'configureBreaker' then
  local bk = key('breaker', ARGV[2])
  if redis.call('EXISTS', bk) == 0 then
    redis.call('HSET', bk, 'st', 'closed', 'cf', 0, 'ws', now, 'wc', 0, 'wf', 0, 'ca', now)
    redis.call('SADD', P .. ':breakers', ARGV[2])
  end
  redis.call('HSET', bk, 'ft', ARGV[3], 'er', ARGV[4], 'wm', ARGV[5], 'mc', ARGV[6], 'cd', ARGV[7])
elseif kind == 'resetBreaker' then
  local bk = key('breaker', ARGV[2])
  if redis.call('EXISTS', bk) == 0 then return 'not_found' end
  redis.call('HSET', bk, 'st', 'closed', 'cf', 0, 'ws', now, 'wc', 0, 'wf', 0, 'ca', now, 'r', 'reset by request')
  redis.call('HDEL', bk, 'oa', 'pj')
  wake()
else
  return redis.error_reply('unknown flow change ' .. kind)
end
return 'ok'
