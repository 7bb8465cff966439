#!/bin/sh
# Put first on PATH as `docker` by the container tier where the docker CLI has no buildx: DCP (Aspire's
# orchestrator) needs a CLI of version 25 or later, and builds the image of its container-to-host
# tunnel with `docker build --progress`, which such a CLI refuses without buildx. `docker build` goes
# to the engine's own CLI (Debian's docker.io) with BuildKit on; everything else to the CLI DCP takes.
# SCALEFAST_DOCKER_CLI and SCALEFAST_DOCKER_BUILD_CLI name the two.
if [ "${1:-}" = build ]; then
    DOCKER_BUILDKIT=1 exec "$SCALEFAST_DOCKER_BUILD_CLI" "$@"
fi
exec "$SCALEFAST_DOCKER_CLI" "$@"
