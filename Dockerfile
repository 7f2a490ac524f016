# One image for the four services: `tng serve <command-api|query-api|projector|sagas>`
# (docs/operations.md, "Run it for real"). The sources run through tsx, as `npm start` does.
ARG NODE_IMAGE=node:20-bookworm-slim

# Production dependencies only. Behind a TLS-intercepting proxy, pass its CA as the optional
# secret `npm_ca` (docker build --secret id=npm_ca,src=proxy-ca.pem); without it nothing changes.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# The postinstall script builds the web wallet; without Vite (dev) it says so and goes on.
COPY scripts/web/build-web.cjs ./scripts/web/
RUN --mount=type=secret,id=npm_ca,required=false \
    if [ -s /run/secrets/npm_ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/npm_ca; fi \
 && npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force

# The web wallet (web/ -> web/dist), built with the dev dependencies, which stay here.
FROM ${NODE_IMAGE} AS web
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=secret,id=npm_ca,required=false \
    if [ -s /run/secrets/npm_ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/npm_ca; fi \
 && npm ci --ignore-scripts --no-audit --no-fund
COPY scripts/web/build-web.cjs ./scripts/web/
COPY web ./web
RUN node scripts/web/build-web.cjs

FROM ${NODE_IMAGE}
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
RUN groupadd --system tng && useradd --system --gid tng --home-dir /app --shell /usr/sbin/nologin tng
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json ./
COPY bin ./bin
COPY command-api ./command-api
COPY query-api ./query-api
COPY projector ./projector
COPY sagas ./sagas
COPY shared ./shared
COPY migrations ./migrations
COPY --from=web /app/web/dist ./web/dist
USER tng
EXPOSE 3000
# Ready means the database answers (shared/http/health.routes.ts). Asked by bash over
# /dev/tcp: no curl in the slim image, and a node process per check costs more CPU than the
# service's own work on a busy 2-core machine.
HEALTHCHECK --interval=10s --timeout=10s --start-period=120s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${PORT:-3000} && printf 'GET /health/ready HTTP/1.0\\r\\n\\r\\n' >&3 && head -n1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["node", "bin/tng.cjs"]
CMD ["serve"]
