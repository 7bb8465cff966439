-- The gateway's rate-limit operations for one batch (SlidingWindowBuckets.cs): one call takes or
-- gives back slots for every operation a gateway has pending, atomically, on Redis' own clock.
--
-- KEYS[i]       the client and policy of operation i
-- ARGV[1]       now in microseconds, or 0 for Redis' clock (TIME)
-- ARGV[2]       the bucket width in microseconds (window / buckets, rounded up)
-- ARGV[3]       buckets per window (k)
-- ARGV[5i - 1]  the limit of operation i; 0 if it only gives back
-- ARGV[5i]      the slots it takes (at most what the limit leaves)
-- ARGV[5i + 1]  the bucket of the slots it gives back first
-- ARGV[5i + 2]  the slots it gives back first (unused slots of an ended lease), or 0
-- ARGV[5i + 3]  the key's phase in microseconds, under one width: its buckets begin then
--
-- Each key's buckets tile time from its own phase (a hash of the key, the same in every
-- gateway), so that the buckets of many clients do not all end at the same moment: bucket n of a
-- key runs from n * width + phase. A key is one string: the number of its newest bucket (modulo
-- 2^32), the slots taken in that bucket and the k before it (oldest first), and their total.
-- Slots are taken while the total, over k + 1 buckets that cover the last window whole, stays
-- within the limit. Within the newest bucket an operation rewrites only its count and the total;
-- the key is rebuilt, and its expiry moved, only when a new bucket begins. It expires when its
-- newest bucket stops counting, so an idle client leaves nothing behind. A return lowers the
-- count of the bucket the slots were taken in, while that bucket still counts: slots a gateway
-- leased and did not use.
--
-- The counts are kept in memory only: neither appended to the AOF nor sent to replicas, which
-- would cost Redis a write for every decision. A restart or failover forgets them, and clients
-- start their window afresh.
--
-- Returns two integers per operation (0 and 0 if it only gives back):
--   (milliseconds until the oldest slot taken stops counting) * 2^20 + remaining, and slots taken;
-- then now, in microseconds (from which the gateway reads each key's bucket and its end).
redis.set_repl(redis.REPL_NONE)
local now = tonumber(ARGV[1])
if now == 0 then
  local time = redis.call('TIME')
  now = tonumber(time[1]) * 1000000 + tonumber(time[2])
end
local width = tonumber(ARGV[2])
local k = tonumber(ARGV[3])
local wrap = 4294967296
local layout = '<I4' .. string.rep('I3', k + 1) .. 'I3'
-- Where the newest bucket's count starts (the total follows it); bucket j (1 = oldest) is at 2 + 3j.
local newestAt = 5 + 3 * k

local counts = {}

-- Takes up to `want` slots of `key` now: how many, the remaining, and the milliseconds until a slot frees.
local function take(key, limit, want, phase)
  local current = math.floor((now - phase) / width)
  local stored = redis.call('GET', key)
  local newest = current
  local behind = k + 1
  if stored then
    local number = struct.unpack('<I4', stored)
    local ahead = (number - current) % wrap
    if ahead <= k then
      -- The newest bucket is now's, or later if the clock stepped back: count into it.
      newest = current + ahead
      behind = 0
    else
      -- Past, or more than a window ahead: not a bucket of this width (a gateway with another
      -- window counted it); past the window either way, so the client starts afresh.
      behind = (current - number) % wrap
    end
  end

  local granted = 0
  local total
  local oldest = k + 1
  if behind == 0 then
    local count
    count, total = struct.unpack('<I3I3', stored, newestAt)
    granted = math.max(0, math.min(want, limit - total))
    if granted > 0 then
      total = total + granted
      redis.call('SETRANGE', key, newestAt - 1, struct.pack('<I3I3', count + granted, total))
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
    granted = math.max(0, math.min(want, limit - total))
    if granted > 0 then
      total = total + granted
      counts[k + 1] = counts[k + 1] + granted
      counts[k + 2] = total
      -- Bucket n counts until (n + k + 1) * width + phase: the key lives as long as its newest bucket.
      redis.call('SET', key, struct.pack(layout, newest % wrap, unpack(counts, 1, k + 2)),
        'PX', math.ceil(((newest + k + 1) * width + phase - now) / 1000))
    end
  end

  local reset = math.ceil(((newest + oldest) * width + phase - now) / 1000)
  return reset * 1048576 + math.max(0, limit - total), granted
end

-- Gives `amount` unused slots back to the bucket they were taken in, if it still counts.
local function giveBack(key, amount, bucket)
  local stored = redis.call('GET', key)
  if not stored then
    return
  end
  local age = (struct.unpack('<I4', stored) - bucket) % wrap
  if age > k then
    return
  end
  local at = newestAt - 3 * age
  local count = struct.unpack('<I3', stored, at)
  local total = struct.unpack('<I3', stored, newestAt + 3)
  local back = math.min(amount, count, total)
  if back > 0 and age == 0 then
    -- The newest bucket's count and the total are side by side: one write.
    redis.call('SETRANGE', key, at - 1, struct.pack('<I3I3', count - back, total - back))
  elseif back > 0 then
    redis.call('SETRANGE', key, at - 1, struct.pack('<I3', count - back))
    redis.call('SETRANGE', key, newestAt + 2, struct.pack('<I3', total - back))
  end
end

local results = {}
for i, key in ipairs(KEYS) do
  local at = 5 * i - 2
  local limit = tonumber(ARGV[at + 1])
  local back = tonumber(ARGV[at + 4])
  if back > 0 then
    giveBack(key, back, tonumber(ARGV[at + 3]))
  end
  if limit > 0 then
    results[2 * i - 1], results[2 * i] = take(key, limit, tonumber(ARGV[at + 2]), tonumber(ARGV[at + 5]))
  else
    results[2 * i - 1] = 0
    results[2 * i] = 0
  end
end
results[2 * #KEYS + 1] = now
return results
