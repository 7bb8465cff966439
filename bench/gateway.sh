#!/usr/bin/env bash
# The gateway against the runtime's own limit (a bare YARP: bench/BareYarp) and against HAProxy
# 2.6, all three in front of the same two API instances (round robin), with the same wrk load on
# a cached read (GET /api/products/42, wrk -t1 -c32) from 10,000 client addresses
# (X-Forwarded-For, believed from loopback; none reaches its limit). Two app starts: the rate
# limiter on (requests decided from leases of each client's budget), then off. In each start the three proxies
# alternate (gateway, bare YARP, HAProxy; two rounds), so each ratio is measured side by side
# and normalised by the bare YARP of the same start, which cancels the drift between starts.
# The app runs as Production (see APP_ENVIRONMENT in lib/apphost.sh): Development traces every
# request to the dashboard. Traces are kept for TRACE_SAMPLING of the requests (default 0.01,
# as under load in production).
# Each proxy's CPU per request is its process' user + system time over the wrk run: on two
# shared cores, that is what it takes from the API. Redis' CPU per decision is redis-server's over
# all the limiter-on start's runs (leases renewed and given back after a gateway run included),
# less the API instances' own use of Redis per request (from the limiter-off start), per request
# through the gateway. The limiter's Redis memory per client and policy is measured apart
# (lib/limiter_memory.sh: the limiter's script on a throw-away redis-server, 10,000 clients
# making 100 requests each).
# Goals: limiter on / bare YARP >= 0.95; limiter on / off >= 0.95; Redis <= 10 µs per decision
# and <= 200 bytes per client and policy.
#   bench/gateway.sh [SECONDS per measurement]   (default 10; WARMUP_SECONDS, default 20, of load on
#   the gateway and on the bare YARP before the first measurement of a start)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/apphost.sh
source bench/lib/limiter_memory.sh
export APP_ENVIRONMENT=${APP_ENVIRONMENT:-Production}

seconds=${1:-10}
warmup=${WARMUP_SECONDS:-20}
sampling=${TRACE_SAMPLING:-0.01}
for tool in wrk haproxy redis-server redis-cli bc curl; do
    command -v "$tool" >/dev/null || { echo "bench/gateway.sh needs $tool: sudo apt-get install -y $tool" >&2; exit 1; }
done
work=$(bench_workdir gateway)
haproxy_pid="" bare_pid=""
stop_proxies() {
    local pid
    for pid in $haproxy_pid $bare_pid; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    haproxy_pid="" bare_pid=""
}
trap 'stop_proxies; app_stop 2>/dev/null || true; rm -rf "$work"' EXIT
gateway_port=$(free_port)
haproxy_port=$(free_port)
bare_port=$(free_port)
cat > "$work/clients.lua" <<'LUA'
request = function()
  wrk.headers["X-Forwarded-For"] = string.format("10.%d.%d.1", math.random(0, 99), math.random(0, 99))
  return wrk.format()
end
LUA

# measure URL SECONDS PROXY_PID REDIS_PID: "requests/s p99-ms proxy-CPU-µs-per-request
# Redis-CPU-µs-per-request" of one wrk run from the 10,000 clients.
measure() {
    local out proxy redis requests tick
    proxy=$(cpu_ticks "$3"); redis=$(cpu_ticks "$4")
    out=$(wrk_output "$1" "$2" "$work/clients.lua")
    proxy=$(( $(cpu_ticks "$3") - proxy )); redis=$(( $(cpu_ticks "$4") - redis ))
    requests=$(awk '/requests in/ {print $1}' <<<"$out")
    tick=$(echo "1000000 / $(getconf CLK_TCK)" | bc -l)
    echo "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" \
        "$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; print v}' <<<"$out")" \
        "$(echo "$proxy * $tick / $requests" | bc -l)" "$(echo "$redis * $tick / $requests" | bc -l)"
}

