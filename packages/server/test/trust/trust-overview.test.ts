import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestContext, seedRegistry, type TestContext } from '../support/harness.ts';

const CONTENT = {
  published: true,
  intro: 'How we use your data.',
  dataCollected: [{ category: 'E-mail', purpose: 'Offers', lawfulBasis: 'Consent', retention: '2 years' }],
  protections: [{ title: 'Encryption', detail: 'Per-customer keys.' }],
  customerAdvice: [{ title: 'Passwords', detail: 'Use a manager.' }],
  recourse: { contactEmail: 'dpo@acme.example', steps: ['Write to us'] },
};

describe('trust portal and overview', () => {
  let ctx: TestContext;
  let ownerKey = '';
  let ownerId = '';
  before(async () => {
    ctx = await createTestContext();
    const owner = await ctx.userWithKey('owner');
    ownerKey = owner.key;
    ownerId = owner.user.id;
    const seeded = await seedRegistry(ctx, ownerId);
    await ctx.services.registry.updateSystem(ctx.adminActor, seeded.system.id, { public: true });
    await ctx.services.registry.createSystem(ctx.adminActor, {
      name: 'Internal only',
      description: '',
      purpose: '',
      kind: 'internal_tool',
      ownerId,
      decidesAboutCustomers: false,
      public: false,
      tags: [],
    });
  });
  after(() => ctx.close());

  test('an unpublished portal does not exist to the public', async () => {
    const r = await ctx.request('GET', `/v1/public/trust/${ctx.organization.slug}`, { key: null });
    assert.equal(r.status, 404);
  });

  test('only admins edit the content; bad content names the field', async () => {
    const denied = await ctx.request('PUT', '/v1/trust-content', { key: ownerKey, body: CONTENT });
    assert.equal(denied.status, 403);
    const bad = await ctx.request('PUT', '/v1/trust-content', {
      body: { ...CONTENT, recourse: { contactEmail: 'not-an-email' } },
    });
    assert.equal(bad.status, 422);
    assert.equal(bad.json.error.details.issues[0].path, 'recourse.contactEmail');
    const ok = await ctx.request('PUT', '/v1/trust-content', { body: CONTENT });
    assert.equal(ok.status, 200);
    assert.equal(ok.json.content.intro, CONTENT.intro);
    const search = await ctx.request('GET', '/v1/ledger/search?type=trust.content_updated');
    assert.equal(search.json.entries.length, 1);
  });

  test('the public page shows only public systems and vendors, without ids or owners', async () => {
    const r = await ctx.request('GET', `/v1/public/trust/${ctx.organization.slug}`, { key: null });
    assert.equal(r.status, 200);
    assert.deepEqual(
      r.json.systems.map((s: { name: string }) => s.name),
      ['Scoring'],
    );
    assert.deepEqual(r.json.vendors, []);
    assert.doesNotMatch(r.text, /usr_|sys_|ven_|ownerId/);
    const unknown = await ctx.request('GET', '/v1/public/trust/no-such-org', { key: null });
    assert.equal(unknown.status, 404);
    const badSlug = await ctx.request('GET', '/v1/public/trust/NOT%20A%20SLUG', { key: null });
    assert.equal(badSlug.status, 422);
  });

  test('the overview lists what needs attention for the caller', async () => {
    const r = await ctx.request('GET', '/v1/overview', { key: ownerKey });
    assert.equal(r.status, 200);
    assert.equal(r.json.counts.systems, 2);
    assert.equal(r.json.systemsNeedingClassification.length, 2);
    assert.deepEqual(r.json.awaitingMySignOff, []);
    assert.ok(r.json.recentActivity.length > 0);
    assert.ok(r.json.recentActivity.every((e: { leaf: string }) => typeof e.leaf === 'string'));
  });

  test('ledger search pages newest first by subject, actor and type', async () => {
    const all = await ctx.request('GET', '/v1/ledger/search?limit=3');
    assert.equal(all.status, 200);
    assert.equal(all.json.entries.length, 3);
    const idx = all.json.entries.map((e: { index: number }) => e.index);
    assert.deepEqual(
      idx,
      [...idx].sort((a: number, b: number) => b - a),
    );
    const next = await ctx.request('GET', `/v1/ledger/search?limit=3&before=${all.json.nextBefore}`);
    assert.ok(next.json.entries.every((e: { index: number }) => e.index < all.json.nextBefore));
    const byActor = await ctx.request(
      'GET',
      `/v1/ledger/search?actorId=${ctx.admin.id}&type=system.registered`,
    );
    assert.equal(byActor.json.entries.length, 2);
    const vendor = await ctx.userWithKey('vendor', {
      vendorId: (await ctx.services.registry.listVendors(ctx.adminActor, { limit: 1 })).items[0]!.id,
    });
    assert.equal((await ctx.request('GET', '/v1/ledger/search', { key: vendor.key })).status, 403);
  });
});
