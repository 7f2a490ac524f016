#!/usr/bin/env node
// The `tng` CLI. Loads the TypeScript sources through tsx, so `npm install` is the only step.
require('tsx/cjs');
require('./tng.ts');