# batches: "operations calls decisions": what the gateway's limiter has sent to Redis so far (its
# batch histogram: leases, returns, single decisions; and the calls that took them) and the
# requests it decided.
batches() {
    curl -s "$(app_management_url gateway)/metrics" \
        | awk '/^scalefast_rate_limit_batch_size[a-z_]*_sum/ {s=$NF} /^scalefast_rate_limit_batch_size[a-z_]*_count/ {c=$NF}
               /^scalefast_rate_limit_decisions_total/ {d+=$NF} END {print s+0, c+0, d+0}'
}

start_proxies() {
    local api0 api1
    api0=$(app_url api-0); api1=$(app_url api-1)
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
    server api-0 ${api0#http://}
    server api-1 ${api1#http://}
CFG
    haproxy -db -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
    haproxy_pid=$!
    DOTNET_ENVIRONMENT=Production ASPNETCORE_ENVIRONMENT=Production bench/BareYarp/bin/Release/net10.0/BareYarp \
        --urls "http://127.0.0.1:$bare_port" --Destinations:0 "$api0" --Destinations:1 "$api1" >"$work/bare.log" 2>&1 &
    bare_pid=$!
    for _ in $(seq 1 100); do
        curl -sf -o /dev/null "http://127.0.0.1:$bare_port/api/products/42" && curl -sf -o /dev/null "http://127.0.0.1:$haproxy_port/api/products/42" && return 0
        sleep 0.2
    done
    echo "The bare YARP or HAProxy did not answer:" >&2; cat "$work/bare.log" "$work/haproxy.log" >&2
    return 1
}

# One app start: prints, means of two rounds, "gateway: rps p99 cpu redis | bare YARP: rps p99 cpu
# redis | HAProxy: rps p99 cpu redis | operations per Redis call | decisions per Redis operation".
run() {
    app_start "$work/data" --ScaleFast:ApiReplicas 2 --ScaleFast:WorkerReplicas 1 --ScaleFast:GatewayPort "$gateway_port" \
        --Gateway:RateLimiting:Enabled "$1" --ScaleFast:TraceSampling "$sampling"
    start_proxies
    local gateway redis gw="http://127.0.0.1:$gateway_port/api/products/42" bare="http://127.0.0.1:$bare_port/api/products/42" \
        hap="http://127.0.0.1:$haproxy_port/api/products/42"
    gateway=$(app_pid gateway); redis=$(app_server_pid redis-server)
    # Warm-up, not measured: the first 15-20 s of load on a new gateway (tiered JIT, dynamic PGO,
    # the API instances' own first requests) run at a third of its steady rate.
    measure "$gw" "$warmup" "$gateway" "$redis" >/dev/null; measure "$bare" "$warmup" "$bare_pid" "$redis" >/dev/null
    measure "$hap" 5 "$haproxy_pid" "$redis" >/dev/null
    local g1 b1 h1 g2 b2 h2 before after i result=""
    read -r -a before <<<"$(batches)"
    read -r -a g1 <<<"$(measure "$gw" "$seconds" "$gateway" "$redis")"; read -r -a b1 <<<"$(measure "$bare" "$seconds" "$bare_pid" "$redis")"
    read -r -a h1 <<<"$(measure "$hap" "$seconds" "$haproxy_pid" "$redis")"
    read -r -a g2 <<<"$(measure "$gw" "$seconds" "$gateway" "$redis")"; read -r -a b2 <<<"$(measure "$bare" "$seconds" "$bare_pid" "$redis")"
    read -r -a h2 <<<"$(measure "$hap" "$seconds" "$haproxy_pid" "$redis")"
    read -r -a after <<<"$(batches)"
    stop_proxies
    app_stop
    for i in 0 1 2 3; do result+="$(mean "${g1[$i]}" "${g2[$i]}") "; done
    for i in 0 1 2 3; do result+="$(mean "${b1[$i]}" "${b2[$i]}") "; done
    for i in 0 1 2 3; do result+="$(mean "${h1[$i]}" "${h2[$i]}") "; done
    echo "$result$(echo "(${after[0]} - ${before[0]}) / (${after[1]} - ${before[1]} + 0.000001)" | bc -l)" \
        "$(echo "(${after[2]} - ${before[2]}) / (${after[0]} - ${before[0]} + 0.000001)" | bc -l)"
}

app_build
dotnet build bench/BareYarp -c Release -v quiet -nologo >/dev/null
echo "Gateway vs bare YARP vs HAProxy: 2 API instances, cached GET, wrk -t1 -c32, 10,000 clients, ${seconds} s per figure," \
    "$(nproc) cores, $APP_ENVIRONMENT, traces kept for $sampling; load before: $(cut -d' ' -f1-3 /proc/loadavg)."
# Not in $(...): a failing start must leave its app and proxies to this shell's trap.
run true >"$work/on"
run false >"$work/off"
read -r -a on <"$work/on"
read -r -a off <"$work/off"
for label in on off; do
    declare -n r=$label
    printf 'limiter %-3s  gateway %6.0f req/s p99 %6.2f ms %4.0f µs CPU/req | bare YARP %6.0f req/s p99 %6.2f ms %4.0f µs CPU/req | HAProxy %6.0f req/s p99 %6.2f ms %3.0f µs CPU/req\n' \
        "$label" "${r[0]}" "${r[1]}" "${r[2]}" "${r[4]}" "${r[5]}" "${r[6]}" "${r[8]}" "${r[9]}" "${r[10]}"
done
printf 'limiter on ÷ bare YARP (same start)                     %.2f  (goal >= 0.95)\n' "$(ratio "${on[0]}" "${on[4]}")"
printf 'limiter off ÷ bare YARP (same start)                    %.2f\n' "$(ratio "${off[0]}" "${off[4]}")"
printf 'limiter on ÷ off (each ÷ bare YARP of its start)        %.2f  (goal >= 0.95)\n' \
    "$(echo "(${on[0]} / ${on[4]}) / (${off[0]} / ${off[4]})" | bc -l)"
printf 'gateway (limiter on) ÷ HAProxy                          %.2f  (bare YARP ÷ HAProxy %.2f)\n' \
    "$(ratio "${on[0]}" "${on[8]}")" "$(ratio "${on[4]}" "${on[8]}")"
# Redis' CPU for the limiter: all of Redis' CPU over the limiter-on start's runs (the leases
# renewed and given back after a gateway run fall in the runs after it), less what the API
# instances take from Redis per request, measured over the limiter-off start's runs; per request
# through the gateway (each run lasts the same, so requests/s stand for requests).
api_redis=$(echo "(${off[0]} * ${off[3]} + ${off[4]} * ${off[7]} + ${off[8]} * ${off[11]}) / (${off[0]} + ${off[4]} + ${off[8]})" | bc -l)
limiter_redis=$(echo "((${on[0]} * ${on[3]} + ${on[4]} * ${on[7]} + ${on[8]} * ${on[11]}) - $api_redis * (${on[0]} + ${on[4]} + ${on[8]})) / ${on[0]}" | bc -l)
printf 'Redis CPU per decision                                  %.1f µs  (goal <= 10; Redis per request: %.1f µs during the gateway runs, %.1f during bare YARP'"'"'s, %.1f with no limiter)\n' \
    "$limiter_redis" "${on[3]}" "${on[7]}" "$api_redis"
printf 'Redis operations (leases, returns)                      %.1f decisions per operation, %.1f operations per call\n' "${on[13]}" "${on[12]}"
read -r -a v4 <<<"$(limiter_memory "$work" 10000 100 100)"
read -r -a v6 <<<"$(limiter_memory "$work" 10000 100 100 "2001:db8:85a3::1%02d:1%02d")"
printf 'Redis memory per client and policy after 10,000 clients x 100 requests: %d bytes (goal <= 200; IPv6 clients %d bytes)\n' \
    "${v4[0]}" "${v6[0]}"
