/**
 * End-to-end: the dashboard and the public trust portal in Debian's Chromium, against the whole
 * product (API + built dashboard) on a fresh SQLite database with the demo organisation.
 *
 * Every test asserts on what a user sees, and on zero unexpected console errors (CSP violations
 * and page errors included) on every page it visits. The only tolerated console lines are the
 * "Failed to load resource: … status of NNN" lines of an API refusal that a step provokes on
 * purpose (a 422 on a form without an owner, a 404 on another vendor's record), and only while
 * that step runs. Screenshots of the main pages go to test-results/.
 *
 * The tests run in order, one browser context per user. Tests 3 to 5 continue with the AI
 * system test 2 registers (classify it, transfer it, prove its ledger entry); every test logs
 * in by itself when its user has no session yet.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import {
  AI_ACT_QUESTIONS,
  AI_ACT_SECTIONS,
  isAiActQuestionVisible,
  type AiActAnswers,
} from '../../../contract/src/ai-act.ts';
import type { Actor } from '../../src/modules/identity/identity-types.ts';
import {
  launchBrowser,
  screenshot,
  startProduct,
  watchConsole,
  type InPage,
  type InPageCanvas,
} from './browser.ts';

type Product = Awaited<ReturnType<typeof startProduct>>;

const ADMIN = 'admin@northwind.example';
const AUDITOR = 'ines.auditor@northwind.example';
const VENDOR = 'priya@brightleads.example';
const ORG_NAME = 'Northwind Marketing (DEMO)';

/** The AI system this suite registers (test 2), classifies (3) and transfers (4). */
const NEW_SYSTEM = 'Churn propensity model (e2e)';
const TRANSFER_REASON = 'Sam moves to the brand team; Maya takes over retention';

/** Answers given in the wizard: a private deployer's chatbot-like system, which is limited risk. */
const WIZARD_ANSWERS: AiActAnswers = {
  deployer_type: 'private',
  affects_eu_persons: true,
  decisions_about_persons: false,
  workplace_use: false,
  subliminal_manipulation: false,
  exploits_vulnerabilities: false,
  social_scoring: false,
  crime_prediction_profiling: false,
  facial_image_scraping: false,
  emotion_recognition_work_education: false,
  biometric_categorisation_sensitive: false,
  realtime_remote_biometric_id: false,
  annex_iii_use: false,
  interacts_with_people: true,
  generates_synthetic_content: false,
  emotion_recognition: false,
  biometric_categorisation: false,
};

const STEP_TIMEOUT = 10_000;
const TEST_TIMEOUT = 30_000;

let product: Product;
let browser: Browser;
let admin: Actor;
let setupError: Error | undefined;

/** A test of this suite: it fails with the setup's error when the product or browser did not start. */
function e2e(name: string, body: () => Promise<void>): void {
  test(name, { timeout: TEST_TIMEOUT }, async () => {
    if (setupError !== undefined) throw setupError;
    await body();
  });
}

/** A browser context with one page, and the console errors that page reported so far. */
class Tab {
  readonly context: BrowserContext;
  readonly page: Page;
  readonly errors: string[];
  private constructor(context: BrowserContext, page: Page) {
    this.context = context;
    this.page = page;
    this.errors = watchConsole(page);
  }

  static async open(viewport = { width: 1280, height: 900 }): Promise<Tab> {
    const context = await browser.newContext({ viewport });
    context.setDefaultTimeout(STEP_TIMEOUT);
    return new Tab(context, await context.newPage());
  }

  /** Navigates within the product (a full page load). */
  async goto(path: string): Promise<void> {
    await this.page.goto(`${product.url}${path}`);
  }

  /** Asserts that nothing was logged as an error since the last check, naming the page. */
  clean(where: string): void {
    const found = this.errors.splice(0);
    assert.deepEqual(found, [], `console errors, page errors or CSP violations on ${where}`);
  }

