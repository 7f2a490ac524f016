#!/usr/bin/env node
// Runs a TypeScript entry point through tsx's CommonJS loader, so no build step is needed.
require('tsx/cjs');
const path = require('node:path');
const [, , entry, ...rest] = process.argv;
process.argv = [process.argv[0], entry, ...rest];
require(path.resolve(entry));
