#!/usr/bin/env bash
# The gateway against HAProxy 2.6 in front of the same two API instances (round robin both), the
# same wrk load on a cached read (GET /api/products/42, wrk -t1 -c32) from 10,000 client
# addresses (X-Forwarded-For, believed from loopback), with the rate limiter on (every request
# one Redis decision, default limits: none is refused) and off. The app runs as Production (see
# APP_ENVIRONMENT in lib/apphost.sh): Development traces every request to the dashboard.
# Traces are kept for TRACE_SAMPLING of the requests (default 0.01, as under load in production;
# 1 keeps all, and the dashboard's intake of every span then weighs on both sides).
# Gateway and HAProxy alternate (gateway, HAProxy, gateway, HAProxy) in each app start.
# Each side also prints its proxy's CPU per request (user + system time of the gateway process,
# of the HAProxy process): on two cores shared by everything, that is what it takes from the API.
# Goals: gateway / HAProxy >= 0.9 with the limiter on; limiter on / off >= 0.85 (each side
# normalised by HAProxy of the same start, which cancels the drift between starts).
#   bench/gateway.sh [SECONDS per measurement]   (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/apphost.sh
export APP_ENVIRONMENT=${APP_ENVIRONMENT:-Production}

seconds=${1:-10}
sampling=${TRACE_SAMPLING:-0.01}
for tool in wrk haproxy; do
    command -v "$tool" >/dev/null || { echo "bench/gateway.sh needs $tool: sudo apt-get install -y $tool" >&2; exit 1; }
done
work=$(bench_workdir gateway)
haproxy_pid=""
trap '[ -n "$haproxy_pid" ] && kill "$haproxy_pid" 2>/dev/null; app_stop 2>/dev/null || true; rm -rf "$work"' EXIT
gateway_port=18080
haproxy_port=18081
cat > "$work/clients.lua" <<'LUA'
request = function()
  wrk.headers["X-Forwarded-For"] = string.format("10.%d.%d.1", math.random(0, 99), math.random(0, 99))
  return wrk.format()
end
LUA

# measure URL SECONDS PROXY_PID: "requests/s p99-ms proxy-CPU-µs-per-request" of one wrk run from
# the 10,000 clients. The proxy's CPU per request is what it takes from the API instances on
# the same cores: the root of the throughput ratio.
measure() {
    local out before after
    before=$(cpu_ticks "$3")
    out=$(wrk_output "$1" "$2" "$work/clients.lua")
    after=$(cpu_ticks "$3")
    local rps
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    echo "$rps $(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; print v}' <<<"$out") $(echo "($after - $before) * 1000000 / $(getconf CLK_TCK) / ($rps * $2)" | bc -l)"
}
mean() { echo "($1 + $2) / 2" | bc -l; }

start_haproxy() {
    local api0 api1
    api0=$(app_url api-0 | sed 's|http://||'); api1=$(app_url api-1 | sed 's|http://||')
    cat > "$work/haproxy.cfg" <<CFG
global
    maxconn 4096
defaults
    mode http
    option http-keep-alive
    timeout connect 5s
    timeout client 30s
    timeout server 30s
frontend scalefast
    bind 127.0.0.1:$haproxy_port
    default_backend api
backend api
    balance roundrobin
    server api-0 $api0
    server api-1 $api1
CFG
    haproxy -db -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
    haproxy_pid=$!
    sleep 1
}

# One app start: prints "gateway-rps gateway-p99 haproxy-rps haproxy-p99 gateway-cpu haproxy-cpu"
# (means of two rounds; CPU in µs per request).
run() {
    app_start "$work/data" --ScaleFast:ApiReplicas 2 --ScaleFast:WorkerReplicas 1 --ScaleFast:GatewayPort "$gateway_port" \
        --ScaleFast:RateLimiting "$1" --ScaleFast:TraceSampling "$sampling"
    start_haproxy
    local gw="http://127.0.0.1:$gateway_port/api/products/42" hap="http://127.0.0.1:$haproxy_port/api/products/42" gateway
    gateway=$(app_pid gateway)
    measure "$gw" 5 "$gateway" >/dev/null; measure "$hap" 5 "$haproxy_pid" >/dev/null
    local g1 h1 g2 h2
    read -r -a g1 <<<"$(measure "$gw" "$seconds" "$gateway")"; read -r -a h1 <<<"$(measure "$hap" "$seconds" "$haproxy_pid")"
    read -r -a g2 <<<"$(measure "$gw" "$seconds" "$gateway")"; read -r -a h2 <<<"$(measure "$hap" "$seconds" "$haproxy_pid")"
    kill "$haproxy_pid"; wait "$haproxy_pid" 2>/dev/null || true; haproxy_pid=""
    app_stop
    echo "$(mean "${g1[0]}" "${g2[0]}") $(mean "${g1[1]}" "${g2[1]}") $(mean "${h1[0]}" "${h2[0]}") $(mean "${h1[1]}" "${h2[1]}")" \
        "$(mean "${g1[2]}" "${g2[2]}") $(mean "${h1[2]}" "${h2[2]}")"
}

app_build
echo "Gateway vs HAProxy: 2 API instances, cached GET, wrk -t1 -c32, 10,000 clients, ${seconds} s per figure, $(nproc) cores, $APP_ENVIRONMENT, traces kept for $sampling."
read -r -a on <<<"$(run true)"
read -r -a off <<<"$(run false)"
for label in on off; do
    declare -n r=$label
    printf 'limiter %-3s  gateway %7.0f req/s p99 %6.2f ms %4.0f µs CPU/req | HAProxy %7.0f req/s p99 %6.2f ms %4.0f µs CPU/req | gateway / HAProxy %.2f\n' \
        "$label" "${r[0]}" "${r[1]}" "${r[4]}" "${r[2]}" "${r[3]}" "${r[5]}" "$(echo "${r[0]} / ${r[2]}" | bc -l)"
done
printf 'limiter cost: (gateway/HAProxy on) / (gateway/HAProxy off) = %.2f  (goal >= 0.85)\n' \
    "$(echo "(${on[0]} / ${on[2]}) / (${off[0]} / ${off[2]})" | bc -l)"
echo "goal gateway / HAProxy >= 0.90 with the limiter on"