  /**
   * Runs an action that makes the API refuse with `status` on purpose and waits for its
   * "Failed to load resource" console line, which is then not counted as an error. `settled`
   * resolves once the page shows the refusal; every line of that status logged until then is
   * tolerated, any other error is not.
   */
  async expectRefusal(status: number, action: () => Promise<void>, settled: () => Promise<void>) {
    const line = this.page.waitForEvent('console', {
      predicate: (m) => m.type() === 'error' && m.text().includes(`status of ${status}`),
    });
    await action();
    await line;
    await settled();
    const pattern = new RegExp(
      `^Failed to load resource: the server responded with a status of ${status}\\b`,
    );
    for (let i = this.errors.length - 1; i >= 0; i--) {
      if (pattern.test(this.errors[i] ?? '')) this.errors.splice(i, 1);
    }
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}

/** Signed-in tabs by e-mail; a test that needs a user logs in when there is none yet. */
const sessions = new Map<string, Tab>();

async function logIn(tab: Tab, email: string): Promise<void> {
  const { page } = tab;
  await tab.goto('/login');
  await page.getByRole('heading', { name: 'Log in', level: 1 }).waitFor();
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(product.demo.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL((u) => u.pathname !== '/login');
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
  tab.clean(`the login of ${email}`);
}

async function sessionOf(email: string): Promise<Tab> {
  const existing = sessions.get(email);
  if (existing) return existing;
  const tab = await Tab.open();
  await logIn(tab, email);
  sessions.set(email, tab);
  return tab;
}

/** A dashboard card (a section headed by its title). */
function card(page: Page, title: string | RegExp): Locator {
  return page.locator('section').filter({ has: page.getByRole('heading', { name: title, exact: true }) });
}

/** The value of a row in a description list, by its term. */
function detail(scope: Page | Locator, term: string): Locator {
  return scope
    .getByRole('term')
    .filter({ hasText: new RegExp(`^${term}$`) })
    .locator('xpath=following-sibling::dd[1]');
}

/** The first link of each list item in a scope: what a card's list names. */
async function listedLinks(scope: Locator): Promise<string[]> {
  const names: string[] = [];
  for (const item of await scope.getByRole('listitem').all())
    names.push(((await item.getByRole('link').first().textContent()) ?? '').trim());
  return names;
}

/** The names in the first column of a list page's table, after its rows have loaded. */
async function tableNames(page: Page, caption: string): Promise<string[]> {
  const table = page.getByRole('table', { name: caption });
  await table.waitFor();
  const rows = table.getByRole('row').filter({ has: page.getByRole('cell') });
  const names: string[] = [];
  for (const row of await rows.all()) names.push((await row.getByRole('link').first().textContent()) ?? '');
  return names;
}

async function systemNamed(name: string) {
  const page = await product.services.registry.listSystems(admin, { q: name, limit: 200 });
  return page.items.filter((s) => s.name === name);
}

/** The id of the system test 2 registers. */
async function newSystemId(): Promise<string> {
  const [found] = await systemNamed(NEW_SYSTEM);
  assert.ok(found, `the system "${NEW_SYSTEM}" registered in test 2 is missing`);
  return found.id;
}

async function userId(email: string): Promise<string> {
  const page = await product.services.identity.listUsers(admin, { q: email, limit: 10 });
  const user = page.items.find((u) => u.email === email);
  assert.ok(user, `no demo user ${email}`);
  return user.id;
}

describe('dashboard and trust portal in Chromium', { timeout: 120_000 }, () => {
  before(async () => {
    // startProduct and launchBrowser throw with a clear message when the built dashboard or
    // Chromium is missing; every test then fails with that message (never skips).
    try {
      product = await startProduct();
      browser = await launchBrowser();
      admin = (await product.services.identity.authenticateApiKey(product.demo.apiKey, 'cli')).actor;
    } catch (e) {
      setupError = e instanceof Error ? e : new Error(String(e));
    }
  });

  after(async () => {
    await browser?.close();
    await product?.close();
  });

  e2e('1. the admin logs in with the printed credentials and sees what needs attention', async () => {
    assert.equal(product.demo.adminEmail, ADMIN);
    const tab = await sessionOf(ADMIN);
    const { page } = tab;
    assert.equal(new URL(page.url()).pathname, '/');
    await page.getByRole('heading', { name: 'What needs your attention', level: 1 }).waitFor();
    await page.getByRole('banner').getByText(ORG_NAME).waitFor();
    assert.ok(await page.getByRole('banner').getByText('DEMO', { exact: true }).isVisible(), 'DEMO badge');

    // The demo has unclassified systems and an engagement that ends in 20 days.
    const unclassified = card(page, 'AI systems without a risk classification');
    await unclassified.getByRole('link', { name: 'Ad creative generator', exact: true }).waitFor();
    assert.deepEqual((await listedLinks(unclassified)).sort(), [
      'Ad creative generator',
      'Dynamic discount engine',
    ]);
    await unclassified.getByRole('link', { name: 'Classify Dynamic discount engine' }).waitFor();
    const ending = card(page, 'Engagements ending in the next 30 days');
    assert.deepEqual(await listedLinks(ending), ['Lead enrichment and scoring service']);
    assert.match((await ending.getByRole('listitem').textContent()) ?? '', /in 20 days/);
    assert.deepEqual(await listedLinks(card(page, 'Vendors without a signed DPA')), [
      'AdSignal Analytics GmbH',
    ]);

    // The chart (Chart.js on a canvas) renders: it has a size and something is drawn on it.
    const chart = page.getByRole('img', {
      name: /^Stacked bar chart of 5 AI systems by status and risk tier/,
    });
    await chart.waitFor();
    const box = await chart.boundingBox();
    assert.ok(box && box.width > 0 && box.height > 0, `chart canvas has no size: ${JSON.stringify(box)}`);
    // Something is drawn: at least one pixel of the canvas is not transparent.
    await page.waitForFunction(
      (el) => {
        const c = el as unknown as InPageCanvas;
        const ctx = c.getContext('2d');
        if (!ctx || c.width === 0 || c.height === 0) return false;
        const data = ctx.getImageData(0, 0, c.width, c.height).data;
        for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) return true;
        return false;
      },
      await chart.elementHandle(),
    );
    await screenshot(page, 'home');
    tab.clean('the home page');
  });

  e2e('2. registering an AI system needs an owner: the API’s message shows next to the field', async () => {
    const tab = await sessionOf(ADMIN);
    const { page } = tab;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'AI systems' }).click();
    await page.getByRole('heading', { name: 'AI systems', level: 1 }).waitFor();
    assert.equal((await tableNames(page, 'AI systems')).length, 5);
    await screenshot(page, 'systems-list');
    tab.clean('the systems list');

    await page.getByRole('link', { name: 'Register an AI system' }).click();
    await page.getByRole('heading', { name: 'Register an AI system', level: 1 }).waitFor();
    await page.getByLabel('Name').fill(NEW_SYSTEM);
    await page.getByLabel('Purpose').fill('Predict which subscribers are about to cancel');
    await page.getByLabel('Kind').selectOption({ label: 'Model' });
    const owner = page.getByLabel('Accountable owner');
    assert.equal(await owner.inputValue(), '', 'an admin starts without an owner');
    const before = (await product.services.registry.listSystems(admin, { limit: 1 })).total;

    let apiMessage = '';
    await tab.expectRefusal(
      422,
      async () => {
        const response = page.waitForResponse(
          (r) => r.url().endsWith('/v1/systems') && r.request().method() === 'POST',
        );
        await page.getByRole('button', { name: 'Register AI system' }).click();
        const body = (await (await response).json()) as {
          error: { code: string; details?: { issues?: { path: string; message: string }[] } };
        };
        assert.equal(body.error.code, 'VALIDATION_FAILED');
        const issue = body.error.details?.issues?.find((i) => i.path === 'ownerId');
        assert.ok(issue, `the API named no ownerId issue: ${JSON.stringify(body)}`);
        apiMessage = issue.message;
      },
      () => page.getByRole('alert').getByText('Please correct the field marked below.').waitFor(),
    );
    // The message is the API's own, tied to the Owner field (aria-describedby) and shown with it.
    assert.equal(await owner.getAttribute('aria-invalid'), 'true');
    const describedBy = (await owner.getAttribute('aria-describedby')) ?? '';
    const description = await page.evaluate(
      (ids) =>
        ids.map((id) => (globalThis as unknown as InPage).document.getElementById(id)?.textContent ?? ''),
      describedBy.split(' '),
    );
    assert.ok(
      description.some((text) => text.includes(apiMessage)),
      `owner field is described by ${JSON.stringify(description)}, API said "${apiMessage}"`,
    );
    const ownerField = page.locator('div').filter({ has: owner }).last();
    assert.ok(await ownerField.getByText(apiMessage).isVisible(), 'the message is visible next to the field');
    assert.equal(await page.getByLabel('Name').getAttribute('aria-invalid'), null, 'only the owner is wrong');
    assert.equal(new URL(page.url()).pathname, '/systems/new');
    assert.equal((await product.services.registry.listSystems(admin, { limit: 1 })).total, before);
    assert.deepEqual(await systemNamed(NEW_SYSTEM), [], 'nothing was created');
    tab.clean('the refused registration');

    // With an owner the system is registered and its page shows it.
    await owner.selectOption({ label: 'Sam Lindqvist — Owner' });
    await page.getByRole('button', { name: 'Register AI system' }).click();
    await page.waitForURL(/\/systems\/sys_[^/]+$/);
    await page.getByRole('heading', { name: NEW_SYSTEM, level: 1 }).waitFor();
    await detail(page, 'Accountable owner')
      .getByRole('link', { name: 'Sam Lindqvist', exact: true })
      .waitFor();
    assert.equal(
      await detail(page, 'Purpose').textContent(),
      'Predict which subscribers are about to cancel',
    );
    assert.equal(await detail(page, 'Kind').textContent(), 'Model');
    await page.getByRole('main').getByText('Unclassified', { exact: true }).first().waitFor();

    const [created] = await systemNamed(NEW_SYSTEM);
    assert.ok(created);
    assert.equal(new URL(page.url()).pathname, `/systems/${created.id}`);
    assert.equal(created.ownerId, await userId('sam.owner@northwind.example'));
    tab.clean('the new system’s page');
  });

