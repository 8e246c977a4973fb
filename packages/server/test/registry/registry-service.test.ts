/**
 * The registry service: the mandatory accountable owner, ownership transfers, deactivation with a
 * successor, the system lifecycle and classification, vendor-user scoping, and the rule that every
 * write and its ledger entry commit together or not at all.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { AiActAnswers } from '../../../contract/src/ai-act.ts';
import type { ErrorCode } from '../../../contract/src/errors.ts';
import type { CreateSystemBody } from '../../../contract/src/registry.ts';
import { composeServices } from '../../src/compose.ts';
import { actorFor } from '../../src/modules/identity/identity-service.ts';
import type { Actor, User } from '../../src/modules/identity/identity-types.ts';
import { digestOf, type LedgerEntry } from '../../src/modules/ledger/entry.ts';
import type { LedgerStore } from '../../src/modules/ledger/ledger-store.ts';
import {
  applyLifecycle,
  withLapsedApproval,
  type LifecycleAction,
} from '../../src/modules/registry/lifecycle.ts';
import type { AiSystem } from '../../src/modules/registry/registry-types.ts';
import { newId } from '../../src/shared/ids.ts';
import { AppError } from '../../src/shared/app-error.ts';
import type { Repositories, Store } from '../../src/store.ts';
import { createTestContext, STORAGE_KINDS, testMasterKey, type TestContext } from '../support/harness.ts';

// ---- answers of the EU AI Act questionnaire ----------------------------------------------------

const MINIMAL = {
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
  interacts_with_people: false,
  generates_synthetic_content: false,
  emotion_recognition: false,
  biometric_categorisation: false,
} satisfies AiActAnswers;
const MINIMAL_TOO = { ...MINIMAL, decisions_about_persons: true } satisfies AiActAnswers;
const HIGH = { ...MINIMAL, emotion_recognition: true } satisfies AiActAnswers;
const PROHIBITED = { ...MINIMAL, subliminal_manipulation: true } satisfies AiActAnswers;

// ---- helpers -----------------------------------------------------------------------------------

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

type Issue = { path: string; code: string; message: string };
const issuesOf = (e: AppError): Issue[] => (e.details?.['issues'] ?? []) as Issue[];

function systemBody(ownerId: string, over: Partial<CreateSystemBody> = {}): CreateSystemBody {
  return {
    name: 'Lead scoring',
    description: '',
    purpose: 'rank inbound leads',
    kind: 'model',
    ownerId,
    decidesAboutCustomers: true,
    public: false,
    tags: [],
    ...over,
  };
}
function vendorBody(ownerId: string) {
  return {
    legalName: `Vendor ${randomBytes(3).toString('hex')}`,
    contactName: 'Lee',
    contactEmail: 'lee@vendor.example',
    dpaSigned: true,
    dataLocations: ['EU'],
    subProcessors: [],
    criticality: 'high' as const,
    ownerId,
    public: false,
  };
}
function engagementBody(ownerId: string, vendorId: string, systemIds: string[] = []) {
  return { title: 'Leads', task: 'deliver leads', vendorId, systemIds, ownerId, startDate: '2026-01-01' };
}

/** Helpers bound to one test context. */
function on(ctx: TestContext) {
  const orgId = ctx.organization.id;
  const registry = ctx.services.registry;
  const admin = ctx.adminActor;

  async function person(role: User['role'], vendorId?: string): Promise<{ user: User; actor: Actor }> {
    const user = await ctx.services.identity.createUser(admin, {
      email: `${role}-${randomBytes(5).toString('hex')}@acme.example`,
      name: `${role} person`,
      role,
      ...(vendorId ? { vendorId } : {}),
    });
    return { user, actor: actorFor(user, 'api_key') };
  }

  const size = async () => (await ctx.store.read.ledger.readHead(orgId)).size;

  /** Runs a write and checks it appended exactly these event types, and that the log still verifies. */
  async function expectEvents<T>(
    fn: () => Promise<T>,
    types: string[],
  ): Promise<{ result: T; entries: LedgerEntry[] }> {
    const start = await size();
    const result = await fn();
    const entries = (await ctx.services.ledger.entries(orgId, start, 1000)).map(
      (e) => JSON.parse(e.leaf) as LedgerEntry,
    );
    assert.deepEqual(
      entries.map((e) => e.type),
      types,
    );
    assert.deepEqual(
      entries.map((e) => e.index),
      types.map((_, i) => start + i),
    );
    assert.ok(entries.every((e) => e.org === orgId));
    assert.equal(await size(), start + types.length);
    await assertVerifies();
    return { result, entries };
  }

  /** Runs a write that must be refused with this code (and field), appending nothing. */
  async function expectRefused(
    fn: () => Promise<unknown>,
    code: ErrorCode,
    path?: string,
  ): Promise<AppError> {
    const start = await size();
    const error = await rejectsWithCode(fn(), code);
    if (path !== undefined) assert.equal(issuesOf(error)[0]?.path, path, error.message);
    assert.equal(await size(), start, 'a refused write appends nothing');
    return error;
  }

  async function assertVerifies() {
    const report = await ctx.services.ledger.verify(orgId);
    assert.deepEqual(report.problems, []);
    assert.equal(report.ok, true);
  }

  /** An approved, classified system owned by `owner`. */
  async function approvedSystem(owner: { user: User; actor: Actor }) {
    const system = await registry.createSystem(admin, systemBody(owner.user.id));
    await registry.classifySystem(owner.actor, system.id, MINIMAL);
    return registry.changeLifecycle(owner.actor, system.id, 'approve');
  }

  return {
    orgId,
    registry,
    admin,
    person,
    size,
    expectEvents,
    expectRefused,
    assertVerifies,
    approvedSystem,
  };
}

