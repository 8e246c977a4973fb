// Drives Debian's Chromium through every page of the dashboard and the trust portal, as each
// role, and fails on any console error, page error, CSP violation or layout shift above 0.1.
// Screenshots go to test-results/web/. Build the dashboard first (npm run build -w @oversight/web).
//   npm run check:browser -w @oversight/web          starts a fresh demo server on a free port
//   node packages/web/scripts/browser-check.ts --url http://127.0.0.1:3000 --password <demo password>
// The flows change the demo data (a classification, an API key), so point --url at a fresh demo.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium, type ConsoleMessage, type Page } from 'playwright-core';

const { values: args } = parseArgs({
  options: {
    url: { type: 'string' },
    password: { type: 'string' },
    out: { type: 'string', default: 'test-results/web' },
    width: { type: 'string', default: '1280' },
    only: { type: 'string' },
  },
});

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/** Starts `oversight serve --dev` on a free port with an empty data directory (so the demo loads). */
async function startDemoServer(): Promise<{ url: string; password: string; stop: () => void }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'oversight-web-check-'));
  const child = spawn(process.execPath, ['packages/server/src/cli/main.ts', 'serve', '--dev'], {
    cwd: REPO,
    env: { ...process.env, OVERSIGHT_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  const ready = new Promise<{ url: string; password: string }>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
      const password = /password: (\S+)/.exec(output)?.[1];
      if (url && password) resolve({ url, password });
    });
    child.on('exit', (code) => reject(new Error(`the server exited (${code}):\n${output}`)));
  });
  const started = await ready;
  return {
    ...started,
    stop: () => {
      child.kill();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const server = args.url ? undefined : await startDemoServer();
const BASE = (args.url ?? server?.url ?? '').replace(/\/$/, '');
const PASSWORD: string = args.password ?? server?.password ?? '';
if (!PASSWORD) throw new Error('--password is required with --url (the demo password printed by npm start)');
const OUT = args.out;
mkdirSync(OUT, { recursive: true });

type Problem = { page: string; kind: string; text: string };
const problems: Problem[] = [];
let current = '';
/** Network lines for API refusals a page provokes on purpose (422 on an empty form, 409 on deactivate). */
const expectedStatus: number[] = [];

/** Cumulative layout shift per page load (ignoring shifts right after input), as Chrome measures it. */
const shifts: { page: string; cls: number }[] = [];

function watch(page: Page) {
  void page.addInitScript(() => {
    const w = window as unknown as { __cls: number };
    w.__cls = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as unknown as { hadRecentInput: boolean; value: number }[])
        if (!e.hadRecentInput) w.__cls += e.value;
    }).observe({ type: 'layout-shift', buffered: true });
  });
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() !== 'error' && m.type() !== 'warning') return;
    const text = m.text();
    const status = /status of (\d{3})/.exec(text)?.[1];
    if (status && expectedStatus.includes(Number(status))) return;
    problems.push({ page: current, kind: `console.${m.type()}`, text });
  });
  page.on('pageerror', (e) => problems.push({ page: current, kind: 'pageerror', text: String(e) }));
}

async function settle(page: Page) {
  await page.waitForLoadState('networkidle');
  await page
    .waitForFunction(() => document.querySelectorAll('.skeleton').length === 0, undefined, {
      timeout: 10_000,
    })
    .catch(() => {
      problems.push({ page: current, kind: 'timeout', text: 'skeletons still visible after 10 s' });
    });
}

// axe-core is evaluated through the DevTools protocol, which the page's CSP does not govern.
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
type AxeResult = {
  violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[];
};

/** WCAG 2.1 A/AA checks by axe-core on the page as it is now. */
async function audit(page: Page) {
  await page.evaluate(AXE);
  const result = await page.evaluate(() =>
    (window as unknown as { axe: { run: (o: object) => Promise<AxeResult> } }).axe.run({
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    }),
  );
  for (const v of result.violations)
    problems.push({
      page: current,
      kind: `a11y ${v.impact}`,
      text: `${v.id}: ${v.help} — ${v.nodes.length} node(s), e.g. ${v.nodes[0]?.target.join(' ') ?? ''}`,
    });
}

async function shot(page: Page, name: string, fullPage = true) {
  await page.screenshot({ path: `${OUT}/${name}.png`, fullPage });
}

async function visit(page: Page, path: string, name: string) {
  current = `${name} (${path})`;
  await page.goto(`${BASE}${path}`);
  await settle(page);
  const cls = await page.evaluate(() => (window as unknown as { __cls: number }).__cls);
  shifts.push({ page: current, cls });
  if (cls > 0.1) problems.push({ page: current, kind: 'layout-shift', text: `CLS ${cls.toFixed(3)} > 0.1` });
  await audit(page);
  await shot(page, name);
}

