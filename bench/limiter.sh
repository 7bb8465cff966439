#!/usr/bin/env bash
# What the rate limiter costs the gateway, as precisely as a shared machine allows. Three gateways
# started from the AppHost gateway's build and environment, in front of the same two API
# instances: the limiter on, the limiter off, and the limiter off again — the control: two
# identical gateways must come out at 1.00 within the interval, or the method is biased. They take
# turns in short runs of the same load as bench/gateway.sh (cached GET /api/products/42, wrk -t1
# -c32, 10,000 client addresses), every cycle in another of the six orders, so that the machine's
# slow drifts (other tenants, the dashboard's own work) fall on all three alike; one figure per
# cycle and gateway. The runs are short enough that the limiter-on gateway's leases outlive the
# other two's turns (2 × SECONDS under one bucket, 10 s with the default 60 s window): it is
# measured in its steady state, as are the others (bench/gateway.sh measures new clients apart).
# The three gateways are started afresh GENERATIONS times (default 3; a multiple of 3 starts each
# one first, second and third alike), the cycles shared between them: two processes of the same build differ by a few µs of CPU per request for as long as they
# run (what the JIT and its profile-guided tiering made of them), and one pair of processes would
# carry that into the ratio whatever the number of cycles.
# Prints on ÷ off and off again ÷ off, each the mean of the cycles' ratios ± its 95 % confidence
# interval (Student's t), and the gateways' CPU per request (on - off, the same way).
# Goal (issue: the rate limiter nearly free): limiter on ÷ off >= 0.95.
# CLIENTS=N: the load from N client addresses instead of 10,000 (1 to 65,536; every gateway alike).
# SETTINGS='NAME=VALUE ...': environment for all three gateways, e.g. a higher limit for few
# CLIENTS (Gateway__RateLimiting__ReadsPerWindow=1000000), whose requests would be refused.
# VARIANT='on|off [NAME=VALUE ...]': the third gateway is this variant instead of the control —
# the limiter on or off, with that environment — and it is compared with both (variant ÷ off,
# variant ÷ on). A limiter-on variant keeps its counts in Redis database 1, so that settings of
# its own (another window or limit) do not meet the on gateway's counts for the same clients.
#   [GENERATIONS=3] [CLIENTS=10000] [SETTINGS=...] [VARIANT=...] bench/limiter.sh [CYCLES]
#   [SECONDS]   (default 36 cycles of 4 s: about 16 minutes in all)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/apphost.sh
source bench/lib/gateways.sh
export APP_ENVIRONMENT=${APP_ENVIRONMENT:-Production}

