/**
 * Who may call what. The matrix is generated from the route table: every authenticated route is
 * called by every role, without credentials, with a revoked key and with a deactivated user's key,
 * each with real ids and a valid body, so a new route cannot ship without being checked. Then the
 * policy rules finer than a role, and cookie sessions with their CSRF token. SQLite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ROLES, type Role } from '../../../contract/src/identity.ts';
import { newId } from '../../src/shared/ids.ts';
import { createTestContext, STORAGE_KINDS, type TestContext } from '../support/harness.ts';
import {
  buildWorld,
  checkedClient,
  engagementInput,
  expectError,
  fillPath,
  login,
  MINIMAL_ANSWERS,
  ROUTE_FIXTURES,
  routeKey,
  systemInput,
  vendorInput,
  type Principal,
  type World,
} from './http-support.ts';

/** The only routes anyone may call without credentials. Adding one must be a deliberate change. */
const PUBLIC_ROUTES = ['POST /v1/sessions', 'GET /v1/public/trust/:slug'];

/**
 * Write routes an auditor may call: self-service on their own key and session, and re-verifying
 * the ledger (which changes nothing). Everything else that is not a GET must refuse them.
 */
const AUDITOR_WRITES = [
  'DELETE /v1/sessions/current',
  'POST /v1/api-keys',
  'DELETE /v1/api-keys/:id',
  'POST /v1/ledger/verify',
];

const UNSAFE = new Set(['post', 'put', 'patch', 'delete']);

/** Matrix cells where the service and the route table disagree today: `METHOD path` -> caller -> why. */
const KNOWN_BUGS: Record<string, Record<string, string>> = {};

type CallerName = Role | 'anonymous' | 'revoked key' | "deactivated user's key";

