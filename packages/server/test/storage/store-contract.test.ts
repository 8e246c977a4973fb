/**
 * The store contract: one suite, defined once, run against every storage kind (Kysely's
 * per-dialect test-setup, Hono's common.case.test). It speaks only the ports — `openStore` +
 * `migrate()` and the methods of `Repositories` — so any adapter that passes it is a valid store.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Page } from '../../../contract/src/common.ts';
import type { ErrorCode } from '../../../contract/src/errors.ts';
import { createLedgerService, planAppend } from '../../src/modules/ledger/ledger-service.ts';
import type { LedgerEventInput } from '../../src/modules/ledger/entry.ts';
import type {
  Checkpoint,
  LedgerHead,
  LedgerKey,
  StoredEntry,
} from '../../src/modules/ledger/ledger-store.ts';
import { computeRoot, hashLeaf, rootFromFrontier, type NodeId } from '../../src/modules/ledger/merkle.ts';
import type { PageRequest } from '../../src/modules/identity/identity-store.ts';
import type { ApiKey, Organization, Session, User } from '../../src/modules/identity/identity-types.ts';
import type {
  AiSystem,
  Engagement,
  OwnershipTransfer,
  Vendor,
} from '../../src/modules/registry/registry-types.ts';
import { AppError } from '../../src/shared/app-error.ts';
import { systemClock } from '../../src/shared/clock.ts';
import { newId } from '../../src/shared/ids.ts';
import { migrationsFor } from '../../src/storage/migrations.ts';
import { openStore, translateDriverError } from '../../src/storage/open-store.ts';
import type { Repositories, Store } from '../../src/store.ts';
import { freshStorage, STORAGE_KINDS, testMasterKey, type StorageKind } from '../support/harness.ts';

// ---- fixtures ------------------------------------------------------------------------------

const T0 = Date.UTC(2026, 0, 1);
const at = (seconds: number): string => new Date(T0 + seconds * 1000).toISOString();
const UNICODE = 'Zoë Ångström — 日本語 🎉 "quoted" \'single\' \\ back';
const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const encoder = new TextEncoder();
/** Plain Uint8Array copies, so Buffers from hashing and views from drivers compare by content. */
const u8 = (b: Uint8Array): Uint8Array => new Uint8Array(b);
const plainHead = (h: LedgerHead): LedgerHead => ({ size: h.size, frontier: h.frontier.map(u8) });
const plainEntries = (es: StoredEntry[]): StoredEntry[] =>
  es.map((e) => ({ index: e.index, leaf: e.leaf, leafHash: u8(e.leafHash) }));

function makeOrg(over: Partial<Organization> = {}): Organization {
  const id = newId('org');
  return { id, name: 'Org', slug: `slug-${id}`, demo: false, createdAt: at(0), ...over };
}
function makeUser(organizationId: string, over: Partial<User> = {}): User {
  const id = newId('usr');
  return {
    id,
    organizationId,
    email: `${id}@example.test`,
    name: 'User',
    role: 'owner',
    vendorId: null,
    status: 'active',
    passwordHash: null,
    createdAt: at(1),
    deactivatedAt: null,
    ...over,
  };
}
function makeApiKey(user: User, over: Partial<ApiKey> = {}): ApiKey {
  return {
    id: newId('key'),
    organizationId: user.organizationId,
    userId: user.id,
    name: 'key',
    prefix: randomBytes(6).toString('hex'),
    secretHash: randomBytes(32).toString('hex'),
    createdAt: at(2),
    lastUsedAt: null,
    revokedAt: null,
    ...over,
  };
}
function makeSession(user: User, over: Partial<Session> = {}): Session {
  return {
    id: randomBytes(32).toString('hex'),
    organizationId: user.organizationId,
    userId: user.id,
    csrfToken: randomBytes(16).toString('base64url'),
    createdAt: at(3),
    expiresAt: at(3600),
    endedAt: null,
    ...over,
  };
}
function makeSystem(owner: User, over: Partial<AiSystem> = {}): AiSystem {
  return {
    id: newId('sys'),
    organizationId: owner.organizationId,
    name: 'System',
    description: '',
    purpose: '',
    kind: 'model',
    vendorId: null,
    ownerId: owner.id,
    status: 'proposed',
    riskTier: null,
    classification: null,
    classifiedAt: null,
    approvedBy: null,
    approvedAt: null,
    decidesAboutCustomers: false,
    public: false,
    tags: [],
    createdAt: at(4),
    updatedAt: at(4),
    ...over,
  };
}
function makeVendor(owner: User, over: Partial<Vendor> = {}): Vendor {
  return {
    id: newId('ven'),
    organizationId: owner.organizationId,
    legalName: 'Vendor',
    contactName: 'Contact',
    contactEmail: 'contact@vendor.test',
    dpaSigned: false,
    dpaSignedAt: null,
    dataLocations: [],
    subProcessors: [],
    criticality: 'low',
    ownerId: owner.id,
    public: false,
    createdAt: at(5),
    updatedAt: at(5),
    ...over,
  };
}
function makeEngagement(owner: User, vendor: Vendor, over: Partial<Engagement> = {}): Engagement {
  return {
    id: newId('eng'),
    organizationId: owner.organizationId,
    title: 'Engagement',
    task: '',
    vendorId: vendor.id,
    systemIds: [],
    ownerId: owner.id,
    startDate: '2026-01-01',
    endDate: null,
    createdAt: at(6),
    updatedAt: at(6),
    ...over,
  };
}
function makeTransfer(
  from: User,
  to: User,
  resourceId: string,
  over: Partial<OwnershipTransfer> = {},
): OwnershipTransfer {
  return {
    id: newId('trf'),
    organizationId: from.organizationId,
    resourceType: 'system',
    resourceId,
    fromUserId: from.id,
    toUserId: to.id,
    reason: `handover ${UNICODE}`,
    actorId: from.id,
    at: at(7),
    ...over,
  };
}
function event(label: string, over: Partial<LedgerEventInput> = {}): LedgerEventInput {
  return {
    type: 'system.updated',
    actor: { type: 'system', id: 'system' },
    subject: { type: 'system', id: label },
    change: { label },
    ...over,
  };
}
const sortedIds = (ids: string[]): string[] => [...ids].sort();

/** Appends events to an organisation's log through the port, as the ledger service would. */
async function appendThroughPort(tx: Repositories, organizationId: string, events: LedgerEventInput[]) {
  const head = await tx.ledger.lockHead(organizationId);
  const plan = planAppend(organizationId, head, at(100 + head.size), events);
  await tx.ledger.writeAppend(organizationId, plan.entries, plan.nodes, plan.head, at(100 + head.size));
  return plan;
}

