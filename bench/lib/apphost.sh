# shellcheck shell=bash
# Shared by the bench/ scripts: start the AppHost (Release, local mode) and wait until every
# resource is healthy, find an instance's address, stop it all again.
#   source bench/lib/apphost.sh
#   app_build [-p:ScaleFastBenchmarks=true]      the Release build; the property adds the /bench/* endpoints
#   app_start DATA_DIR [AppHost arguments...]   sets APP_PID, APP_LOG, APP_SECONDS
#     APP_ENVIRONMENT=Production runs it without the launch profile, as Production: then the
#     services do not get the Development telemetry settings (1 s OTLP export, exemplars).
#   app_pid INSTANCE                             prints the process id of the instance (api-0, gateway, ...)
#   app_url INSTANCE                             prints http://127.0.0.1:PORT of the instance's http endpoint
#   app_server_pid NAME                          prints the process id of the app's local server NAME (redis-server, ...)
#   cpu_ticks PID                                prints the CPU time the process has used (clock ticks)
#   app_stop
#   bench_workdir NAME                           prints a new work directory the servers can enter
#   free_port                                    prints a loopback TCP port nothing listens on
#   wrk_rps URL SECONDS [LUA]                    requests/s of one wrk -t1 -c32 run; non-2xx fails

# shellcheck source=bench/lib/figures.sh
source "$(dirname "${BASH_SOURCE[0]}")/figures.sh"

# A failure inside $(...) stops the script too.
shopt -s inherit_errexit

app_build() {
    dotnet build ScaleFast.AppHost -c Release -v quiet -nologo "$@" >/dev/null
}

# APP_SECONDS is read by the scripts that source this file (startup.sh).
# shellcheck disable=SC2034
app_start() {
    local data=$1; shift
    APP_DATA=$data
    APP_LOG=$(mktemp /tmp/scalefast-bench-log-XXXXXX)
    local started
    started=$(date +%s.%N)
    local launch=()
    if [ "${APP_ENVIRONMENT:-Development}" != Development ]; then
        # What the launch profile would set, but for the environment.
        # The dashboard's ports are free ones: another app may run on this machine.
        launch=(env DOTNET_ENVIRONMENT="$APP_ENVIRONMENT" ASPNETCORE_ENVIRONMENT="$APP_ENVIRONMENT"
            ASPNETCORE_URLS="http://localhost:$(free_port)" ASPIRE_ALLOW_UNSECURED_TRANSPORT=true
            ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL="http://localhost:$(free_port)" ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL="http://localhost:$(free_port)")
    fi
    "${launch[@]}" dotnet run --project ScaleFast.AppHost -c Release --no-build ${launch:+--no-launch-profile} -- \
        --ScaleFast:Infrastructure local --ScaleFast:DataDirectory "$data" "$@" >"$APP_LOG" 2>&1 &
    APP_PID=$!
    APP_SECONDS=""
    for _ in $(seq 1 1800); do
        if grep -q "resources are healthy" "$APP_LOG"; then
            APP_SECONDS=$(echo "$(date +%s.%N) - $started" | bc)
            return 0
        fi
        if ! kill -0 "$APP_PID" 2>/dev/null; then break; fi
        sleep 0.1
    done
    echo "The AppHost did not become healthy; log:" >&2
    tail -20 "$APP_LOG" >&2
    app_stop
    return 1
}

app_pid() {
    local instance=$1 pid found=""
    # This checkout's builds only (another checkout may run its own app on this machine), and
    # the newest: an instance of the previous start may still be on its way out.
    for pid in $(pgrep -f "$PWD/ScaleFast\.[A-Za-z]*/bin/Release/net10.0/ScaleFast\."); do
        tr '\0' '\n' < "/proc/$pid/environ" 2>/dev/null | grep -qx "ScaleFast__Instance=$instance" && found=$pid
    done
    [ -n "$found" ] && { echo "$found"; return 0; }
    echo "No running instance $instance" >&2
    return 1
}

app_url() {
    local pid environ urls management
    pid=$(app_pid "$1")
    environ=$(tr '\0' '\n' < "/proc/$pid/environ")
    urls=$(grep '^ASPNETCORE_URLS=' <<<"$environ" | cut -d= -f2-)
    management=$(grep '^ScaleFast__ManagementPort=' <<<"$environ" | cut -d= -f2-)
    tr ';' '\n' <<<"$urls" | grep -v ":$management\$" | head -1 | sed 's/localhost/127.0.0.1/'
}

# The servers change their process titles, but each works in its directory under the app's data.
app_server_pid() {
    local pid
    for pid in $(pgrep -x "$1"); do
        case $(readlink "/proc/$pid/cwd" 2>/dev/null) in "$APP_DATA"/*) echo "$pid"; return 0 ;; esac
    done
    echo "No $1 of this app running" >&2
    return 1
}

# cpu_ticks PID: the CPU time the process has used so far (user + system), in clock ticks.
cpu_ticks() {
    sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'
}

# Nothing started yet: app_stop (in a script's EXIT trap) then has nothing to stop.
APP_PID="" APP_DATA="" APP_LOG=""

app_stop() {
    [ -n "$APP_PID" ] || return 0
    # SIGTERM, as a service manager would: a background job of a script ignores SIGINT.
    kill -TERM "$APP_PID" 2>/dev/null || true
    wait "$APP_PID" 2>/dev/null || true
    # DCP stops the servers after the AppHost exits; let it finish before the next start.
    for _ in $(seq 1 240); do pgrep -f "$APP_DATA" >/dev/null || break; sleep 0.5; done
    rm -f "$APP_LOG"
    APP_PID=""
}

free_port() {
    local port
    while :; do
        port=$(( 20000 + RANDOM % 10000 ))
        ss -Htln "sport = :$port" | grep -q . || { echo "$port"; return 0; }
    done
}

bench_workdir() {
    local work
    work=$(mktemp -d "/tmp/scalefast-bench-$1-XXXXXX")
    # The servers' system users (postgres, rabbitmq) must be able to enter it.
    chmod 711 "$work"
    echo "$work"
}

# wrk_output URL SECONDS [LUA]: the whole wrk report, with latency percentiles; non-2xx fails.
wrk_output() {
    local out
    out=$(wrk -t1 -c32 -d"$2s" --latency ${3:+-s "$3"} "$1")
    if grep -q "Non-2xx" <<<"$out"; then echo "wrk saw errors for $1:" >&2; echo "$out" >&2; return 1; fi
    echo "$out"
}

wrk_rps() {
    wrk_output "$@" | awk '/Requests\/sec/ {print $2}'
}
