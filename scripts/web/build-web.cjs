#!/usr/bin/env node
// Builds the web wallet (web/ -> web/dist) at `npm install`, so `npm install && npm start`
// serves it. An install without dev dependencies (`--omit=dev`) has no Vite: it says so and
// goes on; the server then answers / with a page saying how to build it.
const { spawnSync } = require('node:child_process');
const path = require('node:path');

let vite;
try {
  vite = path.join(path.dirname(require.resolve('vite/package.json')), 'bin/vite.js');
} catch {
  process.stderr.write('[web] not built: Vite is not installed (dev dependencies omitted)\n');
  process.exit(0);
}
const root = path.resolve(__dirname, '../..');
const result = spawnSync(process.execPath,
  [vite, 'build', '--config', path.join(root, 'web/vite.config.ts'), '--logLevel', 'error'],
  { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