async function rejectsWithCode(promise: Promise<unknown>, code: ErrorCode): Promise<AppError> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof AppError, `expected AppError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code);
  return caught;
}

/** Follows cursors until the end; fails if the walk does not terminate. */
async function walk<T extends { id: string }>(
  fetch: (page: PageRequest) => Promise<Page<T>>,
  limit: number,
): Promise<{ ids: string[]; totals: number[]; pages: number }> {
  const ids: string[] = [];
  const totals: number[] = [];
  let cursor: string | undefined;
  for (let pages = 1; pages < 1000; pages++) {
    const page = await fetch(cursor === undefined ? { limit } : { limit, cursor });
    assert.ok(page.items.length <= limit, 'a page never exceeds its limit');
    ids.push(...page.items.map((i) => i.id));
    totals.push(page.total);
    if (page.nextCursor === null) return { ids, totals, pages };
    assert.ok(page.items.length === limit, 'only the last page may be short');
    cursor = page.nextCursor;
  }
  assert.fail('pagination did not terminate');
}

/** One organisation with a row in every table, for scoping and rollback tests. */
type World = {
  org: Organization;
  admin: User;
  owner: User;
  key: ApiKey;
  session: Session;
  vendor: Vendor;
  system: AiSystem;
  engagement: Engagement;
  transfer: OwnershipTransfer;
  checkpoint: Checkpoint;
  ledgerKey: LedgerKey;
  entries: StoredEntry[];
  head: LedgerHead;
};

async function seedWorld(store: Store, label: string): Promise<World> {
  const org = makeOrg({ name: `${label} org` });
  const admin = makeUser(org.id, {
    role: 'admin',
    name: `${label} admin`,
    email: `admin-${org.id}@shared.test`,
  });
  const owner = makeUser(org.id, { name: `${label} owner` });
  const key = makeApiKey(admin);
  const session = makeSession(admin);
  const vendor = makeVendor(owner, { legalName: `${label} vendor` });
  const system = makeSystem(owner, { name: `${label} system`, vendorId: vendor.id });
  const engagement = makeEngagement(owner, vendor, { title: `${label} engagement`, systemIds: [system.id] });
  const transfer = makeTransfer(admin, owner, system.id);
  const ledgerKey: LedgerKey = {
    name: `test.local/ledger/${org.id}`,
    publicKey: new Uint8Array(randomBytes(32)),
    sealedPrivateKey: new Uint8Array(randomBytes(60)),
    createdAt: at(0),
  };
  return store.transaction(async (tx) => {
    await tx.identity.insertOrganization(org);
    await tx.identity.insertUser(admin);
    await tx.identity.insertUser(owner);
    await tx.identity.insertApiKey(key);
    await tx.identity.insertSession(session);
    await tx.registry.insertVendor(vendor);
    await tx.registry.insertSystem(system);
    await tx.registry.insertEngagement(engagement);
    await tx.registry.insertTransfer(transfer);
    await tx.ledger.initHead(org.id, at(0));
    await tx.ledger.insertKey(org.id, ledgerKey);
    const plan = await appendThroughPort(tx, org.id, [
      event(`${label}-0`),
      event(`${label}-1`),
      event(`${label}-2`),
    ]);
    const checkpoint: Checkpoint = {
      size: plan.head.size,
      rootHash: u8(rootFromFrontier(plan.head.frontier)),
      note: `${label} note\n`,
      createdAt: at(9),
    };
    await tx.ledger.insertCheckpoint(org.id, checkpoint);
    return {
      org,
      admin,
      owner,
      key,
      session,
      vendor,
      system,
      engagement,
      transfer,
      checkpoint,
      ledgerKey,
      entries: plainEntries(plan.entries),
      head: plainHead(plan.head),
    };
  });
}

// ---- the contract --------------------------------------------------------------------------

function defineStoreContract(kind: StorageKind): void {
  describe(`store contract: ${kind}`, () => {
    let store: Store;
    let dispose: () => Promise<void>;

    before(async () => {
      const storage = await freshStorage(kind);
      dispose = storage.dispose;
      store = openStore(storage.config);
      await store.migrate();
    });
    after(async () => {
      await store.close();
      await dispose();
    });

    describe('schema and lifecycle', () => {
      test('reports its flavour and answers ping', async () => {
        assert.equal(store.flavour, kind);
        await store.ping();
      });

      test('migrate() applies the migrations once; a second call and a second process apply nothing', async () => {
        const storage = await freshStorage(kind);
        const first = openStore(storage.config);
        const second = openStore(storage.config);
        try {
          const all = Object.keys(migrationsFor(kind)).sort();
          assert.ok(all.includes('0001_foundation'));
          assert.deepEqual(await first.migrate(), all, 'every migration, in name order');
          assert.deepEqual(await first.migrate(), []);
          assert.deepEqual(await second.migrate(), []);
          await second.ping();
        } finally {
          await first.close();
          await second.close();
          await storage.dispose();
        }
        assert.deepEqual(await store.migrate(), [], 'the shared store is already migrated');
      });
    });

    describe('identity round-trips', () => {
      test('organisations keep every field, by id and by slug, and list in id order', async () => {
        const plain = makeOrg({ name: UNICODE, demo: false });
        const demo = makeOrg({ name: 'Démo', demo: true, slug: `démo-${newId('x')}` });
        await store.transaction(async (tx) => {
          await tx.identity.insertOrganization(plain);
          await tx.identity.insertOrganization(demo);
        });
        assert.deepEqual(await store.read.identity.getOrganization(plain.id), plain);
        assert.deepEqual(await store.read.identity.getOrganization(demo.id), demo);
        assert.equal((await store.read.identity.getOrganization(demo.id))?.demo, true);
        assert.deepEqual(await store.read.identity.getOrganizationBySlug(demo.slug), demo);
        assert.equal(await store.read.identity.getOrganization(newId('org')), undefined);
        assert.equal(await store.read.identity.getOrganizationBySlug('no-such-slug'), undefined);
        const all = await store.read.identity.listOrganizations();
        const ids = all.map((o) => o.id);
        assert.deepEqual(ids, [...ids].sort(), 'ordered by id');
        assert.deepEqual(
          all.filter((o) => o.id === plain.id || o.id === demo.id),
          [plain, demo].sort((a, b) => (a.id < b.id ? -1 : 1)),
        );
      });

      test('users keep every field including nulls, unicode and a deactivation', async () => {
        const org = makeOrg();
        const bare = makeUser(org.id, { name: UNICODE, role: 'auditor' });
        const full = makeUser(org.id, {
          role: 'vendor',
          vendorId: newId('ven'),
          passwordHash: 'scrypt$32768$8$1$c2FsdA==$aGFzaA==',
          status: 'deactivated',
          deactivatedAt: at(50),
        });
        await store.transaction(async (tx) => {
          await tx.identity.insertOrganization(org);
          await tx.identity.insertUser(bare);
          await tx.identity.insertUser(full);
        });
        assert.deepEqual(await store.read.identity.getUser(org.id, bare.id), bare);
        assert.deepEqual(await store.read.identity.getUser(org.id, full.id), full);

        await store.read.identity.setUserStatus(org.id, bare.id, 'deactivated', at(60));
        assert.deepEqual(await store.read.identity.getUser(org.id, bare.id), {
          ...bare,
          status: 'deactivated',
          deactivatedAt: at(60),
        });
        await store.read.identity.setUserStatus(org.id, bare.id, 'active', null);
        assert.deepEqual(await store.read.identity.getUser(org.id, bare.id), bare);
      });

      test('findUsersByEmail finds the address in every organisation and nothing else', async () => {
        const a = makeOrg();
        const b = makeOrg();
        const email = `same-${newId('x')}@shared.test`;
        const ua = makeUser(a.id, { email });
        const ub = makeUser(b.id, { email });
        const other = makeUser(a.id);
        await store.transaction(async (tx) => {
          await tx.identity.insertOrganization(a);
          await tx.identity.insertOrganization(b);
          for (const u of [ua, ub, other]) await tx.identity.insertUser(u);
        });
        const found = await store.read.identity.findUsersByEmail(email);
        assert.deepEqual(sortedIds(found.map((u) => u.id)), sortedIds([ua.id, ub.id]));
        assert.deepEqual(await store.read.identity.findUsersByEmail(`nobody-${newId('x')}@shared.test`), []);
      });

      test('API keys keep every field; revoke is once only, touch overwrites, revoke-all returns only live keys', async () => {
        const org = makeOrg();
        const user = makeUser(org.id);
        const other = makeUser(org.id);
        const k1 = makeApiKey(user, { name: UNICODE });
        const k2 = makeApiKey(user, { lastUsedAt: at(10) });
        const k3 = makeApiKey(user, { revokedAt: at(11) });
        const k4 = makeApiKey(other);
        await store.transaction(async (tx) => {
          await tx.identity.insertOrganization(org);
          await tx.identity.insertUser(user);
          await tx.identity.insertUser(other);
          for (const k of [k1, k2, k3, k4]) await tx.identity.insertApiKey(k);
        });
        const r = store.read.identity;
        assert.deepEqual(await r.getApiKey(org.id, k1.id), k1);
        assert.deepEqual(await r.getApiKey(org.id, k2.id), k2);
        assert.deepEqual(await r.getApiKey(org.id, k3.id), k3);
        assert.deepEqual(await r.getApiKeyByPrefix(k1.prefix), k1);
        assert.equal(await r.getApiKeyByPrefix('000000000000'), undefined);
        assert.deepEqual(
          (await r.listApiKeys(org.id, user.id)).map((k) => k.id),
          sortedIds([k1.id, k2.id, k3.id]),
        );
        assert.deepEqual(
          (await r.listApiKeys(org.id, undefined)).map((k) => k.id),
          sortedIds([k1.id, k2.id, k3.id, k4.id]),
        );

        await r.touchApiKey(org.id, k1.id, at(20));
        await r.touchApiKey(org.id, k1.id, at(21));
        assert.equal((await r.getApiKey(org.id, k1.id))?.lastUsedAt, at(21));

        await r.revokeApiKey(org.id, k1.id, at(30));
        await r.revokeApiKey(org.id, k1.id, at(31));
        assert.equal(
          (await r.getApiKey(org.id, k1.id))?.revokedAt,
          at(30),
          'the first revocation time stands',
        );

        const revoked = await r.revokeApiKeysOfUser(org.id, user.id, at(40));
        assert.deepEqual(revoked, [k2.id], 'already revoked keys are not reported again');
        assert.equal((await r.getApiKey(org.id, k2.id))?.revokedAt, at(40));
        assert.equal((await r.getApiKey(org.id, k3.id))?.revokedAt, at(11));
        assert.equal((await r.getApiKey(org.id, k4.id))?.revokedAt, null, 'another user keeps their key');
        assert.deepEqual(await r.revokeApiKeysOfUser(org.id, user.id, at(41)), []);
      });

      test('sessions keep every field; ending is once only and per user', async () => {
        const org = makeOrg();
        const user = makeUser(org.id);
        const other = makeUser(org.id);
        const s1 = makeSession(user);
        const s2 = makeSession(user, { endedAt: at(5) });
        const s3 = makeSession(user);
        const s4 = makeSession(other);
        await store.transaction(async (tx) => {
          await tx.identity.insertOrganization(org);
          await tx.identity.insertUser(user);
          await tx.identity.insertUser(other);
          for (const s of [s1, s2, s3, s4]) await tx.identity.insertSession(s);
        });
        const r = store.read.identity;
        assert.deepEqual(await r.getSession(s1.id), s1);
        assert.deepEqual(await r.getSession(s2.id), s2);
        assert.equal(await r.getSession(randomBytes(32).toString('hex')), undefined);

        await r.endSession(s1.id, at(10));
        await r.endSession(s1.id, at(11));
        assert.equal((await r.getSession(s1.id))?.endedAt, at(10));

        await r.endSessionsOfUser(org.id, user.id, at(20));
        assert.equal((await r.getSession(s1.id))?.endedAt, at(10));
        assert.equal((await r.getSession(s2.id))?.endedAt, at(5));
        assert.equal((await r.getSession(s3.id))?.endedAt, at(20));
        assert.equal((await r.getSession(s4.id))?.endedAt, null);
      });
    });

    describe('registry round-trips', () => {
      test('systems keep every field: nulls, booleans, JSON classification and tags, unicode', async () => {
        const org = makeOrg();
        const owner = makeUser(org.id);
        const vendor = makeVendor(owner);
        const bare = makeSystem(owner, { description: UNICODE });
        const full = makeSystem(owner, {
          name: UNICODE,
          purpose: 'scoring 100% of leads',
          kind: 'vendor_ai',
          vendorId: vendor.id,
          status: 'approved',
          riskTier: 'high',
          classification: {
            answers: { annex_iii_use: true, annex_iii_areas: ['employment'], note: UNICODE, n: 3, nil: null },
            result: {
              questionnaireVersion: '1',
              tier: 'high',
              reasons: [],
              obligations: [],
            },
          },
          classifiedAt: at(8),
          approvedBy: owner.id,
          approvedAt: at(9),
          decidesAboutCustomers: true,
          public: true,
          tags: ['ünïcode', 'two words', '日本'],
        });
        await store.transaction(async (tx) => {
          await tx.identity.insertOrganization(org);
          await tx.identity.insertUser(owner);
          await tx.registry.insertVendor(vendor);
          await tx.registry.insertSystem(bare);
          await tx.registry.insertSystem(full);
        });
        assert.deepEqual(await store.read.registry.getSystem(org.id, bare.id), bare);
        assert.deepEqual(await store.read.registry.getSystem(org.id, full.id), full);

        const updated: AiSystem = {
          ...full,
          name: 'renamed',
          status: 'proposed',
          riskTier: null,
          classification: null,
          classifiedAt: null,
          approvedBy: null,
          approvedAt: null,
          decidesAboutCustomers: false,
          public: false,
          tags: [],
          vendorId: null,
          createdAt: at(999),
          updatedAt: at(30),
        };
        await store.read.registry.updateSystem(updated);
        assert.deepEqual(
          await store.read.registry.getSystem(org.id, full.id),
          { ...updated, createdAt: full.createdAt },
          'update writes every field but createdAt',
        );
      });

      test('vendors keep every field: booleans, JSON arrays of objects, nulls', async () => {
        const org = makeOrg();
        const owner = makeUser(org.id);
        const bare = makeVendor(owner);
        const full = makeVendor(owner, {
          legalName: UNICODE,
          dpaSigned: true,
          dpaSignedAt: '2026-02-03',
          dataLocations: ['EU', 'Zürich'],
          subProcessors: [
            { name: 'Cloud Ltd', location: 'IE', purpose: 'hosting' },
            { name: 'Ünïcode GmbH', location: 'DE', purpose: '' },
          ],
          criticality: 'critical',
          public: true,
        });
        await store.transaction(async (tx) => {
          await tx.identity.insertOrganization(org);
          await tx.identity.insertUser(owner);
          await tx.registry.insertVendor(bare);
          await tx.registry.insertVendor(full);
        });
        assert.deepEqual(await store.read.registry.getVendor(org.id, bare.id), bare);
        assert.deepEqual(await store.read.registry.getVendor(org.id, full.id), full);
        const updated: Vendor = {
          ...full,
          dpaSigned: false,
          dpaSignedAt: null,
          subProcessors: [],
          updatedAt: at(40),
        };
        await store.read.registry.updateVendor(updated);
        assert.deepEqual(await store.read.registry.getVendor(org.id, full.id), updated);
      });

      test('engagements keep every field and their systemIds links; update replaces the links', async () => {
        const org = makeOrg();
        const owner = makeUser(org.id);
        const vendor = makeVendor(owner);
        const systems = [makeSystem(owner), makeSystem(owner), makeSystem(owner)];
        const [s0, s1, s2] = systems as [AiSystem, AiSystem, AiSystem];
        const bare = makeEngagement(owner, vendor);
        const linked = makeEngagement(owner, vendor, {
          title: UNICODE,
          task: 'deliver 100_000 leads',
          systemIds: [s2.id, s0.id],
          endDate: '2026-12-31',
        });
        await store.transaction(async (tx) => {
          await tx.identity.insertOrganization(org);
          await tx.identity.insertUser(owner);
          await tx.registry.insertVendor(vendor);
          for (const s of systems) await tx.registry.insertSystem(s);
          await tx.registry.insertEngagement(bare);
          await tx.registry.insertEngagement(linked);
        });
        assert.deepEqual(await store.read.registry.getEngagement(org.id, bare.id), bare);
        const got = await store.read.registry.getEngagement(org.id, linked.id);
        assert.ok(got);
        assert.deepEqual(
          { ...got, systemIds: sortedIds(got.systemIds) },
          { ...linked, systemIds: sortedIds(linked.systemIds) },
        );

        const updated: Engagement = { ...linked, systemIds: [s1.id], endDate: null, updatedAt: at(50) };
        await store.transaction((tx) => tx.registry.updateEngagement(updated));
        assert.deepEqual(await store.read.registry.getEngagement(org.id, linked.id), updated);
        await store.transaction((tx) => tx.registry.updateEngagement({ ...updated, systemIds: [] }));
        assert.deepEqual((await store.read.registry.getEngagement(org.id, linked.id))?.systemIds, []);
        const listed = await store.read.registry.listEngagements(org.id, {}, { limit: 10 });
        assert.deepEqual(
          listed.items.map((e) => e.systemIds),
          listed.items.map(() => []),
        );
      });

      test('transfers round-trip, in id order, per resource', async () => {
        const org = makeOrg();
        const a = makeUser(org.id);
        const b = makeUser(org.id);
        const system = makeSystem(a);
        const vendor = makeVendor(a);
        const t1 = makeTransfer(a, b, system.id);
        const t2 = makeTransfer(b, a, system.id, { at: at(70), reason: '' });
        const t3 = makeTransfer(a, b, vendor.id, { resourceType: 'vendor' });
        await store.transaction(async (tx) => {
          await tx.identity.insertOrganization(org);
          await tx.identity.insertUser(a);
          await tx.identity.insertUser(b);
          await tx.registry.insertSystem(system);
          await tx.registry.insertVendor(vendor);
          for (const t of [t2, t3, t1]) await tx.registry.insertTransfer(t);
        });
        assert.deepEqual(
          await store.read.registry.listTransfers(org.id, system.id),
          [t1, t2].sort((x, y) => (x.id < y.id ? -1 : 1)),
        );
        assert.deepEqual(await store.read.registry.listTransfers(org.id, vendor.id), [t3]);
        assert.deepEqual(await store.read.registry.listTransfers(org.id, newId('sys')), []);
      });

      test('listOwnedBy lists systems (not retired), vendors and engagements; setOwner moves each kind', async () => {
        const org = makeOrg();
        const a = makeUser(org.id);
        const b = makeUser(org.id);
        const vendor = makeVendor(a);
        const live = makeSystem(a, { status: 'live' });
        const retired = makeSystem(a, { status: 'retired' });
        const engagement = makeEngagement(a, vendor);
        const bSystem = makeSystem(b);
        await store.transaction(async (tx) => {
          await tx.identity.insertOrganization(org);
          await tx.identity.insertUser(a);
          await tx.identity.insertUser(b);
          await tx.registry.insertVendor(vendor);
          for (const s of [live, retired, bSystem]) await tx.registry.insertSystem(s);
          await tx.registry.insertEngagement(engagement);
        });
        assert.deepEqual(await store.read.registry.listOwnedBy(org.id, a.id), [
          { kind: 'system', id: live.id },
          { kind: 'vendor', id: vendor.id },
          { kind: 'engagement', id: engagement.id },
        ]);
        assert.deepEqual(await store.read.registry.listOwnedBy(org.id, b.id), [
          { kind: 'system', id: bSystem.id },
        ]);

        await store.transaction(async (tx) => {
          await tx.registry.setOwner(org.id, 'system', live.id, b.id, at(80));
          await tx.registry.setOwner(org.id, 'vendor', vendor.id, b.id, at(81));
          await tx.registry.setOwner(org.id, 'engagement', engagement.id, b.id, at(82));
        });
        assert.deepEqual(await store.read.registry.listOwnedBy(org.id, a.id), []);
        assert.deepEqual(await store.read.registry.getSystem(org.id, live.id), {
          ...live,
          ownerId: b.id,
          updatedAt: at(80),
        });
        assert.deepEqual(await store.read.registry.getVendor(org.id, vendor.id), {
          ...vendor,
          ownerId: b.id,
          updatedAt: at(81),
        });
        assert.deepEqual(await store.read.registry.getEngagement(org.id, engagement.id), {
          ...engagement,
          ownerId: b.id,
          updatedAt: at(82),
        });
        assert.equal((await store.read.registry.getSystem(org.id, retired.id))?.ownerId, a.id, 'untouched');
        assert.equal((await store.read.registry.listOwnedBy(org.id, b.id)).length, 4);
      });
    });

    describe('lists: filters, search and keyset pagination', () => {
      test('listUsers filters by role and status and searches name and e-mail literally', async () => {
        const org = makeOrg();
        const users = [
          makeUser(org.id, { name: 'Zoë Ångström', email: 'zoe@example.test', role: 'admin' }),
          makeUser(org.id, { name: 'Percent 100% Person', email: 'p1@example.test' }),
          makeUser(org.id, { name: 'Percent 1000 Person', email: 'p2@example.test' }),
          makeUser(org.id, { name: 'under_score', email: 'u1@example.test', role: 'auditor' }),
          makeUser(org.id, {
            name: 'underXscore',
            email: 'u2@example.test',
            status: 'deactivated',
            deactivatedAt: at(9),
          }),
          makeUser(org.id, {
            name: 'Back\\slash',
            email: 'MIXED.Case@Example.test',
            role: 'vendor',
            vendorId: newId('ven'),
          }),
        ];
        await store.transaction(async (tx) => {
          await tx.identity.insertOrganization(org);
          for (const u of users) await tx.identity.insertUser(u);
        });
        const ids = (...idx: number[]) => sortedIds(idx.map((i) => users[i]!.id));
        const list = async (filter: Parameters<Store['read']['identity']['listUsers']>[1]) => {
          const page = await store.read.identity.listUsers(org.id, filter, { limit: 50 });
          assert.equal(page.total, page.items.length);
          return page.items.map((u) => u.id);
        };
        assert.deepEqual(await list({}), ids(0, 1, 2, 3, 4, 5));
        assert.deepEqual(await list({ role: 'owner' }), ids(1, 2, 4));
        assert.deepEqual(await list({ status: 'deactivated' }), ids(4));
        assert.deepEqual(await list({ role: 'owner', status: 'active' }), ids(1, 2));
        assert.deepEqual(await list({ q: 'PERCENT' }), ids(1, 2), 'case-insensitive');
        assert.deepEqual(await list({ q: '100%' }), ids(1), '% is literal');
        assert.deepEqual(await list({ q: '%' }), ids(1));
        assert.deepEqual(await list({ q: 'r_s' }), ids(3), '_ is literal');
        assert.deepEqual(await list({ q: '_' }), ids(3));
        assert.deepEqual(await list({ q: '\\' }), ids(5), 'backslash is literal');
        assert.deepEqual(await list({ q: 'mixed.case@example' }), ids(5), 'searches e-mail');
        assert.deepEqual(await list({ q: 'ÅNGSTRÖM' }), ids(0), 'non-ASCII case-insensitive');
        assert.deepEqual(await list({ q: 'nothing matches this' }), []);
        assert.deepEqual(await list({ q: 'score', status: 'active' }), ids(3));
      });

      test('listSystems filters by status, kind, risk tier (and unclassified), owner, vendor, vendor visibility and q', async () => {
        const org = makeOrg();
        const a = makeUser(org.id);
        const b = makeUser(org.id);
        const v1 = makeVendor(a);
        const v2 = makeVendor(a);
        const s = [
          makeSystem(a, { name: 'Lead Scoring', vendorId: v1.id, riskTier: 'high', status: 'approved' }),
          makeSystem(a, { name: 'Chat', description: 'Answers 100% of questions', kind: 'vendor_ai' }),
          makeSystem(b, {
            name: 'Copy',
            purpose: 'AD_COPY generation',
            vendorId: v2.id,
            riskTier: 'limited',
          }),
          makeSystem(b, { name: 'Ad copy', vendorId: v2.id, status: 'retired', kind: 'internal_tool' }),
          makeSystem(a, { name: 'École Prédiction', riskTier: 'minimal', status: 'live' }),
        ];
        // v1's engagement links s[2] (of v2) and s[1] (no vendor): both become visible to v1.
        const e1 = makeEngagement(a, v1, { systemIds: [s[2]!.id, s[1]!.id] });
        const e2 = makeEngagement(a, v2, { systemIds: [s[4]!.id] });
        await store.transaction(async (tx) => {
          await tx.identity.insertOrganization(org);
          await tx.identity.insertUser(a);
          await tx.identity.insertUser(b);
          await tx.registry.insertVendor(v1);
          await tx.registry.insertVendor(v2);
          for (const x of s) await tx.registry.insertSystem(x);
          await tx.registry.insertEngagement(e1);
          await tx.registry.insertEngagement(e2);
        });
        const ids = (...idx: number[]) => sortedIds(idx.map((i) => s[i]!.id));
        const list = async (filter: Parameters<Store['read']['registry']['listSystems']>[1]) => {
          const page = await store.read.registry.listSystems(org.id, filter, { limit: 50 });
          assert.equal(page.total, page.items.length);
          return page.items.map((x) => x.id);
        };
        assert.deepEqual(await list({}), ids(0, 1, 2, 3, 4));
        assert.deepEqual(await list({ status: 'proposed' }), ids(1, 2));
        assert.deepEqual(await list({ kind: 'vendor_ai' }), ids(1));
        assert.deepEqual(await list({ riskTier: 'high' }), ids(0));
        assert.deepEqual(await list({ riskTier: 'unclassified' }), ids(1, 3));
        assert.deepEqual(await list({ ownerId: b.id }), ids(2, 3));
        assert.deepEqual(await list({ vendorId: v2.id }), ids(2, 3));
        assert.deepEqual(await list({ visibleToVendorId: v1.id }), ids(0, 1, 2));
        assert.deepEqual(await list({ visibleToVendorId: v2.id }), ids(2, 3, 4));
        assert.deepEqual(await list({ visibleToVendorId: newId('ven') }), []);
        assert.deepEqual(await list({ q: 'ad_copy' }), ids(2), 'purpose searched, _ literal');
        assert.deepEqual(await list({ q: 'ad copy' }), ids(3));
        assert.deepEqual(await list({ q: '100%' }), ids(1), 'description searched, % literal');
        assert.deepEqual(await list({ q: 'école' }), ids(4), 'non-ASCII case-insensitive');
        assert.deepEqual(await list({ q: 'COPY', ownerId: b.id, status: 'retired' }), ids(3));
      });

      test('listVendors filters by criticality, dpaSigned both ways, owner, onlyId and q', async () => {
        const org = makeOrg();
        const a = makeUser(org.id);
        const b = makeUser(org.id);
        const v = [
          makeVendor(a, {
            legalName: 'Lead_Co',
            criticality: 'high',
            dpaSigned: true,
            dpaSignedAt: '2026-01-01',
          }),
          makeVendor(a, { legalName: 'LeadXCo', contactName: 'Ünal Öz' }),
          makeVendor(b, { legalName: 'Data 50% Off', criticality: 'high' }),
        ];
        await store.transaction(async (tx) => {
          await tx.identity.insertOrganization(org);
          await tx.identity.insertUser(a);
          await tx.identity.insertUser(b);
          for (const x of v) await tx.registry.insertVendor(x);
        });
        const ids = (...idx: number[]) => sortedIds(idx.map((i) => v[i]!.id));
        const list = async (filter: Parameters<Store['read']['registry']['listVendors']>[1]) => {
          const page = await store.read.registry.listVendors(org.id, filter, { limit: 50 });
          assert.equal(page.total, page.items.length);
          return page.items.map((x) => x.id);
        };
        assert.deepEqual(await list({}), ids(0, 1, 2));
        assert.deepEqual(await list({ criticality: 'high' }), ids(0, 2));
        assert.deepEqual(await list({ dpaSigned: true }), ids(0));
        assert.deepEqual(await list({ dpaSigned: false }), ids(1, 2));
        assert.deepEqual(await list({ ownerId: b.id }), ids(2));
        assert.deepEqual(await list({ onlyId: v[1]!.id }), ids(1));
        assert.deepEqual(await list({ onlyId: newId('ven') }), []);
        assert.deepEqual(await list({ q: 'lead_co' }), ids(0), '_ literal');
        assert.deepEqual(await list({ q: '50%' }), ids(2), '% literal');
        assert.deepEqual(
          await list({ q: 'ÜNAL' }),
          ids(1),
          'contact name searched, non-ASCII case-insensitive',
        );
        assert.deepEqual(await list({ q: 'lead', criticality: 'low' }), ids(1));
      });

      test('listEngagements filters by vendor, owner, system, endingBefore and q, with systemIds attached', async () => {
        const org = makeOrg();
        const a = makeUser(org.id);
        const b = makeUser(org.id);
        const v1 = makeVendor(a);
        const v2 = makeVendor(a);
        const s1 = makeSystem(a);
        const s2 = makeSystem(a);
        const e = [
          makeEngagement(a, v1, { title: 'Leads Q1', systemIds: [s1.id], endDate: '2026-05-31' }),
          makeEngagement(a, v2, {
            title: 'Copy',
            task: 'write 100% of ads',
            systemIds: [s1.id, s2.id],
            endDate: '2026-06-01',
          }),
          makeEngagement(b, v1, { title: 'Open_ended', task: 'Über task' }),
        ];
        await store.transaction(async (tx) => {
          await tx.identity.insertOrganization(org);
          await tx.identity.insertUser(a);
          await tx.identity.insertUser(b);
          await tx.registry.insertVendor(v1);
          await tx.registry.insertVendor(v2);
          await tx.registry.insertSystem(s1);
          await tx.registry.insertSystem(s2);
          for (const x of e) await tx.registry.insertEngagement(x);
        });
        const ids = (...idx: number[]) => sortedIds(idx.map((i) => e[i]!.id));
        const list = async (filter: Parameters<Store['read']['registry']['listEngagements']>[1]) => {
          const page = await store.read.registry.listEngagements(org.id, filter, { limit: 50 });
          assert.equal(page.total, page.items.length);
          for (const item of page.items) {
            const expected = e.find((x) => x.id === item.id)!;
            assert.deepEqual(
              sortedIds(item.systemIds),
              sortedIds(expected.systemIds),
              'links attached to listed items',
            );
          }
          return page.items.map((x) => x.id);
        };
        assert.deepEqual(await list({}), ids(0, 1, 2));
        assert.deepEqual(await list({ vendorId: v1.id }), ids(0, 2));
        assert.deepEqual(await list({ ownerId: b.id }), ids(2));
        assert.deepEqual(await list({ systemId: s1.id }), ids(0, 1));
        assert.deepEqual(await list({ systemId: s2.id }), ids(1));
        assert.deepEqual(
          await list({ endingBefore: '2026-06-01' }),
          ids(0),
          'strictly before; open-ended never',
        );
        assert.deepEqual(await list({ endingBefore: '2027-01-01' }), ids(0, 1));
        assert.deepEqual(await list({ q: '100%' }), ids(1), 'task searched, % literal');
        assert.deepEqual(await list({ q: 'n_e' }), ids(2), '_ literal');
        assert.deepEqual(await list({ q: 'über' }), ids(2), 'non-ASCII case-insensitive');
        assert.deepEqual(await list({ q: 'leads', vendorId: v2.id }), []);
      });

      test('keyset pagination visits every row exactly once with a correct total, for every list', async () => {
        const org = makeOrg();
        const owner = makeUser(org.id, { role: 'admin' });
        const vendor = makeVendor(owner);
        const users = Array.from({ length: 22 }, (_, i) =>
          makeUser(org.id, { role: i % 2 ? 'owner' : 'auditor' }),
        );
        const systems = Array.from({ length: 23 }, (_, i) =>
          makeSystem(owner, { kind: i % 3 ? 'model' : 'vendor_ai' }),
        );
        const vendors = Array.from({ length: 20 }, (_, i) =>
          makeVendor(owner, { criticality: i % 2 ? 'low' : 'high' }),
        );
        const engagements = Array.from({ length: 21 }, (_, i) =>
          makeEngagement(owner, vendor, { systemIds: [systems[i]!.id], title: i % 2 ? 'odd' : 'even' }),
        );
        await store.transaction(async (tx) => {
          await tx.identity.insertOrganization(org);
          await tx.identity.insertUser(owner);
          for (const u of users) await tx.identity.insertUser(u);
          await tx.registry.insertVendor(vendor);
          for (const s of systems) await tx.registry.insertSystem(s);
          for (const v of vendors) await tx.registry.insertVendor(v);
          for (const e of engagements) await tx.registry.insertEngagement(e);
        });
        const r = store.read;
        const cases: {
          name: string;
          expected: string[];
          fetch: (p: PageRequest) => Promise<Page<{ id: string }>>;
        }[] = [
          {
            name: 'users',
            expected: [owner, ...users].map((u) => u.id),
            fetch: (p) => r.identity.listUsers(org.id, {}, p),
          },
          {
            name: 'users by role',
            expected: users.filter((u) => u.role === 'owner').map((u) => u.id),
            fetch: (p) => r.identity.listUsers(org.id, { role: 'owner' }, p),
          },
          {
            name: 'systems',
            expected: systems.map((s) => s.id),
            fetch: (p) => r.registry.listSystems(org.id, {}, p),
          },
          {
            name: 'systems by kind',
            expected: systems.filter((s) => s.kind === 'vendor_ai').map((s) => s.id),
            fetch: (p) => r.registry.listSystems(org.id, { kind: 'vendor_ai' }, p),
          },
          {
            name: 'vendors',
            expected: [vendor, ...vendors].map((v) => v.id),
            fetch: (p) => r.registry.listVendors(org.id, {}, p),
          },
          {
            name: 'vendors by criticality',
            expected: [vendor, ...vendors].filter((v) => v.criticality === 'low').map((v) => v.id),
            fetch: (p) => r.registry.listVendors(org.id, { criticality: 'low' }, p),
          },
          {
            name: 'engagements',
            expected: engagements.map((e) => e.id),
            fetch: (p) => r.registry.listEngagements(org.id, {}, p),
          },
          {
            name: 'engagements by q',
            expected: engagements.filter((e) => e.title === 'odd').map((e) => e.id),
            fetch: (p) => r.registry.listEngagements(org.id, { q: 'ODD' }, p),
          },
        ];
        for (const c of cases) {
          for (const limit of [1, 5, c.expected.length, c.expected.length + 1]) {
            const { ids, totals, pages } = await walk(c.fetch, limit);
            assert.equal(new Set(ids).size, ids.length, `${c.name} limit ${limit}: no row twice`);
            assert.deepEqual(sortedIds(ids), sortedIds(c.expected), `${c.name} limit ${limit}: every row`);
            assert.deepEqual(
              totals,
              totals.map(() => c.expected.length),
              `${c.name} limit ${limit}: total on every page`,
            );
            assert.equal(
              pages,
              Math.max(1, Math.ceil(c.expected.length / limit)),
              `${c.name} limit ${limit}: no empty trailing page`,
            );
          }
        }
        const past = await r.registry.listSystems(
          org.id,
          {},
          { limit: 5, cursor: 'sys_zzzzzzzzzzzzzzzzzzzzzzzzzz' },
        );
        assert.deepEqual(past, { items: [], nextCursor: null, total: systems.length });
      });
    });

    describe('organisation scoping', () => {
      let a: World;
      let b: World;
      before(async () => {
        a = await seedWorld(store, 'alpha');
        b = await seedWorld(store, 'beta');
      });

      test("identity reads given the other organisation's id return nothing", async () => {
        const r = store.read.identity;
        assert.equal(await r.getUser(b.org.id, a.admin.id), undefined);
        assert.equal(await r.getApiKey(b.org.id, a.key.id), undefined);
        const users = await r.listUsers(b.org.id, {}, { limit: 50 });
        assert.deepEqual(sortedIds(users.items.map((u) => u.id)), sortedIds([b.admin.id, b.owner.id]));
        assert.equal(users.total, 2);
        assert.deepEqual((await r.listUsers(b.org.id, { q: 'alpha' }, { limit: 50 })).items, []);
        assert.deepEqual(
          (await r.listApiKeys(b.org.id, a.admin.id)).map((k) => k.id),
          [],
        );
        assert.deepEqual(
          (await r.listApiKeys(b.org.id, undefined)).map((k) => k.id),
          [b.key.id],
        );
      });

      test("identity writes given the other organisation's id change nothing", async () => {
        const r = store.read.identity;
        await r.setUserStatus(b.org.id, a.owner.id, 'deactivated', at(90));
        await r.revokeApiKey(b.org.id, a.key.id, at(90));
        await r.touchApiKey(b.org.id, a.key.id, at(90));
        assert.deepEqual(await r.revokeApiKeysOfUser(b.org.id, a.admin.id, at(90)), []);
        await r.endSessionsOfUser(b.org.id, a.admin.id, at(90));
        assert.deepEqual(await r.getUser(a.org.id, a.owner.id), a.owner);
        assert.deepEqual(await r.getApiKey(a.org.id, a.key.id), a.key);
        assert.deepEqual(await r.getSession(a.session.id), a.session);
      });

      test("registry reads given the other organisation's id return nothing", async () => {
        const r = store.read.registry;
        assert.equal(await r.getSystem(b.org.id, a.system.id), undefined);
        assert.equal(await r.getVendor(b.org.id, a.vendor.id), undefined);
        assert.equal(await r.getEngagement(b.org.id, a.engagement.id), undefined);
        for (const filter of [
          {},
          { q: 'alpha' },
          { ownerId: a.owner.id },
          { vendorId: a.vendor.id },
          { visibleToVendorId: a.vendor.id },
        ]) {
          const page = await r.listSystems(b.org.id, filter, { limit: 50 });
          assert.ok(!page.items.some((s) => s.organizationId !== b.org.id), JSON.stringify(filter));
          assert.equal(page.items.length, page.total);
        }
        assert.deepEqual(
          (await r.listSystems(b.org.id, {}, { limit: 50 })).items.map((s) => s.id),
          [b.system.id],
        );
        assert.deepEqual(
          (await r.listSystems(b.org.id, { visibleToVendorId: a.vendor.id }, { limit: 50 })).items,
          [],
        );
        assert.deepEqual(
          (await r.listVendors(b.org.id, {}, { limit: 50 })).items.map((v) => v.id),
          [b.vendor.id],
        );
        assert.deepEqual((await r.listVendors(b.org.id, { onlyId: a.vendor.id }, { limit: 50 })).total, 0);
        assert.deepEqual((await r.listVendors(b.org.id, { q: 'alpha' }, { limit: 50 })).total, 0);
        assert.deepEqual(
          (await r.listEngagements(b.org.id, {}, { limit: 50 })).items.map((e) => e.id),
          [b.engagement.id],
        );
        assert.deepEqual(
          (await r.listEngagements(b.org.id, { systemId: a.system.id }, { limit: 50 })).total,
          0,
        );
        assert.deepEqual(
          (await r.listEngagements(b.org.id, { vendorId: a.vendor.id }, { limit: 50 })).total,
          0,
        );
        assert.deepEqual(await r.listTransfers(b.org.id, a.system.id), []);
        assert.deepEqual(await r.listOwnedBy(b.org.id, a.owner.id), []);
      });

      test("registry writes given the other organisation's id change nothing", async () => {
        await store.transaction(async (tx) => {
          await tx.registry.updateSystem({ ...a.system, organizationId: b.org.id, name: 'hijacked' });
          await tx.registry.updateVendor({ ...a.vendor, organizationId: b.org.id, legalName: 'hijacked' });
          await tx.registry.updateEngagement({
            ...a.engagement,
            organizationId: b.org.id,
            title: 'hijacked',
            systemIds: [],
          });
          await tx.registry.setOwner(b.org.id, 'system', a.system.id, b.owner.id, at(90));
          await tx.registry.setOwner(b.org.id, 'vendor', a.vendor.id, b.owner.id, at(90));
          await tx.registry.setOwner(b.org.id, 'engagement', a.engagement.id, b.owner.id, at(90));
        });
        const r = store.read.registry;
        assert.deepEqual(await r.getSystem(a.org.id, a.system.id), a.system);
        assert.deepEqual(await r.getVendor(a.org.id, a.vendor.id), a.vendor);
        assert.deepEqual(await r.getEngagement(a.org.id, a.engagement.id), a.engagement);
        assert.deepEqual(await r.listOwnedBy(b.org.id, b.owner.id), [
          { kind: 'system', id: b.system.id },
          { kind: 'vendor', id: b.vendor.id },
          { kind: 'engagement', id: b.engagement.id },
        ]);
        assert.deepEqual(
          (await r.listEngagements(b.org.id, {}, { limit: 50 })).items.map((e) => e.id),
          [b.engagement.id],
        );
      });

      test("ledger methods given the other organisation's id never see its log", async () => {
        const r = store.read.ledger;
        const headA = plainHead(await r.readHead(a.org.id));
        assert.deepEqual(headA, a.head);
        const entriesB = await r.readEntries(b.org.id, 0, 100);
        assert.deepEqual(
          entriesB.map((e) => e.leaf),
          b.entries.map((e) => e.leaf),
        );
        assert.ok(entriesB.every((e) => JSON.parse(e.leaf).org === b.org.id));
        const nodesB = await r.readNodes(b.org.id, [
          { level: 0, index: 0 },
          { level: 1, index: 0 },
        ]);
        assert.deepEqual(
          nodesB.map((n) => hex(n.hash)).sort(),
          [
            hex(b.entries[0]!.leafHash),
            hex(computeRoot(b.entries.slice(0, 2).map((e) => e.leafHash))),
          ].sort(),
        );
        assert.deepEqual(
          (await r.listCheckpoints(b.org.id)).map((c) => c.note),
          [b.checkpoint.note],
        );
        assert.equal((await r.latestCheckpoint(b.org.id))?.note, b.checkpoint.note);
        assert.equal((await r.getKey(b.org.id))?.name, b.ledgerKey.name);
        assert.deepEqual(plainHead(await store.transaction((tx) => tx.ledger.lockHead(b.org.id))), b.head);
        // Appending to b leaves a untouched.
        await store.transaction((tx) => appendThroughPort(tx, b.org.id, [event('beta-3')]));
        assert.deepEqual(plainHead(await r.readHead(a.org.id)), headA);
        assert.equal((await r.readEntries(a.org.id, 0, 100)).length, 3);
        assert.equal((await r.readHead(b.org.id)).size, 4);
      });
    });

    describe('ledger', () => {
      test('initHead starts an empty head; a missing head reads as empty and cannot be appended to', async () => {
        const org = makeOrg();
        // Without a head, an append fails and takes its transaction with it.
        await assert.rejects(
          store.transaction(async (tx) => {
            await tx.identity.insertOrganization(org);
            assert.deepEqual(await tx.ledger.readHead(org.id), { size: 0, frontier: [] });
            const plan = planAppend(org.id, { size: 0, frontier: [] }, at(1), [event('x')]);
            await tx.ledger.writeAppend(org.id, plan.entries, plan.nodes, plan.head, at(1));
          }),
          Error,
        );
        assert.deepEqual(await store.read.ledger.readEntries(org.id, 0, 10), []);
        // The failed append above rolled back with its transaction; now create the head properly.
        await store.transaction(async (tx) => {
          await tx.identity.insertOrganization(org);
          await tx.ledger.initHead(org.id, at(1));
        });
        assert.deepEqual(await store.read.ledger.readHead(org.id), { size: 0, frontier: [] });
        assert.deepEqual(await store.transaction((tx) => tx.ledger.lockHead(org.id)), {
          size: 0,
          frontier: [],
        });
        assert.deepEqual(await store.read.ledger.readEntries(org.id, 0, 10), []);
        await rejectsWithCode(
          store.transaction((tx) => tx.ledger.initHead(org.id, at(2))),
          'CONFLICT',
        );
      });

      test('writeAppend in batches keeps the head, leaves and stored hashes byte-exact', async () => {
        const org = makeOrg();
        await store.transaction(async (tx) => {
          await tx.identity.insertOrganization(org);
          await tx.ledger.initHead(org.id, at(0));
        });
        const all: StoredEntry[] = [];
        let head: LedgerHead = { size: 0, frontier: [] };
        for (const [batch, n] of [5, 1, 7].entries()) {
          const plan = await store.transaction(async (tx) => {
            const locked = await tx.ledger.lockHead(org.id);
            assert.deepEqual(plainHead(locked), plainHead(head), 'lockHead returns the head written last');
            return appendThroughPort(
              tx,
              org.id,
              Array.from({ length: n }, (_, i) => event(`${UNICODE} ${batch}.${i}`)),
            );
          });
          all.push(...plan.entries);
          head = plan.head;
          const stored = await store.read.ledger.readHead(org.id);
          assert.equal(typeof stored.size, 'number');
          assert.equal(stored.size, all.length);
          assert.deepEqual(stored.frontier.map(hex), head.frontier.map(hex));
          assert.ok(stored.frontier.every((h) => h.length === 32));
        }
        assert.deepEqual(
          plainHead(await store.read.ledger.readHead(org.id)),
          plainHead(head),
          'frontier round-trips byte-exact',
        );
        assert.equal(hex(rootFromFrontier(head.frontier)), hex(computeRoot(all.map((e) => e.leafHash))));

        const entries = await store.read.ledger.readEntries(org.id, 0, 100);
        assert.deepEqual(plainEntries(entries), plainEntries(all));
        for (const e of entries) {
          assert.equal(typeof e.index, 'number');
          assert.equal(hex(e.leafHash), hex(hashLeaf(encoder.encode(e.leaf))), 'leaf text is byte-exact');
          assert.ok(e.leaf.includes('日本語 🎉'));
        }
        assert.deepEqual(
          (await store.read.ledger.readEntries(org.id, 3, 4)).map((e) => e.index),
          [3, 4, 5, 6],
        );
        assert.deepEqual(
          (await store.read.ledger.readEntries(org.id, 12, 10)).map((e) => e.index),
          [12],
        );
        assert.deepEqual(await store.read.ledger.readEntries(org.id, 13, 10), []);
      });

      test('readNodes answers a whole batch: level 0 from the entries, interior nodes as stored, absent ones omitted', async () => {
        const org = makeOrg();
        const SIZE = 1203; // more than one insert chunk of 500
        await store.transaction(async (tx) => {
          await tx.identity.insertOrganization(org);
          await tx.ledger.initHead(org.id, at(0));
        });
        const plan = await store.transaction((tx) =>
          appendThroughPort(
            tx,
            org.id,
            Array.from({ length: SIZE }, (_, i) => event(`n${i}`)),
          ),
        );
        assert.equal((await store.read.ledger.readHead(org.id)).size, SIZE);
        assert.equal((await store.read.ledger.readEntries(org.id, 0, 5000)).length, SIZE);

        const leafHashes = plan.entries.map((e) => e.leafHash);
        const expected = new Map<string, string>();
        const wanted: NodeId[] = [];
        for (let level = 0; 2 ** level <= SIZE; level++)
          for (let index = 0; (index + 1) * 2 ** level <= SIZE; index++) {
            wanted.push({ level, index });
            expected.set(
              `${level}:${index}`,
              hex(computeRoot(leafHashes.slice(index * 2 ** level, (index + 1) * 2 ** level))),
            );
          }
        // Nodes that do not exist (yet): an index past the end and an incomplete subtree.
        const missing: NodeId[] = [
          { level: 0, index: SIZE },
          { level: 3, index: Math.floor(SIZE / 8) },
          { level: 11, index: 0 },
        ];
        const got = await store.read.ledger.readNodes(org.id, [...missing, ...wanted]);
        assert.equal(got.length, wanted.length);
        const seen = new Set<string>();
        for (const n of got) {
          const id = `${n.level}:${n.index}`;
          assert.ok(!seen.has(id), `node ${id} returned once`);
          seen.add(id);
          assert.equal(typeof n.level, 'number');
          assert.equal(typeof n.index, 'number');
          assert.equal(hex(n.hash), expected.get(id), `node ${id}`);
        }
        assert.deepEqual(await store.read.ledger.readNodes(org.id, []), []);
        assert.deepEqual(await store.read.ledger.readNodes(org.id, missing), []);
      });

      test('an entry index cannot be written twice: the log cannot fork', async () => {
        const org = makeOrg();
        await store.transaction(async (tx) => {
          await tx.identity.insertOrganization(org);
          await tx.ledger.initHead(org.id, at(0));
          await appendThroughPort(tx, org.id, [event('first')]);
        });
        const stale = planAppend(org.id, { size: 0, frontier: [] }, at(5), [event('fork')]);
        await rejectsWithCode(
          store.transaction((tx) =>
            tx.ledger.writeAppend(org.id, stale.entries, stale.nodes, stale.head, at(5)),
          ),
          'CONFLICT',
        );
        const entries = await store.read.ledger.readEntries(org.id, 0, 10);
        assert.equal(entries.length, 1);
        assert.equal(JSON.parse(entries[0]!.leaf).subject.id, 'first');
      });

      test('checkpoints round-trip byte-exact, list in size order, the latest is the largest, a repeated size is ignored', async () => {
        const org = makeOrg();
        await store.transaction((tx) => tx.identity.insertOrganization(org));
        assert.equal(await store.read.ledger.latestCheckpoint(org.id), undefined);
        assert.deepEqual(await store.read.ledger.listCheckpoints(org.id), []);
        const cp = (size: number): Checkpoint => ({
          size,
          rootHash: bytes(0, ...randomBytes(30), 255),
          note: `test.local/ledger/${org.id}\n${size}\n— ${UNICODE}\n\n`,
          createdAt: at(size),
        });
        const [c10, c3, c7] = [cp(10), cp(3), cp(7)];
        await store.transaction(async (tx) => {
          for (const c of [c10, c3, c7]) await tx.ledger.insertCheckpoint(org.id, c);
        });
        await store.read.ledger.insertCheckpoint(org.id, { ...cp(7), note: 'other' });
        const listed = await store.read.ledger.listCheckpoints(org.id);
        assert.deepEqual(listed, [c3, c7, c10]);
        assert.ok(listed.every((c) => typeof c.size === 'number' && c.rootHash instanceof Uint8Array));
        assert.deepEqual(await store.read.ledger.latestCheckpoint(org.id), c10);
      });

      test('the signing key round-trips byte-exact and is one per organisation', async () => {
        const org = makeOrg();
        await store.transaction((tx) => tx.identity.insertOrganization(org));
        assert.equal(await store.read.ledger.getKey(org.id), undefined);
        const key: LedgerKey = {
          name: `test.local/ledger/${org.id}`,
          publicKey: bytes(0, 0, ...randomBytes(28), 0, 255),
          sealedPrivateKey: bytes(...randomBytes(77), 0),
          createdAt: at(1),
        };
        await store.transaction((tx) => tx.ledger.insertKey(org.id, key));
        const got = await store.read.ledger.getKey(org.id);
        assert.deepEqual(got, key);
        assert.equal(hex(got.publicKey), hex(key.publicKey));
        assert.equal(got.sealedPrivateKey.length, 78);
        await rejectsWithCode(
          store.transaction((tx) => tx.ledger.insertKey(org.id, { ...key, name: 'second' })),
          'CONFLICT',
        );
        assert.equal((await store.read.ledger.getKey(org.id))?.name, key.name);
      });
    });

    describe('unique violations surface as CONFLICT', () => {
      test('inside a transaction, for every unique constraint', async () => {
        const w = await seedWorld(store, 'uniq');
        const cases: [string, (tx: Repositories) => Promise<unknown>][] = [
          ['organisation id', (tx) => tx.identity.insertOrganization({ ...makeOrg(), id: w.org.id })],
          ['organisation slug', (tx) => tx.identity.insertOrganization(makeOrg({ slug: w.org.slug }))],
          ['user id', (tx) => tx.identity.insertUser({ ...makeUser(w.org.id), id: w.owner.id })],
          [
            'user e-mail in organisation',
            (tx) => tx.identity.insertUser(makeUser(w.org.id, { email: w.owner.email })),
          ],
          ['api key prefix', (tx) => tx.identity.insertApiKey(makeApiKey(w.admin, { prefix: w.key.prefix }))],
          ['session id', (tx) => tx.identity.insertSession(makeSession(w.admin, { id: w.session.id }))],
          ['system id', (tx) => tx.registry.insertSystem(makeSystem(w.owner, { id: w.system.id }))],
          ['vendor id', (tx) => tx.registry.insertVendor(makeVendor(w.owner, { id: w.vendor.id }))],
          [
            'engagement id',
            (tx) => tx.registry.insertEngagement(makeEngagement(w.owner, w.vendor, { id: w.engagement.id })),
          ],
          ['transfer id', (tx) => tx.registry.insertTransfer({ ...w.transfer })],
          ['ledger head', (tx) => tx.ledger.initHead(w.org.id, at(1))],
          ['ledger key', (tx) => tx.ledger.insertKey(w.org.id, w.ledgerKey)],
        ];
        for (const [name, write] of cases) {
          const error = await rejectsWithCode(store.transaction(write), 'CONFLICT');
          assert.match(error.message, /already exists/, name);
        }
        // The same address in another organisation is not a conflict.
        const other = makeOrg();
        await store.transaction(async (tx) => {
          await tx.identity.insertOrganization(other);
          await tx.identity.insertUser(makeUser(other.id, { email: w.owner.email }));
        });
      });

      test('outside a transaction too (the read handle)', async () => {
        const w = await seedWorld(store, 'uniq-read');
        await rejectsWithCode(
          store.read.identity.insertOrganization(makeOrg({ slug: w.org.slug })),
          'CONFLICT',
        );
        await rejectsWithCode(
          store.read.identity.insertUser(makeUser(w.org.id, { email: w.owner.email })),
          'CONFLICT',
        );
      });

      test('translateDriverError maps driver failures once and passes everything else through', () => {
        const conflict = [
          { code: '23505', message: 'duplicate key value violates unique constraint' },
          new Error('UNIQUE constraint failed: users.email'),
        ];
        for (const e of conflict) {
          const t = translateDriverError(e);
          assert.ok(t instanceof AppError);
          assert.equal(t.code, 'CONFLICT');
          assert.ok(!t.message.includes('users.email'), 'no schema detail leaks');
        }
        for (const e of [
          { code: 'ECONNREFUSED' },
          { code: '57P01' },
          { code: '08006' },
          new Error('database is locked'),
        ]) {
          const t = translateDriverError(e);
          assert.ok(t instanceof AppError);
          assert.equal(t.code, 'UNAVAILABLE');
        }
        const own = new AppError('NOT_FOUND', 'x');
        assert.equal(translateDriverError(own), own);
        const other = new Error('FOREIGN KEY constraint failed');
        assert.equal(translateDriverError(other), other);
      });
    });

    describe('transaction', () => {
      test('commits everything when the callback returns, and returns its value', async () => {
        const w = await seedWorld(store, 'commit');
        assert.deepEqual(await store.read.identity.getOrganization(w.org.id), w.org);
        assert.deepEqual(await store.read.registry.getSystem(w.org.id, w.system.id), w.system);
        assert.deepEqual(await store.read.registry.getEngagement(w.org.id, w.engagement.id), w.engagement);
        assert.deepEqual(await store.read.registry.listTransfers(w.org.id, w.system.id), [w.transfer]);
        assert.deepEqual(plainHead(await store.read.ledger.readHead(w.org.id)), w.head);
        assert.deepEqual(plainEntries(await store.read.ledger.readEntries(w.org.id, 0, 10)), w.entries);
        assert.deepEqual(await store.read.ledger.getKey(w.org.id), w.ledgerKey);
        assert.deepEqual(await store.read.ledger.latestCheckpoint(w.org.id), w.checkpoint);
      });

      test('rolls back every insert, registry rows and ledger entries and head alike, when the callback throws midway', async () => {
        const org = makeOrg();
        const user = makeUser(org.id);
        const vendor = makeVendor(user);
        const system = makeSystem(user);
        const engagement = makeEngagement(user, vendor, { systemIds: [system.id] });
        const transfer = makeTransfer(user, user, system.id);
        const boom = new Error('boom');
        await assert.rejects(
          store.transaction(async (tx) => {
            await tx.identity.insertOrganization(org);
            await tx.identity.insertUser(user);
            await tx.identity.insertApiKey(makeApiKey(user));
            await tx.registry.insertVendor(vendor);
            await tx.registry.insertSystem(system);
            await tx.registry.insertEngagement(engagement);
            await tx.registry.insertTransfer(transfer);
            await tx.ledger.initHead(org.id, at(0));
            await appendThroughPort(tx, org.id, [event('a'), event('b')]);
            await tx.ledger.insertCheckpoint(org.id, {
              size: 2,
              rootHash: new Uint8Array(32),
              note: 'n',
              createdAt: at(1),
            });
            // Writes are visible inside the transaction...
            assert.equal((await tx.ledger.readHead(org.id)).size, 2);
            assert.ok(await tx.registry.getEngagement(org.id, engagement.id));
            throw boom;
          }),
          (error) => error === boom,
        );
        // ...and gone after it.
        assert.equal(await store.read.identity.getOrganization(org.id), undefined);
        assert.equal(await store.read.identity.getUser(org.id, user.id), undefined);
        assert.deepEqual(await store.read.identity.listApiKeys(org.id, undefined), []);
        assert.equal(await store.read.registry.getVendor(org.id, vendor.id), undefined);
        assert.equal(await store.read.registry.getSystem(org.id, system.id), undefined);
        assert.equal(await store.read.registry.getEngagement(org.id, engagement.id), undefined);
        assert.deepEqual(await store.read.registry.listTransfers(org.id, system.id), []);
        assert.deepEqual(await store.read.ledger.readHead(org.id), { size: 0, frontier: [] });
        assert.deepEqual(await store.read.ledger.readEntries(org.id, 0, 10), []);
        assert.deepEqual(
          await store.read.ledger.readNodes(org.id, [
            { level: 0, index: 0 },
            { level: 1, index: 0 },
          ]),
          [],
        );
        assert.deepEqual(await store.read.ledger.listCheckpoints(org.id), []);
      });

      test('rolls back updates of an existing organisation, including ledger appends, on a throw or a driver error', async () => {
        const w = await seedWorld(store, 'rollback');
        const snapshot = async () => ({
          system: await store.read.registry.getSystem(w.org.id, w.system.id),
          engagement: await store.read.registry.getEngagement(w.org.id, w.engagement.id),
          vendor: await store.read.registry.getVendor(w.org.id, w.vendor.id),
          key: await store.read.identity.getApiKey(w.org.id, w.key.id),
          user: await store.read.identity.getUser(w.org.id, w.owner.id),
          transfers: await store.read.registry.listTransfers(w.org.id, w.system.id),
          head: plainHead(await store.read.ledger.readHead(w.org.id)),
          entries: plainEntries(await store.read.ledger.readEntries(w.org.id, 0, 100)),
        });
        const before = await snapshot();
        const mutate = async (tx: Repositories) => {
          await tx.registry.updateSystem({ ...w.system, name: 'changed', status: 'live' });
          await tx.registry.updateEngagement({ ...w.engagement, systemIds: [] });
          await tx.registry.setOwner(w.org.id, 'vendor', w.vendor.id, w.admin.id, at(99));
          await tx.registry.insertTransfer(makeTransfer(w.owner, w.admin, w.system.id));
          await tx.identity.revokeApiKey(w.org.id, w.key.id, at(99));
          await tx.identity.setUserStatus(w.org.id, w.owner.id, 'deactivated', at(99));
          await appendThroughPort(tx, w.org.id, [event('lost-1'), event('lost-2')]);
        };
        await assert.rejects(
          store.transaction(async (tx) => {
            await mutate(tx);
            throw new Error('midway');
          }),
          /midway/,
        );
        assert.deepEqual(await snapshot(), before);
        await rejectsWithCode(
          store.transaction(async (tx) => {
            await mutate(tx);
            await tx.identity.insertOrganization(makeOrg({ slug: w.org.slug }));
          }),
          'CONFLICT',
        );
        assert.deepEqual(await snapshot(), before);
        // The log is still appendable at the right position.
        await store.transaction((tx) => appendThroughPort(tx, w.org.id, [event('kept')]));
        const entries = await store.read.ledger.readEntries(w.org.id, 0, 100);
        assert.deepEqual(
          entries.map((e) => e.index),
          [0, 1, 2, 3],
        );
        assert.equal(JSON.parse(entries[3]!.leaf).subject.id, 'kept');
      });
    });

    if (kind === 'postgres')
      test('two stores (two pools) appending to one organisation concurrently never fork the log', async () => {
        const storage = await freshStorage('postgres');
        const one = openStore(storage.config);
        await one.migrate();
        const two = openStore(storage.config);
        const masterKey = testMasterKey();
        const ledgerOf = (s: Store) =>
          createLedgerService({
            store: s,
            clock: systemClock,
            masterKey,
            originHost: 'test.oversight.local',
          });
        const ledgers = [ledgerOf(one), ledgerOf(two)] as const;
        try {
          const org = makeOrg();
          await one.transaction(async (tx) => {
            await tx.identity.insertOrganization(org);
            await ledgers[0].initialize(tx, org.id);
          });
          const PER_WORKER = 100;
          const firstIndexes: number[] = [];
          const worker = async (s: Store, ledger: (typeof ledgers)[number], label: string) => {
            for (let i = 0; i < PER_WORKER; i++)
              firstIndexes.push(
                await s.transaction((tx) => ledger.append(tx, org.id, [event(`${label}-${i}`)])),
              );
          };
          // Two writers per pool, two pools: 400 appends racing for the same head.
          await Promise.all([
            worker(one, ledgers[0], 'one-a'),
            worker(one, ledgers[0], 'one-b'),
            worker(two, ledgers[1], 'two-a'),
            worker(two, ledgers[1], 'two-b'),
          ]);
          const TOTAL = 4 * PER_WORKER;
          assert.equal((await two.read.ledger.readHead(org.id)).size, TOTAL);
          const entries = await one.read.ledger.readEntries(org.id, 0, 10_000);
          assert.deepEqual(
            entries.map((e) => e.index),
            Array.from({ length: TOTAL }, (_, i) => i),
          );
          assert.deepEqual(
            [...firstIndexes].sort((x, y) => x - y),
            Array.from({ length: TOTAL }, (_, i) => i),
            'every append got its own index',
          );
          const labels = entries.map((e) => JSON.parse(e.leaf).subject.id as string);
          assert.equal(new Set(labels).size, TOTAL, 'no append lost or duplicated');
          const report = await ledgers[1].verify(org.id);
          assert.deepEqual(report.problems, []);
          assert.equal(report.ok, true);
          assert.equal(report.treeSize, TOTAL);
        } finally {
          await one.close();
          await two.close();
          await storage.dispose();
        }
      });
  });
}

for (const kind of STORAGE_KINDS) defineStoreContract(kind);
