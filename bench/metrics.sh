#!/usr/bin/env bash
# What metrics cost: requests/s of one API instance (cached GET /api/products/42, wrk -t1 -c32)
# with metrics on (OpenTelemetry meters, the Prometheus exporter, Prometheus scraping every 5 s)
# and off (--ScaleFast:Metrics false), same load. The two need separate starts of the app: they
# alternate (on, off, on, off) after a 10 s warm-up each, so that drift of the shared machine
# falls on both. Goal: on / off >= 0.95.
# The app runs as Production (see APP_ENVIRONMENT in lib/apphost.sh): Development adds the
# dashboard's 1 s OTLP export and exemplars, a cost of local development, not of metrics in
# production. APP_ENVIRONMENT=Development bench/metrics.sh measures that one.
#   bench/metrics.sh [SECONDS per measurement]   (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/apphost.sh
export APP_ENVIRONMENT=${APP_ENVIRONMENT:-Production}

seconds=${1:-10}
command -v wrk >/dev/null || { echo "bench/metrics.sh needs wrk: sudo apt-get install -y wrk" >&2; exit 1; }
work=$(bench_workdir metrics)
trap 'app_stop 2>/dev/null || true; rm -rf "$work"' EXIT


measure() {
    app_start "$work/data" --ScaleFast:ApiReplicas 1 --ScaleFast:WorkerReplicas 1 --ScaleFast:GatewayPort 18080 --ScaleFast:Metrics "$1"
    local api
    api=$(app_url api-0)
    wrk_rps "$api/api/products/42" 10 >/dev/null
    wrk_rps "$api/api/products/42" "$seconds"
    app_stop
}

app_build
echo "Metrics cost: wrk -t1 -c32, ${seconds} s per figure, $(nproc) cores, local mode, one API instance, $APP_ENVIRONMENT."
on1=$(measure true)
off1=$(measure false)
on2=$(measure true)
off2=$(measure false)
on=$(mean "$on1" "$on2")
off=$(mean "$off1" "$off2")
printf 'metrics on   %8.0f req/s  (runs: %s, %s)\n' "$on" "$on1" "$on2"
printf 'metrics off  %8.0f req/s  (runs: %s, %s)\n' "$off" "$off1" "$off2"
printf 'ratio on / off: %.2f  (goal >= 0.95)\n' "$(ratio "$on" "$off")"
