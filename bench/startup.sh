#!/usr/bin/env bash
# Time from `dotnet run --project ScaleFast.AppHost` to every resource healthy, in local mode,
# after a build: one cold start (empty data directory: initdb, first RabbitMQ boot), then RUNS
# pairs of warm starts (data kept), alternating: the services started as their built programs
# (the default) and, as the baseline, through `dotnet run` (--ScaleFast:ServiceLaunch DotnetRun,
# Aspire's project resources). Prints each figure, its ratio to the 30 s goal, the medians and
# their ratio, and where the machine's CPU went meanwhile: all of it (every process), and the share
# of the `dotnet run` launchers (the AppHost's own, and each service's in the baseline).
#   bench/startup.sh [RUNS]        (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/apphost.sh

runs=${1:-3}
goal=30
data=$(mktemp -d /tmp/scalefast-bench-startup-XXXXXX)
trap 'app_stop 2>/dev/null || true; rm -rf "$data"' EXIT

app_build

# The CPU time every process on the machine used so far (user, nice, system, irq, softirq), in ticks.
busy_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8}' /proc/stat; }

# The CPU time of the running `dotnet run` processes of this checkout's projects (the AppHost's and,
# when the services start through it, each service's launcher), in ticks.
launcher_ticks() {
    local pid total=0
    for pid in $(pgrep -f "dotnet run --project ($PWD/)?ScaleFast\\."); do
        total=$(( total + $(cpu_ticks "$pid" 2>/dev/null || echo 0) ))
    done
    echo "$total"
}

# start_once LABEL [AppHost arguments...]: one start, its figures printed; APP_SECONDS holds its time.
start_once() {
    local label=$1 busy launchers hz
    shift
    hz=$(getconf CLK_TCK)
    busy=$(busy_ticks)
    app_start "$data" "$@"
    busy=$(( $(busy_ticks) - busy ))
    launchers=$(launcher_ticks)
    app_stop
    printf '%-16s %6.1f s   ratio to the %d s goal: %.2f   CPU used: %5.1f s of %5.1f s on %d cores, dotnet-run launchers %4.1f s\n' \
        "$label" "$APP_SECONDS" "$goal" "$(ratio "$APP_SECONDS" "$goal")" \
        "$(ratio "$busy" "$hz")" "$(echo "$APP_SECONDS * $(nproc)" | bc -l)" "$(nproc)" "$(ratio "$launchers" "$hz")"
}

echo "Start-up to all resources healthy (local mode, $(nproc) cores):"
start_once cold
programs=() projects=()
for i in $(seq 1 "$runs"); do
    start_once "warm$i"
    programs+=("$APP_SECONDS")
    start_once "warm$i dotnet-run" --ScaleFast:ServiceLaunch DotnetRun
    projects+=("$APP_SECONDS")
done
program_median=$(median "${programs[@]}")
project_median=$(median "${projects[@]}")
printf 'warm median: %.1f s (services as built programs), %.1f s (through dotnet run); ratio %.2f; ratio to the %d s goal %.2f\n' \
    "$program_median" "$project_median" "$(ratio "$program_median" "$project_median")" "$goal" "$(ratio "$program_median" "$goal")"
