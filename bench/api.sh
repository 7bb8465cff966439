#!/usr/bin/env bash
# Api benchmarks, one instance under wrk load on loopback (local mode, Release):
#  1. cached GET /api/products/{id} vs /bench/products/{id}, the same JSON from a dictionary in the
#     same process (the framework's ceiling); goal: ratio >= 0.8. Interleaved rounds.
#  2. cached vs uncached reads (Catalog:CacheEnabled false: every read goes to Postgres).
#  3. order placement (POST /api/orders, one random demo product each) at pool factors 1, 2, 4, 8, 16.
#   bench/api.sh [SECONDS per measurement]   (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/apphost.sh

seconds=${1:-10}
product=42
command -v wrk >/dev/null || { echo "bench/api.sh needs wrk: sudo apt-get install -y wrk" >&2; exit 1; }

work=$(bench_workdir api)
trap 'app_stop 2>/dev/null || true; rm -rf "$work"' EXIT
cat > "$work/order.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  local body = string.format('{"customerEmail":"bench@example.com","lines":[{"productId":%d,"quantity":1}]}', math.random(1, 10000))
  return wrk.format(nil, nil, nil, body)
end
LUA

common=(--ScaleFast:ApiReplicas 1 --ScaleFast:WorkerReplicas 1 --ScaleFast:GatewayPort 18080)

# The benchmark build: the services with their /bench/* endpoints and consumers.
app_build -p:ScaleFastBenchmarks=true
echo "Api benchmarks: wrk -t1 -c32, ${seconds} s per figure, $(nproc) cores, local mode."

app_start "$work/data" "${common[@]}" --Benchmark:Enabled true
api=$(app_url api-0)
wrk_rps "$api/api/products/$product" 3 >/dev/null
wrk_rps "$api/bench/products/$product" 3 >/dev/null
cached=(); bare=()
for _ in 1 2; do
    bare+=("$(wrk_rps "$api/bench/products/$product" "$seconds")")
    cached+=("$(wrk_rps "$api/api/products/$product" "$seconds")")
done
app_stop
cached_mean=$(mean "${cached[@]}")
bare_mean=$(mean "${bare[@]}")
printf '1. cached GET /api/products/%s   %8.0f req/s  (rounds: %s)\n' "$product" "$cached_mean" "${cached[*]}"
printf '   same JSON from memory         %8.0f req/s  (rounds: %s)\n' "$bare_mean" "${bare[*]}"
printf '   ratio cached / ceiling: %.2f  (goal >= 0.80)\n' "$(ratio "$cached_mean" "$bare_mean")"

app_start "$work/data" "${common[@]}" --Catalog:CacheEnabled false
api=$(app_url api-0)
wrk_rps "$api/api/products/$product" 3 >/dev/null
uncached=$(wrk_rps "$api/api/products/$product" "$seconds")
app_stop
printf '2. uncached GET (Postgres each)  %8.0f req/s\n' "$uncached"
printf '   ratio cached / uncached: %.2f\n' "$(ratio "$cached_mean" "$uncached")"

echo "3. POST /api/orders by pool factor (pool = factor x $(nproc) cores, one instance):"
best=0; best_factor=0
for factor in 1 2 4 8 16; do
    app_start "$work/data" "${common[@]}" --ScaleFast:PoolFactor "$factor"
    api=$(app_url api-0)
    wrk_rps "$api/api/orders" 3 "$work/order.lua" >/dev/null
    orders=$(wrk_rps "$api/api/orders" "$seconds" "$work/order.lua")
    app_stop
    printf '   factor %2d  pool %3d  %8.0f orders/s\n' "$factor" "$((factor * $(nproc)))" "$orders"
    if (( $(echo "$orders > $best" | bc) )); then best=$orders; best_factor=$factor; fi
done
printf '   best: factor %d (%.0f orders/s)\n' "$best_factor" "$best"