  e2e('3. the EU AI Act wizard ends with the tier and the obligations', async () => {
    const tab = await sessionOf(ADMIN);
    const { page } = tab;
    const id = await newSystemId();
    if (new URL(page.url()).pathname !== `/systems/${id}`) await tab.goto(`/systems/${id}`);
    await card(page, 'EU AI Act classification').getByText('Not classified yet', { exact: false }).waitFor();
    await page.getByRole('link', { name: 'Classify now' }).click();
    await page.getByRole('heading', { name: `Classify ${NEW_SYSTEM}`, level: 1 }).waitFor();

    for (const [i, section] of AI_ACT_SECTIONS.entries()) {
      await page
        .getByRole('heading', { name: `Step ${i + 1} of ${AI_ACT_SECTIONS.length}: ${section.title}` })
        .waitFor();
      const shown = AI_ACT_QUESTIONS.filter(
        (q) => q.section === section.id && isAiActQuestionVisible(q, WIZARD_ANSWERS),
      );
      assert.equal(
        await page.getByRole('main').getByRole('group').count(),
        shown.length,
        `questions of ${section.title}`,
      );
      for (const q of shown) {
        const answer = WIZARD_ANSWERS[q.id];
        const label =
          typeof answer === 'boolean'
            ? answer
              ? 'Yes'
              : 'No'
            : q.options?.find((o) => o.value === answer)?.label;
        assert.ok(label, `no answer for ${q.id}`);
        await page
          .getByRole('group', { name: q.text, exact: true })
          .getByRole('radio', { name: label, exact: true })
          .check();
      }
      const last = i === AI_ACT_SECTIONS.length - 1;
      await page.getByRole('button', { name: last ? 'Classify and save' : /^Next: / }).click();
    }

    await page.getByRole('heading', { name: 'Result', level: 2 }).waitFor();
    await page.getByRole('status').getByText('Saved.', { exact: false }).waitFor();
    const result = page.getByRole('main');
    await result.getByText('Limited risk', { exact: true }).first().waitFor();
    await result.getByText('Allowed; people must be told that AI is involved.').first().waitFor();
    const heading = result.getByRole('heading', { name: /^Your obligations as a deployer \(\d+\)$/ });
    const count = Number(/\((\d+)\)/.exec((await heading.textContent()) ?? '')?.[1]);
    assert.ok(count >= 1, 'at least one obligation');
    const obligations = result
      .getByRole('list')
      .filter({ has: page.getByText('Art. 50(1)', { exact: true }) });
    assert.equal(await obligations.getByRole('listitem').count(), count);
    await obligations.getByText('Art. 4', { exact: true }).waitFor();
    await screenshot(page, 'wizard-result');
    tab.clean('the wizard');

    // The system's page now shows the tier.
    await page.getByRole('link', { name: `Back to ${NEW_SYSTEM}` }).click();
    await page.getByRole('heading', { name: NEW_SYSTEM, level: 1 }).waitFor();
    const classification = card(page, 'EU AI Act classification');
    await classification.getByText('Limited risk', { exact: true }).waitFor();
    await classification.getByRole('heading', { name: `Obligations (${count})` }).waitFor();
    assert.equal(await page.getByRole('main').getByText('Unclassified', { exact: true }).count(), 0);
    const stored = await product.services.registry.getSystem(admin, id);
    assert.equal(stored.riskTier, 'limited');
    tab.clean('the classified system’s page');
  });

