import { ID_PREFIXES } from '../../../../contract/src/common.ts';
import type {
  CreateEngagementBody,
  CreateSystemBody,
  CreateVendorBody,
  EngagementListQuery,
  OwnedKind,
  SystemListQuery,
  TransferOwnershipBody,
  UpdateEngagementBody,
  UpdateSystemBody,
  UpdateVendorBody,
  VendorListQuery,
} from '../../../../contract/src/registry.ts';
import type { LedgerEvent } from '../../../../contract/src/ledger.ts';
import { AppError, fieldError, notFound, validationError } from '../../shared/app-error.ts';
import type { Clock } from '../../shared/clock.ts';
import { newId } from '../../shared/ids.ts';
import type { Repositories, Store } from '../../store.ts';
import { assertAllowed, assertCanOwn, assertRoleAllowed, ledgerActor } from '../identity/identity-service.ts';
import type { Actor } from '../identity/identity-types.ts';
import type { Action } from '../identity/policy.ts';
import { authorize } from '../identity/policy.ts';
import type { LedgerService } from '../ledger/ledger-service.ts';
import { classifyAiAct } from './ai-act.ts';
import { applyLifecycle, withLapsedApproval, type LifecycleAction } from './lifecycle.ts';
import type { AiSystem, Engagement, OwnershipTransfer, Vendor } from './registry-types.ts';

export type RegistryDeps = { store: Store; clock: Clock; ledger: Pick<LedgerService, 'append'> };

const LIFECYCLE_EVENTS: Record<LifecycleAction, { event: LedgerEvent; action: Action }> = {
  approve: { event: 'system.approved', action: 'system.approve' },
  go_live: { event: 'system.went_live', action: 'system.go_live' },
  retire: { event: 'system.retired', action: 'system.retire' },
};

