/**
 * Identity: password hashing, API keys, sessions, login across organisations, slugs, and the RBAC
 * policy. Threats covered: a stolen database revealing usable secrets, a login oracle for which
 * e-mails exist, a session outliving its user, a role reaching outside what it may do.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { ROLES, type Role } from '../../../contract/src/identity.ts';
import type { ErrorCode } from '../../../contract/src/errors.ts';
import { actorFor, slugify } from '../../src/modules/identity/identity-service.ts';
import type { Actor, User } from '../../src/modules/identity/identity-types.ts';
import { ACTIONS, authorize, type Action } from '../../src/modules/identity/policy.ts';
import {
  apiKeyPrefix,
  generateApiKey,
  hashPassword,
  secretMatches,
  sha256Hex,
  verifyPassword,
} from '../../src/modules/identity/secrets.ts';
import type { LedgerEntry } from '../../src/modules/ledger/entry.ts';
import { AppError } from '../../src/shared/app-error.ts';
import type { Clock } from '../../src/shared/clock.ts';
import { newId } from '../../src/shared/ids.ts';
import {
  createTestContext,
  rawSql,
  STORAGE_KINDS,
  TEST_PASSWORD,
  type TestContext,
} from '../support/harness.ts';

const KEY_FORMAT = /^ovs_([0-9a-z]{12})_([A-Za-z0-9_-]{43})$/;
const SCRYPT_FORMAT = /^scrypt\$32768\$8\$1\$([A-Za-z0-9+/]{22}==)\$([A-Za-z0-9+/]{43}=)$/;

async function rejectsWithCode(promise: Promise<unknown>, code: ErrorCode): Promise<AppError> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof AppError, `expected AppError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  return caught;
}

/** A clock tests move by hand. */
function manualClock(start: string): Clock & { set(iso: string): void; advance(ms: number): void } {
  let now = Date.parse(start);
  return {
    now: () => new Date(now),
    set: (iso) => {
      now = Date.parse(iso);
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

async function median(times: number, fn: () => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    await fn().catch(() => undefined);
    samples.push(performance.now() - t);
  }
  return samples.sort((a, b) => a - b)[Math.floor(times / 2)]!;
}

// ---- pure: passwords, keys, slugs ----------------------------------------------------------------

describe('password hashing (scrypt, RFC 7914)', () => {
  test('stores the self-describing scrypt$N$r$p$salt$hash form with a fresh salt each time', async () => {
    const a = await hashPassword(TEST_PASSWORD);
    const b = await hashPassword(TEST_PASSWORD);
    assert.match(a, SCRYPT_FORMAT);
    assert.match(b, SCRYPT_FORMAT);
    assert.notEqual(a, b, 'salted');
    assert.notEqual(SCRYPT_FORMAT.exec(a)?.[1], SCRYPT_FORMAT.exec(b)?.[1]);
    assert.ok(!a.includes(TEST_PASSWORD));
    assert.equal(Buffer.from(SCRYPT_FORMAT.exec(a)![1]!, 'base64').length, 16);
    assert.equal(Buffer.from(SCRYPT_FORMAT.exec(a)![2]!, 'base64').length, 32);
  });

  test('the right password verifies; a wrong one, a changed hash and malformed hashes do not', async () => {
    const stored = await hashPassword(TEST_PASSWORD);
    assert.equal(await verifyPassword(TEST_PASSWORD, stored), true);
    assert.equal(await verifyPassword(`${TEST_PASSWORD} `, stored), false);
    assert.equal(await verifyPassword('Correct horse battery staple', stored), false);
    assert.equal(await verifyPassword('', stored), false);
    const parts = stored.split('$');
    const hash = Buffer.from(parts[5]!, 'base64');
    hash[0] = hash[0]! ^ 1;
    assert.equal(
      await verifyPassword(TEST_PASSWORD, [...parts.slice(0, 5), hash.toString('base64')].join('$')),
      false,
    );
    for (const malformed of [
      null,
      '',
      'plain',
      `bcrypt$${parts.slice(1).join('$')}`,
      parts.slice(0, 5).join('$'),
    ])
      assert.equal(await verifyPassword(TEST_PASSWORD, malformed), false, String(malformed));
  });

  test('passwords are compared after NFKC normalisation', async () => {
    const stored = await hashPassword('ﬁne password 12');
    assert.equal(await verifyPassword('fine password 12', stored), true);
  });

  test('checking against no hash costs about as much as checking against a real one', async () => {
    const stored = await hashPassword(TEST_PASSWORD);
    const real = await median(3, () => verifyPassword('wrong password!!', stored));
    const none = await median(3, () => verifyPassword('wrong password!!', null));
    assert.ok(
      none > real * 0.3,
      `no-hash check took ${none.toFixed(1)} ms, a real check ${real.toFixed(1)} ms`,
    );
  });
});

describe('API key secrets', () => {
  test('have the ovs_<12>_<43> form, a matching public prefix and only a SHA-256 stored', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const k = generateApiKey();
      const m = KEY_FORMAT.exec(k.secret);
      assert.ok(m, k.secret);
      assert.equal(m[1], k.prefix);
      assert.equal(apiKeyPrefix(k.secret), k.prefix);
      assert.equal(k.secretHash, sha256Hex(k.secret));
      assert.match(k.secretHash, /^[0-9a-f]{64}$/);
      assert.ok(!k.secretHash.includes(m[2]!));
      assert.equal(secretMatches(k.secret, k.secretHash), true);
      assert.equal(
        secretMatches(`${k.secret.slice(0, -1)}${k.secret.endsWith('A') ? 'B' : 'A'}`, k.secretHash),
        false,
      );
      seen.add(k.secret);
    }
    assert.equal(seen.size, 50);
    for (const bad of [
      '',
      'ovs_',
      'ovs_ABCDEFGHIJKL_' + 'a'.repeat(43),
      'ovs_abcdefghijkl_' + 'a'.repeat(42),
      'x' + generateApiKey().secret,
    ])
      assert.equal(apiKeyPrefix(bad), null, bad);
    assert.equal(secretMatches('anything', 'not-hex'), false);
  });
});

