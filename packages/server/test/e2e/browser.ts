/**
 * Browser-test support: the whole product (API + built dashboard) on a fresh SQLite database
 * with the demo organisation, served on a loopback port, driven by Debian's Chromium through
 * playwright-core.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';
import { composeServices } from '../../src/compose.ts';
import { seedDemo } from '../../src/demo/seed-demo.ts';
import { startServer } from '../../src/http/serve.ts';
import { openStore, sqlitePathFor } from '../../src/storage/open-store.ts';
import { testMasterKey } from '../support/harness.ts';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..', '..', '..');
export const WEB_DIST = join(REPO_ROOT, 'packages', 'web', 'dist');
export const ARTIFACTS = join(REPO_ROOT, 'test-results');
export const CHROMIUM = process.env['OVERSIGHT_CHROMIUM'] ?? '/usr/bin/chromium';

export async function startProduct() {
  if (!existsSync(join(WEB_DIST, 'index.html')))
    throw new Error(
      'packages/web/dist is missing: npm test builds it first (npm run build -w @oversight/web)',
    );
  const dir = mkdtempSync(join(tmpdir(), 'oversight-e2e-'));
  const store = openStore({ kind: 'sqlite', path: sqlitePathFor(dir) });
  await store.migrate();
  const services = composeServices(store, { masterKey: testMasterKey(), originHost: 'e2e.oversight.local' });
  const demo = await seedDemo(services);
  const server = await startServer(services, {
    host: '127.0.0.1',
    port: 0,
    bodyLimitBytes: 1024 * 1024,
    version: 'e2e',
    webRoot: WEB_DIST,
    log: () => {},
  });
  return {
    url: server.url,
    services,
    demo,
    async close() {
      await server.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (.ci/run does)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Collects console errors and page errors (CSP violations included) for one page. */
export function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  return errors;
}

/**
 * The few browser globals the tests touch inside page.evaluate: the project compiles without the
 * DOM library (it is a Node project), so code that runs in the page casts globalThis to this.
 */
export type InPage = {
  window: { innerWidth: number; scrollTo(x: number, y: number): void };
  document: {
    activeElement: unknown;
    scrollingElement: { scrollWidth: number } | null;
    head: { append(node: unknown): void };
    createElement(tag: 'style'): { textContent: string | null };
    getElementById(id: string): { textContent: string | null } | null;
  };
};

/** What the tests read of a <canvas> in the page. */
export type InPageCanvas = {
  width: number;
  height: number;
  getContext(kind: '2d'): {
    getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> };
  } | null;
};

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  // From the top: a full-page capture of a scrolled page draws the sticky top bar mid-page.
  await page.evaluate(() => (globalThis as unknown as InPage).window.scrollTo(0, 0));
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}
