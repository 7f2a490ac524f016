// Goal: the web wallet is served under / with a strict Content-Security-Policy, its assets
// only by their listed names, and its typed API client cannot drift from the server: the
// checked-in web/src/api/schema.d.ts must be exactly what openapi-typescript makes of this
// server's /docs/json (`npm run web:api-types` regenerates it from a running server).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { call } from '../support/api';
import { startTestApp, type TestApp } from '../support/test-app';

const ROOT = path.resolve(__dirname, '../..');
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
}, 60_000);
afterAll(() => app?.stop());

test('/ serves the built page under a strict Content-Security-Policy', async () => {
  const page = await call(app, 'GET', '/');
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toMatch(/^text\/html/);
  const csp = page.headers.get('content-security-policy') ?? '';
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain('unsafe-inline');
  // Built by `npm install` (scripts/web/build-web.cjs): a page naming its hashed script.
  const script = /src="\/assets\/([\w.-]+\.js)"/.exec(page.text)?.[1];
  expect(script).toBeDefined();
  const asset = await call(app, 'GET', `/assets/${script}`);
  expect(asset.status).toBe(200);
  expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/);
  expect(asset.headers.get('cache-control')).toContain('immutable');
});

test('only listed assets are served: anything else is 404 or 400', async () => {
  expect((await call(app, 'GET', '/assets/no-such-file.js')).status).toBe(404);
  expect((await call(app, 'GET', '/assets/..%2Fpackage.json')).status).toBe(400);
  expect((await call(app, 'GET', '/assets/index.html')).status).toBe(404);
});

test('the web client\'s generated types match this server\'s OpenAPI document', async () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'tng-api-types-'));
  try {
    const generated = path.join(folder, 'schema.d.ts');
    const cli = path.join(ROOT, 'node_modules/openapi-typescript/bin/cli.js');
    await promisify(execFile)(process.execPath,
      [cli, `${app.url}/docs/json`, '-o', generated], { cwd: ROOT });
    const checkedIn = readFileSync(path.join(ROOT, 'web/src/api/schema.d.ts'), 'utf8');
    // On a difference: run `npm start`, then `npm run web:api-types`, and commit the file.
    expect(readFileSync(generated, 'utf8')).toBe(checkedIn);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
