/**
 * A newcomer's flows over HTTP: register vendors, systems and engagements, find them again,
 * classify under the EU AI Act, take a system through its lifecycle, hand accountability over,
 * manage API keys, and read the API's own documentation. Every JSON response of the suite is
 * scanned for secret-bearing keys.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ApiKeyView, CreatedApiKeyView, UserView } from '../../../contract/src/identity.ts';
import { EngagementView, SystemView, TransferView, VendorView } from '../../../contract/src/registry.ts';
import { createTestContext, type TestContext } from '../support/harness.ts';
import {
  buildWorld,
  checkedClient,
  engagementInput,
  expectError,
  HIGH_ANSWERS,
  LIMITED_ANSWERS,
  MINIMAL_ANSWERS,
  PROHIBITED_ANSWERS,
  routeKey,
  systemInput,
  unique,
  vendorInput,
  type World,
} from './http-support.ts';

type Item = Record<string, unknown> & { id: string };

describe('registry over HTTP (sqlite)', () => {
  let ctx: TestContext;
  let w: World;
  let http: ReturnType<typeof checkedClient>;
  const send = (...a: Parameters<typeof http.send>) => http.send(...a);
  const get = async (path: string, key?: string) => {
    const res = await send('GET', path, key ? { key } : {});
    assert.equal(res.status, 200, `${path}: ${res.text.slice(0, 300)}`);
    // eslint-disable-next-line @typescript-eslint/no-unsafe-return -- tests read responses loosely
    return res.json;
  };
  const post = async (path: string, body: unknown, status = 200, key?: string) => {
    const res = await send('POST', path, { body, ...(key ? { key } : {}) });
    assert.equal(res.status, status, `POST ${path}: ${res.text.slice(0, 400)}`);
    // eslint-disable-next-line @typescript-eslint/no-unsafe-return -- tests read responses loosely
    return res.json;
  };
  const ledgerLeaves = async () => {
    const size = (await ctx.services.store.read.ledger.readHead(ctx.organization.id)).size;
    const out: { type: string; subject: { type: string; id: string }; actor: { id: string } }[] = [];
    for (let start = 0; start < size; start += 1000)
      for (const e of (await get(`/v1/ledger/entries?start=${start}&limit=1000`)).entries as {
        leaf: string;
      }[])
        out.push(JSON.parse(e.leaf));
    return out;
  };

  before(async () => {
    ctx = await createTestContext();
    w = await buildWorld(ctx);
    http = checkedClient(ctx);
  });
  after(async () => ctx.close());

  test('registering a vendor, a system and an engagement returns 201 and the presented fields only', async () => {
    const owner = w.steward;
    const vendor = await post(
      '/v1/vendors',
      {
        ...vendorInput(owner.user.id),
        dpaSigned: true,
        dpaSignedAt: '2026-02-01',
        dataLocations: ['EU', 'UK'],
        subProcessors: [{ name: 'CloudCo', location: 'IE', purpose: 'hosting' }],
      },
      201,
    );
    VendorView.strict().parse(vendor);
    assert.equal(vendor.dpaSignedAt, '2026-02-01');
    assert.deepEqual(vendor.subProcessors, [{ name: 'CloudCo', location: 'IE', purpose: 'hosting' }]);

    const system = await post(
      '/v1/systems',
      { name: 'Churn model', kind: 'model', ownerId: owner.user.id, vendorId: vendor.id },
      201,
    );
    SystemView.strict().parse(system);
    assert.equal(system.status, 'proposed');
    assert.equal(system.riskTier, null);
    assert.equal(system.description, '', 'defaults are applied');
    assert.deepEqual(system.tags, []);

    const engagement = await post(
      '/v1/engagements',
      {
        title: 'Retention campaign',
        vendorId: vendor.id,
        systemIds: [system.id, system.id],
        ownerId: owner.user.id,
        startDate: '2026-03-01',
      },
      201,
    );
    EngagementView.strict().parse(engagement);
    assert.deepEqual(engagement.systemIds, [system.id], 'duplicate system ids are collapsed');
    assert.equal(engagement.endDate, null);

    assert.deepEqual(await get(`/v1/vendors/${vendor.id}`), vendor);
    assert.deepEqual(await get(`/v1/systems/${system.id}`), system);
    assert.deepEqual(await get(`/v1/engagements/${engagement.id}`), engagement);
    const types = (await ledgerLeaves()).slice(-3).map((l) => `${l.type} ${l.subject.id}`);
    assert.deepEqual(types, [
      `vendor.registered ${vendor.id}`,
      `system.registered ${system.id}`,
      `engagement.registered ${engagement.id}`,
    ]);
  });

  describe('lists: search, filters and pagination', () => {
    let owners: string[];
    before(async () => {
      const reg = ctx.services.registry;
      const a = w.steward.user.id;
      const b = w.principals.owner.user.id;
      owners = [a, b];
      const v1 = await reg.createVendor(ctx.adminActor, {
        ...vendorInput(a),
        legalName: 'Alpha Leads GmbH',
        dpaSigned: true,
        criticality: 'high',
      });
      const v2 = await reg.createVendor(ctx.adminActor, {
        ...vendorInput(b),
        legalName: 'Beta Media',
        criticality: 'low',
      });
      await reg.createVendor(ctx.adminActor, {
        ...vendorInput(a),
        legalName: 'Gamma 100% Data_Co',
        criticality: 'high',
      });
      const s1 = await reg.createSystem(ctx.adminActor, {
        ...systemInput(a),
        name: 'Churn predictor',
        vendorId: v1.id,
      });
      const s2 = await reg.createSystem(ctx.adminActor, {
        ...systemInput(b),
        name: 'Copy writer',
        kind: 'vendor_ai',
        vendorId: v2.id,
      });
      const s3 = await reg.createSystem(ctx.adminActor, {
        ...systemInput(a),
        name: 'Lookalike audiences',
        kind: 'internal_tool',
        purpose: 'find churn-prone lookalikes',
      });
      await reg.classifySystem(ctx.adminActor, s2.id, LIMITED_ANSWERS);
      await reg.classifySystem(ctx.adminActor, s3.id, MINIMAL_ANSWERS);
      await reg.changeLifecycle(w.steward.actor, s3.id, 'approve');
      for (let i = 0; i < 7; i++)
        await reg.createSystem(ctx.adminActor, { ...systemInput(i % 2 ? a : b), name: `Batch system ${i}` });
      await reg.createEngagement(ctx.adminActor, {
        ...engagementInput(a, v1.id),
        title: 'Lead generation Q1',
        systemIds: [s1.id],
        endDate: '2026-03-31',
      });
      await reg.createEngagement(ctx.adminActor, {
        ...engagementInput(b, v2.id),
        title: 'Copywriting',
        systemIds: [s2.id],
      });
      await reg.createEngagement(ctx.adminActor, {
        ...engagementInput(b, v1.id),
        title: 'Lead nurture',
        systemIds: [s1.id, s3.id],
        endDate: '2026-12-31',
      });
      for (let i = 0; i < 5; i++)
        await reg.createEngagement(ctx.adminActor, {
          ...engagementInput(a, v2.id),
          title: `Batch engagement ${i}`,
        });
    });

    const all = async (path: string): Promise<Item[]> => {
      const page = await get(`${path}?limit=200`);
      assert.equal(page.nextCursor, null);
      assert.equal(page.total, page.items.length);
      return page.items as Item[];
    };
    const ci = (v: unknown, q: string) => typeof v === 'string' && v.toLowerCase().includes(q.toLowerCase());

    /** Checks a filtered list against the same predicate applied to the unfiltered list. */
    async function checkFilter(path: string, query: string, predicate: (i: Item) => boolean) {
      const everything = await all(path);
      const expected = everything.filter(predicate).map((i) => i.id);
      assert.ok(expected.length > 0, `${path}?${query}: the data exercises the filter`);
      assert.ok(expected.length < everything.length, `${path}?${query}: the filter excludes something`);
      const page = await get(`${path}?${query}&limit=200`);
      assert.deepEqual(
        page.items.map((i: Item) => i.id),
        expected,
        `${path}?${query}`,
      );
      assert.equal(page.total, expected.length, `${path}?${query}: total`);
    }

    test('systems: q, status, kind, riskTier (including unclassified), ownerId, vendorId', async () => {
      const systems = await all('/v1/systems');
      const anyVendor = systems.find((s) => s.vendorId)!.vendorId as string;
      await checkFilter(
        '/v1/systems',
        'q=CHURN',
        (s) => ci(s['name'], 'churn') || ci(s['description'], 'churn') || ci(s['purpose'], 'churn'),
      );
      await checkFilter('/v1/systems', 'status=approved', (s) => s['status'] === 'approved');
      await checkFilter('/v1/systems', 'kind=vendor_ai', (s) => s['kind'] === 'vendor_ai');
      await checkFilter('/v1/systems', 'riskTier=unclassified', (s) => s['riskTier'] === null);
      await checkFilter('/v1/systems', 'riskTier=limited', (s) => s['riskTier'] === 'limited');
      await checkFilter('/v1/systems', `ownerId=${owners[1]}`, (s) => s['ownerId'] === owners[1]);
      await checkFilter('/v1/systems', `vendorId=${anyVendor}`, (s) => s['vendorId'] === anyVendor);
      await checkFilter(
        '/v1/systems',
        `q=batch&ownerId=${owners[0]}`,
        (s) => ci(s['name'], 'batch') && s['ownerId'] === owners[0],
      );
    });

    test('vendors: q (LIKE wildcards are literal), dpaSigned, criticality, ownerId', async () => {
      await checkFilter(
        '/v1/vendors',
        'q=alpha',
        (v) => ci(v['legalName'], 'alpha') || ci(v['contactName'], 'alpha'),
      );
      await checkFilter('/v1/vendors', 'q=%25', (v) => ci(v['legalName'], '%') || ci(v['contactName'], '%'));
      await checkFilter('/v1/vendors', 'q=_', (v) => ci(v['legalName'], '_') || ci(v['contactName'], '_'));
      await checkFilter('/v1/vendors', 'dpaSigned=true', (v) => v['dpaSigned'] === true);
      await checkFilter('/v1/vendors', 'dpaSigned=false', (v) => v['dpaSigned'] === false);
      await checkFilter('/v1/vendors', 'criticality=high', (v) => v['criticality'] === 'high');
      await checkFilter('/v1/vendors', `ownerId=${owners[1]}`, (v) => v['ownerId'] === owners[1]);
    });

    test('engagements: q, vendorId, ownerId, systemId, endingBefore', async () => {
      const engagements = await all('/v1/engagements');
      const linked = engagements.find((e) => (e['systemIds'] as string[]).length > 0)!;
      const sys = (linked['systemIds'] as string[])[0]!;
      await checkFilter('/v1/engagements', 'q=lead', (e) => ci(e['title'], 'lead') || ci(e['task'], 'lead'));
      await checkFilter(
        '/v1/engagements',
        `vendorId=${linked['vendorId'] as string}`,
        (e) => e['vendorId'] === linked['vendorId'],
      );
      await checkFilter('/v1/engagements', `ownerId=${owners[1]}`, (e) => e['ownerId'] === owners[1]);
      await checkFilter('/v1/engagements', `systemId=${sys}`, (e) =>
        (e['systemIds'] as string[]).includes(sys),
      );
      await checkFilter(
        '/v1/engagements',
        'endingBefore=2026-06-30',
        (e) => typeof e['endDate'] === 'string' && e['endDate'] < '2026-06-30',
      );
    });

    test('users: q, role, status', async () => {
      await checkFilter('/v1/users', 'role=auditor', (u) => u['role'] === 'auditor');
      await checkFilter('/v1/users', 'q=ADMIN', (u) => ci(u['name'], 'admin') || ci(u['email'], 'admin'));
      const leaver = await ctx.userWithKey('auditor');
      await ctx.services.identity.deactivateUser(ctx.adminActor, leaver.user.id, {});
      await checkFilter('/v1/users', 'status=deactivated', (u) => u['status'] === 'deactivated');
      for (const u of await all('/v1/users')) UserView.strict().parse(u);
    });

    test('cursor paging visits every item exactly once, with the right total on every page', async () => {
      for (const [path, filter] of [
        ['/v1/systems', ''],
        ['/v1/systems', `&ownerId=${owners[0]}`],
        ['/v1/vendors', ''],
        ['/v1/engagements', ''],
        ['/v1/engagements', '&q=batch'],
        ['/v1/users', ''],
      ] as const) {
        const expected = (await get(`${path}?limit=200${filter}`)).items.map((i: Item) => i.id);
        assert.ok(expected.length >= 4, `${path}${filter} has enough items to page`);
        for (const limit of [1, 2, 3]) {
          const seen: string[] = [];
          let cursor: string | null = null;
          let pages = 0;
          do {
            const page: { items: Item[]; nextCursor: string | null; total: number } = await get(
              `${path}?limit=${limit}${filter}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
            );
            assert.equal(page.total, expected.length, `${path} total on page ${pages}`);
            assert.ok(page.items.length <= limit);
            if (page.nextCursor) assert.equal(page.items.length, limit, 'only the last page is short');
            seen.push(...page.items.map((i) => i.id));
            cursor = page.nextCursor;
            pages++;
            assert.ok(pages <= expected.length + 1, 'paging terminates');
          } while (cursor);
          assert.equal(new Set(seen).size, seen.length, `${path}${filter} limit=${limit}: no item twice`);
          assert.deepEqual(seen, expected, `${path}${filter} limit=${limit}: every item, in order`);
          assert.equal(pages, Math.ceil(expected.length / limit));
        }
      }
    });
  });

  describe('EU AI Act classification', () => {
    test('answers store the tier and obligations; different answers change them; bad answers name the question', async () => {
      const sys = await post('/v1/systems', systemInput(w.steward.user.id), 201);
      const put = (answers: unknown) =>
        send('PUT', `/v1/systems/${sys.id}/classification`, { body: { answers }, key: w.steward.key });

      const none = await get(`/v1/systems/${sys.id}/classification`);
      assert.deepEqual(none, {
        systemId: sys.id,
        riskTier: null,
        classifiedAt: null,
        answers: null,
        result: null,
      });

      const limited = await put(LIMITED_ANSWERS);
      assert.equal(limited.status, 200, limited.text);
      assert.equal(limited.json.riskTier, 'limited');
      assert.deepEqual(limited.json.answers, LIMITED_ANSWERS);
      const limitedObligations = limited.json.result.obligations.map((o: { id: string }) => o.id);
      assert.ok(limitedObligations.includes('art50_disclose_ai_interaction'), limitedObligations.join());
      for (const o of limited.json.result.obligations) assert.ok(o.article && o.title && o.summary);
      assert.deepEqual(await get(`/v1/systems/${sys.id}/classification`), limited.json, 'stored as returned');
      const shown = await get(`/v1/systems/${sys.id}`);
      assert.equal(shown.riskTier, 'limited');
      assert.equal(shown.classifiedAt, limited.json.classifiedAt);

      const high = await put(HIGH_ANSWERS);
      assert.equal(high.status, 200, high.text);
      assert.equal(high.json.riskTier, 'high');
      const highObligations = high.json.result.obligations.map((o: { id: string }) => o.id);
      assert.notDeepEqual(highObligations, limitedObligations);
      assert.ok(
        highObligations.some((id: string) => id.startsWith('art26')),
        'high risk brings the deployer duties of Art. 26',
      );
      assert.ok(
        high.json.result.reasons.some(
          (r: { questionId: string }) => r.questionId === 'annex_iii_areas' || r.questionId === 'profiling',
        ),
      );
      assert.equal((await get(`/v1/systems/${sys.id}`)).riskTier, 'high');

      const bad: [unknown, string][] = [
        [{ ...MINIMAL_ANSWERS, social_scoring: 'maybe' }, 'answers.social_scoring'],
        [{ ...MINIMAL_ANSWERS, deployer_type: 'alien' }, 'answers.deployer_type'],
        [{ ...MINIMAL_ANSWERS, favourite_colour: 'blue' }, 'answers.favourite_colour'],
        [
          { ...MINIMAL_ANSWERS, annex_iii_use: true, annex_iii_areas: ['astrology'], profiling: true },
          'answers.annex_iii_areas',
        ],
        [{ ...MINIMAL_ANSWERS, annex_iii_use: true, profiling: true }, 'answers.annex_iii_areas'],
        [(({ deployer_type: _, ...rest }) => rest)(MINIMAL_ANSWERS), 'answers.deployer_type'],
      ];
      for (const [answers, path] of bad) expectError(await put(answers), 'VALIDATION_FAILED', [path]);
      const after = await get(`/v1/systems/${sys.id}/classification`);
      assert.deepEqual(after, high.json, 'a refused classification keeps the stored one');

      const leaves = (await ledgerLeaves()).filter(
        (l) => l.type === 'system.classified' && l.subject.id === sys.id,
      );
      assert.equal(leaves.length, 2);
      // Owners other than the accountable one cannot classify; the tier can be filtered on.
      expectError(
        await send('PUT', `/v1/systems/${sys.id}/classification`, {
          body: { answers: MINIMAL_ANSWERS },
          key: w.principals.owner.key,
        }),
        'FORBIDDEN',
      );
      assert.ok((await get('/v1/systems?riskTier=high&limit=200')).items.some((s: Item) => s.id === sys.id));
    });
  });

  describe('lifecycle', () => {
    test('proposed -> approved -> live -> retired, with the rules in between', async () => {
      const a = w.steward;
      const b = w.principals.owner;
      const sys = await post('/v1/systems', systemInput(a.user.id), 201);
      const act = (action: string, key: string, body: unknown = {}) =>
        send('POST', `/v1/systems/${sys.id}/${action}`, { key, body });

      expectError(await act('approve', a.key), 'CONFLICT');
      assert.match(
        (await act('approve', a.key)).json.error.message,
        /classify/i,
        'cannot approve an unclassified system',
      );
      expectError(await act('go-live', a.key), 'CONFLICT');

      assert.equal(
        (
          await send('PUT', `/v1/systems/${sys.id}/classification`, {
            key: a.key,
            body: { answers: MINIMAL_ANSWERS },
          })
        ).status,
        200,
      );
      const approved = await act('approve', a.key, { note: 'reviewed the model card' });
      assert.equal(approved.status, 200, approved.text);
      assert.equal(approved.json.status, 'approved');
      assert.equal(approved.json.approvedBy, a.user.id);
      assert.ok(approved.json.approvedAt);
      expectError(await act('approve', a.key), 'CONFLICT');

      // A transfer after approval lapses it: the new owner must approve before go-live.
      const t = await send('POST', `/v1/systems/${sys.id}/transfer`, {
        key: a.key,
        body: { newOwnerId: b.user.id, reason: 'reorg' },
      });
      assert.equal(t.status, 200, t.text);
      const lapsed = await get(`/v1/systems/${sys.id}`);
      assert.equal(lapsed.status, 'proposed');
      assert.equal(lapsed.approvedBy, null);
      assert.equal(lapsed.approvedAt, null);
      expectError(await act('go-live', b.key), 'CONFLICT');
      expectError(await act('approve', a.key), 'FORBIDDEN', []);

      assert.equal((await act('approve', b.key)).json.approvedBy, b.user.id);
      // A new risk tier also lapses an approval that has not gone live.
      assert.equal(
        (
          await send('PUT', `/v1/systems/${sys.id}/classification`, {
            key: b.key,
            body: { answers: LIMITED_ANSWERS },
          })
        ).status,
        200,
      );
      assert.equal((await get(`/v1/systems/${sys.id}`)).status, 'proposed');
      assert.equal((await act('approve', b.key)).status, 200);
      // Same tier again: the approval stands.
      assert.equal(
        (
          await send('PUT', `/v1/systems/${sys.id}/classification`, {
            key: b.key,
            body: { answers: LIMITED_ANSWERS },
          })
        ).status,
        200,
      );
      assert.equal((await get(`/v1/systems/${sys.id}`)).status, 'approved');

      const live = await act('go-live', b.key);
      assert.equal(live.status, 200, live.text);
      assert.equal(live.json.status, 'live');
      expectError(await act('go-live', b.key), 'CONFLICT');
      expectError(await act('approve', b.key), 'CONFLICT');

      const retired = await act('retire', b.key);
      assert.equal(retired.json.status, 'retired');
      expectError(await act('retire', b.key), 'CONFLICT');
      expectError(
        await send('PATCH', `/v1/systems/${sys.id}`, { key: b.key, body: { name: 'Revived' } }),
        'CONFLICT',
      );
      expectError(
        await send('PUT', `/v1/systems/${sys.id}/classification`, {
          key: b.key,
          body: { answers: MINIMAL_ANSWERS },
        }),
        'CONFLICT',
      );

      const events = (await ledgerLeaves()).filter((l) => l.subject.id === sys.id).map((l) => l.type);
      assert.deepEqual(events, [
        'system.registered',
        'system.classified',
        'system.approved',
        'ownership.transferred',
        'system.approved',
        'system.classified',
        'system.approved',
        'system.classified',
        'system.went_live',
        'system.retired',
      ]);
    });

    test('a prohibited practice cannot be approved', async () => {
      const sys = await post('/v1/systems', systemInput(w.steward.user.id), 201);
      assert.equal(
        (
          await send('PUT', `/v1/systems/${sys.id}/classification`, {
            key: w.steward.key,
            body: { answers: PROHIBITED_ANSWERS },
          })
        ).json.riskTier,
        'prohibited',
      );
      const res = await send('POST', `/v1/systems/${sys.id}/approve`, { key: w.steward.key, body: {} });
      expectError(res, 'CONFLICT');
      assert.match(res.json.error.message, /prohibited/);
      assert.equal((await get(`/v1/systems/${sys.id}`)).status, 'proposed');
    });
  });

  describe('accountability', () => {
    test('ownership transfers are recorded on the resource and on the ledger', async () => {
      const a = w.steward;
      const b = w.principals.owner;
      const sys = await post('/v1/systems', systemInput(a.user.id), 201);
      const ven = await post('/v1/vendors', vendorInput(a.user.id), 201);
      const eng = await post('/v1/engagements', engagementInput(a.user.id, ven.id), 201);
      for (const [plural, id] of [
        ['systems', sys.id],
        ['vendors', ven.id],
        ['engagements', eng.id],
      ] as const) {
        expectError(
          await send('POST', `/v1/${plural}/${id}/transfer`, {
            key: a.key,
            body: { newOwnerId: a.user.id, reason: 'no-op' },
          }),
          'VALIDATION_FAILED',
          ['newOwnerId'],
        );
        const t = await send('POST', `/v1/${plural}/${id}/transfer`, {
          key: a.key,
          body: { newOwnerId: b.user.id, reason: 'holiday cover' },
        });
        assert.equal(t.status, 200, t.text);
        TransferView.strict().parse(t.json);
        assert.equal(t.json.resourceType, plural.slice(0, -1));
        assert.equal(t.json.resourceId, id);
        assert.equal(t.json.fromUserId, a.user.id);
        assert.equal(t.json.toUserId, b.user.id);
        assert.equal(t.json.actorId, a.user.id);
        assert.equal(t.json.reason, 'holiday cover');
        assert.equal((await get(`/v1/${plural}/${id}`)).ownerId, b.user.id);
        const history = await get(`/v1/${plural}/${id}/transfers`);
        assert.deepEqual(history.items, [t.json]);
        // The previous owner has lost the right to change it.
        expectError(
          await send('POST', `/v1/${plural}/${id}/transfer`, {
            key: a.key,
            body: { newOwnerId: a.user.id, reason: 'back' },
          }),
          'FORBIDDEN',
        );
      }
      const transfers = (await ledgerLeaves()).filter((l) => l.type === 'ownership.transferred');
      for (const [type, id] of [
        ['system', sys.id],
        ['vendor', ven.id],
        ['engagement', eng.id],
      ])
        assert.ok(
          transfers.some((l) => l.subject.type === type && l.subject.id === id && l.actor.id === a.user.id),
          `ownership.transferred leaf for ${type} ${id}`,
        );
    });

    test('deactivating an owner is refused while they own things, and with a successor moves everything at once', async () => {
      const leaver = await ctx.userWithKey('owner');
      const successor = w.principals.owner;
      const sys = await post('/v1/systems', systemInput(leaver.user.id), 201);
      const ven = await post('/v1/vendors', vendorInput(leaver.user.id), 201);
      const eng = await post('/v1/engagements', engagementInput(leaver.user.id, w.seed.vendorId), 201);
      const owned = [
        { kind: 'system', id: sys.id },
        { kind: 'vendor', id: ven.id },
        { kind: 'engagement', id: eng.id },
      ];
      const byId = (x: { id: string }, y: { id: string }) => x.id.localeCompare(y.id);

      const refused = await send('POST', `/v1/users/${leaver.user.id}/deactivate`, { body: {} });
      expectError(refused, 'CONFLICT');
      assert.deepEqual([...refused.json.error.details.owned].sort(byId), [...owned].sort(byId));
      assert.equal((await get(`/v1/users/${leaver.user.id}`)).status, 'active');
      assert.equal(
        (await send('GET', '/v1/organization', { key: leaver.key })).status,
        200,
        'their key still works',
      );
      expectError(await send('POST', `/v1/users/${ctx.admin.id}/deactivate`, { body: {} }), 'CONFLICT');

      const done = await send('POST', `/v1/users/${leaver.user.id}/deactivate`, {
        body: { successorId: successor.user.id },
      });
      assert.equal(done.status, 200, done.text);
      assert.equal(done.json.user.status, 'deactivated');
      assert.ok(done.json.user.deactivatedAt);
      assert.deepEqual([...done.json.transferred].sort(byId), [...owned].sort(byId));
      for (const [plural, id] of [
        ['systems', sys.id],
        ['vendors', ven.id],
        ['engagements', eng.id],
      ] as const) {
        assert.equal((await get(`/v1/${plural}/${id}`)).ownerId, successor.user.id);
        const history = (await get(`/v1/${plural}/${id}/transfers`)).items;
        assert.equal(history.length, 1);
        assert.equal(history[0].fromUserId, leaver.user.id);
        assert.equal(history[0].toUserId, successor.user.id);
      }
      expectError(await send('GET', '/v1/organization', { key: leaver.key }), 'UNAUTHENTICATED');
      const keys = (await get('/v1/api-keys?all=true')).items.filter(
        (k: { userId: string }) => k.userId === leaver.user.id,
      );
      assert.ok(keys.length >= 1);
      assert.ok(
        keys.every((k: { revokedAt: string | null }) => k.revokedAt !== null),
        "all the leaver's keys are revoked",
      );
      expectError(await send('POST', `/v1/users/${leaver.user.id}/deactivate`, { body: {} }), 'CONFLICT');
      assert.equal(
        (await get(`/v1/users?status=deactivated&q=${encodeURIComponent(leaver.user.email)}`)).total,
        1,
      );

      const leaves = await ledgerLeaves();
      const last = leaves.slice(-(owned.length + keys.length + 1)).map((l) => l.type);
      assert.deepEqual(
        last,
        [
          ...owned.map(() => 'ownership.transferred'),
          ...keys.map(() => 'apikey.revoked'),
          'user.deactivated',
        ],
        'one transaction, in order',
      );
    });
  });

  describe('API keys', () => {
    test('the secret is shown once; lists never show it; lastUsedAt is set on use; a revoked key stops working', async () => {
      const holder = w.principals.auditor;
      const created = await send('POST', '/v1/api-keys', { key: holder.key, body: { name: 'ci pipeline' } });
      assert.equal(created.status, 201, created.text);
      CreatedApiKeyView.strict().parse(created.json);
      const { secret, id, prefix } = created.json;
      assert.match(secret, /^ovs_/);
      assert.ok(secret.startsWith(prefix), 'the prefix identifies the key without revealing it');
      assert.ok(secret.length > prefix.length + 20);
      assert.equal(created.json.userId, holder.user.id);
      assert.equal(created.json.lastUsedAt, null);

      const listed = await send('GET', '/v1/api-keys', { key: holder.key });
      const mine = listed.json.items.find((k: { id: string }) => k.id === id);
      assert.ok(mine);
      ApiKeyView.strict().parse(mine);
      assert.ok(!listed.text.includes(secret), 'the list never contains the secret');
      assert.ok(!(await send('GET', '/v1/api-keys?all=true')).text.includes(secret));
      assert.equal(mine.lastUsedAt, null);

      const used = await send('GET', '/v1/organization', { key: secret });
      assert.equal(used.status, 200);
      assert.equal(used.json.id, ctx.organization.id);
      const afterUse = (await get('/v1/api-keys', holder.key)).items.find((k: { id: string }) => k.id === id);
      assert.ok(afterUse.lastUsedAt, 'lastUsedAt is set after use');
      assert.ok(Date.parse(afterUse.lastUsedAt) >= Date.parse(created.json.createdAt));

      const revoked = await send('DELETE', `/v1/api-keys/${id}`, { key: holder.key });
      assert.equal(revoked.status, 200, revoked.text);
      ApiKeyView.strict().parse(revoked.json);
      assert.ok(revoked.json.revokedAt);
      expectError(await send('GET', '/v1/organization', { key: secret }), 'UNAUTHENTICATED');
      expectError(await send('DELETE', `/v1/api-keys/${id}`, { key: holder.key }), 'CONFLICT');
      assert.equal(
        (await send('GET', '/v1/organization', { key: holder.key })).status,
        200,
        'other keys are unaffected',
      );

      const ledgerText = JSON.stringify(await ledgerLeaves());
      assert.ok(
        !ledgerText.includes(secret) && !ledgerText.includes(secret.slice(prefix.length)),
        'no secret on the ledger',
      );
      const events = (await ledgerLeaves()).filter((l) => l.subject.id === id).map((l) => l.type);
      assert.deepEqual(events, ['apikey.issued', 'apikey.revoked']);
    });
  });

  describe('the service describes itself', () => {
    test('GET /healthz answers without credentials', async () => {
      const res = await send('GET', '/healthz', { key: null });
      assert.equal(res.status, 200);
      assert.deepEqual(res.json, { status: 'ok', storage: 'sqlite', version: 'test' });
    });

    test('GET /openapi.json is OpenAPI 3.1 with an operation for every route in the table', async () => {
      const res = await send('GET', '/openapi.json', { key: null });
      assert.equal(res.status, 200);
      const doc = res.json;
      assert.equal(doc.openapi, '3.1.0');
      assert.equal(typeof doc.info.title, 'string');
      const operations = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(
        ([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`),
      );
      const expected = ctx.routes.map((r) => routeKey(r).replace(/:([A-Za-z]+)/g, '{$1}'));
      assert.deepEqual([...operations].sort(), [...expected].sort());
      for (const r of ctx.routes) {
        const op = doc.paths[r.path.replace(/:([A-Za-z]+)/g, '{$1}')][r.method];
        assert.ok(op.summary, `${routeKey(r)} has a summary`);
        assert.ok(op.responses.default, `${routeKey(r)} documents the error body`);
        if (r.auth === 'public') assert.deepEqual(op.security, [], `${routeKey(r)} is marked public`);
        else assert.deepEqual(op['x-roles'], r.roles);
        if (r.body)
          assert.ok(op.requestBody.content['application/json'].schema, `${routeKey(r)} documents its body`);
        if (r.path.includes(':id'))
          assert.ok(
            op.parameters.some((p: { name: string; in: string }) => p.name === 'id' && p.in === 'path'),
          );
      }
      assert.ok(doc.components.schemas.Error);
      assert.ok(doc.components.securitySchemes.apiKey);
    });

    test('GET /docs/api renders an HTML reference naming every route', async () => {
      const res = await send('GET', '/docs/api', { key: null });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(res.text, /^<!doctype html>/i);
      for (const r of ctx.routes)
        assert.ok(res.text.includes(`${r.method.toUpperCase()} ${r.path}`), `${routeKey(r)} is on the page`);
      assert.ok(!/<script/i.test(res.text), 'no scripts');
      assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'self'/);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    });
  });

  test('every JSON response of the suite was scanned and none carried a secret-bearing key', () => {
    assert.ok(http.seen.responses > 150, `${http.seen.responses} responses scanned`);
    assert.ok(http.seen.errors > 20);
    assert.ok(unique('x') !== unique('x'));
  });
});
