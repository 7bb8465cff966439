#!/usr/bin/env bash
# Starts ScaleFast: installs what local mode needs (first time only), then runs the AppHost.
# The dashboard URL (with its login token) and the gateway URL are printed once ready.
# Extra arguments go to the AppHost, e.g. ./run.sh --ScaleFast:ApiReplicas 5
set -euo pipefail
cd "$(dirname "$0")"
eng/prerequisites.sh
exec dotnet run --project ScaleFast.AppHost -- "$@"
