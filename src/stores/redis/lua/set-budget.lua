-- set-budget: replace an unfinished job's budget; a scheduled (e.g. paused) job becomes due now.
-- KEYS[1]  <prefix>:meta
-- ARGV     jobId, budgetJson ('' for none), now
-- Returns  { 'ok' } or { 'missing' } or { 'finished', state }
local id = ARGV[1]
local jk = jobKey(id)
local s = redis.call('HGET', jk, 's')
if not s then return { 'missing' } end
if s ~= 'scheduled' and s ~= 'queued' and s ~= 'running' then return { 'finished', s } end
if ARGV[2] == '' then redis.call('HDEL', jk, 'bu') else redis.call('HSET', jk, 'bu', ARGV[2]) end
redis.call('HSET', jk, 'ua', ARGV[3])
if s == 'scheduled' then
  redis.call('HSET', jk, 'ra', ARGV[3])
  redis.call('ZADD', P .. ':scheduled', tonumber(ARGV[3]), id)
  wake()
end
return { 'ok' }