// ---- lifecycle: pure ---------------------------------------------------------------------------

describe('applyLifecycle (pure)', () => {
  const OWNER = newId('usr');
  const OTHER = newId('usr');
  const AT = '2026-03-01T10:00:00.000Z';
  const base: AiSystem = {
    id: newId('sys'),
    organizationId: newId('org'),
    name: 'S',
    description: '',
    purpose: '',
    kind: 'model',
    vendorId: null,
    ownerId: OWNER,
    status: 'proposed',
    riskTier: 'minimal',
    classification: null,
    classifiedAt: '2026-02-01T00:00:00.000Z',
    approvedBy: null,
    approvedAt: null,
    decidesAboutCustomers: false,
    public: false,
    tags: [],
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
  const inState = (status: AiSystem['status']): AiSystem =>
    status === 'proposed'
      ? base
      : { ...base, status, approvedBy: OWNER, approvedAt: '2026-02-02T00:00:00.000Z' };

  // What each action does in each state: the new fields, or a refusal matching the pattern.
  const TABLE: [AiSystem['status'], LifecycleAction, Partial<AiSystem> | RegExp][] = [
    ['proposed', 'approve', { status: 'approved', approvedBy: OWNER, approvedAt: AT, updatedAt: AT }],
    ['proposed', 'go_live', /only an approved system can go live \(it is proposed\)/],
    ['proposed', 'retire', { status: 'retired', updatedAt: AT }],
    ['approved', 'approve', /only a proposed system can be approved \(it is approved\)/],
    ['approved', 'go_live', { status: 'live', updatedAt: AT }],
    ['approved', 'retire', { status: 'retired', updatedAt: AT }],
    ['live', 'approve', /only a proposed system can be approved \(it is live\)/],
    ['live', 'go_live', /only an approved system can go live \(it is live\)/],
    ['live', 'retire', { status: 'retired', updatedAt: AT }],
    ['retired', 'approve', /only a proposed system can be approved \(it is retired\)/],
    ['retired', 'go_live', /only an approved system can go live \(it is retired\)/],
    ['retired', 'retire', /already retired/],
  ];
  for (const [status, action, expected] of TABLE)
    test(`${status} x ${action} -> ${expected instanceof RegExp ? 'refused' : expected.status}`, () => {
      const input = inState(status);
      const snapshot = structuredClone(input);
      const result = applyLifecycle(input, action, OWNER, AT);
      assert.deepEqual(input, snapshot, 'the input is not mutated');
      if (expected instanceof RegExp) {
        assert.equal(result.ok, false);
        if (!result.ok) assert.match(result.reason, expected);
      } else {
        assert.equal(result.ok, true);
        if (result.ok) {
          assert.deepEqual(result.value, { ...input, ...expected });
          assert.notEqual(result.value, input, 'a new value');
        }
      }
    });

  test('approval needs a classification and is refused for a prohibited practice', () => {
    const unclassified = applyLifecycle({ ...base, riskTier: null }, 'approve', OWNER, AT);
    assert.equal(unclassified.ok, false);
    if (!unclassified.ok) assert.match(unclassified.reason, /classify the system/);
    const prohibited = applyLifecycle({ ...base, riskTier: 'prohibited' }, 'approve', OWNER, AT);
    assert.equal(prohibited.ok, false);
    if (!prohibited.ok) assert.match(prohibited.reason, /prohibited practice cannot be approved/);
    for (const tier of ['minimal', 'limited', 'high'] as const)
      assert.equal(applyLifecycle({ ...base, riskTier: tier }, 'approve', OWNER, AT).ok, true, tier);
  });

  test("going live needs the current owner's approval and is refused for a prohibited practice", () => {
    const approvedByOther = { ...inState('approved'), approvedBy: OTHER };
    const r = applyLifecycle(approvedByOther, 'go_live', OWNER, AT);
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.reason, /current accountable owner has not approved/);
    const prohibited = applyLifecycle(
      { ...inState('approved'), riskTier: 'prohibited' },
      'go_live',
      OWNER,
      AT,
    );
    assert.equal(prohibited.ok, false);
    if (!prohibited.ok) assert.match(prohibited.reason, /prohibited practice cannot go live/);
  });

  test('retiring is allowed from every state but retired, whatever the classification', () => {
    for (const status of ['proposed', 'approved', 'live'] as const)
      for (const riskTier of [null, 'prohibited'] as const)
        assert.equal(applyLifecycle({ ...inState(status), riskTier }, 'retire', OTHER, AT).ok, true);
  });

  test('withLapsedApproval resets an approval that has not led to go-live, and nothing else', () => {
    assert.deepEqual(withLapsedApproval(inState('approved')), {
      ...inState('approved'),
      status: 'proposed',
      approvedBy: null,
      approvedAt: null,
    });
    for (const status of ['proposed', 'live', 'retired'] as const)
      assert.deepEqual(withLapsedApproval(inState(status)), inState(status));
  });
});

// ---- the service, on every store ---------------------------------------------------------------

