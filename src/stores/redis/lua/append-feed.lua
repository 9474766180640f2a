-- append-feed: append engine events, one stream entry per run of entries from the same source,
-- and wake other processes.
-- KEYS[1]  <prefix>:meta
-- ARGV     groups of 4: source, newest entry time, count, lines (type TAB at TAB dataJson per line)
-- Returns  how many stream entries were added
for i = 1, #ARGV, 4 do
  redis.call('XADD', P .. ':feed', '*', 's', ARGV[i], 'at', ARGV[i + 1], 'n', ARGV[i + 2], 'e', ARGV[i + 3])
end
wake()
return #ARGV / 4