  e2e('4. ownership is transferred through the dialog and shows in the history', async () => {
    const tab = await sessionOf(ADMIN);
    const { page } = tab;
    const id = await newSystemId();
    if (new URL(page.url()).pathname !== `/systems/${id}`) await tab.goto(`/systems/${id}`);
    await page.getByRole('heading', { name: NEW_SYSTEM, level: 1 }).waitFor();
    await card(page, 'Ownership transfers').getByText('No transfers', { exact: false }).waitFor();

    await page.getByRole('button', { name: 'Transfer ownership' }).click();
    const dialog = page.getByRole('dialog', { name: 'Transfer ownership of this AI system' });
    await dialog.waitFor();
    await dialog.getByText('Current owner: Sam Lindqvist').waitFor();
    const newOwner = dialog.getByLabel('New owner');
    assert.equal(await newOwner.getByRole('option', { name: 'Sam Lindqvist — Owner' }).count(), 0);
    await newOwner.selectOption({ label: 'Maya Okafor — Owner' });
    await dialog.getByLabel('Reason').fill(TRANSFER_REASON);
    await dialog.getByRole('button', { name: 'Transfer ownership' }).click();
    await dialog.waitFor({ state: 'hidden' });

    await page.getByRole('status').getByText('Ownership transferred.').waitFor();
    await detail(page, 'Accountable owner').getByRole('link', { name: 'Maya Okafor', exact: true }).waitFor();
    const transfer = card(page, 'Ownership transfers')
      .getByRole('listitem')
      .filter({ hasText: TRANSFER_REASON });
    await transfer.waitFor();
    assert.deepEqual(await transfer.getByRole('link').allTextContents(), ['Sam Lindqvist', 'Maya Okafor']);
    await transfer.getByText('by Alex Admin (demo) (you)', { exact: false }).waitFor();
    await card(page, 'History in the ledger').getByText('Ownership transferred', { exact: true }).waitFor();
    await screenshot(page, 'system-detail');

    const transfers = await product.services.registry.listTransfers(admin, 'system', id);
    assert.equal(transfers.length, 1);
    assert.equal(transfers[0]?.reason, TRANSFER_REASON);
    assert.equal(
      (await product.services.registry.getSystem(admin, id)).ownerId,
      await userId('maya.owner@northwind.example'),
    );
    tab.clean('the transfer');
  });