for (const kind of STORAGE_KINDS)
  describe(`registry service on ${kind}`, () => {
    let ctx: TestContext;
    let h: ReturnType<typeof on>;
    before(async () => {
      ctx = await createTestContext({ storage: kind });
      h = on(ctx);
    });
    after(async () => {
      await ctx.close();
    });

    describe('the accountable owner is mandatory', () => {
      test('creating without an ownerId is refused at the edge, naming ownerId', async () => {
        for (const [path, body] of [
          ['/v1/systems', { name: 'No owner', kind: 'model' }],
          [
            '/v1/vendors',
            { legalName: 'No owner', contactName: 'x', contactEmail: 'x@y.example', criticality: 'low' },
          ],
        ] as const) {
          const start = await h.size();
          const res = await ctx.request('POST', path, { body });
          assert.equal(res.status, 422, res.text);
          assert.equal(res.json.error.code, 'VALIDATION_FAILED');
          assert.ok(
            (res.json.error.details.issues as Issue[]).some((i) => i.path === 'ownerId'),
            JSON.stringify(res.json.error.details),
          );
          assert.equal(await h.size(), start);
        }
      });

      test('unknown, deactivated, vendor, auditor and other-organisation owners are refused, naming the field', async () => {
        const vendor = await h.registry.createVendor(h.admin, vendorBody(ctx.admin.id));
        const gone = await h.person('owner');
        await ctx.services.identity.deactivateUser(h.admin, gone.user.id, {});
        const vendorUser = await h.person('vendor', vendor.id);
        const auditor = await h.person('auditor');
        const elsewhere = await ctx.services.identity.initOrganization({
          name: 'Other Org',
          adminEmail: 'admin@other.example',
          adminName: 'Other',
        });
        const candidates: [string, string, string][] = [
          ['unknown', newId('usr'), 'not_found'],
          ['deactivated', gone.user.id, 'inactive'],
          ['vendor', vendorUser.user.id, 'role'],
          ['auditor', auditor.user.id, 'role'],
          ['other organisation', elsewhere.admin.id, 'not_found'],
        ];
        const systems = await h.registry.listSystems(h.admin, { limit: 200 });
        for (const [label, ownerId, issueCode] of candidates) {
          const writes: [string, () => Promise<unknown>][] = [
            ['createSystem', () => h.registry.createSystem(h.admin, systemBody(ownerId))],
            ['createVendor', () => h.registry.createVendor(h.admin, vendorBody(ownerId))],
            [
              'createEngagement',
              () => h.registry.createEngagement(h.admin, engagementBody(ownerId, vendor.id)),
            ],
          ];
          for (const [name, write] of writes) {
            const error = await h.expectRefused(write, 'VALIDATION_FAILED', 'ownerId');
            assert.equal(issuesOf(error)[0]?.code, issueCode, `${name} with ${label} owner`);
            assert.match(error.message, /^ownerId: /);
          }
        }
        assert.equal(
          (await h.registry.listSystems(h.admin, { limit: 200 })).total,
          systems.total,
          'nothing created',
        );
      });

      test('an admin or an in-house owner can be the accountable owner, and creation is on the record', async () => {
        const owner = await h.person('owner');
        for (const ownerId of [ctx.admin.id, owner.user.id]) {
          const { result: vendor, entries } = await h.expectEvents(
            () => h.registry.createVendor(h.admin, vendorBody(ownerId)),
            ['vendor.registered'],
          );
          assert.equal(vendor.ownerId, ownerId);
          assert.deepEqual(entries[0]?.subject, { type: 'vendor', id: vendor.id });
          assert.deepEqual(entries[0]?.actor, { type: 'user', id: ctx.admin.id });
          assert.equal(entries[0]?.digest, digestOf(vendor), 'the entry commits to the stored record');
          const { result: system } = await h.expectEvents(
            () => h.registry.createSystem(h.admin, systemBody(ownerId, { vendorId: vendor.id })),
            ['system.registered'],
          );
          assert.deepEqual(await h.registry.getSystem(h.admin, system.id), system);
          const { result: engagement } = await h.expectEvents(
            () =>
              h.registry.createEngagement(
                h.admin,
                engagementBody(ownerId, vendor.id, [system.id, system.id]),
              ),
            ['engagement.registered'],
          );
          assert.deepEqual(engagement.systemIds, [system.id], 'duplicates collapse');
          assert.deepEqual(await h.registry.getEngagement(h.admin, engagement.id), engagement);
        }
      });

      test('dangling references are refused naming the field, and nothing is written', async () => {
        const owner = await h.person('owner');
        await h.expectRefused(
          () => h.registry.createSystem(h.admin, systemBody(owner.user.id, { vendorId: newId('ven') })),
          'VALIDATION_FAILED',
          'vendorId',
        );
        const vendor = await h.registry.createVendor(h.admin, vendorBody(owner.user.id));
        const system = await h.registry.createSystem(h.admin, systemBody(owner.user.id));
        await h.expectRefused(
          () =>
            h.registry.createEngagement(
              h.admin,
              engagementBody(owner.user.id, vendor.id, [system.id, newId('sys')]),
            ),
          'VALIDATION_FAILED',
          'systemIds.1',
        );
        await h.expectRefused(
          () => h.registry.createEngagement(h.admin, engagementBody(owner.user.id, newId('ven'))),
          'VALIDATION_FAILED',
          'vendorId',
        );
      });
    });

    describe('updates', () => {
      test('each update appends its event; owners may change only what they own', async () => {
        const owner = await h.person('owner');
        const other = await h.person('owner');
        const vendor = await h.registry.createVendor(h.admin, vendorBody(owner.user.id));
        const system = await h.registry.createSystem(h.admin, systemBody(owner.user.id));
        const engagement = await h.registry.createEngagement(
          h.admin,
          engagementBody(owner.user.id, vendor.id),
        );
        const { result: s } = await h.expectEvents(
          () => h.registry.updateSystem(owner.actor, system.id, { name: 'Renamed', tags: ['a'] }),
          ['system.updated'],
        );
        assert.equal(s.name, 'Renamed');
        assert.equal((await h.registry.getSystem(h.admin, system.id)).name, 'Renamed');
        await h.expectEvents(
          () => h.registry.updateVendor(owner.actor, vendor.id, { criticality: 'low' }),
          ['vendor.updated'],
        );
        await h.expectEvents(
          () => h.registry.updateEngagement(owner.actor, engagement.id, { systemIds: [system.id] }),
          ['engagement.updated'],
        );
        assert.deepEqual((await h.registry.getEngagement(h.admin, engagement.id)).systemIds, [system.id]);
        await h.expectRefused(
          () => h.registry.updateSystem(other.actor, system.id, { name: 'x' }),
          'FORBIDDEN',
        );
        await h.expectRefused(
          () => h.registry.updateVendor(other.actor, vendor.id, { criticality: 'low' }),
          'FORBIDDEN',
        );
        await h.expectRefused(
          () => h.registry.updateEngagement(other.actor, engagement.id, { title: 'x' }),
          'FORBIDDEN',
        );
        await h.expectRefused(
          () => h.registry.updateEngagement(owner.actor, engagement.id, { endDate: '2025-01-01' }),
          'VALIDATION_FAILED',
          'endDate',
        );
        const auditor = await h.person('auditor');
        await h.expectRefused(
          () => h.registry.createSystem(auditor.actor, systemBody(owner.user.id)),
          'FORBIDDEN',
        );
      });
    });

    describe('ownership transfer', () => {
      test('moves the system, records the transfer and appends ownership.transferred in the same transaction', async () => {
        const from = await h.person('owner');
        const to = await h.person('owner');
        const system = await h.registry.createSystem(h.admin, systemBody(from.user.id));
        const { result: transfer, entries } = await h.expectEvents(
          () =>
            h.registry.transferOwnership(h.admin, 'system', system.id, {
              newOwnerId: to.user.id,
              reason: 'reorganisation',
            }),
          ['ownership.transferred'],
        );
        assert.equal(transfer.fromUserId, from.user.id);
        assert.equal(transfer.toUserId, to.user.id);
        assert.equal(transfer.resourceType, 'system');
        assert.equal(transfer.actorId, ctx.admin.id);
        assert.equal(transfer.reason, 'reorganisation');
        assert.deepEqual(entries[0]?.subject, { type: 'system', id: system.id });
        assert.equal(entries[0]?.digest, digestOf(transfer));
        assert.equal((await h.registry.getSystem(h.admin, system.id)).ownerId, to.user.id);
        assert.deepEqual(await h.registry.listTransfers(h.admin, 'system', system.id), [transfer]);
        assert.deepEqual(await ctx.store.read.registry.listOwnedBy(h.orgId, from.user.id), []);
      });

      test('vendors and engagements transfer too', async () => {
        const from = await h.person('owner');
        const to = await h.person('owner');
        const vendor = await h.registry.createVendor(h.admin, vendorBody(from.user.id));
        const engagement = await h.registry.createEngagement(
          h.admin,
          engagementBody(from.user.id, vendor.id),
        );
        for (const [kind, id] of [
          ['vendor', vendor.id],
          ['engagement', engagement.id],
        ] as const) {
          const { entries } = await h.expectEvents(
            () =>
              h.registry.transferOwnership(from.actor, kind, id, {
                newOwnerId: to.user.id,
                reason: 'leaving',
              }),
            ['ownership.transferred'],
          );
          assert.deepEqual(entries[0]?.subject, { type: kind, id });
          const transfers = await h.registry.listTransfers(h.admin, kind, id);
          assert.equal(transfers.length, 1);
          assert.equal(transfers[0]?.toUserId, to.user.id);
        }
        assert.equal((await h.registry.getVendor(h.admin, vendor.id)).ownerId, to.user.id);
        assert.equal((await h.registry.getEngagement(h.admin, engagement.id)).ownerId, to.user.id);
      });

      test('is refused to the same owner, to an invalid owner, and for someone else’s item', async () => {
        const owner = await h.person('owner');
        const other = await h.person('owner');
        const auditor = await h.person('auditor');
        const system = await h.registry.createSystem(h.admin, systemBody(owner.user.id));
        const same = await h.expectRefused(
          () =>
            h.registry.transferOwnership(h.admin, 'system', system.id, {
              newOwnerId: owner.user.id,
              reason: 'x',
            }),
          'VALIDATION_FAILED',
          'newOwnerId',
        );
        assert.match(same.message, /already the accountable owner/);
        const auditorRefused = await h.expectRefused(
          () =>
            h.registry.transferOwnership(h.admin, 'system', system.id, {
              newOwnerId: auditor.user.id,
              reason: 'x',
            }),
          'VALIDATION_FAILED',
          'newOwnerId',
        );
        assert.equal(issuesOf(auditorRefused)[0]?.code, 'role');
        await h.expectRefused(
          () =>
            h.registry.transferOwnership(h.admin, 'system', system.id, {
              newOwnerId: newId('usr'),
              reason: 'x',
            }),
          'VALIDATION_FAILED',
          'newOwnerId',
        );
        await h.expectRefused(
          () =>
            h.registry.transferOwnership(other.actor, 'system', system.id, {
              newOwnerId: other.user.id,
              reason: 'x',
            }),
          'FORBIDDEN',
        );
        await h.expectRefused(
          () =>
            h.registry.transferOwnership(auditor.actor, 'system', system.id, {
              newOwnerId: other.user.id,
              reason: 'x',
            }),
          'FORBIDDEN',
        );
        await h.expectRefused(
          () =>
            h.registry.transferOwnership(h.admin, 'system', newId('sys'), {
              newOwnerId: other.user.id,
              reason: 'x',
            }),
          'NOT_FOUND',
        );
        assert.deepEqual(await h.registry.listTransfers(h.admin, 'system', system.id), []);
        assert.equal((await h.registry.getSystem(h.admin, system.id)).ownerId, owner.user.id);
      });

      test('an approval lapses when an approved system changes hands; the new owner approves again', async () => {
        const from = await h.person('owner');
        const to = await h.person('owner');
        const approved = await h.approvedSystem(from);
        assert.equal(approved.status, 'approved');
        await h.expectEvents(
          () =>
            h.registry.transferOwnership(h.admin, 'system', approved.id, {
              newOwnerId: to.user.id,
              reason: 'x',
            }),
          ['ownership.transferred'],
        );
        const lapsed = await h.registry.getSystem(h.admin, approved.id);
        assert.equal(lapsed.status, 'proposed');
        assert.equal(lapsed.approvedBy, null);
        assert.equal(lapsed.approvedAt, null);
        assert.equal(lapsed.riskTier, 'minimal', 'the classification stays');
        await h.expectRefused(() => h.registry.changeLifecycle(to.actor, approved.id, 'go_live'), 'CONFLICT');
        await h.expectEvents(
          () => h.registry.changeLifecycle(to.actor, approved.id, 'approve'),
          ['system.approved'],
        );
        const live = await h.expectEvents(
          () => h.registry.changeLifecycle(to.actor, approved.id, 'go_live'),
          ['system.went_live'],
        );
        assert.equal(live.result.status, 'live');
      });

      test('a live system keeps its status when it changes hands', async () => {
        const from = await h.person('owner');
        const to = await h.person('owner');
        const approved = await h.approvedSystem(from);
        await h.registry.changeLifecycle(from.actor, approved.id, 'go_live');
        await h.registry.transferOwnership(h.admin, 'system', approved.id, {
          newOwnerId: to.user.id,
          reason: 'x',
        });
        const after = await h.registry.getSystem(h.admin, approved.id);
        assert.equal(after.status, 'live');
        assert.equal(after.ownerId, to.user.id);
      });
    });

    describe('deactivating an owner', () => {
      test('is refused with CONFLICT listing what they own, and changes nothing', async () => {
        const owner = await h.person('owner');
        const vendor = await h.registry.createVendor(h.admin, vendorBody(owner.user.id));
        const system = await h.registry.createSystem(h.admin, systemBody(owner.user.id));
        const engagement = await h.registry.createEngagement(
          h.admin,
          engagementBody(owner.user.id, vendor.id),
        );
        const error = await h.expectRefused(
          () => ctx.services.identity.deactivateUser(h.admin, owner.user.id, {}),
          'CONFLICT',
        );
        assert.equal(error.details?.['field'], 'successorId');
        assert.deepEqual(error.details?.['owned'], [
          { kind: 'system', id: system.id },
          { kind: 'vendor', id: vendor.id },
          { kind: 'engagement', id: engagement.id },
        ]);
        assert.equal((await ctx.services.identity.getUser(h.admin, owner.user.id)).status, 'active');
      });

      test('with a successor, every item moves, each transfer is recorded, and the ledger has every step', async () => {
        const owner = await h.person('owner');
        const successor = await h.person('owner');
        const keys = [
          await ctx.services.identity.createApiKey(owner.actor, 'one'),
          await ctx.services.identity.createApiKey(owner.actor, 'two'),
        ];
        const vendor = await h.registry.createVendor(h.admin, vendorBody(owner.user.id));
        const system = await h.registry.createSystem(h.admin, systemBody(owner.user.id));
        const retired = await h.registry.createSystem(h.admin, systemBody(owner.user.id));
        await h.registry.changeLifecycle(h.admin, retired.id, 'retire');
        const engagement = await h.registry.createEngagement(
          h.admin,
          engagementBody(owner.user.id, vendor.id),
        );
        const owned = [
          { kind: 'system', id: system.id },
          { kind: 'vendor', id: vendor.id },
          { kind: 'engagement', id: engagement.id },
        ];
        const { result, entries } = await h.expectEvents(
          () =>
            ctx.services.identity.deactivateUser(h.admin, owner.user.id, { successorId: successor.user.id }),
          [
            'ownership.transferred',
            'ownership.transferred',
            'ownership.transferred',
            'apikey.revoked',
            'apikey.revoked',
            'user.deactivated',
          ],
        );
        assert.deepEqual(result.transferred, owned);
        assert.equal(result.user.status, 'deactivated');
        assert.deepEqual(
          entries.slice(0, 3).map((e) => e.subject),
          owned.map((o) => ({ type: o.kind, id: o.id })),
        );
        assert.deepEqual(
          entries
            .slice(3, 5)
            .map((e) => e.subject.id)
            .sort(),
          keys.map((k) => k.key.id).sort(),
        );
        for (const item of owned) {
          const transfers = await ctx.store.read.registry.listTransfers(h.orgId, item.id);
          assert.equal(transfers.length, 1, item.kind);
          assert.equal(transfers[0]?.fromUserId, owner.user.id);
          assert.equal(transfers[0]?.toUserId, successor.user.id);
          assert.equal(transfers[0]?.resourceType, item.kind);
        }
        assert.equal((await h.registry.getSystem(h.admin, system.id)).ownerId, successor.user.id);
        assert.equal((await h.registry.getVendor(h.admin, vendor.id)).ownerId, successor.user.id);
        assert.equal((await h.registry.getEngagement(h.admin, engagement.id)).ownerId, successor.user.id);
        assert.equal(
          (await h.registry.getSystem(h.admin, retired.id)).ownerId,
          owner.user.id,
          'retired systems stay',
        );
        assert.deepEqual(await ctx.store.read.registry.listOwnedBy(h.orgId, owner.user.id), []);
        for (const k of keys)
          await rejectsWithCode(ctx.services.identity.authenticateApiKey(k.secret), 'UNAUTHENTICATED');
      });

      test('an approved system moving to the successor loses its approval, so the successor can approve it', async () => {
        const owner = await h.person('owner');
        const successor = await h.person('owner');
        const approved = await h.approvedSystem(owner);
        await ctx.services.identity.deactivateUser(h.admin, owner.user.id, {
          successorId: successor.user.id,
        });
        const moved = await h.registry.getSystem(h.admin, approved.id);
        assert.equal(moved.ownerId, successor.user.id);
        assert.equal(moved.status, 'proposed');
        assert.equal(moved.approvedBy, null);
        await h.expectEvents(
          () => h.registry.changeLifecycle(successor.actor, approved.id, 'approve'),
          ['system.approved'],
        );
      });

      test('an invalid successor is refused naming successorId', async () => {
        const owner = await h.person('owner');
        const auditor = await h.person('auditor');
        await h.registry.createSystem(h.admin, systemBody(owner.user.id));
        for (const successorId of [auditor.user.id, newId('usr'), owner.user.id]) {
          await h.expectRefused(
            () => ctx.services.identity.deactivateUser(h.admin, owner.user.id, { successorId }),
            'VALIDATION_FAILED',
            'successorId',
          );
        }
        assert.equal((await ctx.services.identity.getUser(h.admin, owner.user.id)).status, 'active');
      });

      test('someone who owns nothing is deactivated without a successor', async () => {
        const auditor = await h.person('auditor');
        await h.expectEvents(
          () => ctx.services.identity.deactivateUser(h.admin, auditor.user.id, {}),
          ['user.deactivated'],
        );
        await h.expectRefused(
          () => ctx.services.identity.deactivateUser(h.admin, auditor.user.id, {}),
          'CONFLICT',
        );
      });
    });

    describe('lifecycle and classification', () => {
      test('classification is stored with its answers and result, and re-running it replaces them', async () => {
        const owner = await h.person('owner');
        const system = await h.registry.createSystem(h.admin, systemBody(owner.user.id));
        const { result: classified, entries } = await h.expectEvents(
          () => h.registry.classifySystem(owner.actor, system.id, MINIMAL),
          ['system.classified'],
        );
        assert.equal(classified.riskTier, 'minimal');
        assert.equal(entries[0]?.digest, digestOf(classified.classification));
        const stored = await h.registry.getSystem(h.admin, system.id);
        assert.deepEqual(stored.classification?.answers, MINIMAL);
        assert.equal(stored.classification?.result.tier, 'minimal');
        assert.ok(stored.classifiedAt);
        const { result: high } = await h.expectEvents(
          () => h.registry.classifySystem(owner.actor, system.id, HIGH),
          ['system.classified'],
        );
        assert.equal(high.riskTier, 'high');
        assert.deepEqual((await h.registry.getSystem(h.admin, system.id)).classification?.answers, HIGH);
        assert.equal(
          (await h.registry.listSystems(h.admin, { limit: 200, riskTier: 'high', ownerId: owner.user.id }))
            .total,
          1,
        );
      });

      test('invalid answers are refused naming the question; nothing is stored', async () => {
        const owner = await h.person('owner');
        const system = await h.registry.createSystem(h.admin, systemBody(owner.user.id));
        const error = await h.expectRefused(
          () => h.registry.classifySystem(owner.actor, system.id, { ...MINIMAL, social_scoring: 'maybe' }),
          'VALIDATION_FAILED',
        );
        assert.ok(
          issuesOf(error).some((i) => i.path === 'answers.social_scoring'),
          JSON.stringify(issuesOf(error)),
        );
        assert.equal((await h.registry.getSystem(h.admin, system.id)).riskTier, null);
      });

      test('a change of tier on an approved system lapses the approval; the same tier does not', async () => {
        const owner = await h.person('owner');
        const approved = await h.approvedSystem(owner);
        const same = await h.registry.classifySystem(owner.actor, approved.id, MINIMAL_TOO);
        assert.equal(same.riskTier, 'minimal');
        assert.equal(same.status, 'approved', 'same tier keeps the approval');
        assert.equal(same.approvedBy, owner.user.id);
        const changed = await h.registry.classifySystem(owner.actor, approved.id, HIGH);
        assert.equal(changed.status, 'proposed');
        assert.equal(changed.approvedBy, null);
        assert.equal(changed.approvedAt, null);
        assert.deepEqual(await h.registry.getSystem(h.admin, approved.id), changed);
      });

      test('approve, go live and retire follow the rules and record their events', async () => {
        const owner = await h.person('owner');
        const other = await h.person('owner');
        const system = await h.registry.createSystem(h.admin, systemBody(owner.user.id));
        await h.expectRefused(
          () => h.registry.changeLifecycle(owner.actor, system.id, 'approve'),
          'CONFLICT',
        );
        await h.registry.classifySystem(owner.actor, system.id, MINIMAL);
        await h.expectRefused(() => h.registry.changeLifecycle(h.admin, system.id, 'approve'), 'FORBIDDEN');
        await h.expectRefused(
          () => h.registry.changeLifecycle(other.actor, system.id, 'approve'),
          'FORBIDDEN',
        );
        await h.expectRefused(
          () => h.registry.changeLifecycle(owner.actor, system.id, 'go_live'),
          'CONFLICT',
        );
        const { result: approved, entries } = await h.expectEvents(
          () => h.registry.changeLifecycle(owner.actor, system.id, 'approve', 'reviewed'),
          ['system.approved'],
        );
        assert.equal(approved.approvedBy, owner.user.id);
        assert.equal(entries[0]?.digest, digestOf({ status: 'approved', note: 'reviewed' }));
        await h.expectRefused(
          () => h.registry.changeLifecycle(other.actor, system.id, 'go_live'),
          'FORBIDDEN',
        );
        await h.expectEvents(
          () => h.registry.changeLifecycle(h.admin, system.id, 'go_live'),
          ['system.went_live'],
        );
        await h.expectRefused(
          () => h.registry.changeLifecycle(owner.actor, system.id, 'approve'),
          'CONFLICT',
        );
        await h.expectEvents(
          () => h.registry.changeLifecycle(owner.actor, system.id, 'retire'),
          ['system.retired'],
        );
        await h.expectRefused(() => h.registry.changeLifecycle(owner.actor, system.id, 'retire'), 'CONFLICT');
        await h.expectRefused(
          () => h.registry.updateSystem(owner.actor, system.id, { name: 'x' }),
          'CONFLICT',
        );
        await h.expectRefused(() => h.registry.classifySystem(owner.actor, system.id, HIGH), 'CONFLICT');
        assert.equal((await h.registry.getSystem(h.admin, system.id)).status, 'retired');
      });

      test('a prohibited practice can be classified but never approved', async () => {
        const owner = await h.person('owner');
        const system = await h.registry.createSystem(h.admin, systemBody(owner.user.id));
        const classified = await h.registry.classifySystem(owner.actor, system.id, PROHIBITED);
        assert.equal(classified.riskTier, 'prohibited');
        const error = await h.expectRefused(
          () => h.registry.changeLifecycle(owner.actor, system.id, 'approve'),
          'CONFLICT',
        );
        assert.match(error.message, /prohibited/);
      });
    });

    describe('vendor users see only their own vendor', () => {
      test('in lists and single reads; anything else is NOT_FOUND', async () => {
        const owner = await h.person('owner');
        const v1 = await h.registry.createVendor(h.admin, vendorBody(owner.user.id));
        const v2 = await h.registry.createVendor(h.admin, vendorBody(owner.user.id));
        const s1 = await h.registry.createSystem(h.admin, systemBody(owner.user.id, { vendorId: v1.id }));
        const s2 = await h.registry.createSystem(h.admin, systemBody(owner.user.id, { vendorId: v2.id }));
        const s3 = await h.registry.createSystem(h.admin, systemBody(owner.user.id));
        const s4 = await h.registry.createSystem(h.admin, systemBody(owner.user.id));
        const e1 = await h.registry.createEngagement(h.admin, engagementBody(owner.user.id, v1.id, [s3.id]));
        const e2 = await h.registry.createEngagement(h.admin, engagementBody(owner.user.id, v2.id, [s2.id]));
        const { actor: vendor } = await h.person('vendor', v1.id);
        const sorted = (ids: string[]) => [...ids].sort();

        const systems = await h.registry.listSystems(vendor, { limit: 200 });
        assert.deepEqual(sorted(systems.items.map((s) => s.id)), sorted([s1.id, s3.id]));
        assert.equal(systems.total, 2);
        assert.equal((await h.registry.listSystems(vendor, { limit: 200, vendorId: v2.id })).total, 0);
        assert.deepEqual((await h.registry.getSystem(vendor, s1.id)).id, s1.id);
        assert.deepEqual(
          (await h.registry.getSystem(vendor, s3.id)).id,
          s3.id,
          'linked through its engagement',
        );
        await rejectsWithCode(h.registry.getSystem(vendor, s2.id), 'NOT_FOUND');
        await rejectsWithCode(h.registry.getSystem(vendor, s4.id), 'NOT_FOUND');
        await rejectsWithCode(h.registry.listTransfers(vendor, 'system', s2.id), 'NOT_FOUND');

        const vendors = await h.registry.listVendors(vendor, { limit: 200 });
        assert.deepEqual(
          vendors.items.map((v) => v.id),
          [v1.id],
        );
        assert.equal(vendors.total, 1);
        assert.equal((await h.registry.getVendor(vendor, v1.id)).id, v1.id);
        await rejectsWithCode(h.registry.getVendor(vendor, v2.id), 'NOT_FOUND');

        const engagements = await h.registry.listEngagements(vendor, { limit: 200 });
        assert.deepEqual(
          engagements.items.map((e) => e.id),
          [e1.id],
        );
        assert.equal((await h.registry.listEngagements(vendor, { limit: 200, vendorId: v2.id })).total, 0);
        assert.equal((await h.registry.getEngagement(vendor, e1.id)).id, e1.id);
        await rejectsWithCode(h.registry.getEngagement(vendor, e2.id), 'NOT_FOUND');

        await rejectsWithCode(h.registry.createSystem(vendor, systemBody(owner.user.id)), 'FORBIDDEN');
        await rejectsWithCode(h.registry.updateVendor(vendor, v1.id, { criticality: 'low' }), 'FORBIDDEN');

        // Staff see all of it.
        const all = await h.registry.listSystems(h.admin, { limit: 200, ownerId: owner.user.id });
        assert.deepEqual(sorted(all.items.map((s) => s.id)), sorted([s1.id, s2.id, s3.id, s4.id]));
      });
    });

    describe('atomicity: a failed ledger append leaves no change behind', () => {
      /** The same database, but every transaction's ledger append fails (before or after writing). */
      function failingLedger(store: Store, when: 'before-write' | 'after-write'): Store {
        const wrap = (tx: Repositories): Repositories => {
          const ledger: LedgerStore = {
            ...tx.ledger,
            async writeAppend(...args) {
              if (when === 'after-write') await tx.ledger.writeAppend(...args);
              throw new Error('ledger append failed');
            },
          };
          return { ...tx, ledger };
        };
        return new Proxy(store, {
          get(target, prop, receiver) {
            if (prop === 'transaction')
              return <T>(fn: (tx: Repositories) => Promise<T>) => target.transaction((tx) => fn(wrap(tx)));
            return Reflect.get(target, prop, receiver) as unknown;
          },
        });
      }

      for (const when of ['before-write', 'after-write'] as const)
        test(`when the append fails ${when}, no registry or identity write survives`, async () => {
          const owner = await h.person('owner');
          const successor = await h.person('owner');
          const vendor = await h.registry.createVendor(h.admin, vendorBody(owner.user.id));
          const system = await h.registry.createSystem(h.admin, systemBody(owner.user.id));
          const approvable = await h.registry.createSystem(h.admin, systemBody(owner.user.id));
          await h.registry.classifySystem(owner.actor, approvable.id, MINIMAL);
          const key = await ctx.services.identity.createApiKey(owner.actor, 'k');
          const broken = composeServices(failingLedger(ctx.store, when), {
            masterKey: testMasterKey(),
            originHost: 'test.oversight.local',
          });

          const snapshot = async () => ({
            head: await ctx.store.read.ledger.readHead(h.orgId),
            entries: await ctx.services.ledger.entries(h.orgId, 0, 100_000),
            systems: await h.registry.listSystems(h.admin, { limit: 200, ownerId: owner.user.id }),
            vendors: await h.registry.listVendors(h.admin, { limit: 200, ownerId: owner.user.id }),
            engagements: await h.registry.listEngagements(h.admin, { limit: 200, ownerId: owner.user.id }),
            transfers: await ctx.store.read.registry.listTransfers(h.orgId, system.id),
            owner: await ctx.store.read.identity.getUser(h.orgId, owner.user.id),
            users: (await ctx.store.read.identity.listUsers(h.orgId, {}, { limit: 200 })).total,
            key: await ctx.store.read.identity.getApiKey(h.orgId, key.key.id),
          });
          const before = await snapshot();
          const r = broken.registry;
          const writes: [string, () => Promise<unknown>][] = [
            ['createSystem', () => r.createSystem(h.admin, systemBody(owner.user.id))],
            ['createVendor', () => r.createVendor(h.admin, vendorBody(owner.user.id))],
            [
              'createEngagement',
              () => r.createEngagement(h.admin, engagementBody(owner.user.id, vendor.id, [system.id])),
            ],
            ['updateSystem', () => r.updateSystem(h.admin, system.id, { name: 'changed' })],
            ['updateVendor', () => r.updateVendor(h.admin, vendor.id, { criticality: 'low' })],
            ['classifySystem', () => r.classifySystem(owner.actor, system.id, HIGH)],
            ['approve', () => r.changeLifecycle(owner.actor, approvable.id, 'approve')],
            ['retire', () => r.changeLifecycle(h.admin, system.id, 'retire')],
            [
              'transferOwnership',
              () =>
                r.transferOwnership(h.admin, 'system', system.id, {
                  newOwnerId: successor.user.id,
                  reason: 'x',
                }),
            ],
            [
              'deactivateUser',
              () =>
                broken.identity.deactivateUser(h.admin, owner.user.id, { successorId: successor.user.id }),
            ],
            [
              'createUser',
              () =>
                broken.identity.createUser(h.admin, { email: 'x@acme.example', name: 'X', role: 'owner' }),
            ],
            ['revokeApiKey', () => broken.identity.revokeApiKey(h.admin, key.key.id)],
          ];
          for (const [name, write] of writes) {
            await assert.rejects(write(), /ledger append failed/, name);
            assert.deepEqual(await snapshot(), before, `${name} left nothing behind`);
          }
          // The real services carry on from the same head, and the log verifies.
          await h.expectEvents(
            () => h.registry.updateSystem(h.admin, system.id, { name: 'after the failures' }),
            ['system.updated'],
          );
          await h.assertVerifies();
        });
    });
  });
