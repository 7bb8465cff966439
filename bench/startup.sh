#!/usr/bin/env bash
# Time from `dotnet run --project ScaleFast.AppHost` to every resource healthy, in local mode,
# after a build: one cold start (empty data directory: initdb, first RabbitMQ boot) and
# RUNS warm starts (data kept). Prints each figure and its ratio to the 30 s goal.
#   bench/startup.sh [RUNS]        (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${1:-3}
goal=30
data=$(mktemp -d /tmp/scalefast-bench-startup-XXXXXX)
log=$(mktemp)
trap 'rm -rf "$data" "$log"' EXIT

dotnet build ScaleFast.AppHost -c Release -v quiet -nologo >/dev/null

start_once() {
    local label=$1; shift
    local started=$(date +%s.%N)
    dotnet run --project ScaleFast.AppHost -c Release --no-build -- \
        --ScaleFast:Infrastructure local --ScaleFast:DataDirectory "$data" "$@" >"$log" 2>&1 &
    local pid=$!
    local seconds=""
    for _ in $(seq 1 1200); do
        if grep -q "resources are healthy" "$log"; then
            seconds=$(echo "$(date +%s.%N) - $started" | bc)
            break
        fi
        if ! kill -0 "$pid" 2>/dev/null; then break; fi
        sleep 0.1
    done
    # SIGTERM, as a service manager would: a background job of a script ignores SIGINT.
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    # DCP stops the servers after the AppHost exits; let it finish before the next start.
    for _ in $(seq 1 240); do pgrep -f "$data" >/dev/null || break; sleep 0.5; done
    if [ -z "$seconds" ]; then
        echo "$label: did not become healthy; log:" >&2
        tail -20 "$log" >&2
        exit 1
    fi
    printf '%-6s %6.1f s   ratio to the %d s goal: %.2f\n' "$label" "$seconds" "$goal" "$(echo "$seconds / $goal" | bc -l)"
}

echo "Start-up to all resources healthy (local mode, $(nproc) cores):"
start_once cold
for i in $(seq 1 "$runs"); do start_once "warm$i"; done
