// The web wallet's built files (web/, built by Vite into web/dist at `npm install`): the page
// at / and its hashed assets at /assets/:file. The files are listed once at start and only
// those names are served, so no request path ever reaches the file system. The page gets a
// strict Content-Security-Policy: scripts, styles and connections from this origin only, no
// inline code, no framing (docs/api.md, "The web wallet").
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod/v4';
import { DomainError } from '../errors/domain-error';
import { withZod } from './create-http-server';
import { responses } from './responses';

export const WEB_APP_CSP = [
  "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
  "connect-src 'self'", "font-src 'self'", "base-uri 'none'", "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const MEDIA_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};
const ASSET_NAME = /^[\w.-]{1,200}$/;

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Mini TNG</title></head><body><main><h1>Mini TNG</h1>
<p>The web wallet is not built. Run <code>npm run build:web</code> and restart.
The API and its documentation are at <a href="/docs">/docs</a>.</p></main></body></html>`;

// Text only (the build emits no images or fonts), so an asset is a string like any reply.
type Asset = Readonly<{ body: string; type: string }>;

function loadAssets(directory: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  const folder = path.join(directory, 'assets');
  if (!existsSync(folder)) return assets;
  for (const name of readdirSync(folder)) {
    const type = MEDIA_TYPES[path.extname(name)];
    if (type && ASSET_NAME.test(name)) {
      assets.set(name, { body: readFileSync(path.join(folder, name), 'utf8'), type });
    }
  }
  return assets;
}

/** Serves the build in `directory` (web/dist), or a page saying it is not built. */
export function webAppRoutes(directory: string): FastifyPluginAsync {
  return async (scope) => {
    const app = withZod(scope);
    const indexFile = path.join(directory, 'index.html');
    const page = existsSync(indexFile) ? readFileSync(indexFile, 'utf8') : NOT_BUILT;
    const assets = loadAssets(directory);
    app.get('/', {
      schema: {
        tags: ['web'],
        description: 'The web wallet',
        contract: { media: { 200: ['text/html'] } },
        response: responses({ 200: z.string() }, [400, 503]),
      },
    }, async (_request, reply) => reply
      .header('content-security-policy', WEB_APP_CSP)
      .header('cache-control', 'no-cache')
      .type('text/html; charset=utf-8')
      .send(page));
    app.get('/assets/:file', {
      schema: {
        params: z.strictObject({ file: z.string().regex(ASSET_NAME) }),
        tags: ['web'],
        description: 'The web wallet\'s scripts and styles (names carry a content hash)',
        contract: { media: { 200: ['text/javascript', 'text/css', 'image/svg+xml'] } },
        response: responses({ 200: z.string() }, [400, 404, 503]),
      },
    }, async (request, reply) => {
      const asset = assets.get(request.params.file);
      if (!asset) throw new DomainError('not_found', 'no such file');
      return reply
        .header('cache-control', 'public, max-age=31536000, immutable')
        .type(asset.type)
        .send(asset.body);
    });
  };
}
