#!/usr/bin/env bash
# Runs every ScaleFast test against real servers in local mode: installs what local mode needs
# (first time only), then runs the test suite. Extra arguments go to dotnet test.
set -euo pipefail
cd "$(dirname "$0")"
eng/prerequisites.sh
# The HTTPS development certificate prerequisites.sh made and trusted, in OpenSSL's trust (Linux).
export SSL_CERT_DIR="$HOME/.aspnet/dev-certs/trust:${SSL_CERT_DIR:-/usr/lib/ssl/certs}"
exec dotnet test ScaleFast.sln "$@"
