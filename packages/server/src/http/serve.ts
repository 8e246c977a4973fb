import { serve } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Services } from '../compose.ts';
import { createApp, type AppOptions } from './app.ts';

/** Starts the HTTP server; resolves with its address once listening. */
export function startServer(
  services: Services,
  opts: AppOptions & { host: string; port: number; webRoot: string },
) {
  const { app } = createApp(services, opts);
  if (existsSync(opts.webRoot)) {
    const root = relative(process.cwd(), opts.webRoot) || '.';
    app.use('/*', serveStatic({ root }));
    app.get('*', serveStatic({ root, path: 'index.html' }));
  }
  return new Promise<{ url: string; close: () => Promise<void> }>((resolve) => {
    const server = serve({ fetch: app.fetch, hostname: opts.host, port: opts.port }, (info) => {
      resolve({
        url: `http://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${info.port}`,
        close: () => new Promise((r) => server.close(() => r())),
      });
    });
  });
}

/** Where the built dashboard lives (packages/web/dist), falling back to the placeholder page. */
export function webRootFor(repoRoot: string): string {
  const dist = join(repoRoot, 'packages', 'web', 'dist');
  return existsSync(dist) ? dist : join(repoRoot, 'packages', 'web', 'public');
}