async function login(page: Page, email: string) {
  current = `login ${email}`;
  await page.goto(`${BASE}/login`);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  await settle(page);
}

async function firstHref(page: Page, prefix: string): Promise<string> {
  const href = await page.locator(`main table a[href^="${prefix}"]`).first().getAttribute('href');
  if (!href) throw new Error(`no link to ${prefix} on ${page.url()}`);
  return href;
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
});

async function session(role: string, email: string, run: (page: Page) => Promise<void>) {
  if (args.only && args.only !== role) return;
  const context = await browser.newContext({ viewport: { width: Number(args.width), height: 900 } });
  const page = await context.newPage();
  watch(page);
  await login(page, email);
  await run(page);
  await context.close();
}

// ---- anonymous: login page, public portal
if (!args.only || args.only === 'public') {
  const context = await browser.newContext({ viewport: { width: Number(args.width), height: 900 } });
  const page = await context.newPage();
  watch(page);
  await visit(page, '/', 'public-login');
  // Self-test: an inline <style> must be reported, or this check could not see CSP violations.
  const before = problems.length;
  await page.evaluate(() => {
    const style = document.createElement('style');
    style.textContent = 'body { color: red }';
    document.head.append(style);
  });
  await page.waitForTimeout(300);
  if (!problems.slice(before).some((p) => /Content Security Policy/i.test(p.text)))
    problems.push({
      page: current,
      kind: 'self-test',
      text: 'an inline <style> was not reported as a CSP violation',
    });
  problems.splice(before);
  // Self-test: axe must report an image without a text alternative.
  await page.evaluate(() => {
    const img = document.createElement('img');
    img.src = '/favicon.svg';
    document.body.append(img);
  });
  await audit(page);
  if (!problems.slice(before).some((p) => p.text.startsWith('image-alt')))
    problems.push({ page: current, kind: 'self-test', text: 'axe did not report an image without alt text' });
  problems.splice(before);
  await page.reload();
  await settle(page);

  // Wrong password: the API's message is shown (the 401 is the answer, not a fault).
  expectedStatus.push(401);
  current = 'login with a wrong password';
  await page.getByLabel('E-mail').fill('admin@northwind.example');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.locator('.alert--error').waitFor();
  await shot(page, 'public-login-wrong-password');
  expectedStatus.pop();

  // Keyboard: the first Tab shows the skip link.
  await page.keyboard.press('Tab');
  await shot(page, 'public-login-skip-link', false);
  await visit(page, '/trust/northwind-marketing-demo', 'public-trust');
  expectedStatus.push(404);
  await visit(page, '/trust/no-such-org', 'public-trust-missing-404');
  expectedStatus.pop();
  await context.close();
}

