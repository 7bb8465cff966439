-- The gateway's rate-limit decisions for one batch (SlidingWindowBuckets.cs): one call decides
-- every request a gateway has pending, atomically, on Redis' own clock.
--
-- KEYS[i]     the client and policy of decision i
-- ARGV[1]     now in microseconds, or 0 for Redis' clock (TIME)
-- ARGV[2]     the bucket width in microseconds (window / buckets, rounded up)
-- ARGV[3]     buckets per window (k)
-- ARGV[3 + i] the limit of decision i
--
-- A key is one string: the number of its newest bucket (modulo 2^32), the requests admitted in
-- that bucket and the k before it (oldest first), and their total. A request is admitted when
-- the total, over k + 1 buckets that cover the last window whole, is under the limit. Within the
-- newest bucket a decision rewrites only its count and the total; the key is rebuilt, and its
-- expiry moved, only when a new bucket begins. It expires when its newest bucket stops counting,
-- so an idle client leaves nothing behind.
--
-- The counts are kept in memory only: neither appended to the AOF nor sent to replicas, which
-- would cost Redis a write for every decision. A restart or failover forgets them, and clients
-- start their window afresh.
--
-- Returns one integer per decision:
--   (milliseconds until the oldest admitted request stops counting) * 2^21 + remaining * 2 + admitted
redis.set_repl(redis.REPL_NONE)
local now = tonumber(ARGV[1])
if now == 0 then
  local time = redis.call('TIME')
  now = tonumber(time[1]) * 1000000 + tonumber(time[2])
end
local width = tonumber(ARGV[2])
local k = tonumber(ARGV[3])
local current = math.floor(now / width)
local wrap = 4294967296
local layout = '<I4' .. string.rep('I3', k + 1) .. 'I3'
-- Where the newest bucket's count starts (the total follows it); bucket j (1 = oldest) is at 2 + 3j.
local newestAt = 5 + 3 * k

local results = {}
local counts = {}
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[3 + i])
  local stored = redis.call('GET', key)
  local newest = current
  local behind = k + 1
  if stored then
    local number = struct.unpack('<I4', stored)
    local ahead = (number - current) % wrap
    if ahead < wrap / 2 then
      -- The newest bucket is now's, or later if the clock stepped back: count into it.
      newest = current + ahead
      behind = 0
    else
      behind = (current - number) % wrap
    end
  end

  local admitted = 0
  local total
  local oldest = k + 1
  if behind == 0 then
    local count
    count, total = struct.unpack('<I3I3', stored, newestAt)
    if total < limit then
      admitted = 1
      total = total + 1
      redis.call('SETRANGE', key, newestAt - 1, struct.pack('<I3I3', count + 1, total))
    end
    for j = 1, k do
      if struct.unpack('<I3', stored, 2 + 3 * j) > 0 then
        oldest = j
        break
      end
    end
  else
    -- A new bucket: shift the counts that still count, drop the rest.
    local fields = stored and { struct.unpack(layout, stored) }
    total = 0
    for j = 1, k + 1 do
      local count = 0
      if stored and j + behind <= k + 1 then
        count = fields[1 + j + behind]
      end
      counts[j] = count
      total = total + count
      if count > 0 and j < oldest then
        oldest = j
      end
    end
    if total < limit then
      admitted = 1
      total = total + 1
      counts[k + 1] = counts[k + 1] + 1
      counts[k + 2] = total
      -- Bucket n counts until (n + k + 1) * width: the key lives as long as its newest bucket.
      redis.call('SET', key, struct.pack(layout, newest % wrap, unpack(counts, 1, k + 2)),
        'PX', math.ceil(((newest + k + 1) * width - now) / 1000))
    end
  end

  local reset = math.ceil(((newest + oldest) * width - now) / 1000)
  results[i] = reset * 2097152 + math.max(0, limit - total) * 2 + admitted
end
return results