describe('slugify', () => {
  const CASES: [string, string][] = [
    ['Acme Marketing', 'acme-marketing'],
    ['Café Ünïcode GmbH & Co.', 'cafe-unicode-gmbh-co'],
    ['  --Hello__World--  ', 'hello-world'],
    ['ACME 2026', 'acme-2026'],
    ['日本', 'organization'],
    ['', 'organization'],
    ['!!!', 'organization'],
  ];
  for (const [name, slug] of CASES)
    test(`${JSON.stringify(name)} -> ${slug}`, () => assert.equal(slugify(name), slug));

  test('is URL-safe and at most 50 characters, never ending in a hyphen', () => {
    assert.equal(slugify('a'.repeat(80)), 'a'.repeat(50));
    for (const name of ['x'.repeat(49) + ' tail', 'y'.repeat(48) + ' - z', 'word '.repeat(30)]) {
      const slug = slugify(name);
      assert.match(slug, /^[a-z0-9]+(-[a-z0-9]+)*$/, slug);
      assert.ok(slug.length <= 50);
    }
  });
});

// ---- policy: pure ----------------------------------------------------------------------------------

describe('authorize (policy)', () => {
  const ME = newId('usr');
  const SOMEONE = newId('usr');
  const VENDOR = newId('ven');
  const actor = (role: Role, vendorId: string | null = role === 'vendor' ? VENDOR : null): Actor => ({
    type: 'user',
    id: ME,
    organizationId: newId('org'),
    role,
    vendorId,
    via: 'api_key',
  });

  // What each role may do with no resource named: Y = allowed, - = denied. Approval always needs the
  // owner named, so nobody approves blind.
  const ROLE_TABLE: Record<Action, Record<Role, boolean>> = {
    'organization.read': { admin: true, owner: true, auditor: true, vendor: true },
    'user.list': { admin: true, owner: true, auditor: true, vendor: false },
    'user.create': { admin: true, owner: false, auditor: false, vendor: false },
    'user.deactivate': { admin: true, owner: false, auditor: false, vendor: false },
    'apikey.manage_own': { admin: true, owner: true, auditor: true, vendor: true },
    'apikey.manage_any': { admin: true, owner: false, auditor: false, vendor: false },
    'registry.read': { admin: true, owner: true, auditor: true, vendor: true },
    'registry.create': { admin: true, owner: true, auditor: false, vendor: false },
    'registry.update': { admin: true, owner: true, auditor: false, vendor: false },
    'registry.transfer': { admin: true, owner: true, auditor: false, vendor: false },
    'system.classify': { admin: true, owner: true, auditor: false, vendor: false },
    'system.approve': { admin: false, owner: false, auditor: false, vendor: false },
    'system.go_live': { admin: true, owner: true, auditor: false, vendor: false },
    'system.retire': { admin: true, owner: true, auditor: false, vendor: false },
    'ledger.read': { admin: true, owner: true, auditor: true, vendor: false },
    'ledger.verify': { admin: true, owner: true, auditor: true, vendor: false },
    'trust.read': { admin: true, owner: true, auditor: true, vendor: false },
    'trust.edit': { admin: true, owner: false, auditor: false, vendor: false },
  };

  test('the table covers every action', () => {
    assert.deepEqual(Object.keys(ROLE_TABLE).sort(), [...ACTIONS].sort());
  });

  for (const action of ACTIONS)
    for (const role of ROLES)
      test(`${role} ${ROLE_TABLE[action][role] ? 'may' : 'may not'} ${action}`, () => {
        const d = authorize(actor(role), action);
        assert.equal(d.ok, ROLE_TABLE[action][role]);
        if (!d.ok) assert.ok(d.reason.length > 0);
      });

  const OWNER_SCOPED: Action[] = [
    'registry.update',
    'registry.transfer',
    'system.classify',
    'system.go_live',
    'system.retire',
  ];

  test('owners change only what they are accountable for; admins change anything', () => {
    for (const action of OWNER_SCOPED) {
      assert.equal(authorize(actor('owner'), action, { ownerId: ME }).ok, true, action);
      const d = authorize(actor('owner'), action, { ownerId: SOMEONE });
      assert.equal(d.ok, false, action);
      if (!d.ok) assert.match(d.reason, /accountable/);
      assert.equal(authorize(actor('admin'), action, { ownerId: SOMEONE }).ok, true, action);
      assert.equal(authorize(actor('auditor'), action, { ownerId: ME }).ok, false, action);
      assert.equal(authorize(actor('vendor'), action, { ownerId: ME }).ok, false, action);
    }
    // Creating and reading are not owner-scoped.
    assert.equal(authorize(actor('owner'), 'registry.create', { ownerId: SOMEONE }).ok, true);
    assert.equal(authorize(actor('owner'), 'registry.read', { ownerId: SOMEONE }).ok, true);
  });

  test('approval is the accountable owner’s own act, for admins too', () => {
    for (const role of ['admin', 'owner'] as const) {
      assert.equal(authorize(actor(role), 'system.approve', { ownerId: ME }).ok, true, role);
      assert.equal(authorize(actor(role), 'system.approve', { ownerId: SOMEONE }).ok, false, role);
      assert.equal(authorize(actor(role), 'system.approve', {}).ok, false, role);
    }
    for (const role of ['auditor', 'vendor'] as const)
      assert.equal(authorize(actor(role), 'system.approve', { ownerId: ME }).ok, false, role);
  });

  test("vendor users read only their own vendor's records", () => {
    assert.equal(authorize(actor('vendor'), 'registry.read', { vendorIds: [VENDOR] }).ok, true);
    assert.equal(authorize(actor('vendor'), 'registry.read', { vendorIds: [newId('ven'), VENDOR] }).ok, true);
    assert.equal(authorize(actor('vendor'), 'registry.read', { vendorIds: [newId('ven')] }).ok, false);
    assert.equal(authorize(actor('vendor'), 'registry.read', { vendorIds: [] }).ok, false);
    assert.equal(authorize(actor('vendor'), 'registry.read', {}).ok, false);
    assert.equal(authorize(actor('vendor', null), 'registry.read', { vendorIds: [VENDOR] }).ok, false);
    for (const role of ['admin', 'owner', 'auditor'] as const)
      assert.equal(authorize(actor(role), 'registry.read', { vendorIds: [newId('ven')] }).ok, true, role);
  });

  test('the system actor may do everything', () => {
    const system: Actor = { type: 'system', id: 'system', organizationId: newId('org') };
    for (const action of ACTIONS)
      assert.equal(authorize(system, action, { ownerId: SOMEONE }).ok, true, action);
  });
});

