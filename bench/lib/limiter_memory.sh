# shellcheck shell=bash
# What the gateway's rate limiter keeps in Redis, measured on a throw-away redis-server (a unix
# socket in a work directory, no persistence): the limiter's own script
# (ScaleFast.Gateway/RateLimiting/SlidingWindowBuckets.lua) replayed through redis-cli for CLIENTS
# client addresses making REQUESTS requests each, one slot per request (as with no leases: the
# most operations and writes a client can cost), in batches of BATCH per call, with the gateway's
# key format, default reads policy (600 per 60 s window) and buckets per window.
#   source bench/lib/limiter_memory.sh
#   limiter_memory WORK_DIR CLIENTS REQUESTS BATCH [ADDRESS]
#     ADDRESS: a printf format of client i's address from i/100 and i%100 (default 10.%d.%d.1,
#     as gateway.sh's wrk clients)
#     prints "bytes-per-client-policy keys µs-of-Redis-CPU-per-decision"

limiter_memory() {
    local work=$1 clients=$2 requests=$3 batch=$4 address=${5:-10.%d.%d.1}
    local socket="$work/limiter-redis.sock" pid sha before after ticks keys buckets
    buckets=$(grep -oP 'BucketsPerWindow = \K[0-9]+' ScaleFast.Gateway/RateLimiting/SlidingWindowBuckets.cs)
    redis-server --port 0 --unixsocket "$socket" --save "" --appendonly no --dir "$work" >"$work/limiter-redis.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 100); do redis-cli -s "$socket" ping >/dev/null 2>&1 && break; sleep 0.1; done
    sha=$(redis-cli -s "$socket" script load "$(cat ScaleFast.Gateway/RateLimiting/SlidingWindowBuckets.lua)")
    before=$(redis-cli -s "$socket" info memory | awk -F: '/^used_memory:/ {print $2+0}')
    ticks=$(cpu_ticks "$pid")
    # One EVALSHA per batch: the keys, then now (0: Redis' clock), the bucket width in µs, the
    # buckets, and per key its limit, one slot, nothing given back (a bucket and 0 slots), and a
    # phase under the bucket's width (the gateway's is a hash of the key: any spread will do).
    awk -v clients="$clients" -v requests="$requests" -v batch="$batch" -v sha="$sha" -v width=$(( 60000000 / buckets )) -v buckets="$buckets" -v address="$address" 'BEGIN {
        for (r = 0; r < requests; r++) {
            for (first = 0; first < clients; first += batch) {
                n = (first + batch <= clients) ? batch : clients - first
                keys = ""; limits = ""
                for (i = first; i < first + n; i++) {
                    keys = keys " scalefast:rl:r:" sprintf(address, int(i / 100), i % 100)
                    limits = limits " 600 1 0 0 " (i * 7919) % width
                }
                print "EVALSHA " sha " " n keys " 0 " width " " buckets limits
            }
        }
    }' | redis-cli -s "$socket" --pipe >"$work/limiter-pipe.log" || true
    ticks=$(( $(cpu_ticks "$pid") - ticks ))
    after=$(redis-cli -s "$socket" info memory | awk -F: '/^used_memory:/ {print $2+0}')
    keys=$(redis-cli -s "$socket" dbsize)
    redis-cli -s "$socket" shutdown nosave >/dev/null 2>&1 || true
    wait "$pid" 2>/dev/null || true
    grep -q "errors: 0" "$work/limiter-pipe.log" || { echo "limiter_memory: the script failed:" >&2; cat "$work/limiter-pipe.log" >&2; return 1; }
    echo "$(( (after - before) / keys )) $keys $(echo "$ticks * 1000000 / $(getconf CLK_TCK) / ($clients * $requests)" | bc -l)"
}
