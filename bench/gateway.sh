#!/usr/bin/env bash
# The gateway against the runtime's own limit (a bare YARP: bench/BareYarp) and against HAProxy
# 2.6, all in front of the same two API instances (round robin), with the same wrk load on a
# cached read (GET /api/products/42, wrk -t1 -c32) from 10,000 client addresses (X-Forwarded-For,
# believed from loopback; none reaches its limit). One app start, four proxies: two gateways
# started from the AppHost's gateway's build and environment, one with the rate limiter on
# (requests decided from leases of each client's budget), one with it off; the bare YARP and
# HAProxy. They take turns (on, off, bare YARP, HAProxy, then the other way round; ROUNDS rounds,
# default 4), so every ratio is measured side by side in the same start; each ratio is printed as
# the mean of the rounds' ratios ± its 95 % confidence interval (Student's t over the rounds),
# with the lowest and highest round. Each measured run follows
# PREWARM_SECONDS (default 5) of the same load on the same proxy, unmeasured: the turns measure
# every proxy in its steady state, where without it the limiter-on gateway began every other run
# (those after the others' runs, long enough for its leases to go back) with all 10,000 clients
# unknown, a start the other proxies do not have. What clients never seen before cost is measured apart,
# after the turns: the limiter-on and limiter-off gateways with every request from a new client
# address (each one's first request waits for Redis), two runs each.
# The app runs as Production (see APP_ENVIRONMENT in lib/apphost.sh): Development traces every
# request to the dashboard. Traces are kept for TRACE_SAMPLING of the requests (default 0.01,
# as under load in production).
# Each proxy's CPU per request is its process' user + system time over the wrk run: on two
# shared cores, that is what it takes from the API. Redis' CPU per decision is redis-server's over
# all the rounds (leases renewed and given back after a limiter-on run included), less the API
# instances' own use of Redis per request (measured before the limiter ran) times every request
# of the rounds, per request the limiter decided. The limiter's Redis memory per client and policy
# is measured apart (lib/limiter_memory.sh: the limiter's script on a throw-away redis-server,
# 10,000 clients making 100 requests each).
# Goals: limiter on / bare YARP >= 0.95; limiter on / off >= 0.95; Redis <= 10 µs per decision
# and <= 200 bytes per client and policy.
# VARIANT='NAME=VALUE ...' adds a fifth proxy to the turns: the limiter-off gateway with those
# environment variables, to show what a feature costs against bare YARP: OTEL_SDK_DISABLED=true
# (OpenTelemetry's SDK off: no metrics, traces or OTLP logs), ScaleFast__MetricsEnabled=false
# (metrics off), OTEL_TRACES_SAMPLER_ARG=0 (no trace kept).
#   [ROUNDS=4] [VARIANT='NAME=VALUE ...'] bench/gateway.sh [SECONDS per measurement]   (default 10;
#   WARMUP_SECONDS, default 20, of load on each proxy before the first measurement;
#   PREWARM_SECONDS, default 5, before each measurement)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/apphost.sh
source bench/lib/limiter_memory.sh
source bench/lib/gateways.sh
export APP_ENVIRONMENT=${APP_ENVIRONMENT:-Production}