for (const storage of STORAGE_KINDS) {
  describe(`authorisation (${storage})`, () => {
    let ctx: TestContext;
    let w: World;
    let http: ReturnType<typeof checkedClient>;
    let revoked: Principal;
    let deactivated: Principal;

    const ledgerSize = async () => (await ctx.services.store.read.ledger.readHead(ctx.organization.id)).size;

    before(async () => {
      ctx = await createTestContext({ storage });
      w = await buildWorld(ctx);
      http = checkedClient(ctx);
      // An admin whose key was revoked, and an admin who was deactivated: neither role nor rank helps.
      const r = await ctx.userWithKey('admin');
      const [rk] = await ctx.services.identity.listApiKeys(r.actor, false);
      await ctx.services.identity.revokeApiKey(ctx.adminActor, rk!.id);
      revoked = { role: 'admin', ...r };
      const d = await ctx.userWithKey('admin');
      await ctx.services.identity.deactivateUser(ctx.adminActor, d.user.id, {});
      deactivated = { role: 'admin', ...d };
    });
    after(async () => ctx.close());

    test('the route table: public routes are exactly the known ones, and every other route has roles and a fixture', () => {
      const keys = ctx.routes.map(routeKey);
      assert.equal(new Set(keys).size, keys.length, 'no route is declared twice');
      assert.deepEqual(
        ctx.routes.filter((r) => r.auth === 'public').map(routeKey),
        PUBLIC_ROUTES,
        'a new public route needs a deliberate decision',
      );
      for (const r of ctx.routes.filter((x) => x.auth === 'authenticated')) {
        const key = routeKey(r);
        assert.ok(r.roles && r.roles.length > 0, `${key} declares its roles`);
        for (const role of r.roles) assert.ok(ROLES.includes(role), `${key}: ${role} is a role`);
        const fixture = ROUTE_FIXTURES[key];
        assert.ok(
          fixture,
          `${key} has no entry in ROUTE_FIXTURES (http-support.ts): add valid inputs for it`,
        );
        assert.equal(
          Boolean(fixture.params),
          Boolean(r.params),
          `${key}: fixture params iff the route has params`,
        );
        assert.equal(
          Boolean(fixture.body),
          Boolean(r.body),
          `${key}: fixture body iff the route has a body schema`,
        );
      }
      for (const key of Object.keys(KNOWN_BUGS))
        assert.ok(keys.includes(key), `KNOWN_BUGS names ${key}, which is not a route`);
      for (const key of Object.keys(ROUTE_FIXTURES))
        assert.ok(keys.includes(key), `ROUTE_FIXTURES has an entry for ${key}, which is not a route`);
    });

    test('the matrix: every authenticated route × every role, no credentials, revoked key, deactivated user', async (t) => {
      const routes = ctx.routes.filter((r) => r.auth === 'authenticated');
      assert.ok(routes.length >= 30, `the route table has ${routes.length} authenticated routes`);
      let calls = 0;
      for (const r of routes) {
        const key = routeKey(r);
        const fixture = ROUTE_FIXTURES[key]!;
        await t.test(key, async (st) => {
          const expected: Record<string, number> = {};
          const actual: Record<string, number> = {};
          const callers: [CallerName, Principal | undefined][] = [
            ...ROLES.map((role) => [role, w.principals[role]] as [CallerName, Principal]),
            ['anonymous', undefined],
            ['revoked key', revoked],
            ["deactivated user's key", deactivated],
          ];
          for (const [name, principal] of callers) {
            const isRole = (ROLES as readonly string[]).includes(name);
            const caller = isRole ? principal : undefined;
            const params = fixture.params ? await fixture.params(w, caller) : {};
            const path = fillPath(r.path, params) + (fixture.query ?? '');
            const body = fixture.body?.(w, caller);
            const headers: Record<string, string> = {};
            let apiKey: string | null = principal?.key ?? null;
            if (fixture.session && isRole && principal) {
              const s = await login(ctx, principal.user.email);
              headers['cookie'] = s.cookie;
              if (UNSAFE.has(r.method)) headers['x-csrf-token'] = s.csrf;
              apiKey = null;
            }
            const res = await http.send(r.method.toUpperCase(), path, {
              key: apiKey,
              headers,
              ...(body !== undefined ? { body } : {}),
            });
            calls++;
            actual[name] = res.status;
            expected[name] = !isRole ? 401 : r.roles!.includes(name as Role) ? (r.status ?? 200) : 403;
          }
          // Known bugs are cut out of the matrix and kept as todo tests, so they stay visible and
          // the todo turns into a pass (and a reminder to delete the entry) once fixed.
          for (const [cell, reason] of Object.entries(KNOWN_BUGS[key] ?? {})) {
            const got = actual[cell];
            const want = expected[cell];
            delete actual[cell];
            delete expected[cell];
            await st.test(`${key} as ${cell}`, { todo: reason }, () => assert.equal(got, want));
          }
          assert.deepEqual(actual, expected, `${key}: status per caller (roles: ${r.roles!.join(', ')})`);
        });
      }
      assert.equal(calls, routes.length * (ROLES.length + 3));
      // The matrix wrote a great deal; the ledger of all of it still verifies.
      const v = await http.send('POST', '/v1/ledger/verify');
      assert.equal(v.status, 200);
      assert.equal(v.json.ok, true, JSON.stringify(v.json.problems));
    });

    test('every unsafe route refuses a cookie session without the right X-CSRF-Token, and changes nothing', async () => {
      const s = await login(ctx, ctx.admin.email);
      const before = await ledgerSize();
      let checked = 0;
      const unsafeRoutes = ctx.routes.filter((x) => x.auth === 'authenticated' && UNSAFE.has(x.method));
      assert.ok(unsafeRoutes.length >= 15);
      for (const r of unsafeRoutes) {
        const fixture = ROUTE_FIXTURES[routeKey(r)]!;
        const params = fixture.params ? await fixture.params(w, w.principals.admin) : {};
        const sizeAfterFixture = await ledgerSize();
        const path = fillPath(r.path, params) + (fixture.query ?? '');
        const body = fixture.body?.(w, w.principals.admin);
        for (const csrf of [undefined, 'not-the-token', '']) {
          const res = await http.send(r.method.toUpperCase(), path, {
            key: null,
            headers: { cookie: s.cookie, ...(csrf !== undefined ? { 'x-csrf-token': csrf } : {}) },
            ...(body !== undefined ? { body } : {}),
          });
          expectError(res, 'FORBIDDEN');
          assert.match(res.json.error.message, /CSRF/);
          checked++;
        }
        assert.equal(
          await ledgerSize(),
          sizeAfterFixture,
          `${routeKey(r)} refused without CSRF changed nothing`,
        );
      }
      assert.equal(checked, unsafeRoutes.length * 3);
      assert.ok((await ledgerSize()) >= before);
      // The session itself is still fine, and the token makes the same kind of call work.
      const ok = await http.send('POST', '/v1/systems', {
        key: null,
        headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
        body: systemInput(ctx.admin.id),
      });
      assert.equal(ok.status, 201, ok.text);
    });

    describe('policy finer than role', () => {
      test('an owner who is not accountable can read but cannot change, transfer, classify, approve or retire', async () => {
        const outsider = w.principals.owner;
        const reg = ctx.services.registry;
        const sys = await reg.createSystem(ctx.adminActor, systemInput(w.steward.user.id));
        await reg.classifySystem(ctx.adminActor, sys.id, MINIMAL_ANSWERS);
        const ven = await reg.createVendor(ctx.adminActor, vendorInput(w.steward.user.id));
        const eng = await reg.createEngagement(ctx.adminActor, engagementInput(w.steward.user.id, ven.id));
        const before = await ledgerSize();
        const to = { newOwnerId: outsider.user.id, reason: 'take it' };
        const attempts: [string, string, unknown][] = [
          ['PATCH', `/v1/systems/${sys.id}`, { name: 'Hijacked' }],
          ['POST', `/v1/systems/${sys.id}/transfer`, to],
          [
            'PUT',
            `/v1/systems/${sys.id}/classification`,
            { answers: { ...MINIMAL_ANSWERS, interacts_with_people: true } },
          ],
          ['POST', `/v1/systems/${sys.id}/approve`, {}],
          ['POST', `/v1/systems/${sys.id}/retire`, {}],
          ['PATCH', `/v1/vendors/${ven.id}`, { criticality: 'low' }],
          ['POST', `/v1/vendors/${ven.id}/transfer`, to],
          ['PATCH', `/v1/engagements/${eng.id}`, { title: 'Hijacked' }],
          ['POST', `/v1/engagements/${eng.id}/transfer`, to],
        ];
        for (const [method, path, body] of attempts)
          expectError(await http.send(method, path, { key: outsider.key, body }), 'FORBIDDEN');
        assert.equal(await ledgerSize(), before, 'refused changes wrote nothing to the ledger');
        for (const path of [`/v1/systems/${sys.id}`, `/v1/vendors/${ven.id}`, `/v1/engagements/${eng.id}`]) {
          const res = await http.send('GET', path, { key: outsider.key });
          assert.equal(res.status, 200);
          assert.equal(res.json.ownerId, w.steward.user.id, `${path} still has its owner`);
        }
        const s = (await http.send('GET', `/v1/systems/${sys.id}`, { key: outsider.key })).json;
        assert.equal(s.name, sys.name);
        assert.equal(s.status, 'proposed');
        assert.equal(s.riskTier, 'minimal');
        assert.equal(
          (await http.send('GET', `/v1/systems/${sys.id}/transfers`, { key: outsider.key })).json.items
            .length,
          0,
        );
      });

      test('only the accountable owner approves: an admin or another owner approving is refused', async () => {
        const reg = ctx.services.registry;
        const sys = await reg.createSystem(ctx.adminActor, systemInput(w.steward.user.id));
        await reg.classifySystem(ctx.adminActor, sys.id, MINIMAL_ANSWERS);
        expectError(
          await http.send('POST', `/v1/systems/${sys.id}/approve`, { key: ctx.adminKey, body: {} }),
          'FORBIDDEN',
        );
        expectError(
          await http.send('POST', `/v1/systems/${sys.id}/approve`, { key: w.principals.owner.key, body: {} }),
          'FORBIDDEN',
        );
        assert.equal((await http.send('GET', `/v1/systems/${sys.id}`)).json.status, 'proposed');
        const ok = await http.send('POST', `/v1/systems/${sys.id}/approve`, {
          key: w.steward.key,
          body: { note: 'mine' },
        });
        assert.equal(ok.status, 200, ok.text);
        assert.equal(ok.json.status, 'approved');
        assert.equal(ok.json.approvedBy, w.steward.user.id);
        // The admin may still change and take live what others own: only approval is personal.
        const patched = await http.send('PATCH', `/v1/systems/${sys.id}`, {
          body: { purpose: 'lead scoring' },
        });
        assert.equal(patched.status, 200, patched.text);
        assert.equal(
          (await http.send('POST', `/v1/systems/${sys.id}/go-live`, { body: {} })).json.status,
          'live',
        );
      });

      test("a vendor user sees only its vendor's record, engagements and systems", async () => {
        const reg = ctx.services.registry;
        const vendorUser = w.principals.vendor;
        const mine = w.seed.vendorId;
        const other = await reg.createVendor(ctx.adminActor, vendorInput(w.steward.user.id));
        const otherSystem = await reg.createSystem(ctx.adminActor, {
          ...systemInput(w.steward.user.id),
          vendorId: other.id,
        });
        const otherEng = await reg.createEngagement(ctx.adminActor, {
          ...engagementInput(w.steward.user.id, other.id),
          systemIds: [otherSystem.id],
        });
        // A system with no vendor of its own, used in one of my vendor's engagements: visible.
        const linked = await reg.createSystem(ctx.adminActor, systemInput(w.steward.user.id));
        const myEng = await reg.createEngagement(ctx.adminActor, {
          ...engagementInput(w.steward.user.id, mine),
          systemIds: [linked.id],
        });
        const internal = await reg.createSystem(ctx.adminActor, systemInput(w.steward.user.id));

        const get = (path: string) => http.send('GET', path, { key: vendorUser.key });
        const vendors = (await get('/v1/vendors?limit=200')).json;
        assert.deepEqual(
          vendors.items.map((v: { id: string }) => v.id),
          [mine],
        );
        assert.equal(vendors.total, 1);

        const engs = (await get('/v1/engagements?limit=200')).json;
        const engIds = engs.items.map((e: { id: string }) => e.id);
        assert.ok(
          engs.items.every((e: { vendorId: string }) => e.vendorId === mine),
          'only my vendor engagements',
        );
        assert.ok(engIds.includes(myEng.id) && engIds.includes(w.seed.engagementId));
        assert.ok(!engIds.includes(otherEng.id));
        assert.equal(engs.total, engs.items.length);

        const systems = (await get('/v1/systems?limit=200')).json;
        const sysIds = systems.items.map((s: { id: string }) => s.id);
        assert.ok(sysIds.includes(w.seed.systemId) && sysIds.includes(linked.id));
        assert.ok(!sysIds.includes(otherSystem.id) && !sysIds.includes(internal.id));
        assert.equal(systems.total, systems.items.length);

        // Staff see all of it, so the filtering above is the vendor scope and not missing data.
        const staffSystems = (await http.send('GET', '/v1/systems?limit=200')).json;
        assert.ok(staffSystems.items.some((s: { id: string }) => s.id === otherSystem.id));

        for (const path of [
          `/v1/vendors/${other.id}`,
          `/v1/vendors/${other.id}/transfers`,
          `/v1/engagements/${otherEng.id}`,
          `/v1/engagements/${otherEng.id}/transfers`,
          `/v1/systems/${otherSystem.id}`,
          `/v1/systems/${otherSystem.id}/classification`,
          `/v1/systems/${otherSystem.id}/transfers`,
          `/v1/systems/${internal.id}`,
        ])
          expectError(await get(path), 'NOT_FOUND');
        assert.equal((await get(`/v1/systems/${linked.id}`)).status, 200);
        assert.equal((await get(`/v1/engagements?vendorId=${other.id}`)).json.total, 0);
        assert.equal((await get(`/v1/systems?vendorId=${other.id}`)).json.total, 0);
        assert.equal((await get(`/v1/engagements?systemId=${otherSystem.id}`)).json.total, 0);
        assert.equal((await get(`/v1/vendors?q=${encodeURIComponent(other.legalName)}`)).json.total, 0);
        assert.equal((await get(`/v1/systems?q=${encodeURIComponent(otherSystem.name)}`)).json.total, 0);
        // Not even its own vendor record may it change.
        expectError(
          await http.send('PATCH', `/v1/vendors/${mine}`, {
            key: vendorUser.key,
            body: { criticality: 'low' },
          }),
          'FORBIDDEN',
        );
      });

      test("a vendor user cannot tell another vendor's records from missing ones by trying to change them", async () => {
        const reg = ctx.services.registry;
        const other = await reg.createVendor(ctx.adminActor, vendorInput(w.steward.user.id));
        const hidden = await reg.createSystem(ctx.adminActor, {
          ...systemInput(w.steward.user.id),
          vendorId: other.id,
        });
        const key = w.principals.vendor.key;
        expectError(await http.send('GET', `/v1/systems/${hidden.id}`, { key }), 'NOT_FOUND');
        const write = await http.send('PATCH', `/v1/systems/${hidden.id}`, { key, body: { name: 'x' } });
        const missing = await http.send('PATCH', `/v1/systems/${newId('sys')}`, {
          key,
          body: { name: 'x' },
        });
        assert.equal(write.status, missing.status, 'an existing hidden record answers like a missing one');
      });

      test('an auditor can write nothing but its own keys, its session and a ledger re-check', async () => {
        const auditor = w.principals.auditor;
        const allowed = ctx.routes.filter(
          (r) => r.method !== 'get' && r.auth === 'authenticated' && r.roles!.includes('auditor'),
        );
        assert.deepEqual(allowed.map(routeKey).sort(), [...AUDITOR_WRITES].sort());
        const before = await ledgerSize();
        let refused = 0;
        for (const r of ctx.routes.filter(
          (x) => x.method !== 'get' && x.auth === 'authenticated' && !x.roles!.includes('auditor'),
        )) {
          const fixture = ROUTE_FIXTURES[routeKey(r)]!;
          const params = fixture.params ? await fixture.params(w, auditor) : {};
          const sizeAfterFixture = await ledgerSize();
          const body = fixture.body?.(w, auditor);
          const res = await http.send(r.method.toUpperCase(), fillPath(r.path, params), {
            key: auditor.key,
            ...(body !== undefined ? { body } : {}),
          });
          expectError(res, 'FORBIDDEN');
          assert.equal(await ledgerSize(), sizeAfterFixture, `${routeKey(r)} as auditor wrote nothing`);
          refused++;
        }
        assert.ok(refused >= 15, `${refused} write routes refused the auditor`);
        assert.ok((await ledgerSize()) >= before);
        // Reads are open to the auditor.
        assert.equal(
          (await http.send('GET', '/v1/ledger/entries?limit=1', { key: auditor.key })).status,
          200,
        );
        assert.equal((await http.send('GET', '/v1/users', { key: auditor.key })).status, 200);
      });

      test("API keys: non-admins manage only their own; an owner cannot list all keys or revoke an admin's", async () => {
        const owner = w.principals.owner;
        expectError(await http.send('GET', '/v1/api-keys?all=true', { key: owner.key }), 'FORBIDDEN');
        const adminKeyId = (await ctx.services.identity.listApiKeys(ctx.adminActor, false))[0]!.id;
        for (const p of [owner, w.principals.auditor, w.principals.vendor])
          expectError(await http.send('DELETE', `/v1/api-keys/${adminKeyId}`, { key: p.key }), 'FORBIDDEN');
        assert.equal((await http.send('GET', '/v1/organization')).status, 200, "the admin's key still works");
        const own = (await http.send('GET', '/v1/api-keys', { key: owner.key })).json.items;
        assert.ok(own.length >= 1);
        assert.ok(
          own.every((k: { userId: string }) => k.userId === owner.user.id),
          'the list holds only my keys',
        );
        const all = (await http.send('GET', '/v1/api-keys?all=true')).json.items;
        assert.ok(all.some((k: { userId: string }) => k.userId === owner.user.id));
      });

      test('a malformed Authorization header or a made-up key is 401, never a fallback to the cookie', async () => {
        const s = await login(ctx, ctx.admin.email);
        for (const authorization of [
          'Basic YWRtaW46YWRtaW4=',
          'Bearer',
          'Bearer a b',
          `Bearer ${ctx.adminKey}x`,
          'Bearer ovs_nope',
        ])
          expectError(
            await http.send('GET', '/v1/organization', {
              key: null,
              headers: { authorization, cookie: s.cookie },
            }),
            'UNAUTHENTICATED',
          );
      });
    });

    describe('cookie sessions', () => {
      test('logging in sets an HttpOnly SameSite=Lax cookie and returns the CSRF token, never a hash', async () => {
        const s = await login(ctx, ctx.admin.email);
        const attrs = s.setCookie.split(';').map((a) => a.trim().toLowerCase());
        assert.ok(attrs.includes('httponly'), s.setCookie);
        assert.ok(attrs.includes('samesite=lax'), s.setCookie);
        assert.ok(attrs.includes('path=/'), s.setCookie);
        assert.ok(!attrs.includes('secure'), 'plain http in tests: no Secure flag');
        assert.ok(s.csrf.length >= 20);
        assert.ok(!s.setCookie.includes(s.csrf), 'the CSRF token is not the cookie');
        const https = await ctx.request('POST', '/v1/sessions', {
          key: null,
          headers: { 'x-forwarded-proto': 'https' },
          body: { email: ctx.admin.email, password: 'correct horse battery staple' },
        });
        assert.equal(https.status, 201);
        assert.match(
          https.headers.get('set-cookie') ?? '',
          /;\s*Secure/i,
          'behind HTTPS the cookie is Secure',
        );
      });

      test('a wrong password or unknown e-mail is 401 with the same message and no cookie', async () => {
        const wrong = await http.send('POST', '/v1/sessions', {
          key: null,
          body: { email: ctx.admin.email, password: 'wrong password!' },
        });
        const unknown = await http.send('POST', '/v1/sessions', {
          key: null,
          body: { email: 'nobody@acme.example', password: 'wrong password!' },
        });
        expectError(wrong, 'UNAUTHENTICATED');
        expectError(unknown, 'UNAUTHENTICATED');
        assert.equal(wrong.json.error.message, unknown.json.error.message, 'no user enumeration');
        assert.equal(wrong.headers.get('set-cookie'), null);
        expectError(
          await http.send('POST', '/v1/sessions', {
            key: null,
            body: { email: deactivated.user.email, password: 'correct horse battery staple' },
          }),
          'UNAUTHENTICATED',
        );
      });

      test('a cookie-authenticated change needs X-CSRF-Token; reads do not; logout ends the session', async () => {
        const s = await login(ctx, w.steward.user.email);
        const cookie = { cookie: s.cookie };
        const count = async () =>
          (await http.send('GET', '/v1/systems?limit=1', { key: null, headers: cookie })).json
            .total as number;
        const before = await count();
        const body = systemInput(w.steward.user.id);
        expectError(
          await http.send('POST', '/v1/systems', { key: null, headers: cookie, body }),
          'FORBIDDEN',
        );
        expectError(
          await http.send('POST', '/v1/systems', {
            key: null,
            headers: { ...cookie, 'x-csrf-token': 'x'.repeat(s.csrf.length) },
            body,
          }),
          'FORBIDDEN',
        );
        assert.equal(await count(), before, 'refused without the token: nothing created');
        const created = await http.send('POST', '/v1/systems', {
          key: null,
          headers: { ...cookie, 'x-csrf-token': s.csrf },
          body,
        });
        assert.equal(created.status, 201, created.text);
        assert.equal(await count(), before + 1);

        const current = await http.send('GET', '/v1/sessions/current', { key: null, headers: cookie });
        assert.equal(current.status, 200);
        assert.equal(current.json.user.id, w.steward.user.id);
        assert.equal(current.json.csrfToken, s.csrf);

        expectError(
          await http.send('DELETE', '/v1/sessions/current', { key: null, headers: cookie }),
          'FORBIDDEN',
        );
        assert.equal(await count(), before + 1, 'logout without the token did not end the session');
        const out = await http.send('DELETE', '/v1/sessions/current', {
          key: null,
          headers: { ...cookie, 'x-csrf-token': s.csrf },
        });
        assert.equal(out.status, 204);
        assert.match(
          out.headers.get('set-cookie') ?? '',
          /oversight_session=;.*(Max-Age=0|Expires=Thu, 01 Jan 1970)/i,
          'the cookie is cleared',
        );
        expectError(await http.send('GET', '/v1/systems', { key: null, headers: cookie }), 'UNAUTHENTICATED');
        expectError(
          await http.send('GET', '/v1/sessions/current', { key: null, headers: cookie }),
          'UNAUTHENTICATED',
        );
        expectError(
          await http.send('POST', '/v1/systems', {
            key: null,
            headers: { ...cookie, 'x-csrf-token': s.csrf },
            body,
          }),
          'UNAUTHENTICATED',
        );
      });

      test('deactivating a user ends their sessions; a forged cookie is 401', async () => {
        const leaver = await ctx.userWithKey('owner');
        const s = await login(ctx, leaver.user.email);
        assert.equal(
          (await http.send('GET', '/v1/organization', { key: null, headers: { cookie: s.cookie } })).status,
          200,
        );
        const d = await http.send('POST', `/v1/users/${leaver.user.id}/deactivate`, { body: {} });
        assert.equal(d.status, 200, d.text);
        expectError(
          await http.send('GET', '/v1/organization', { key: null, headers: { cookie: s.cookie } }),
          'UNAUTHENTICATED',
        );
        expectError(await http.send('GET', '/v1/organization', { key: leaver.key }), 'UNAUTHENTICATED');
        expectError(
          await http.send('GET', '/v1/organization', {
            key: null,
            headers: { cookie: 'oversight_session=forged-token-value' },
          }),
          'UNAUTHENTICATED',
        );
      });

      test('session start and end are on the ledger', async () => {
        const s = await login(ctx, w.principals.auditor.user.email);
        await http.send('DELETE', '/v1/sessions/current', {
          key: null,
          headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
        });
        const size = await ledgerSize();
        const entries = (await http.send('GET', `/v1/ledger/entries?start=${size - 2}&limit=2`)).json.entries;
        assert.deepEqual(
          entries.map((e: { leaf: string }) => (JSON.parse(e.leaf) as { type: string }).type),
          ['session.started', 'session.ended'],
        );
        for (const e of entries as { leaf: string }[])
          assert.ok(!e.leaf.includes(s.cookie.split('=')[1]!), 'no session token on the ledger');
      });
    });

    test('every response in this suite was checked for leaked secrets and error shape', () => {
      assert.ok(http.seen.responses > 300, `${http.seen.responses} responses`);
      assert.ok(http.seen.errors > 150, `${http.seen.errors} error bodies`);
    });
  });
}
