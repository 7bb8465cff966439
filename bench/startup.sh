#!/usr/bin/env bash
# Time from `dotnet run --project ScaleFast.AppHost` to every resource healthy, in local mode,
# after a build: one cold start (empty data directory: initdb, first RabbitMQ boot) and
# RUNS warm starts (data kept). Prints each figure and its ratio to the 30 s goal.
#   bench/startup.sh [RUNS]        (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/apphost.sh

runs=${1:-3}
goal=30
data=$(mktemp -d /tmp/scalefast-bench-startup-XXXXXX)
trap 'app_stop 2>/dev/null || true; rm -rf "$data"' EXIT

app_build

start_once() {
    app_start "$data"
    app_stop
    printf '%-6s %6.1f s   ratio to the %d s goal: %.2f\n' "$1" "$APP_SECONDS" "$goal" "$(ratio "$APP_SECONDS" "$goal")"
}

echo "Start-up to all resources healthy (local mode, $(nproc) cores):"
start_once cold
for i in $(seq 1 "$runs"); do start_once "warm$i"; done