await session('admin', 'admin@northwind.example', async (page) => {
  await shot(page, 'admin-home');
  await visit(page, '/systems', 'admin-systems');
  const system = await firstHref(page, '/systems/sys_');
  await visit(page, system, 'admin-system');
  await visit(page, `${system}/classify`, 'admin-classify');
  await visit(page, `${system}/edit`, 'admin-system-edit');
  await visit(page, '/systems?riskTier=unclassified', 'admin-systems-filtered');
  await visit(page, '/vendors', 'admin-vendors');
  await visit(page, await firstHref(page, '/vendors/ven_'), 'admin-vendor');
  await visit(page, '/engagements', 'admin-engagements');
  await visit(page, await firstHref(page, '/engagements/eng_'), 'admin-engagement');
  await visit(page, '/users', 'admin-users');
  await visit(page, await firstHref(page, '/users/usr_'), 'admin-user');
  await visit(page, '/ledger', 'admin-ledger');
  await visit(page, '/settings/api-keys', 'admin-api-keys');
  await visit(page, '/settings/trust', 'admin-trust-editor');
  await visit(page, '/vendors/new', 'admin-vendor-new');
  await visit(page, '/engagements/new', 'admin-engagement-new');
  await visit(page, '/users/new', 'admin-user-new');
  await visit(page, '/no/such/page', 'admin-not-found');

  // An empty system form: the API's messages appear next to the fields they name.
  expectedStatus.push(422);
  await visit(page, '/systems/new', 'admin-system-new');
  await page.getByRole('button', { name: 'Register AI system' }).click();
  await page.locator('.field__error').first().waitFor();
  await shot(page, 'admin-system-new-errors');
  const ownerError = await page
    .locator('.field', { has: page.getByLabel('Accountable owner') })
    .locator('.field__error')
    .textContent();
  if (!ownerError)
    problems.push({ page: current, kind: 'assert', text: 'no message next to the Owner field' });
  expectedStatus.pop();

  // The admin is not the accountable owner: no Approve button is offered.
  expectedStatus.push(403, 409, 422);
  await visit(page, '/systems?riskTier=unclassified', 'admin-systems-unclassified');
  await page.locator('main table a[href^="/systems/sys_"]').first().click();
  await settle(page);
  current = 'admin sees no Approve';
  if (await page.getByRole('button', { name: 'Approve', exact: true }).count())
    problems.push({ page: current, kind: 'assert', text: 'an admin was offered to approve for the owner' });

  // Transfer ownership without choosing anyone: the API names the fields in the dialog.
  current = 'transfer dialog errors';
  await page.getByRole('button', { name: 'Transfer ownership' }).click();
  await page.locator('dialog[open]').getByRole('button', { name: 'Transfer ownership' }).click();
  await page.locator('dialog[open] .field__error').first().waitFor();
  await page.locator('dialog[open]').screenshot({ path: `${OUT}/admin-transfer-errors.png` });
  await page.keyboard.press('Escape');

  // Deactivating an owner asks for a successor (409) instead of failing.
  current = 'deactivate needs a successor';
  await visit(page, '/users?role=owner', 'admin-users-owners');
  await page.locator('main table a[href^="/users/usr_"]').first().click();
  await settle(page);
  await page.getByRole('button', { name: 'Deactivate' }).click();
  await page.locator('dialog[open]').getByRole('button', { name: 'Deactivate' }).click();
  await page.locator('dialog[open]').getByLabel('Successor').waitFor();
  await page.locator('dialog[open]').screenshot({ path: `${OUT}/admin-deactivate-successor.png` });
  await page.keyboard.press('Escape');
  expectedStatus.splice(-3);

  // Vendor form: a sub-processor row without a name gets the API's message on that row's field.
  expectedStatus.push(422);
  current = 'vendor sub-processor errors';
  await visit(page, '/vendors/new', 'admin-vendor-new');
  await page.getByLabel('Legal name').fill('Check Ltd');
  await page.getByRole('button', { name: 'Add a sub-processor' }).click();
  await page.getByRole('button', { name: 'Register vendor' }).click();
  await page.locator('.repeat-row .field__error').first().waitFor();
  await shot(page, 'admin-vendor-new-errors');

  // Trust editor: a bad e-mail is reported next to the recourse e-mail field.
  current = 'trust editor errors';
  await visit(page, '/settings/trust', 'admin-trust-editor');
  await page.getByLabel('Contact e-mail for privacy requests').fill('not-an-email');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.locator('.field--invalid').first().waitFor();
  await page
    .locator('.field--invalid')
    .first()
    .screenshot({ path: `${OUT}/admin-trust-editor-error.png` });
  expectedStatus.pop();

  // Deactivation with a successor: the 409 turns into a successor choice and the retry succeeds.
  expectedStatus.push(409);
  current = 'deactivate with successor';
  await visit(page, '/users?q=sam', 'admin-users-sam');
  await page.locator('main table a[href^="/users/usr_"]').first().click();
  await settle(page);
  await page.getByRole('button', { name: 'Deactivate' }).click();
  await page.locator('dialog[open]').getByRole('button', { name: 'Deactivate' }).click();
  const successor = page.locator('dialog[open]').getByLabel('Successor');
  await successor.selectOption({ label: 'Maya Okafor — Owner' });
  await page.locator('dialog[open]').getByRole('button', { name: 'Transfer and deactivate' }).click();
  await page.locator('.alert--success').waitFor();
  await shot(page, 'admin-user-deactivated');
  expectedStatus.pop();

  // API key: created, secret shown once, then revoked.
  current = 'api key lifecycle';
  await visit(page, '/settings/api-keys', 'admin-api-keys');
  await page.getByLabel('Name').fill('browser check');
  await page.getByRole('button', { name: 'Create key' }).click();
  await page.locator('dialog[open] #new-secret').waitFor();
  await page.locator('dialog[open]').screenshot({ path: `${OUT}/admin-api-key-secret.png` });
  await page.getByRole('button', { name: 'I have stored the key' }).click();
  await page.getByRole('button', { name: 'Revoke browser check' }).first().click();
  await page.locator('dialog[open]').getByRole('button', { name: 'Revoke key' }).click();
  await page.locator('.alert--success').waitFor();
});

