-- trim-feed: delete up to `limit` of the oldest feed batches whose newest entry is older than
-- `before`.
-- KEYS[1]  <prefix>:meta
-- ARGV     before, limit
-- Returns  how many entries went
local before = tonumber(ARGV[1])
local gone = 0
for _, entry in ipairs(redis.call('XRANGE', P .. ':feed', '-', '+', 'COUNT', tonumber(ARGV[2]))) do
  local fields = {}
  for i = 1, #entry[2], 2 do fields[entry[2][i]] = entry[2][i + 1] end
  if tonumber(fields.at) < before then
    redis.call('XDEL', P .. ':feed', entry[1])
    gone = gone + tonumber(fields.n)
  end
end
return gone
