#!/usr/bin/env bash
# `npm run verify:docker`: the deployment of docker-compose.yml, run for real on this machine
# (docs/operations.md, "Run it for real"). Installs and starts a Docker engine if there is
# none, builds the local base images (nothing can be pulled here) and our image on them,
# runs the event store contract suite on a Testcontainers Postgres, then brings up the parts
# of the compose file that exist here (scripts/docker/compose.verify.yml: Postgres, Redis, the
# four services with two command-api replicas, Prometheus, the nginx gateway) and runs
# test/docker/gateway.docker.test.ts through the gateway, then `tng audit verify` in a
# container. Containers, networks and volumes are removed at the end, failed or not; the
# engine is left running.
set -euo pipefail
# In braces, so bash reads the whole script before running it (an edit during a run is harmless).
{
cd "$(dirname "$0")/../.."
started_at=$(date +%s)
step() { echo "== [$(( $(date +%s) - started_at ))s] $*"; }

export PATH="/usr/bin:$PATH" # Debian's docker client has BuildKit; another may come first
export DOCKER_BUILDKIT=1 COMPOSE_DOCKER_CLI_BUILD=1
export TNG_IMAGE=mini-tng:verify
export VERIFY_DIR
VERIFY_DIR="$(mktemp -d)"
chmod 755 "$VERIFY_DIR"
project=tng-verify
run_id="verify-$$" # labels the Testcontainers Postgres (shared/testing/test-postgres-container.ts)
compose() {
  docker-compose -p "$project" -f docker-compose.yml -f scripts/docker/compose.verify.yml "$@"
}

# --- the engine ---------------------------------------------------------------------------
if ! command -v dockerd >/dev/null || ! command -v docker-compose >/dev/null \
    || ! command -v debootstrap >/dev/null; then
  step "installing docker.io, docker-compose, debootstrap"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q docker.io docker-compose debootstrap >/dev/null \
    || { apt-get update -q >/dev/null && apt-get install -y -q docker.io docker-compose debootstrap >/dev/null; }
fi
if ! docker info >/dev/null 2>&1; then
  step "starting dockerd (log: /var/log/tng-dockerd.log)"
  setsid nohup dockerd --storage-driver overlay2 >/var/log/tng-dockerd.log 2>&1 < /dev/null &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null
fi

cleanup() {
  status=$?
  if [ "$status" -ne 0 ]; then
    echo "== verify:docker failed (exit $status); the services' last log lines:"
    compose logs --no-color --tail 40 2>/dev/null || true
  fi
  compose down -v --remove-orphans >/dev/null 2>&1 || true
  docker ps -aq --filter "label=mini-tng.test-run=$run_id" | xargs -r docker rm -f >/dev/null || true
  rm -rf "$VERIFY_DIR"
  echo "== verify:docker $([ "$status" -eq 0 ] && echo passed || echo FAILED) in $(( $(date +%s) - started_at ))s"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
compose down -v --remove-orphans >/dev/null 2>&1 || true # a run killed before its trap

# --- images -------------------------------------------------------------------------------
step "local base images"
bash scripts/docker/base-images.sh
step "building $TNG_IMAGE on local/node:20-bookworm-slim"
ca=()
# The machine's extra CA, for npm ci behind a TLS-intercepting proxy (the Dockerfile's secret).
if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -s "$NODE_EXTRA_CA_CERTS" ]; then
  ca=(--secret "id=npm_ca,src=$NODE_EXTRA_CA_CERTS")
fi
docker build --network host -q "${ca[@]}" --build-arg NODE_IMAGE=local/node:20-bookworm-slim \
  -t "$TNG_IMAGE" . >/dev/null

step "docker-compose config (the full file, then with the verify override)"
docker-compose -f docker-compose.yml config -q
compose config -q

# --- Testcontainers -----------------------------------------------------------------------
step "event store contract suite on a Testcontainers Postgres (local/postgres:15)"
env -u DATABASE_URL -u TEST_DATABASE_URL TNG_TEST_POSTGRES_IMAGE=local/postgres:15 TNG_TEST_RUN_ID="$run_id" \
  TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1 \
  npx jest shared/adapters/event-store/postgres.event-store.int.test.ts --selectProjects int \
  2>&1 | tee "$VERIFY_DIR/contract.log" | grep -E "Testcontainers|^Tests:|✕|FAIL" || true
grep -q "using Postgres from a local/postgres:15 container" "$VERIFY_DIR/contract.log" \
  || { cat "$VERIFY_DIR/contract.log"; echo "the suite did not run on the container"; exit 1; }
grep -q "^Tests: .* passed" "$VERIFY_DIR/contract.log" && ! grep -q "^Tests: .*failed" "$VERIFY_DIR/contract.log" \
  || { cat "$VERIFY_DIR/contract.log"; exit 1; }

# --- the stack ----------------------------------------------------------------------------
# The gateway's own config with the verify ports: both command-api replicas, and query-api.
sed -e 's|server command-api:3000;|server 127.0.0.1:23101;\n    server 127.0.0.1:23102;|' \
    -e 's|server query-api:3000;|server 127.0.0.1:23103;|' \
    -e 's|listen 8080;|listen 127.0.0.1:28080;|' infra/gateway/nginx.conf > "$VERIFY_DIR/nginx.conf"
grep -q 127.0.0.1:23102 "$VERIFY_DIR/nginx.conf" && grep -q 127.0.0.1:23103 "$VERIFY_DIR/nginx.conf"
targets=(23101 23102 23103 23104 23105)
{
  echo "global: { scrape_interval: 2s, scrape_timeout: 2s }"
  echo "scrape_configs:"
  echo "  - job_name: tng"
  echo "    static_configs:"
  printf '      - targets: [%s]\n' "$(printf "'127.0.0.1:%s'," "${targets[@]}" | sed 's/,$//')"
} > "$VERIFY_DIR/prometheus.yml"

wait_healthy() { # service...: every container of each is healthy
  local deadline=$(( $(date +%s) + 300 ))
  for service in "$@"; do
    local id; id="$(compose ps -q "$service")"
    until [ "$(docker inspect -f '{{.State.Health.Status}}' "$id")" = healthy ]; do
      if [ "$(docker inspect -f '{{.State.Running}}' "$id")" != true ] || [ "$(date +%s)" -gt "$deadline" ]; then
        echo "$service is not healthy:"; compose logs --no-color --tail 60 "$service"; return 1
      fi
      sleep 1
    done
  done
}
step "compose up: postgres, redis"
compose up -d --no-deps postgres redis 2>&1 | grep -v -i warn || true
wait_healthy postgres redis
step "compose up: command-api x2, query-api, projector, sagas"
compose up -d --no-deps command-api command-api-2 query-api projector sagas 2>&1 | grep -v -i warn || true
wait_healthy command-api command-api-2 query-api projector sagas
step "compose up: gateway, prometheus"
compose up -d --no-deps gateway-host prometheus-host 2>&1 | grep -v -i warn || true
wait_healthy gateway-host

step "through the gateway: a transfer read back, Prometheus' targets, the two-replica bank"
TNG_DOCKER_GATEWAY_URL=http://127.0.0.1:28080 \
TNG_DOCKER_COMMAND_API_URLS=http://127.0.0.1:23101,http://127.0.0.1:23102 \
TNG_DOCKER_PROMETHEUS_URL=http://127.0.0.1:29090 \
TNG_DOCKER_SCRAPE_TARGETS=${#targets[@]} \
TNG_DOCKER_DATABASE_URL=postgres://postgres@127.0.0.1:25432/postgres \
DATABASE_URL=postgres://postgres@127.0.0.1:25432/postgres \
  npx jest --selectProjects docker --verbose 2>&1 | grep -v "^\s*$"

step "tng audit verify, in a container of the image"
# docker run, not compose run: compose links a run's container to its dependencies, which
# host networking refuses.
docker run --rm --network host -e NODE_ENV=production -e LOG_LEVEL=warn \
  -e JWT_SECRET=compose-only-secret-change-me-0123456789abcdef \
  -e DATABASE_URL=postgres://postgres@127.0.0.1:25432/postgres "$TNG_IMAGE" audit verify
exit
}
