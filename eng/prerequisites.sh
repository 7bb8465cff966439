#!/usr/bin/env bash
# Installs the servers ScaleFast's local mode runs (PostgreSQL, Redis, RabbitMQ, Prometheus) when any is
# missing: with apt-get as root, with sudo when it needs no password; otherwise prints the
# command to run and fails. Restores the pinned .NET tools (smtp4dev, the mail server). Does
# nothing when everything is there. Installs the schema validator's npm packages (eng/k8s-validate,
# locked) for the Kubernetes tests.
set -euo pipefail
cd "$(dirname "$0")/.."

dotnet tool restore >/dev/null

# Aspire warns (and the dashboard shows a banner) without a trusted HTTPS development certificate.
# On Linux, trusting it means OpenSSL's trust directory in $HOME/.aspnet/dev-certs/trust, which
# run.sh and test.sh put in SSL_CERT_DIR.
if ! SSL_CERT_DIR="$HOME/.aspnet/dev-certs/trust:${SSL_CERT_DIR:-/usr/lib/ssl/certs}" dotnet dev-certs https --check --trust >/dev/null 2>&1; then
    dotnet dev-certs https --trust >/dev/null 2>&1 || echo "Could not trust the HTTPS development certificate; Aspire will warn about it (harmless: local mode serves HTTP)." >&2
fi

missing=()
has() { command -v "$1" >/dev/null 2>&1; }

ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || has postgres || missing+=(postgresql)
has redis-server || missing+=(redis-server)
[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || has rabbitmq-server || missing+=(rabbitmq-server)
has epmd || missing+=(erlang-base)
has setpriv || missing+=(util-linux)
has prometheus || missing+=(prometheus)
has promtool || missing+=(prometheus)
has node || missing+=(nodejs)
has npm || missing+=(npm)
# The shell scripts are checked in the fast tier (ShellScriptTests).
has shellcheck || missing+=(shellcheck)

# The Kubernetes tests validate the published objects with these (package-lock.json pins them).
validator_packages() {
    local dir=eng/k8s-validate
    if [ ! -f "$dir/node_modules/.package-lock.json" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
        (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    fi
}

if [ ${#missing[@]} -eq 0 ]; then
    validator_packages
    exit 0
fi

packages=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')

if ! has apt-get; then
    echo "ScaleFast local mode needs: ${packages}(Debian/Ubuntu package names)." >&2
    echo "Install them with your package manager, or run with --ScaleFast:Infrastructure containers." >&2
    exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
    as_root=()
elif has sudo && sudo -n true 2>/dev/null; then
    as_root=(sudo)
else
    echo "ScaleFast local mode needs packages that are not installed. Run:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${packages}" >&2
    exit 1
fi

echo "Installing ${packages}..."
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
# shellcheck disable=SC2086 # one word per package
"${as_root[@]}" apt-get install -y -qq --no-install-recommends $packages >/dev/null
validator_packages
