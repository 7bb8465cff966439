#!/usr/bin/env bash
# Takes the dashboard screenshots of the README's "Watch it work" with headless Chromium: starts
# ScaleFast as ./run.sh does (dashboard on its own port), clicks through the dashboard, stops it.
# Needs chromium (apt-get install -y chromium) and npm.
#   eng/screenshots.sh [OUTPUT_DIRECTORY]   (default docs/images)
set -euo pipefail
cd "$(dirname "$0")/.."
output=$(realpath -m "${1:-docs/images}")
command -v chromium >/dev/null || { echo "eng/screenshots.sh needs chromium: sudo apt-get install -y chromium" >&2; exit 1; }
eng/prerequisites.sh
export SSL_CERT_DIR="$HOME/.aspnet/dev-certs/trust:${SSL_CERT_DIR:-/usr/lib/ssl/certs}"
(cd eng/screenshots && npm ci --no-audit --no-fund --silent)
dotnet build ScaleFast.AppHost -v quiet -nologo >/dev/null
mkdir -p "$output"

log=$(mktemp)
dotnet run --project ScaleFast.AppHost --no-build -- --ScaleFast:Infrastructure local >"$log" 2>&1 &
app=$!
trap 'kill -TERM $app 2>/dev/null; wait $app 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 1 600); do
    grep -q "resources are healthy" "$log" && break
    kill -0 $app 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.5
done
login=$(grep -o 'http://[^ ]*/login?t=[0-9a-f]*' "$log" | head -1)
node eng/screenshots/take.mjs "$login" "$output"
