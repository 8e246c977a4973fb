/**
 * Dashboard budgets: compressed JavaScript of the first load, and the time of page interactions
 * on the demo data, in Debian's Chromium (playwright-core) against the whole product.
 *
 *   npm run build:web && node bench/web.bench.ts [--rounds 15]
 *
 * Goals (issue 3): first load < 300 KB of gzip JavaScript; interactions < 100 ms.
 */
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';
import { launchBrowser, startProduct, WEB_DIST } from '../packages/server/test/e2e/browser.ts';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '15' } } });
const ROUNDS = Number(values.rounds);

/** gzip size of every script the HTML loads up front (entry + modulepreload), and of all JS. */
function bundleSizes() {
  const html = readFileSync(join(WEB_DIST, 'index.html'), 'utf8');
  const firstLoad = [...html.matchAll(/(?:src|href)="\/?(assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
  const gz = (file: string) => gzipSync(readFileSync(join(WEB_DIST, file)), { level: 9 }).length;
  const all = readdirSync(join(WEB_DIST, 'assets')).filter((f) => f.endsWith('.js'));
  return {
    firstLoadFiles: firstLoad,
    firstLoadGzipKB: firstLoad.reduce((s, f) => s + gz(f), 0) / 1024,
    allJsGzipKB: all.reduce((s, f) => s + gz(join('assets', f)), 0) / 1024,
  };
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

const sizes = bundleSizes();
const product = await startProduct();
const browser = await launchBrowser();
const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
try {
  const t0 = performance.now();
  await page.goto(`${product.url}/`);
  await page.getByLabel('E-mail').fill(product.demo.adminEmail);
  await page.getByLabel('Password').fill(product.demo.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'AI systems' }).waitFor();
  await page.locator('canvas').first().waitFor();
  const firstLoadMs = performance.now() - t0;

  const timings: Record<string, number[]> = {};
  /**
   * Clicks a link inside the page and waits, frame by frame, until an element with the expected
   * text is on screen: click-to-paint time measured by the page's own clock, without the
   * automation protocol's round trips.
   */
  const time = async (name: string, click: { scope: string; text: string }, until: string) => {
    const ms = await page.evaluate(
      async ({ scope, text, until }) => {
        const doc = (globalThis as any).document;
        const raf = (globalThis as any).requestAnimationFrame as (f: () => void) => void;
        const link = [...doc.querySelectorAll(`${scope} a`)].find((a: any) => a.textContent.trim() === text);
        if (!link) throw new Error(`no link ${text}`);
        const t0 = performance.now();
        link.click();
        await new Promise<void>((resolve) => {
          const check = () =>
            [...doc.querySelectorAll('a, h1, h2, canvas')].some((e: any) =>
              until === 'canvas' ? e.tagName === 'CANVAS' : e.textContent.trim() === until,
            )
              ? resolve()
              : raf(check);
          raf(check);
        });
        return performance.now() - t0;
      },
      { ...click, until },
    );
    (timings[name] ??= []).push(ms);
  };
  const NAV = 'nav[aria-label="Main"]';
  for (let i = 0; i < ROUNDS; i++) {
    await time('open AI systems list', { scope: NAV, text: 'AI systems' }, 'Lead scoring model');
    await time('open a system detail', { scope: 'main', text: 'Lead scoring model' }, 'Lead scoring model');
    await time('open vendors list', { scope: NAV, text: 'Vendors' }, 'BrightLeads Data Ltd');
    await time('open engagements list', { scope: NAV, text: 'Engagements' }, 'Checkout credit decisioning');
    await time('back to home', { scope: NAV, text: 'What needs attention' }, 'canvas');
  }
  const interactions = Object.entries(timings).map(([name, xs]) => ({
    name,
    p50: percentile(xs, 50),
    p95: percentile(xs, 95),
    max: Math.max(...xs),
  }));
  const result = { date: new Date().toISOString(), rounds: ROUNDS, sizes, firstLoadMs, interactions };
  mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
  writeFileSync(join(import.meta.dirname, 'results', 'web.json'), JSON.stringify(result, null, 2));
  console.log(
    `first-load JS (gzip): ${sizes.firstLoadGzipKB.toFixed(1)} KB (goal < 300); all JS ${sizes.allJsGzipKB.toFixed(1)} KB`,
  );
  console.log(`cold load + login to home: ${firstLoadMs.toFixed(0)} ms`);
  console.log('interaction                      p50 ms   p95 ms   max ms   (goal < 100)');
  for (const r of interactions)
    console.log(
      `${r.name.padEnd(32)} ${r.p50.toFixed(1).padStart(6)} ${r.p95.toFixed(1).padStart(8)} ${r.max.toFixed(1).padStart(8)}`,
    );
} finally {
  await browser.close();
  await product.close();
}
