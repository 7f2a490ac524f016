# Postgres 15 from Debian's package, started by postgres-entrypoint.sh (no image can be pulled
# on the CI machines).
FROM local/debian:bookworm
RUN printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d \
 && apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql-15 \
 && rm -rf /var/lib/apt/lists/*
COPY postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint.sh
EXPOSE 5432
CMD ["/usr/local/bin/postgres-entrypoint.sh"]
