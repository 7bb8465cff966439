# shellcheck shell=bash
# $work is the sourcing script's work directory (bench_workdir).
# shellcheck disable=SC2154
# Shared by the bench/ scripts that measure gateways side by side (gateway.sh, limiter.sh): the
# load (wrk from 10,000 client addresses), one measured run, and gateways started from the
# AppHost gateway's own build and environment. Needs bench/lib/apphost.sh, an app started with
# it, and $work (bench_workdir).
#   source bench/lib/gateways.sh
#   autogroup_off                 CPU shared per process for the run (see below); autogroup_restore at the end
#   write_clients_lua [COUNT]     $work/clients.lua: each request from one of COUNT addresses (10,000)
#   measure URL SECONDS PROXY_PID REDIS_PID [LUA]
#   start_gateway NAME ENABLED [VARIABLE=VALUE...]

# The kernel's autogroup scheduling shares the CPU fairly between sessions, not between
# processes: a proxy started from this script shared its session's half with wrk, while the
# AppHost's own gateway shared the other half with the API instances, which made the AppHost's
# gateway look a quarter faster than the same build started here. Every proxy measured is started
# here, and autogroup is off for the run where this shell may turn it off (it is turned back on
# at the end), so that the CPU is shared per process, as between a server's services.
autogroup=/proc/sys/kernel/sched_autogroup_enabled restore_autogroup=""
autogroup_off() {
    if [ "$(cat "$autogroup" 2>/dev/null || echo 0)" = 1 ] && { echo 0 >"$autogroup"; } 2>/dev/null; then restore_autogroup=1; fi
}
autogroup_restore() { [ -z "$restore_autogroup" ] || echo 1 >"$autogroup"; }
# autogroup_state: "off", or "on (cannot turn it off here)".
autogroup_state() { if [ "$(cat "$autogroup" 2>/dev/null || echo 0)" = 1 ]; then echo "on (cannot turn it off here)"; else echo off; fi; }

write_clients_lua() {
    cat > "$work/clients.lua" <<LUA
request = function()
  local client = math.random(0, ${1:-10000} - 1)
  wrk.headers["X-Forwarded-For"] = string.format("10.%d.%d.1", math.floor(client / 256), client % 256)
  return wrk.format()
end
LUA
}

# measure URL SECONDS PROXY_PID REDIS_PID [LUA]: "requests/s p99-ms proxy-CPU-µs-per-request
# Redis-CPU-µs-per-request requests" of one wrk run from the 10,000 clients (or LUA's).
measure() {
    local out proxy redis requests tick
    proxy=$(cpu_ticks "$3"); redis=$(cpu_ticks "$4")
    out=$(wrk_output "$1" "$2" "${5:-$work/clients.lua}")
    proxy=$(( $(cpu_ticks "$3") - proxy )); redis=$(( $(cpu_ticks "$4") - redis ))
    requests=$(awk '/requests in/ {print $1}' <<<"$out")
    tick=$(echo "1000000 / $(getconf CLK_TCK)" | bc -l)
    echo "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" \
        "$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; print v}' <<<"$out")" \
        "$(echo "$proxy * $tick / $requests" | bc -l)" "$(echo "$redis * $tick / $requests" | bc -l)" "$requests"
}

# start_gateway NAME ENABLED [VARIABLE=VALUE...]: a gateway started from the same build and
# environment as the AppHost's (its backends, its Redis, its settings), the rate limiter on or off,
# on ports of its own, with any further environment variables given; sets NAME_pid, NAME_port and
# NAME_management. Every gateway measured is started this way, so they differ in what is named only.
start_gateway() {
    local name=$1 gateway port management environ=()
    gateway=$(app_pid gateway)
    port=$(free_port); management=$(free_port)
    mapfile -t environ < <(tr '\0' '\n' <"/proc/$gateway/environ" \
        | grep -v -e '^ASPNETCORE_URLS=' -e '^ScaleFast__ManagementPort=' -e '^ScaleFast__Instance=' -e '^OTEL_SERVICE_NAME=')
    (cd "/proc/$gateway/cwd" && exec env -i "${environ[@]}" ASPNETCORE_URLS="http://localhost:$port;http://localhost:$management" \
        ScaleFast__ManagementPort="$management" ScaleFast__Instance="gateway-$name" OTEL_SERVICE_NAME="gateway-$name" \
        Gateway__RateLimiting__Enabled="$2" "${@:3}" "$(tr '\0' '\n' <"/proc/$gateway/cmdline" | head -1)") >"$work/gateway-$name.log" 2>&1 &
    printf -v "${name}_pid" %s $!
    printf -v "${name}_port" %s "$port"
    printf -v "${name}_management" %s "$management"
    for _ in $(seq 1 100); do
        curl -sf -o /dev/null "http://127.0.0.1:$port/api/products/42" && return 0
        sleep 0.2
    done
    echo "The gateway with the limiter $name did not answer:" >&2; cat "$work/gateway-$name.log" >&2
    return 1
}

