import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npm run dev -w @oversight/web` serves the dashboard with hot reload and forwards API calls to
// a running server (OVERSIGHT_API, default http://127.0.0.1:3000).
const api = process.env['OVERSIGHT_API'] ?? 'http://127.0.0.1:3000';

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // No inline scripts or styles: the server's CSP allows only same-origin files.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  server: {
    proxy: Object.fromEntries(
      ['/v1', '/openapi.json', '/docs', '/healthz'].map((p) => [p, { target: api, changeOrigin: false }]),
    ),
  },
});
