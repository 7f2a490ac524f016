# A Debian package on the local Debian image: Postgres, Redis, Prometheus and nginx come from
# Debian here, since no image can be pulled. PACKAGES names them; no service is started.
FROM local/debian:bookworm
ARG PACKAGES
RUN printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d \
 && apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $PACKAGES \
 && rm -rf /var/lib/apt/lists/*
