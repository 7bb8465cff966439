#!/usr/bin/env bash
# Background jobs, end to end, on one worker (--ScaleFast:WorkerReplicas 1, so that its counters
# see every message of a run) and one API instance, with the benchmark endpoints on:
#  1. Latency from POST /api/orders to the confirmation email in the mail sink, under a steady
#     RATE orders/s for SECONDS: p50 and p99. First, while the database is quiet, after a warm-up
#     of SECONDS at the same rate (fresh processes compile and connect: the first seconds are slow).
#  2. Throughput: COUNT small jobs (SIZE bytes of payload) written to the outbox in one
#     transaction → relay → RabbitMQ → consumer → inbox row committed, in jobs/s, with one
#     transaction per job and with one per batch of up to 100 jobs; against the broker's ceiling:
#     as many messages of the same size published straight to the bus and consumed with no effect,
#     same worker, same broker. The three alternate, ROUNDS times each, after a warm-up; medians
#     are compared. Goal: outbox ÷ ceiling >= 0.5.
#   bench/worker.sh [COUNT] [SIZE] [ROUNDS] [RATE] [SECONDS]   (default 10000 256 3 25 20)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/apphost.sh
export APP_ENVIRONMENT=${APP_ENVIRONMENT:-Production}

count=${1:-10000}
size=${2:-256}
rounds=${3:-3}
rate=${4:-25}
seconds=${5:-20}
work=$(bench_workdir worker)
trap 'app_stop 2>/dev/null || true; rm -rf "$work"' EXIT

# run KIND N [BATCHED]: jobs/s of one run of the worker's /bench/jobs/KIND endpoint.
run() {
    curl -sf -X POST "$worker/bench/jobs/$1?count=$2&size=$size&batched=${3:-false}" | python3 -c 'import json,sys; print(round(json.load(sys.stdin)["perSecond"]))'
}


# The mail sink's address and credentials, from its process.
mail_sink() {
    local pid
    # This checkout's sink (run from the repository root): another checkout's may run beside it.
    for pid in $(pgrep -f "Rnwood.Smtp4dev.dll"); do
        [ "$(readlink "/proc/$pid/cwd")" = "$PWD" ] && break
    done
    mail_url=$(tr '\0' '\n' < "/proc/$pid/cmdline" | sed -n 's/^--urls=//p')
    mail_user=$(tr '\0' '\n' < "/proc/$pid/environ" | sed -n 's/^ServerOptions__Users__0__Username=//p')
    mail_password=$(tr '\0' '\n' < "/proc/$pid/environ" | sed -n 's/^ServerOptions__Users__0__Password=//p')
}

# The benchmark build: the services with their /bench/* endpoints and consumers.
app_build -p:ScaleFastBenchmarks=true
app_start "$work/data" --ScaleFast:ApiReplicas 1 --ScaleFast:WorkerReplicas 1 --Benchmark:Enabled true --ScaleFast:GatewayPort 18080
worker=$(app_url worker-0)
api=$(app_url api-0)
mail_sink

echo "Background jobs: $(nproc) cores, local mode, one API instance, one worker, $APP_ENVIRONMENT."
python3 bench/lib/order_latency.py "$api" "$mail_url" "$mail_user" "$mail_password" "$rate" "$seconds" >/dev/null
read -r orders p50 p99 max < <(python3 bench/lib/order_latency.py "$api" "$mail_url" "$mail_user" "$mail_password" "$rate" "$seconds")
printf 'order → email latency at %s orders/s for %s s (%s orders): p50 %s ms, p99 %s ms, max %s ms\n' "$rate" "$seconds" "$orders" "$p50" "$p99" "$max"

echo "Throughput: $count jobs of $size bytes per run, $rounds runs each."
run broker 1000 >/dev/null
run outbox 1000 >/dev/null
run "outbox" 1000 true >/dev/null
single=() batched=() ceiling=()
for _ in $(seq 1 "$rounds"); do
    single+=("$(run outbox "$count")")
    batched+=("$(run outbox "$count" true)")
    ceiling+=("$(run broker "$count")")
done
s=$(median "${single[@]}")
b=$(median "${batched[@]}")
c=$(median "${ceiling[@]}")
printf 'outbox → consumer, a transaction per job      %6.0f jobs/s  (runs: %s)  ratio %.2f\n' "$s" "${single[*]}" "$(ratio "$s" "$c")"
printf 'outbox → consumer, a transaction per batch    %6.0f jobs/s  (runs: %s)  ratio %.2f\n' "$b" "${batched[*]}" "$(ratio "$b" "$c")"
printf 'publish → consume, no effect (ceiling)        %6.0f jobs/s  (runs: %s)\n' "$c" "${ceiling[*]}"
echo "goal: outbox / ceiling >= 0.5"