/** AI systems, vendors and engagements, each with its accountable owner. */
export function createRegistryService(deps: RegistryDeps) {
  const { store, clock, ledger } = deps;
  const now = () => clock.now().toISOString();

  async function record(
    tx: Repositories,
    actor: Actor,
    type: LedgerEvent,
    subject: { type: string; id: string },
    change: unknown,
  ) {
    await ledger.append(tx, actor.organizationId, [{ type, actor: ledgerActor(actor), subject, change }]);
  }

  async function requireOwner(tx: Repositories, actor: Actor, ownerId: string, field = 'ownerId') {
    assertCanOwn(await tx.identity.getUser(actor.organizationId, ownerId), ownerId, field);
  }
  async function requireVendorRef(tx: Repositories, actor: Actor, vendorId: string, field = 'vendorId') {
    if (!(await tx.registry.getVendor(actor.organizationId, vendorId)))
      throw fieldError(field, `no vendor ${vendorId} in this organisation`, 'not_found');
  }
  async function requireSystemRefs(tx: Repositories, actor: Actor, ids: string[]) {
    const issues = [];
    for (const [i, id] of ids.entries())
      if (!(await tx.registry.getSystem(actor.organizationId, id)))
        issues.push({
          path: `systemIds.${i}`,
          code: 'not_found',
          message: `no AI system ${id} in this organisation`,
        });
    if (issues.length > 0) throw validationError(issues);
  }

  /** Vendor users see only their vendor's records; anything else is reported as absent. */
  async function vendorIdsOfSystem(system: AiSystem): Promise<string[]> {
    const linked = await store.read.registry.listEngagements(
      system.organizationId,
      { systemId: system.id },
      { limit: 200 },
    );
    return [...(system.vendorId ? [system.vendorId] : []), ...linked.items.map((e) => e.vendorId)];
  }
  function assertVisible(actor: Actor, what: string, id: string, vendorIds: string[]) {
    if (!authorize(actor, 'registry.read', { vendorIds }).ok) throw notFound(what, id);
  }
  const vendorScope = (actor: Actor) =>
    actor.type === 'user' && actor.role === 'vendor' ? (actor.vendorId ?? '-') : undefined;

  async function loadSystem(tx: Repositories, actor: Actor, id: string): Promise<AiSystem> {
    const s = await tx.registry.getSystem(actor.organizationId, id);
    if (!s) throw notFound('AI system', id);
    return s;
  }
  async function loadVendor(tx: Repositories, actor: Actor, id: string): Promise<Vendor> {
    const v = await tx.registry.getVendor(actor.organizationId, id);
    if (!v) throw notFound('vendor', id);
    return v;
  }
  async function loadEngagement(tx: Repositories, actor: Actor, id: string): Promise<Engagement> {
    const e = await tx.registry.getEngagement(actor.organizationId, id);
    if (!e) throw notFound('engagement', id);
    return e;
  }

  async function transfer(actor: Actor, kind: OwnedKind, id: string, body: TransferOwnershipBody) {
    assertRoleAllowed(actor, 'registry.transfer');
    return store.transaction(async (tx) => {
      const current =
        kind === 'system'
          ? await loadSystem(tx, actor, id)
          : kind === 'vendor'
            ? await loadVendor(tx, actor, id)
            : await loadEngagement(tx, actor, id);
      assertAllowed(actor, 'registry.transfer', { ownerId: current.ownerId });
      if (body.newOwnerId === current.ownerId)
        throw fieldError('newOwnerId', 'is already the accountable owner');
      await requireOwner(tx, actor, body.newOwnerId, 'newOwnerId');
      const at = now();
      if (kind === 'system') {
        const lapsed = withLapsedApproval({
          ...(current as AiSystem),
          ownerId: body.newOwnerId,
          updatedAt: at,
        });
        await tx.registry.updateSystem(lapsed);
      } else await tx.registry.setOwner(actor.organizationId, kind, id, body.newOwnerId, at);
      const t: OwnershipTransfer = {
        id: newId(ID_PREFIXES.transfer),
        organizationId: actor.organizationId,
        resourceType: kind,
        resourceId: id,
        fromUserId: current.ownerId,
        toUserId: body.newOwnerId,
        reason: body.reason,
        actorId: actor.type === 'user' ? actor.id : 'system',
        at,
      };
      await tx.registry.insertTransfer(t);
      await record(tx, actor, 'ownership.transferred', { type: kind, id }, t);
      return t;
    });
  }

  return {
    /** Registers an AI system; refused without a valid accountable owner. */
    async createSystem(actor: Actor, body: CreateSystemBody) {
      assertAllowed(actor, 'registry.create');
      return store.transaction(async (tx) => {
        await requireOwner(tx, actor, body.ownerId);
        if (body.vendorId) await requireVendorRef(tx, actor, body.vendorId);
        const at = now();
        const system: AiSystem = {
          id: newId(ID_PREFIXES.system),
          organizationId: actor.organizationId,
          name: body.name,
          description: body.description,
          purpose: body.purpose,
          kind: body.kind,
          vendorId: body.vendorId ?? null,
          ownerId: body.ownerId,
          status: 'proposed',
          riskTier: null,
          classification: null,
          classifiedAt: null,
          approvedBy: null,
          approvedAt: null,
          decidesAboutCustomers: body.decidesAboutCustomers,
          public: body.public,
          tags: body.tags,
          createdAt: at,
          updatedAt: at,
        };
        await tx.registry.insertSystem(system);
        await record(tx, actor, 'system.registered', { type: 'system', id: system.id }, system);
        return system;
      });
    },

    async getSystem(actor: Actor, id: string) {
      assertAllowed(actor, 'registry.read');
      const s = await loadSystem(store.read, actor, id);
      if (vendorScope(actor)) assertVisible(actor, 'AI system', id, await vendorIdsOfSystem(s));
      return s;
    },

    async listSystems(actor: Actor, q: SystemListQuery) {
      assertAllowed(actor, 'registry.read');
      return store.read.registry.listSystems(
        actor.organizationId,
        {
          q: q.q,
          status: q.status,
          kind: q.kind,
          riskTier: q.riskTier,
          ownerId: q.ownerId,
          vendorId: q.vendorId,
          visibleToVendorId: vendorScope(actor),
        },
        q,
      );
    },

    async updateSystem(actor: Actor, id: string, body: UpdateSystemBody) {
      assertRoleAllowed(actor, 'registry.update');
      return store.transaction(async (tx) => {
        const s = await loadSystem(tx, actor, id);
        assertAllowed(actor, 'registry.update', { ownerId: s.ownerId });
        if (s.status === 'retired') throw new AppError('CONFLICT', 'a retired system cannot be changed');
        if (body.vendorId) await requireVendorRef(tx, actor, body.vendorId);
        const next: AiSystem = { ...s, ...stripUndefined(body), updatedAt: now() };
        await tx.registry.updateSystem(next);
        await record(tx, actor, 'system.updated', { type: 'system', id }, body);
        return next;
      });
    },

    /** Runs the EU AI Act questionnaire for a system and stores the tier and obligations with it. */
    async classifySystem(actor: Actor, id: string, answers: unknown) {
      assertRoleAllowed(actor, 'system.classify');
      return store.transaction(async (tx) => {
        const s = await loadSystem(tx, actor, id);
        assertAllowed(actor, 'system.classify', { ownerId: s.ownerId });
        if (s.status === 'retired') throw new AppError('CONFLICT', 'a retired system cannot be reclassified');
        const result = classifyAiAct(answers);
        if (!result.ok)
          throw validationError(
            result.issues.map((i) => ({ path: i.path, code: 'invalid', message: i.message })),
          );
        const at = now();
        let next: AiSystem = {
          ...s,
          riskTier: result.value.tier,
          classification: { answers: answers as Record<string, unknown>, result: result.value },
          classifiedAt: at,
          updatedAt: at,
        };
        if (s.riskTier !== result.value.tier) next = withLapsedApproval(next);
        await tx.registry.updateSystem(next);
        await record(tx, actor, 'system.classified', { type: 'system', id }, next.classification);
        return next;
      });
    },

    /** Approves, takes live or retires a system, following the lifecycle rules. */
    async changeLifecycle(actor: Actor, id: string, action: LifecycleAction, note?: string) {
      assertRoleAllowed(actor, LIFECYCLE_EVENTS[action].action);
      return store.transaction(async (tx) => {
        const s = await loadSystem(tx, actor, id);
        assertAllowed(actor, LIFECYCLE_EVENTS[action].action, { ownerId: s.ownerId });
        const result = applyLifecycle(s, action, actor.type === 'user' ? actor.id : 'system', now());
        if (!result.ok) throw new AppError('CONFLICT', result.reason);
        await tx.registry.updateSystem(result.value);
        await record(
          tx,
          actor,
          LIFECYCLE_EVENTS[action].event,
          { type: 'system', id },
          { status: result.value.status, note: note ?? null },
        );
        return result.value;
      });
    },

    async createVendor(actor: Actor, body: CreateVendorBody) {
      assertAllowed(actor, 'registry.create');
      return store.transaction(async (tx) => {
        await requireOwner(tx, actor, body.ownerId);
        const at = now();
        const vendor: Vendor = {
          id: newId(ID_PREFIXES.vendor),
          organizationId: actor.organizationId,
          legalName: body.legalName,
          contactName: body.contactName,
          contactEmail: body.contactEmail,
          dpaSigned: body.dpaSigned,
          dpaSignedAt: body.dpaSignedAt ?? null,
          dataLocations: body.dataLocations,
          subProcessors: body.subProcessors,
          criticality: body.criticality,
          ownerId: body.ownerId,
          public: body.public,
          createdAt: at,
          updatedAt: at,
        };
        await tx.registry.insertVendor(vendor);
        await record(tx, actor, 'vendor.registered', { type: 'vendor', id: vendor.id }, vendor);
        return vendor;
      });
    },

    async getVendor(actor: Actor, id: string) {
      assertAllowed(actor, 'registry.read');
      const v = await loadVendor(store.read, actor, id);
      if (vendorScope(actor)) assertVisible(actor, 'vendor', id, [v.id]);
      return v;
    },

    async listVendors(actor: Actor, q: VendorListQuery) {
      assertAllowed(actor, 'registry.read');
      return store.read.registry.listVendors(
        actor.organizationId,
        {
          q: q.q,
          criticality: q.criticality,
          dpaSigned: q.dpaSigned,
          ownerId: q.ownerId,
          onlyId: vendorScope(actor),
        },
        q,
      );
    },

    async updateVendor(actor: Actor, id: string, body: UpdateVendorBody) {
      assertRoleAllowed(actor, 'registry.update');
      return store.transaction(async (tx) => {
        const v = await loadVendor(tx, actor, id);
        assertAllowed(actor, 'registry.update', { ownerId: v.ownerId });
        const next: Vendor = { ...v, ...stripUndefined(body), updatedAt: now() };
        if (!next.dpaSigned && next.dpaSignedAt)
          throw fieldError('dpaSignedAt', 'is only allowed when dpaSigned is true');
        await tx.registry.updateVendor(next);
        await record(tx, actor, 'vendor.updated', { type: 'vendor', id }, body);
        return next;
      });
    },

    async createEngagement(actor: Actor, body: CreateEngagementBody) {
      assertAllowed(actor, 'registry.create');
      return store.transaction(async (tx) => {
        await requireOwner(tx, actor, body.ownerId);
        await requireVendorRef(tx, actor, body.vendorId);
        const systemIds = [...new Set(body.systemIds)];
        await requireSystemRefs(tx, actor, systemIds);
        const at = now();
        const engagement: Engagement = {
          id: newId(ID_PREFIXES.engagement),
          organizationId: actor.organizationId,
          title: body.title,
          task: body.task,
          vendorId: body.vendorId,
          systemIds,
          ownerId: body.ownerId,
          startDate: body.startDate,
          endDate: body.endDate ?? null,
          createdAt: at,
          updatedAt: at,
        };
        await tx.registry.insertEngagement(engagement);
        await record(
          tx,
          actor,
          'engagement.registered',
          { type: 'engagement', id: engagement.id },
          engagement,
        );
        return engagement;
      });
    },

    async getEngagement(actor: Actor, id: string) {
      assertAllowed(actor, 'registry.read');
      const e = await loadEngagement(store.read, actor, id);
      if (vendorScope(actor)) assertVisible(actor, 'engagement', id, [e.vendorId]);
      return e;
    },

    async listEngagements(actor: Actor, q: EngagementListQuery) {
      assertAllowed(actor, 'registry.read');
      const scope = vendorScope(actor);
      if (scope && q.vendorId && q.vendorId !== scope) return { items: [], nextCursor: null, total: 0 };
      return store.read.registry.listEngagements(
        actor.organizationId,
        {
          q: q.q,
          vendorId: scope ?? q.vendorId,
          ownerId: q.ownerId,
          systemId: q.systemId,
          endingBefore: q.endingBefore,
        },
        q,
      );
    },

    async updateEngagement(actor: Actor, id: string, body: UpdateEngagementBody) {
      assertRoleAllowed(actor, 'registry.update');
      return store.transaction(async (tx) => {
        const e = await loadEngagement(tx, actor, id);
        assertAllowed(actor, 'registry.update', { ownerId: e.ownerId });
        const systemIds = body.systemIds ? [...new Set(body.systemIds)] : e.systemIds;
        if (body.systemIds) await requireSystemRefs(tx, actor, systemIds);
        const next: Engagement = { ...e, ...stripUndefined(body), systemIds, updatedAt: now() };
        if (next.endDate && next.endDate < next.startDate)
          throw fieldError('endDate', 'must not be before startDate');
        await tx.registry.updateEngagement(next);
        await record(tx, actor, 'engagement.updated', { type: 'engagement', id }, body);
        return next;
      });
    },

    /** Moves accountability for one item to another active in-house user, with a reason, on the record. */
    transferOwnership: transfer,

    /** The ownership history of one item. */
    async listTransfers(actor: Actor, kind: OwnedKind, id: string) {
      if (kind === 'system') await this.getSystem(actor, id);
      else if (kind === 'vendor') await this.getVendor(actor, id);
      else await this.getEngagement(actor, id);
      return store.read.registry.listTransfers(actor.organizationId, id);
    },
  };
}

export type RegistryService = ReturnType<typeof createRegistryService>;

function stripUndefined<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}