  e2e('5. the ledger verifies and proves an entry against the signed checkpoint', async () => {
    const tab = await sessionOf(ADMIN);
    const { page } = tab;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Ledger' }).click();
    await page.getByRole('heading', { name: 'Ledger', level: 1 }).waitFor();
    await card(page, 'Signed checkpoint')
      .getByText('Signature verified in this browser', { exact: false })
      .waitFor();

    const verify = card(page, 'Verify the whole log');
    await verify.getByRole('button', { name: 'Verify now' }).click();
    await verify.getByText('The log is intact.').waitFor();
    // Nothing was appended since the page fetched the checkpoint, so the roots must agree.
    await verify.getByText('equals the signed checkpoint', { exact: false }).waitFor();
    assert.equal(await verify.getByText('NOT intact', { exact: false }).count(), 0);

    // The newest entry about the transferred system: its inclusion proof, checked in the browser.
    const id = await newSystemId();
    const about = await product.services.ledger.search(product.demo.organization.id, {
      subjectId: id,
      limit: 25,
    });
    const newest = about.entries[0]!.index;
    const oldest = about.entries[about.entries.length - 1]!.index;
    assert.equal(about.entries[0]?.type, 'ownership.transferred');
    const entries = card(page, 'Entries');
    await entries
      .getByRole('button', { name: /^Prove inclusion of entry \d+$/ })
      .first()
      .waitFor();
    await entries.getByLabel('Subject id').fill(id);
    await entries.getByRole('button', { name: 'Search' }).click();
    await entries.getByText(`Entries #${newest} to #${oldest}, newest first`, { exact: true }).waitFor();
    assert.equal(
      await entries.getByRole('button', { name: /^Prove inclusion of entry \d+$/ }).count(),
      about.entries.length,
    );
    const entry = entries.getByRole('listitem').filter({
      has: page.getByRole('button', { name: `Prove inclusion of entry ${newest}`, exact: true }),
    });
    await entry.getByText('Ownership transferred', { exact: true }).waitFor();
    await entry.getByRole('button', { name: /^Prove inclusion/ }).click();
    await entry.getByText(/Verified against the signed checkpoint \(tree size \d+\)$/).waitFor();
    assert.equal(await entry.getByText('NOT verified', { exact: false }).count(), 0);
    assert.equal(await entry.getByText('Failed:', { exact: false }).count(), 0);
    assert.ok((await entry.getByText('Passed:', { exact: false }).count()) > 0, 'the proof lists its checks');
    await screenshot(page, 'ledger');
    tab.clean('the ledger');
  });

