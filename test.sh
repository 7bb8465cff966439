#!/usr/bin/env bash
# Runs every ScaleFast test against real servers, in local mode and (the container tier) in Docker:
# installs what the tests need (first time only), then runs the suite. Extra arguments go to dotnet test.
set -euo pipefail
cd "$(dirname "$0")"
eng/prerequisites.sh test
# The HTTPS development certificate prerequisites.sh made and trusted, in OpenSSL's trust (Linux).
export SSL_CERT_DIR="$HOME/.aspnet/dev-certs/trust:${SSL_CERT_DIR:-/usr/lib/ssl/certs}"
exec dotnet test ScaleFast.sln "$@"
