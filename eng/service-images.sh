#!/usr/bin/env bash
# Builds the three service images the Kubernetes objects name (scalefast-api, scalefast-worker,
# scalefast-gateway) with the SDK's own container support (dotnet publish -t:PublishContainer) into
# the local Docker engine.
#   eng/service-images.sh [TAG] [-- PUBLISH ARGUMENTS]           on the official ASP.NET Core runtime image
#   eng/service-images.sh --local [TAG] [-- PUBLISH ARGUMENTS]   on scalefast-local/dotnet-aspnet, built
#       here by eng/container-images.sh, for machines that reach no registry
#   eng/service-images.sh --local --prepare   only puts that runtime image where the SDK reads it
#       (eng/prerequisites.sh test does, so that the tests do not wait for it)
# TAG defaults to latest (ScaleFast:Kubernetes:ImageTag); Release unless the arguments after -- say
# otherwise (the tests: -c Debug --no-build). Push the images to your registry afterwards, or publish
# straight to it with dotnet publish's ContainerRegistry property.
set -euo pipefail
cd "$(dirname "$0")/.."

base=()
if [ "${1:-}" = --local ]; then
    shift
    # The SDK reads a base image from a registry only, never from the engine: the local image is
    # pushed to a registry of this machine's own (Debian's docker-registry), on loopback, for the build.
    command -v docker-registry >/dev/null 2>&1 || { echo "service-images.sh --local needs Debian's docker-registry package." >&2; exit 1; }
    work=$(mktemp -d)
    # The registry's storage is kept: the base image is pushed into it once per machine.
    storage="${XDG_CACHE_HOME:-$HOME/.cache}/scalefast/registry"
    mkdir -p "$storage"
    stop_registry() {
        local status=$?
        if kill "${registry:-}" 2>/dev/null; then wait "${registry:-}" 2>/dev/null || true; fi
        rm -rf "$work"
        exit "$status"
    }
    trap stop_registry EXIT
    for _ in 1 2 3 4 5; do
        port=$((20000 + RANDOM % 40000))
        printf 'version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: 127.0.0.1:%s\nlog:\n  level: error\n' \
            "$storage" "$port" > "$work/config.yml"
        docker-registry serve "$work/config.yml" >"$work/registry.log" 2>&1 &
        registry=$!
        for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/v2/" >/dev/null && break 2; sleep 0.1; done
        kill "$registry" 2>/dev/null || true
    done
    curl -fs "http://127.0.0.1:$port/v2/" >/dev/null || { echo "docker-registry did not start: $(cat "$work/registry.log")" >&2; exit 1; }
    runtime="127.0.0.1:$port/scalefast-local/dotnet-aspnet:bookworm"
    docker tag scalefast-local/dotnet-aspnet:bookworm "$runtime"
    docker push --quiet "$runtime" >/dev/null
    docker rmi "$runtime" >/dev/null
    export DOTNET_CONTAINER_INSECURE_REGISTRIES="127.0.0.1:$port"
    base=(-p "ContainerBaseImage=$runtime")
    [ "${1:-}" = --prepare ] && exit 0
fi
tag=latest
if [ $# -gt 0 ] && [ "$1" != -- ]; then
    tag=$1
    shift
fi
[ "${1:-}" = -- ] && shift
publish=(-c Release)
[ $# -gt 0 ] && publish=("$@")

for kind in api worker gateway; do
    project="ScaleFast.${kind^}"
    dotnet publish "$project" "${publish[@]}" -t:PublishContainer --nologo -v quiet \
        -p EnableSdkContainerSupport=true -p "ContainerRepository=scalefast-$kind" -p "ContainerImageTag=$tag" "${base[@]}" >/dev/null
    echo "scalefast-$kind:$tag"
done
