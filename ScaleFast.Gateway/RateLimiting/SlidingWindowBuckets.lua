-- The gateway's rate-limit decisions for one batch (SlidingWindowBuckets.cs): one call decides
-- every request a gateway has pending, atomically, on Redis' own clock.
--
-- KEYS[i]     the client and policy of decision i
-- ARGV[1]     now in microseconds, or 0 for Redis' clock (TIME)
-- ARGV[2]     the bucket width in microseconds (window / buckets, rounded up)
-- ARGV[3]     buckets per window (k)
-- ARGV[3 + i] the limit of decision i
--
-- A key holds the number of its newest bucket and the requests admitted in that bucket and the
-- k before it, oldest first, packed in one string. A request is admitted when those k + 1
-- buckets, which cover the last window whole, hold fewer than the limit. The key expires when
-- its newest bucket stops counting, so an idle client leaves nothing behind.
--
-- Returns one integer per decision:
--   (milliseconds until the oldest admitted request stops counting) * 2^21 + remaining * 2 + admitted
local now = tonumber(ARGV[1])
if now == 0 then
  local time = redis.call('TIME')
  now = tonumber(time[1]) * 1000000 + tonumber(time[2])
end
local width = tonumber(ARGV[2])
local k = tonumber(ARGV[3])
local format = '<d' .. string.rep('I3', k + 1)
local current = math.floor(now / width)

local results = {}
local counts = {}
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[3 + i])
  local stored = redis.call('GET', key)
  local fields
  local newest = current
  if stored then
    fields = { struct.unpack(format, stored) }
    -- A clock that stepped back counts into the newest bucket rather than rewriting the past.
    newest = math.max(current, fields[1])
  end

  -- counts[j] is bucket (newest - k - 1 + j); a stored key is shifted to end at newest.
  local shift = stored and newest - fields[1] or 0
  local total = 0
  for j = 1, k + 1 do
    local count = 0
    if stored and j + shift <= k + 1 then
      count = fields[1 + j + shift]
    end
    counts[j] = count
    total = total + count
  end

  local admitted = 0
  if total < limit then
    admitted = 1
    total = total + 1
    counts[k + 1] = counts[k + 1] + 1
    -- Bucket n counts until (n + k + 1) * width: the key lives as long as its newest bucket.
    redis.call('SET', key, struct.pack(format, newest, unpack(counts, 1, k + 1)),
      'PX', math.ceil(((newest + k + 1) * width - now) / 1000))
  end

  local oldest = 1
  while counts[oldest] == 0 and oldest <= k do
    oldest = oldest + 1
  end
  local reset = math.ceil(((newest + oldest) * width - now) / 1000)
  results[i] = reset * 2097152 + math.max(0, limit - total) * 2 + admitted
end
return results
