#!/usr/bin/env bash
# Runs every ScaleFast test against real servers in local mode: installs what local mode needs
# (first time only), then runs the test suite. Extra arguments go to dotnet test.
set -euo pipefail
cd "$(dirname "$0")"
eng/prerequisites.sh
exec dotnet test ScaleFast.sln "$@"
