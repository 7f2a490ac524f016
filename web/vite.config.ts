// The web wallet's build: plain Vite (its built-in JSX transform; no plugin), output in
// web/dist, which the server serves under / (shared/http/web-app.routes.ts). No inline script
// or style is emitted, so the pages run under a strict Content-Security-Policy.
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
  },
});
