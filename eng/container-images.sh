#!/usr/bin/env bash
# Builds the container images ScaleFast runs with --ScaleFast:ContainerImages Local, on machines that
# reach no image registry: PostgreSQL, Redis, RabbitMQ, Prometheus and smtp4dev, and the ASP.NET Core
# runtime image the services are published on (scalefast-local/<name>:bookworm).
#
# One Debian root filesystem holds every server's package and this SDK's .NET runtime: mmdebstrap
# makes it on this host and the local Docker engine imports it once (one mmdebstrap run is several
# times faster than one per server, and the layer is stored once). Each image is then that root with
# the entrypoint, environment and ports of its official counterpart (eng/container-images/<name>/
# Dockerfile): nothing is pulled, and no build step runs a program inside a container. A root whose
# recipe has not changed is kept. Needs a running Docker engine, mmdebstrap and the .NET SDK.
set -euo pipefail
cd "$(dirname "$0")/.."

readonly suite=bookworm
readonly recipes=eng/container-images
readonly root_image=scalefast-local/debian:$suite
readonly packages="postgresql-15 redis-server rabbitmq-server prometheus ca-certificates libicu72 libssl3 tzdata"
readonly tunnel_base=mcr.microsoft.com/azurelinux/base/core:3.0

if ! docker info >/dev/null 2>&1; then
    echo "container-images.sh: no Docker engine answers ('docker info' fails); start one first." >&2
    exit 1
fi
for tool in mmdebstrap dotnet; do
    command -v "$tool" >/dev/null 2>&1 || { echo "container-images.sh: '$tool' is not installed." >&2; exit 1; }
done

# The .NET runtime this SDK runs on is copied in: Debian does not package .NET.
dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")

# What the root is made of; it is rebuilt when this changes.
root_recipe() {
    {
        printf '%s\n' "$suite" "$packages"
        sed -n '/^build_root()/,/^}/p' "$0"
        ls "$dotnet_root/shared/Microsoft.NETCore.App" "$dotnet_root/shared/Microsoft.AspNetCore.App"
    } | sha256sum | cut -c1-16
}

build_root() {
    local work
    work=$(mktemp -d)
    # shellcheck disable=SC2064 # the directory is known now
    trap "rm -rf '$work'" RETURN
    # Each hook gets the root directory as $1. Documentation, manual pages and translations are of
    # no use in a server image; Debian's Postgres would otherwise create a cluster nobody uses.
    # shellcheck disable=SC2016 # $1 is the hook's
    mmdebstrap --quiet --variant=apt --include="$packages" \
        --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
        --essential-hook='mkdir -p "$1/etc/postgresql-common/createcluster.d" && echo "create_main_cluster = false" > "$1/etc/postgresql-common/createcluster.d/scalefast.conf"' \
        --customize-hook="mkdir -p \"\$1/usr/share/dotnet/shared\" && cp -a '$dotnet_root/dotnet' '$dotnet_root/host' \"\$1/usr/share/dotnet/\" \
            && cp -a '$dotnet_root/shared/Microsoft.NETCore.App' '$dotnet_root/shared/Microsoft.AspNetCore.App' \"\$1/usr/share/dotnet/shared/\" \
            && ln -s /usr/share/dotnet/dotnet \"\$1/usr/bin/dotnet\"" \
        --customize-hook='chroot "$1" useradd --uid 1654 --user-group --no-create-home --home-dir /app app' \
        --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*' \
        "$suite" "$work/root.tar" \
        "deb http://deb.debian.org/debian $suite main" \
        "deb http://deb.debian.org/debian $suite-updates main" \
        "deb http://deb.debian.org/debian-security $suite-security main"
    docker import --change "LABEL io.scalefast.recipe=$1" "$work/root.tar" "$root_image" >/dev/null
}

recipe=$(root_recipe)
if [ "$(docker image inspect --format '{{ index .Config.Labels "io.scalefast.recipe" }}' "$root_image" 2>/dev/null)" = "$recipe" ]; then
    echo "$root_image (unchanged)"
else
    echo "$root_image: building the Debian root (a minute or two)..."
    build_root "$recipe"
    echo "$root_image"
fi

# image NAME [CONTEXT]: scalefast-local/NAME from eng/container-images/NAME/Dockerfile.
image() {
    local name=$1 context=${2:-$recipes/$1}
    local output
    if ! output=$(docker build --quiet --tag "scalefast-local/$name:$suite" --file "$recipes/$name/Dockerfile" "$context" 2>&1); then
        echo "$output" >&2
        exit 1
    fi
    echo "scalefast-local/$name:$suite"
}

for name in dotnet-aspnet postgres redis rabbitmq prometheus; do
    image "$name"
done

# smtp4dev's own files, as `dotnet tool restore` put them in the NuGet cache, are its build context.
dotnet tool restore >/dev/null
smtp4dev=$(find "${NUGET_PACKAGES:-$HOME/.nuget/packages}" -path '*rnwood.smtp4dev*' -name Rnwood.Smtp4dev.dll -print -quit)
image smtp4dev "$(dirname "$smtp4dev")"

# DCP, Aspire's orchestrator, reaches the host's services from the container network through a
# tunnel: a client container whose image it builds FROM $tunnel_base (BuildKit: its docker CLI needs
# buildx). The client is one program that needs only a root filesystem: offline, the Debian root serves.
if ! docker image inspect "$tunnel_base" >/dev/null 2>&1; then
    docker tag "$root_image" "$tunnel_base"
    echo "$tunnel_base (the Debian root, for DCP's tunnel client)"
fi