cycles=${1:-36}
seconds=${2:-4}
generations=${GENERATIONS:-3}
for setting in "CYCLES=$cycles" "SECONDS=$seconds" "GENERATIONS=$generations"; do
    [[ ${setting#*=} =~ ^[1-9][0-9]*$ ]] || { echo "bench/limiter.sh: $setting is not a whole number of at least 1." >&2; exit 1; }
done
clients=${CLIENTS:-10000}
{ [[ $clients =~ ^[1-9][0-9]*$ ]] && (( clients <= 65536 )); } || { echo "bench/limiter.sh: CLIENTS=$clients is not a whole number from 1 to 65,536." >&2; exit 1; }
read -r -a settings <<<"${SETTINGS:-}"
read -r -a variant <<<"${VARIANT:-}"
if (( ${#variant[@]} > 0 )); then
    [[ ${variant[0]} =~ ^(on|off)$ ]] || { echo "bench/limiter.sh: VARIANT begins with on or off (the limiter), e.g. VARIANT='on DOTNET_TieredPGO=0'; not '${variant[0]}'." >&2; exit 1; }
fi
for assignment in "${settings[@]}" "${variant[@]:1}"; do
    [[ $assignment =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] || { echo "bench/limiter.sh: SETTINGS and VARIANT (after on or off) take NAME=VALUE words; '$assignment' is not one." >&2; exit 1; }
done
(( cycles >= 2 && cycles >= generations )) || { echo "bench/limiter.sh: CYCLES must be at least 2 (the interval needs two) and GENERATIONS." >&2; exit 1; }
(( 2 * seconds < 10 )) || echo "bench/limiter.sh: with runs of $seconds s the limiter-on gateway's leases end between its turns: it is measured partly cold." >&2
for tool in wrk redis-server bc curl; do
    command -v "$tool" >/dev/null || { echo "bench/limiter.sh needs $tool: sudo apt-get install -y $tool" >&2; exit 1; }
done
work=$(bench_workdir limiter)
on_pid="" off_pid="" again_pid=""
stop_gateways() {
    local pid
    for pid in $on_pid $off_pid $again_pid; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
}
autogroup_off
trap 'stop_gateways; app_stop 2>/dev/null || true; rm -rf "$work"; autogroup_restore' EXIT
write_clients_lua "$clients"

app_build
# The third gateway: the control, or the variant.
third="off again" about="the control: off again" third_enabled=false third_environment=()
if (( ${#variant[@]} > 0 )); then
    third="variant" about="the variant: the limiter $VARIANT" third_environment=("${variant[@]:1}")
    [ "${variant[0]}" = off ] || third_enabled=true
fi
echo "Rate limiter on vs off (and $about): 2 API instances, cached GET, wrk -t1 -c32, $(sed ':a;s/\B[0-9]\{3\}\>/,&/;ta' <<<"$clients") clients," \
    "$cycles cycles of ${seconds} s per gateway over $generations starts of the gateways, $(nproc) cores, $APP_ENVIRONMENT;" \
    "load before: $(cut -d' ' -f1-3 /proc/loadavg);${SETTINGS:+ settings: $SETTINGS;}" \
    "autogroup scheduling $(autogroup_state)."
app_start "$work/data" --ScaleFast:ApiReplicas 2 --ScaleFast:WorkerReplicas 1 --ScaleFast:GatewayPort "$(free_port)" \
    --ScaleFast:TraceSampling 0.01
path=/api/products/42
redis_pid=$(app_server_pid redis-server)
if [ "$third_enabled" = true ]; then
    third_environment+=("ConnectionStrings__redis=$(tr '\0' '\n' <"/proc/$(app_pid gateway)/environ" | sed -n 's/^ConnectionStrings__redis=//p'),defaultDatabase=1")
fi
orders=("on off again" "again on off" "off again on" "off on again" "on again off" "again off on")
declare -A url pid
cycle=0
for generation in $(seq 1 "$generations"); do
    on_port="" off_port="" again_port=""
    # Started, and warmed up, in turn first, second and third (orders 0, 2, 1: the rotations of
    # "on off again"): in two runs that always started them as on, off, again and warmed them up
    # as off, again, on, the control came out 0.97 ± 0.02 (off did better than again throughout).
    read -r -a started <<<"${orders[$(( (generation - 1) * 2 % 3 ))]}"
    for name in "${started[@]}"; do
        case $name in
            on) start_gateway on true "${settings[@]}" ;;
            off) start_gateway off false "${settings[@]}" ;;
            again) start_gateway again "$third_enabled" "${settings[@]}" "${third_environment[@]}" ;;
        esac
    done
    url=([on]="http://127.0.0.1:$on_port$path" [off]="http://127.0.0.1:$off_port$path" [again]="http://127.0.0.1:$again_port$path")
    pid=([on]=$on_pid [off]=$off_pid [again]=$again_pid)
    # Warm-up, not measured: tiered JIT and dynamic PGO, the limiter's leases for every client.
    for name in "${started[@]}"; do measure "${url[$name]}" 20 "${pid[$name]}" "$redis_pid" >/dev/null; done
    while (( cycle < cycles * generation / generations )); do
        cycle=$(( cycle + 1 ))
        read -r -a order <<<"${orders[$(( (cycle - 1) % 6 ))]}"
        for name in "${order[@]}"; do
            measure "${url[$name]}" "$seconds" "${pid[$name]}" "$redis_pid" >"$work/$name.$cycle"
        done
    done
    stop_gateways
    on_pid="" off_pid="" again_pid=""
done
app_stop

# field NAME CYCLE I: field I of that cycle's figures for NAME (0: req/s, 2: CPU µs per request).
field() { local f; read -r -a f <"$work/$1.$2"; echo "${f[$3]}"; }
# per_cycle I A [OPERATOR B]: for each cycle, field I of A, or of A OPERATOR B (bc).
per_cycle() {
    local cycle
    for cycle in $(seq 1 "$cycles"); do
        if [ $# -eq 2 ]; then field "$2" "$cycle" "$1"; else echo "$(field "$2" "$cycle" "$1") $3 $(field "$4" "$cycle" "$1")" | bc -l; fi
    done
}
# line LABEL FORMAT [GOAL] -- PER_CYCLE ARGUMENTS: their mean over the cycles ± its 95 %
# confidence interval, and the lowest and highest cycle.
line() {
    local label=$1 format=$2 goal=$3
    shift 4
    mapfile -t values < <(per_cycle "$@")
    printf '%-34s %s%s\n' "$label" "$(spread "$format" cycles "${values[@]}")" "$goal"
}
line "limiter on, req/s" %.0f "" -- 0 on
line "limiter off, req/s" %.0f "" -- 0 off
line "$third, req/s" %.0f "" -- 0 again
line "limiter on ÷ off" %.3f "  (goal >= 0.95)" -- 0 on / off
if [ "$third" = variant ]; then
    line "variant ÷ off" %.3f "" -- 0 again / off
    line "variant ÷ on" %.3f "" -- 0 again / on
else
    line "off again ÷ off (control: 1)" %.3f "" -- 0 again / off
fi
# by_start A B: the mean of A ÷ B over each start's cycles. The interval above counts every cycle
# as independent; a control away from 1 by more than it, or starts far apart, show the processes'
# own spread, which only more starts average out.
by_start() {
    local generation first=1 last
    mapfile -t values < <(per_cycle 0 "$1" / "$2")
    for generation in $(seq 1 "$generations"); do
        last=$(( cycles * generation / generations ))
        printf ' %.3f' "$(mean "${values[@]:first-1:last-first+1}")"
        first=$(( last + 1 ))
    done
}
printf '%-34s%s\n' "by start of the gateways: on ÷ off" "$(by_start on off)"
printf '%-34s%s\n' "  $third ÷ off" "$(by_start again off)"
line "CPU µs per request, on - off" %.1f "" -- 2 on - off
line "CPU µs per request, $third - off" %.1f "" -- 2 again - off
[ "$third" != variant ] || line "CPU µs per request, variant - on" %.1f "" -- 2 again - on