seconds=${1:-10}
rounds=${ROUNDS:-4}
warmup=${WARMUP_SECONDS:-20}
prewarm=${PREWARM_SECONDS:-5}
sampling=${TRACE_SAMPLING:-0.01}
# Checked before anything starts: wrk would fail only after a minute of app start.
for setting in "SECONDS=$seconds" "ROUNDS=$rounds" "WARMUP_SECONDS=$warmup" "PREWARM_SECONDS=$prewarm"; do
    [[ ${setting#*=} =~ ^[1-9][0-9]*$ ]] || { echo "bench/gateway.sh: $setting is not a whole number of at least 1." >&2; exit 1; }
done
for tool in wrk haproxy redis-server redis-cli bc curl; do
    command -v "$tool" >/dev/null || { echo "bench/gateway.sh needs $tool: sudo apt-get install -y $tool" >&2; exit 1; }
done
# Checked before anything starts: a word that is not NAME=VALUE would be run as a command.
read -r -a variant_environment <<<"${VARIANT:-}"
for assignment in "${variant_environment[@]}"; do
    [[ $assignment =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] || { echo "VARIANT takes NAME=VALUE words, e.g. VARIANT=OTEL_SDK_DISABLED=true; '$assignment' is not one." >&2; exit 1; }
done
work=$(bench_workdir gateway)
haproxy_pid="" bare_pid="" on_pid="" off_pid="" variant_pid=""
stop_proxies() {
    local pid
    for pid in $haproxy_pid $bare_pid $on_pid $off_pid $variant_pid; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    haproxy_pid="" bare_pid="" on_pid="" off_pid="" variant_pid=""
}
autogroup_off
trap 'stop_proxies; app_stop 2>/dev/null || true; rm -rf "$work"; autogroup_restore' EXIT
haproxy_port=$(free_port)
bare_port=$(free_port)
write_clients_lua
# Every request from a client address never seen before: CLIENT_BASE.x.y.z, a base per run.
cat > "$work/new-clients.lua" <<'LUA'
local n = 0
local base = tonumber(os.getenv("CLIENT_BASE"))
request = function()
  n = n + 1
  wrk.headers["X-Forwarded-For"] = string.format("%d.%d.%d.%d", base, math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256)
  return wrk.format()
end
LUA

# batches: "operations calls decisions": what the gateway's limiter has sent to Redis so far (its
# batch histogram: leases, returns, single decisions; and the calls that took them) and the
# requests it decided.
batches() {
    curl -s "http://127.0.0.1:$on_management/metrics" \
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

app_build
dotnet build bench/BareYarp -c Release -v quiet -nologo >/dev/null
echo "Gateway (limiter on, off) vs bare YARP vs HAProxy: 2 API instances, cached GET, wrk -t1 -c32, 10,000 clients," \
    "$rounds rounds of ${seconds} s per figure, $(nproc) cores, $APP_ENVIRONMENT, traces kept for $sampling;" \
    "load before: $(cut -d' ' -f1-3 /proc/loadavg); autogroup scheduling $(autogroup_state)."
app_start "$work/data" --ScaleFast:ApiReplicas 2 --ScaleFast:WorkerReplicas 1 --ScaleFast:GatewayPort "$(free_port)" \
    --ScaleFast:TraceSampling "$sampling"
start_proxies
on_port="" off_port="" on_management=""
path=/api/products/42
start_gateway on true
start_gateway off false
proxies=(on off bare hap)
if [ -n "${VARIANT:-}" ]; then
    variant_port=""
    start_gateway variant false "${variant_environment[@]}"
    proxies=(on off variant bare hap)
    variant_url="http://127.0.0.1:$variant_port$path"
fi
on_url="http://127.0.0.1:$on_port$path" off_url="http://127.0.0.1:$off_port$path"
bare_url="http://127.0.0.1:$bare_port$path" hap_url="http://127.0.0.1:$haproxy_port$path"
redis_pid=$(app_server_pid redis-server)
# Warm-up, not measured: the first 15-20 s of load on a new proxy (tiered JIT, dynamic PGO, the
# API instances' own first requests) run at a third of its steady rate. The limiter-on gateway
# last, after one run of the bare YARP that measures the API instances' own use of Redis per
# request before the limiter has sent Redis anything.
measure "$off_url" "$warmup" "$off_pid" "$redis_pid" >/dev/null
measure "$bare_url" "$warmup" "$bare_pid" "$redis_pid" >/dev/null
measure "$hap_url" 5 "$haproxy_pid" "$redis_pid" >/dev/null
read -r -a api <<<"$(measure "$bare_url" "$seconds" "$bare_pid" "$redis_pid")"
[ -z "$variant_pid" ] || measure "$variant_url" "$warmup" "$variant_pid" "$redis_pid" >/dev/null
measure "$on_url" "$warmup" "$on_pid" "$redis_pid" >/dev/null
# Each round: limiter on, limiter off, bare YARP, HAProxy; each figure "req/s p99 CPU/req Redis/req".
read -r -a before <<<"$(batches)"
redis_before=$(cpu_ticks "$redis_pid")
declare -A url=([on]=$on_url [off]=$off_url [variant]=${variant_url:-} [bare]=$bare_url [hap]=$hap_url)
declare -A pid=([on]=$on_pid [off]=$off_pid [variant]=$variant_pid [bare]=$bare_pid [hap]=$haproxy_pid)
for round in $(seq 1 "$rounds"); do
    order=("${proxies[@]}")
    # Every other round the other way round: what one run leaves behind (the limiter's leases
    # renewed and given back after it) falls on a different neighbour, and drift cancels.
    (( round % 2 )) || mapfile -t order < <(printf '%s\n' "${proxies[@]}" | tac)
    for name in "${order[@]}"; do
        measure "${url[$name]}" "$prewarm" "${pid[$name]}" "$redis_pid" >"$work/$name.$round.pre"
        measure "${url[$name]}" "$seconds" "${pid[$name]}" "$redis_pid" >"$work/$name.$round"
    done
done
redis_ticks=$(( $(cpu_ticks "$redis_pid") - redis_before ))
read -r -a after <<<"$(batches)"
# Clients never seen before: every request a new address (a base of its own per run), limiter
# on and off in turn.
base=20
for run in 1 2; do
    for name in on off; do
        base=$(( base + 1 ))
        export CLIENT_BASE=$base
        measure "${url[$name]}" "$seconds" "${pid[$name]}" "$redis_pid" "$work/new-clients.lua" >"$work/new-$name.$run"
    done
done
stop_proxies
app_stop

# column NAME I: field I of each round of NAME, one per line.
column() { local round; for round in $(seq 1 "$rounds"); do read -r -a f <"$work/$1.$round"; echo "${f[$2]}"; done; }
# field FILE I: field I of one run's figures.
field() { local f; read -r -a f <"$work/$1"; echo "${f[$2]}"; }
# figure NAME I: the mean over the rounds.
figure() { mapfile -t values < <(column "$1" "$2"); mean "${values[@]}"; }
# ratios A B: each round's A ÷ B (req/s), one per line.
ratios() { paste <(column "$1" 0) <(column "$2" 0) | while read -r a b; do ratio "$a" "$b"; done; }
# summary LABEL A B [GOAL]: the mean of the rounds' A ÷ B with its 95 % confidence interval, and
# the lowest and highest round.
summary() {
    mapfile -t values < <(ratios "$2" "$3")
    printf '%-25s %s%s\n' "$1" "$(spread %.2f rounds "${values[@]}")" "${4:+  (goal >= $4)}"
}
for round in $(seq 1 "$rounds"); do
    printf 'round %d: req/s' "$round"
    for name in "${proxies[@]}"; do read -r -a f <"$work/$name.$round"; printf ' %s %.0f' "$name" "${f[0]}"; done
    echo
done
for name in "${proxies[@]}"; do
    case $name in on) label="gateway, limiter on " ;; off) label="gateway, limiter off" ;; variant) label="limiter off, variant" ;;
        bare) label="bare YARP           " ;; hap) label="HAProxy 2.6         " ;; esac
    printf '%s %6.0f req/s  p99 %6.2f ms  %4.0f µs CPU per request\n' "$label" "$(figure "$name" 0)" "$(figure "$name" 1)" "$(figure "$name" 2)"
