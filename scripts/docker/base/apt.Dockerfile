# Debian's packages of the servers the verify script runs (Postgres, Redis, Prometheus, nginx
# and curl for its health check) on the local Debian image, in one image: one apt-get run
# instead of four. No service is started here.
FROM local/debian:bookworm
RUN printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d \
 && apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      postgresql-15 redis-server prometheus nginx curl ca-certificates \
 && rm -rf /var/lib/apt/lists/*