// ---- the service, on every store ---------------------------------------------------------------

for (const kind of STORAGE_KINDS)
  describe(`identity service on ${kind}`, () => {
    const clock = manualClock('2026-03-01T09:00:00.000Z');
    let ctx: TestContext;
    before(async () => {
      ctx = await createTestContext({ storage: kind, clock });
    });
    after(async () => {
      await ctx.close();
    });

    const identity = () => ctx.services.identity;
    const orgId = () => ctx.organization.id;
    const size = async () => (await ctx.store.read.ledger.readHead(orgId())).size;
    async function eventsSince(start: number, organizationId = orgId()): Promise<LedgerEntry[]> {
      return (await ctx.services.ledger.entries(organizationId, start, 1000)).map(
        (e) => JSON.parse(e.leaf) as LedgerEntry,
      );
    }
    async function person(role: User['role'], password: string | null = TEST_PASSWORD) {
      const user = await identity().createUser(ctx.adminActor, {
        email: `${role}-${newId('x').slice(-8)}@acme.example`,
        name: `${role} person`,
        role,
        ...(password ? { password } : {}),
      });
      return { user, actor: actorFor(user, 'api_key') };
    }
    async function rawRows(table: string, id: string) {
      return rawSql(ctx.storageConfig, `select * from ${table} where id = ?`, [id]);
    }

    describe('users and passwords', () => {
      test('a created user stores a scrypt hash, never the password; the ledger sees no hash', async () => {
        const start = await size();
        const { user } = await person('owner');
        assert.match(user.passwordHash ?? '', SCRYPT_FORMAT);
        const rows = await rawRows('users', user.id);
        assert.equal(rows.length, 1);
        assert.ok(!JSON.stringify(rows).includes(TEST_PASSWORD));
        const events = await eventsSince(start);
        assert.deepEqual(
          events.map((e) => e.type),
          ['user.created'],
        );
        assert.ok(!JSON.stringify(events).includes(user.passwordHash!));
      });

      test('e-mails are unique per organisation (CONFLICT naming email)', async () => {
        const { user } = await person('owner');
        const start = await size();
        const error = await rejectsWithCode(
          identity().createUser(ctx.adminActor, { email: user.email, name: 'Twin', role: 'auditor' }),
          'CONFLICT',
        );
        assert.equal(error.details?.['field'], 'email');
        assert.equal(await size(), start);
      });

      test('only admins create users', async () => {
        const { actor } = await person('owner', null);
        await rejectsWithCode(
          identity().createUser(actor, { email: 'x@acme.example', name: 'X', role: 'owner' }),
          'FORBIDDEN',
        );
      });
    });

    describe('API keys', () => {
      test('are issued as ovs_<12>_<43>; only the SHA-256 is stored, in the row and in the ledger', async () => {
        const { user, actor } = await person('owner', null);
        const start = await size();
        const { key, secret } = await identity().createApiKey(actor, 'ci');
        const m = KEY_FORMAT.exec(secret);
        assert.ok(m, secret);
        assert.equal(key.prefix, m[1]);
        assert.equal(key.userId, user.id);
        assert.equal(key.secretHash, sha256Hex(secret));
        const stored = await ctx.store.read.identity.getApiKey(orgId(), key.id);
        assert.deepEqual(stored, key);
        const rows = await rawRows('api_keys', key.id);
        assert.equal(rows.length, 1);
        const raw = JSON.stringify(rows);
        assert.ok(!raw.includes(secret), 'the secret is not in the row');
        assert.ok(!raw.includes(m[2]!), 'nor its random part');
        assert.ok(raw.includes(sha256Hex(secret)));
        const events = await eventsSince(start);
        assert.deepEqual(
          events.map((e) => e.type),
          ['apikey.issued'],
        );
        assert.ok(!JSON.stringify(events).includes(m[2]!));
      });

      test('authenticate to their user; wrong, malformed and foreign secrets do not', async () => {
        const { user, actor } = await person('auditor', null);
        const { secret } = await identity().createApiKey(actor, 'k');
        const auth = await identity().authenticateApiKey(secret);
        assert.equal(auth.user.id, user.id);
        assert.deepEqual(auth.actor, actorFor(user, 'api_key'));
        assert.equal((await identity().authenticateApiKey(secret, 'cli')).actor.type === 'user', true);
        const other = generateApiKey().secret;
        const forged = `ovs_${KEY_FORMAT.exec(secret)![1]}_${KEY_FORMAT.exec(other)![2]}`;
        for (const bad of [forged, other, 'ovs_short', '', `${secret}x`])
          await rejectsWithCode(identity().authenticateApiKey(bad), 'UNAUTHENTICATED');
      });

      test('revoked keys stop working; revocation is recorded once; owners revoke only their own', async () => {
        const a = await person('owner', null);
        const b = await person('owner', null);
        const ka = await identity().createApiKey(a.actor, 'a');
        const kb = await identity().createApiKey(b.actor, 'b');
        await rejectsWithCode(identity().revokeApiKey(a.actor, kb.key.id), 'FORBIDDEN');
        await rejectsWithCode(identity().revokeApiKey(a.actor, newId('key')), 'NOT_FOUND');
        const start = await size();
        const revoked = await identity().revokeApiKey(a.actor, ka.key.id);
        assert.equal(revoked.revokedAt, clock.now().toISOString());
        assert.deepEqual(
          (await eventsSince(start)).map((e) => [e.type, e.subject.id]),
          [['apikey.revoked', ka.key.id]],
        );
        await rejectsWithCode(identity().authenticateApiKey(ka.secret), 'UNAUTHENTICATED');
        await rejectsWithCode(identity().revokeApiKey(a.actor, ka.key.id), 'CONFLICT');
        assert.equal(await size(), start + 1);
        await identity().revokeApiKey(ctx.adminActor, kb.key.id);
        await rejectsWithCode(identity().authenticateApiKey(kb.secret), 'UNAUTHENTICATED');
      });

      test('listing: one’s own keys, or all of them for an admin', async () => {
        const a = await person('owner', null);
        const k1 = await identity().createApiKey(a.actor, 'one');
        const k2 = await identity().createApiKey(a.actor, 'two');
        assert.deepEqual(
          (await identity().listApiKeys(a.actor, false)).map((k) => k.id),
          [k1.key.id, k2.key.id].sort(),
        );
        await rejectsWithCode(identity().listApiKeys(a.actor, true), 'FORBIDDEN');
        const all = (await identity().listApiKeys(ctx.adminActor, true)).map((k) => k.id);
        assert.ok(all.includes(k1.key.id) && all.includes(k2.key.id) && all.length > 2);
      });

      test('lastUsedAt is written on first use and then at most once a minute', async () => {
        const { actor } = await person('auditor', null);
        const { key, secret } = await identity().createApiKey(actor, 'touch');
        const lastUsed = async () => (await ctx.store.read.identity.getApiKey(orgId(), key.id))?.lastUsedAt;
        assert.equal(await lastUsed(), null);
        clock.set('2026-03-02T10:00:00.000Z');
        await identity().authenticateApiKey(secret);
        assert.equal(await lastUsed(), '2026-03-02T10:00:00.000Z');
        clock.set('2026-03-02T10:00:30.000Z');
        await identity().authenticateApiKey(secret);
        clock.set('2026-03-02T10:01:00.000Z');
        await identity().authenticateApiKey(secret);
        assert.equal(await lastUsed(), '2026-03-02T10:00:00.000Z', 'not within the minute');
        clock.set('2026-03-02T10:01:00.001Z');
        await identity().authenticateApiKey(secret);
        assert.equal(await lastUsed(), '2026-03-02T10:01:00.001Z');
        clock.set('2026-03-02T10:01:59.000Z');
        await identity().authenticateApiKey(secret);
        assert.equal(await lastUsed(), '2026-03-02T10:01:00.001Z');
      });
    });

    describe('sessions', () => {
      test('login returns a token once; only its SHA-256 is stored; the session lasts its TTL', async () => {
        clock.set('2026-03-03T08:00:00.000Z');
        const { user } = await person('owner');
        const start = await size();
        const { token, session, organization } = await identity().login({
          email: user.email,
          password: TEST_PASSWORD,
        });
        assert.match(token, /^[A-Za-z0-9_-]{43}$/);
        assert.equal(session.id, sha256Hex(token));
        assert.notEqual(session.id, token);
        assert.equal(organization.id, orgId());
        assert.equal(session.expiresAt, '2026-03-03T20:00:00.000Z', '12 hours');
        assert.equal(await ctx.store.read.identity.getSession(token), undefined);
        assert.deepEqual(await ctx.store.read.identity.getSession(sha256Hex(token)), session);
        const rows = await rawRows('sessions', session.id);
        assert.equal(rows.length, 1);
        assert.ok(!JSON.stringify(rows).includes(token), 'the token is not in the row');
        const events = await eventsSince(start);
        assert.deepEqual(
          events.map((e) => e.type),
          ['session.started'],
        );
        assert.ok(!JSON.stringify(events).includes(token));
        assert.ok(!JSON.stringify(events).includes(session.id), 'only a short reference of the hash');

        clock.set('2026-03-03T19:59:59.999Z');
        const auth = await identity().authenticateSession(token);
        assert.deepEqual(auth.actor, actorFor(user, 'session'));
        clock.set('2026-03-03T20:00:00.000Z');
        await rejectsWithCode(identity().authenticateSession(token), 'UNAUTHENTICATED');
        await rejectsWithCode(identity().authenticateSession(sha256Hex(token)), 'UNAUTHENTICATED');
      });

      test('logout ends the session once', async () => {
        clock.set('2026-03-04T08:00:00.000Z');
        const { user } = await person('owner');
        const { token, session } = await identity().login({ email: user.email, password: TEST_PASSWORD });
        await identity().authenticateSession(token);
        const start = await size();
        await identity().logout(token);
        assert.deepEqual(
          (await eventsSince(start)).map((e) => e.type),
          ['session.ended'],
        );
        assert.equal(
          (await ctx.store.read.identity.getSession(session.id))?.endedAt,
          '2026-03-04T08:00:00.000Z',
        );
        await rejectsWithCode(identity().authenticateSession(token), 'UNAUTHENTICATED');
        await identity().logout(token);
        await identity().logout('not-a-token');
        assert.equal(await size(), start + 1, 'a second logout records nothing');
      });

      test('deactivating a user ends their sessions and revokes their keys', async () => {
        clock.set('2026-03-05T08:00:00.000Z');
        const { user, actor } = await person('auditor');
        const first = await identity().login({ email: user.email, password: TEST_PASSWORD });
        const second = await identity().login({ email: user.email, password: TEST_PASSWORD });
        const { secret } = await identity().createApiKey(actor, 'k');
        clock.advance(1000);
        await identity().deactivateUser(ctx.adminActor, user.id, {});
        for (const s of [first, second]) {
          assert.equal(
            (await ctx.store.read.identity.getSession(s.session.id))?.endedAt,
            '2026-03-05T08:00:01.000Z',
          );
          await rejectsWithCode(identity().authenticateSession(s.token), 'UNAUTHENTICATED');
        }
        await rejectsWithCode(identity().authenticateApiKey(secret), 'UNAUTHENTICATED');
        await rejectsWithCode(
          identity().login({ email: user.email, password: TEST_PASSWORD }),
          'UNAUTHENTICATED',
        );
        await rejectsWithCode(identity().deactivateUser(ctx.adminActor, ctx.admin.id, {}), 'CONFLICT');
      });

      test('a wrong password, an unknown e-mail and a password-less user get the same answer, at a similar cost', async () => {
        const { user } = await person('owner');
        const { user: noPassword } = await person('owner', null);
        const start = await size();
        const answers = await Promise.all(
          [
            { email: user.email, password: 'wrong password!!' },
            { email: `nobody-${newId('x').slice(-6)}@acme.example`, password: TEST_PASSWORD },
            { email: noPassword.email, password: TEST_PASSWORD },
          ].map((body) => rejectsWithCode(identity().login(body), 'UNAUTHENTICATED')),
        );
        assert.deepEqual(
          answers.map((e) => e.message),
          answers.map(() => 'wrong e-mail or password'),
        );
        assert.equal(await size(), start, 'failed logins open nothing');
        if (kind !== 'sqlite') return; // the timing is the service's, not the store's: measure it once
        const known = await median(3, () =>
          identity().login({ email: user.email, password: 'wrong password!!' }),
        );
        const unknown = await median(3, () =>
          identity().login({ email: 'nobody@acme.example', password: 'x' }),
        );
        assert.ok(
          unknown > known * 0.3,
          `unknown e-mail took ${unknown.toFixed(1)} ms, a wrong password ${known.toFixed(1)} ms`,
        );
      });
    });

    describe('organisations', () => {
      test('slugs are unique: a clashing name gets -2, -3 …', async () => {
        assert.equal(ctx.organization.slug, 'acme-marketing');
        const two = await identity().initOrganization({
          name: 'ACME  Marketing!',
          adminEmail: 'a2@x.example',
          adminName: 'A',
        });
        const three = await identity().initOrganization({
          name: 'Acme Marketing',
          adminEmail: 'a3@x.example',
          adminName: 'A',
        });
        assert.equal(two.organization.slug, 'acme-marketing-2');
        assert.equal(three.organization.slug, 'acme-marketing-3');
        assert.deepEqual(
          await ctx.store.read.identity.getOrganizationBySlug('acme-marketing-3'),
          three.organization,
        );
      });

      test('a new organisation starts its own verified ledger with its creation on record', async () => {
        const init = await identity().initOrganization({
          name: 'Ledger Start',
          adminEmail: 'Admin@Start.example',
          adminName: 'A',
          password: TEST_PASSWORD,
        });
        assert.equal(init.admin.email, 'admin@start.example', 'stored lower-case');
        assert.match(init.apiKey, KEY_FORMAT);
        const events = await eventsSince(0, init.organization.id);
        assert.deepEqual(
          events.map((e) => e.type),
          ['organization.created', 'ledger.key_created', 'user.created', 'apikey.issued'],
        );
        const report = await ctx.services.ledger.verify(init.organization.id);
        assert.equal(report.ok, true);
        assert.equal((await identity().authenticateApiKey(init.apiKey)).user.id, init.admin.id);
      });

      test('an e-mail in two organisations needs the organisation slug to log in', async () => {
        const email = `shared-${newId('x').slice(-8)}@twice.example`;
        const inA = await identity().createUser(ctx.adminActor, {
          email,
          name: 'In A',
          role: 'owner',
          password: TEST_PASSWORD,
        });
        const other = await identity().initOrganization({
          name: 'Twice Org',
          adminEmail: email,
          adminName: 'In B',
          password: TEST_PASSWORD,
        });
        const error = await rejectsWithCode(
          identity().login({ email, password: TEST_PASSWORD }),
          'VALIDATION_FAILED',
        );
        assert.equal((error.details?.['issues'] as { path: string }[])[0]?.path, 'organization');
        const intoA = await identity().login({
          email,
          password: TEST_PASSWORD,
          organization: ctx.organization.slug,
        });
        assert.equal(intoA.user.id, inA.id);
        assert.equal(intoA.organization.id, ctx.organization.id);
        const intoB = await identity().login({
          email,
          password: TEST_PASSWORD,
          organization: other.organization.slug,
        });
        assert.equal(intoB.user.id, other.admin.id);
        assert.equal(intoB.session.organizationId, other.organization.id);
        await rejectsWithCode(
          identity().login({ email, password: TEST_PASSWORD, organization: 'no-such-org' }),
          'UNAUTHENTICATED',
        );
        await rejectsWithCode(
          identity().login({ email, password: 'wrong password!!', organization: other.organization.slug }),
          'UNAUTHENTICATED',
        );
        // Once one of them is deactivated the e-mail is unambiguous again.
        await identity().deactivateUser(ctx.adminActor, inA.id, {});
        assert.equal((await identity().login({ email, password: TEST_PASSWORD })).user.id, other.admin.id);
      });
    });
  });