done
summary "limiter on ÷ bare YARP" on bare 0.95
summary "limiter off ÷ bare YARP" off bare
summary "limiter on ÷ off" on off 0.95
new_on=$(mean "$(field new-on.1 0)" "$(field new-on.2 0)") new_off=$(mean "$(field new-off.1 0)" "$(field new-off.2 0)")
printf 'every request a new client: limiter on %.0f req/s, off %.0f: on ÷ off %.2f (runs %.2f, %.2f; each first request waits for Redis)\n' \
    "$new_on" "$new_off" "$(ratio "$new_on" "$new_off")" \
    "$(ratio "$(field new-on.1 0)" "$(field new-off.1 0)")" "$(ratio "$(field new-on.2 0)" "$(field new-off.2 0)")"
[ -z "${VARIANT:-}" ] || summary "variant ÷ bare YARP" variant bare
[ -z "${VARIANT:-}" ] || echo "(variant: the limiter-off gateway with $VARIANT)"
printf 'gateway (limiter on) ÷ HAProxy %.2f  (bare YARP ÷ HAProxy %.2f)\n' "$(ratio "$(figure on 0)" "$(figure hap 0)")" \
    "$(ratio "$(figure bare 0)" "$(figure hap 0)")"
# Redis' CPU for the limiter: all of Redis' CPU over the rounds (the leases renewed and given
# back after a limiter-on run fall in the runs after it), less the API instances' own use of
# Redis per request (measured before the limiter ran) times every request of the rounds, per
# request decided by the limiter.
requests=$(for name in "${proxies[@]}"; do cat "$work/$name".[0-9]*; done | awk '{n += $5} END {print n}')
tick=$(echo "1000000 / $(getconf CLK_TCK)" | bc -l)
limiter_redis=$(echo "($redis_ticks * $tick - ${api[3]} * $requests) / (${after[2]} - ${before[2]} + 0.000001)" | bc -l)
printf 'Redis CPU per decision    %.1f µs  (goal <= 10; the API instances use %.1f µs of Redis per request)\n' "$limiter_redis" "${api[3]}"
printf 'Redis operations (leases, returns): %.1f decisions per operation, %.1f operations per call\n' \
    "$(echo "(${after[2]} - ${before[2]}) / (${after[0]} - ${before[0]} + 0.000001)" | bc -l)" \
    "$(echo "(${after[0]} - ${before[0]}) / (${after[1]} - ${before[1]} + 0.000001)" | bc -l)"
read -r -a v4 <<<"$(limiter_memory "$work" 10000 100 100)"
read -r -a v6 <<<"$(limiter_memory "$work" 10000 100 100 "2001:db8:85a3::1%02d:1%02d")"
printf 'Redis memory per client and policy after 10,000 clients x 100 requests: %d bytes (goal <= 200; IPv6 clients %d bytes)\n' \
    "${v4[0]}" "${v6[0]}"
