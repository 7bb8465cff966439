#!/usr/bin/env bash
# Starts ScaleFast: installs what it needs (first time only), then runs the AppHost. With a container
# engine answering, the servers run as containers and nothing is installed; otherwise local mode's
# servers come from Debian packages. The dashboard URL (with its login token) and the gateway URL
# are printed once ready. Extra arguments go to the AppHost, e.g. ./run.sh --ScaleFast:ApiReplicas 5
set -euo pipefail
cd "$(dirname "$0")"
eng/prerequisites.sh run "$@"
# The HTTPS development certificate prerequisites.sh made and trusted, in OpenSSL's trust (Linux).
export SSL_CERT_DIR="$HOME/.aspnet/dev-certs/trust:${SSL_CERT_DIR:-/usr/lib/ssl/certs}"
exec dotnet run --project ScaleFast.AppHost -- "$@"