await session('owner', 'maya.owner@northwind.example', async (page) => {
  await shot(page, 'owner-home');
  // The wizard: submitting with questions unanswered puts the API's messages next to them.
  expectedStatus.push(422);
  await visit(page, '/systems?riskTier=unclassified', 'owner-systems-unclassified');
  const href = await firstHref(page, '/systems/sys_');
  // Lifecycle refusal: approving before classifying is refused with the rule's own words.
  expectedStatus.push(409);
  current = 'approve refused';
  await visit(page, href, 'owner-system-unclassified');
  await page.getByRole('button', { name: 'Approve', exact: true }).click();
  await page.locator('dialog[open]').getByRole('button', { name: 'Approve', exact: true }).click();
  await page.locator('dialog[open] .alert--error').waitFor();
  await page.locator('dialog[open]').screenshot({ path: `${OUT}/owner-approve-refused.png` });
  await page.keyboard.press('Escape');
  if (await page.locator('dialog[open]').count())
    problems.push({ page: current, kind: 'assert', text: 'Escape did not close the dialog' });
  expectedStatus.pop();
  await visit(page, `${href}/classify`, 'owner-classify-start');
  current = 'wizard errors';
  for (let i = 0; i < 3; i++) await page.getByRole('button', { name: /^Next/ }).click();
  await page.getByRole('button', { name: 'Classify and save' }).click();
  await page.locator('.question--invalid').first().waitFor();
  await shot(page, 'owner-classify-errors');
  expectedStatus.pop();
  // Answer every visible question "No" / the first option, step by step, then classify.
  current = 'wizard complete';
  for (let step = 0; step < 4; step++) {
    await page.locator('.wizard__steps button').nth(step).click();
    // Answering can show or hide follow-up questions, so look for the next open one each time.
    for (let guard = 0; guard < 30; guard++) {
      const open = page.locator('.question:not(:has(input:checked))').first();
      if ((await open.count()) === 0) break;
      const no = open.getByLabel('No', { exact: true });
      if (await no.count()) await no.check();
      else await open.locator('input').first().check();
    }
  }
  await page.getByRole('button', { name: 'Classify and save' }).click();
  await page.getByRole('heading', { name: 'Result' }).waitFor();
  await shot(page, 'owner-classify-result');
});

await session('auditor', 'ines.auditor@northwind.example', async (page) => {
  await shot(page, 'auditor-home');
  await visit(page, '/ledger', 'auditor-ledger');
  await page.getByRole('button', { name: 'Verify now' }).click();
  await page.locator('.verify-result .verdict').waitFor();
  await page
    .getByRole('button', { name: /Prove inclusion/ })
    .first()
    .click();
  await page.locator('.proof .verdict').first().waitFor();
  await shot(page, 'auditor-ledger-verified');
  await page
    .locator('main .grid')
    .first()
    .screenshot({ path: `${OUT}/auditor-ledger-checkpoint.png` });
  await page
    .locator('.entry')
    .first()
    .screenshot({ path: `${OUT}/auditor-ledger-proof.png` });
});

await session('vendor', 'priya@brightleads.example', async (page) => {
  await shot(page, 'vendor-home');
  await visit(page, '/systems', 'vendor-systems');
  await visit(page, '/vendors', 'vendor-vendors');
  await visit(page, '/engagements', 'vendor-engagements');
  await visit(page, '/ledger', 'vendor-ledger-not-allowed');
  await visit(page, '/settings/api-keys', 'vendor-api-keys');
});

// Tablet width: the same frame must work at 768 px.
if (!args.only || args.only === 'tablet') {
  const context = await browser.newContext({ viewport: { width: 768, height: 1024 } });
  const page = await context.newPage();
  watch(page);
  await login(page, 'admin@northwind.example');
  await shot(page, 'tablet-home');
  await visit(page, '/systems', 'tablet-systems');
  await visit(page, await firstHref(page, '/systems/sys_'), 'tablet-system');
  await visit(page, `${new URL(page.url()).pathname}/classify`, 'tablet-classify');
  await visit(page, '/ledger', 'tablet-ledger');
  await visit(page, '/vendors/new', 'tablet-vendor-new');
  await context.close();
}

await browser.close();
server?.stop();
const worst = [...shifts].sort((a, b) => b.cls - a.cls).slice(0, 8);
console.log(
  `layout shift (CLS) on load, worst pages: ${worst.map((w) => `${w.page} ${w.cls.toFixed(3)}`).join('; ')}`,
);
for (const p of problems) console.log(`✗ ${p.page}: [${p.kind}] ${p.text}`);
console.log(
  problems.length === 0
    ? `✓ no console errors, page errors, CSP violations, axe WCAG 2.1 A/AA violations or layout shifts > 0.1; screenshots in ${OUT}`
    : `${problems.length} problem(s)`,
);
process.exitCode = problems.length === 0 ? 0 : 1;