  e2e('6. after logging out, a vendor user sees only its own vendor’s records', async () => {
    const tab = await sessionOf(ADMIN);
    const { page } = tab;
    const cookie = (await tab.context.cookies(product.url)).find((c) => c.name === 'oversight_session');
    assert.ok(cookie, 'the admin has a session cookie');
    const sessionWith = (value: string) =>
      fetch(`${product.url}/v1/sessions/current`, { headers: { cookie: `oversight_session=${value}` } });
    assert.equal((await sessionWith(cookie.value)).status, 200);

    await page.getByRole('button', { name: /Alex Admin/ }).click();
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Log in', level: 1 }).waitFor();
    sessions.delete(ADMIN);
    // The session is gone: ended on the server, and a dashboard address leads back to the login.
    assert.equal((await sessionWith(cookie.value)).status, 401, 'the old session cookie still works');
    await tab.goto('/systems');
    await page.waitForURL((u) => u.pathname === '/login' && u.searchParams.get('next') === '/systems');
    await page.getByRole('heading', { name: 'Log in', level: 1 }).waitFor();
    tab.clean('the login page after logging out');

    await logIn(tab, VENDOR);
    sessions.set(VENDOR, tab);
    await page.getByRole('heading', { name: `Your work for ${ORG_NAME}`, level: 1 }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Main' });
    assert.deepEqual(
      (await nav.getByRole('link').allTextContents()).map((t) => t.trim()),
      ['Overview', 'AI systems', 'Our vendor profile', 'Engagements', 'My API keys'],
    );
    const profile = card(page, 'Your vendor profile');
    await profile.getByRole('listitem').first().waitFor();
    assert.deepEqual(await listedLinks(profile), ['BrightLeads Data Ltd']);
    assert.deepEqual(await listedLinks(card(page, 'Your engagements')), [
      'Lead enrichment and scoring service',
    ]);
    assert.deepEqual(await listedLinks(card(page, 'AI systems you supply or work on')), [
      'Lead scoring model',
    ]);
    const others = [
      'Pixel & Prose Creative Agency',
      'AdSignal Analytics GmbH',
      'Autumn campaign creative production',
      'Checkout credit decisioning',
      'Ad creative generator',
      'Buy-now-pay-later eligibility check',
      'Dynamic discount engine',
    ];
    const absent = async (where: string) => {
      for (const name of others)
        assert.equal(await page.getByText(name).count(), 0, `"${name}" appears on ${where}`);
    };
    await absent('the vendor home');
    await screenshot(page, 'vendor-home');
    tab.clean('the vendor home');

    await nav.getByRole('link', { name: 'AI systems' }).click();
    await page.getByRole('heading', { name: 'AI systems', level: 1 }).waitFor();
    assert.deepEqual(await tableNames(page, 'AI systems'), ['Lead scoring model']);
    await absent('the vendor’s systems list');
    tab.clean('the vendor’s systems list');

    await nav.getByRole('link', { name: 'Engagements' }).click();
    await page.getByRole('heading', { name: 'Engagements', level: 1 }).waitFor();
    assert.deepEqual(await tableNames(page, 'Engagements'), ['Lead enrichment and scoring service']);
    await absent('the vendor’s engagements list');
    tab.clean('the vendor’s engagements list');

    await nav.getByRole('link', { name: 'Our vendor profile' }).click();
    await page.getByRole('heading', { name: 'BrightLeads Data Ltd', level: 1 }).waitFor();
    await tab.goto('/vendors');
    await page.getByRole('heading', { name: 'Our vendor profile', level: 1 }).waitFor();
    assert.deepEqual(await tableNames(page, 'Vendors'), ['BrightLeads Data Ltd']);
    tab.clean('the vendor’s profile');

    // Another vendor's system and engagement, by direct address: not found, and nothing leaks.
    const [creative] = await systemNamed('Ad creative generator');
    assert.ok(creative);
    const engagements = await product.services.registry.listEngagements(admin, {
      q: 'Autumn campaign',
      limit: 10,
    });
    const autumn = engagements.items[0];
    assert.ok(autumn);
    for (const [path, heading] of [
      [`/systems/${creative.id}`, 'AI system'],
      [`/engagements/${autumn.id}`, 'Engagement'],
    ] as const) {
      await tab.expectRefusal(
        404,
        () => tab.goto(path),
        async () => {
          await page.getByRole('alert').getByText('Not found', { exact: true }).waitFor();
          await page.waitForLoadState('networkidle');
        },
      );
      assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), heading, path);
      await absent(path);
      tab.clean(`another vendor's record at ${path}`);
    }
  });

  e2e('7. the public trust portal works without logging in', async () => {
    const tab = await Tab.open();
    try {
      const { page } = tab;
      await tab.goto(`/trust/${product.demo.organization.slug}`);
      await page
        .getByRole('heading', { name: `How ${ORG_NAME} handles your data and uses AI`, level: 1 })
        .waitFor();
      const section = (name: string) => page.getByRole('region', { name, exact: true });

      const data = section('What data we collect and why');
      await data.getByRole('rowheader', { name: 'Contact details (name, e-mail, phone)' }).waitFor();
      await data.getByRole('cell', { name: 'Score leads and personalise offers' }).waitFor();

      // Public systems that decide about customers first, then the other public ones.
      const ai = section('AI systems that make decisions about customers');
      await ai.getByRole('heading', { name: 'Other AI systems we use' }).waitFor();
      const cards = async (list: Locator) =>
        (await list.getByRole('heading').allTextContents()).map((t) => t.trim());
      assert.deepEqual(await cards(ai.getByRole('list').nth(0)), [
        'Lead scoring model',
        'Buy-now-pay-later eligibility check',
      ]);
      assert.deepEqual(await cards(ai.getByRole('list').nth(1)), [
        'Customer service chatbot',
        'Ad creative generator',
      ]);
      await ai.getByText('Risk level: High risk', { exact: false }).waitFor();
      // Only what the organisation marks public: the discount engine is not.
      assert.equal(await ai.getByText('Dynamic discount engine').count(), 0);
      assert.equal(await ai.getByText(NEW_SYSTEM).count(), 0);

      const providers = section('Companies that take part');
      await providers.getByRole('heading', { name: 'BrightLeads Data Ltd' }).waitFor();
      assert.equal(await providers.getByText('AdSignal Analytics GmbH').count(), 0);

      await section('How we protect your data').getByText('Encryption', { exact: true }).waitFor();
      await section('Protecting your own data').getByText('Use a unique password', { exact: true }).waitFor();
      const rights = section('Your rights and how to seek recourse');
      await rights.getByRole('link', { name: 'privacy@northwind.example' }).waitFor();
      await rights.getByText('Write to our Data Protection Officer', { exact: false }).waitFor();
      // No login was asked for, and the dashboard is not shown.
      assert.equal(await page.getByRole('navigation', { name: 'Main' }).count(), 0);
      assert.equal(new URL(page.url()).pathname, `/trust/${product.demo.organization.slug}`);
      await screenshot(page, 'trust-portal');
      tab.clean('the trust portal');

      // Self-test of the console watch: a CSP violation (an inline <style>) is reported.
      const violation = page.waitForEvent('console', {
        predicate: (m) => m.type() === 'error' && /Content Security Policy/i.test(m.text()),
      });
      await page.evaluate(() => {
        const { document } = globalThis as unknown as InPage;
        const style = document.createElement('style');
        style.textContent = 'body { color: red }';
        document.head.append(style);
      });
      await violation;
      assert.ok(
        tab.errors.some((e) => /Content Security Policy/i.test(e)),
        'the watcher saw the CSP violation',
      );
    } finally {
      await tab.close();
    }
  });

  e2e('8. keyboard: skip link, then e-mail, password and submit in Tab order; Enter logs in', async () => {
    const tab = await Tab.open();
    try {
      const { page } = tab;
      await tab.goto('/login');
      await page.getByRole('heading', { name: 'Log in', level: 1 }).waitFor();
      const focused = (l: Locator) =>
        l.evaluate((el) => el === (globalThis as unknown as InPage).document.activeElement);
      const skip = page.getByRole('link', { name: 'Skip to main content' });
      const email = page.getByLabel('E-mail');
      const password = page.getByLabel('Password');
      const submit = page.getByRole('button', { name: 'Log in' });

      await page.keyboard.press('Tab');
      assert.ok(await focused(skip), 'the first Tab reaches the skip link');
      assert.equal(await skip.getAttribute('href'), '#main');
      assert.ok(await skip.isVisible(), 'the focused skip link is visible');
      const box = await skip.boundingBox();
      assert.ok(
        box && box.y >= 0 && box.y < 900 && box.width > 1,
        `skip link on screen: ${JSON.stringify(box)}`,
      );
      await page.keyboard.press('Tab');
      assert.ok(await focused(email), 'then the e-mail field');
      await page.keyboard.type(AUDITOR);
      await page.keyboard.press('Tab');
      assert.ok(await focused(password), 'then the password field');
      await page.keyboard.type(product.demo.password);
      await page.keyboard.press('Tab');
      assert.ok(await focused(submit), 'then the submit button');
      await page.keyboard.press('Shift+Tab');
      assert.ok(await focused(password), 'Shift+Tab goes back to the password');
      tab.clean('the login page');

      await page.keyboard.press('Enter');
      await page.waitForURL((u) => u.pathname === '/');
      await page.getByRole('heading', { name: 'What needs your attention', level: 1 }).waitFor();
      await page.getByRole('button', { name: /Inès Auditor/ }).waitFor();

      // The dashboard has a skip link too: first in Tab order, and it moves focus to the main content.
      await page.keyboard.press('Tab');
      assert.ok(
        await focused(page.getByRole('link', { name: 'Skip to main content' })),
        'dashboard skip link',
      );
      await page.keyboard.press('Enter');
      await page.waitForFunction(
        () =>
          (globalThis as unknown as InPage).document.getElementById('main') ===
          (globalThis as unknown as InPage).document.activeElement,
      );
      tab.clean('the auditor’s home');
    } finally {
      await tab.close();
    }
  });

  e2e('9. tablet 768×1024: the systems list has no horizontal overflow', async () => {
    const tab = await Tab.open({ width: 768, height: 1024 });
    try {
      const { page } = tab;
      await logIn(tab, ADMIN);
      await tab.goto('/systems');
      await page.getByRole('heading', { name: 'AI systems', level: 1 }).waitFor();
      assert.ok((await tableNames(page, 'AI systems')).length >= 5);
      const { scrollWidth, innerWidth } = await page.evaluate(() => {
        const { document, window } = globalThis as unknown as InPage;
        return {
          scrollWidth: document.scrollingElement?.scrollWidth ?? Number.NaN,
          innerWidth: window.innerWidth,
        };
      });
      assert.equal(innerWidth, 768);
      assert.ok(
        scrollWidth <= innerWidth,
        `the page scrolls sideways: scrollWidth ${scrollWidth} > ${innerWidth}`,
      );
      await screenshot(page, 'tablet-systems');
      tab.clean('the systems list on a tablet');
    } finally {
      await tab.close();
    }
  });
});
