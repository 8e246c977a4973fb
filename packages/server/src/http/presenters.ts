/**
 * Presenters copy named fields only. Password hashes, key hashes, sealed keys and anything not
 * listed here can never reach a response by accident.
 */
import type { ApiKey, Organization, User } from '../modules/identity/identity-types.ts';
import type { AiSystem, Engagement, OwnershipTransfer, Vendor } from '../modules/registry/registry-types.ts';
import type { Page } from '../../../contract/src/common.ts';
import type { LedgerEntry } from '../modules/ledger/entry.ts';

export function presentOrganization(o: Organization) {
  return { id: o.id, name: o.name, slug: o.slug, demo: o.demo, createdAt: o.createdAt };
}

export function presentUser(u: User) {
  return {
    id: u.id,
    organizationId: u.organizationId,
    email: u.email,
    name: u.name,
    role: u.role,
    vendorId: u.vendorId,
    status: u.status,
    createdAt: u.createdAt,
    deactivatedAt: u.deactivatedAt,
  };
}

export function presentApiKey(k: ApiKey) {
  return {
    id: k.id,
    userId: k.userId,
    name: k.name,
    prefix: `ovs_${k.prefix}`,
    createdAt: k.createdAt,
    lastUsedAt: k.lastUsedAt,
    revokedAt: k.revokedAt,
  };
}

export function presentSystem(s: AiSystem) {
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    purpose: s.purpose,
    kind: s.kind,
    vendorId: s.vendorId,
    ownerId: s.ownerId,
    status: s.status,
    riskTier: s.riskTier,
    classifiedAt: s.classifiedAt,
    approvedBy: s.approvedBy,
    approvedAt: s.approvedAt,
    decidesAboutCustomers: s.decidesAboutCustomers,
    public: s.public,
    tags: [...s.tags],
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}

export function presentClassification(s: AiSystem) {
  return {
    systemId: s.id,
    riskTier: s.riskTier,
    classifiedAt: s.classifiedAt,
    answers: s.classification?.answers ?? null,
    result: s.classification?.result ?? null,
  };
}

export function presentVendor(v: Vendor) {
  return {
    id: v.id,
    legalName: v.legalName,
    contactName: v.contactName,
    contactEmail: v.contactEmail,
    dpaSigned: v.dpaSigned,
    dpaSignedAt: v.dpaSignedAt,
    dataLocations: [...v.dataLocations],
    subProcessors: v.subProcessors.map((p) => ({ name: p.name, location: p.location, purpose: p.purpose })),
    criticality: v.criticality,
    ownerId: v.ownerId,
    public: v.public,
    createdAt: v.createdAt,
    updatedAt: v.updatedAt,
  };
}

export function presentEngagement(e: Engagement) {
  return {
    id: e.id,
    title: e.title,
    task: e.task,
    vendorId: e.vendorId,
    systemIds: [...e.systemIds],
    ownerId: e.ownerId,
    startDate: e.startDate,
    endDate: e.endDate,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
  };
}

export function presentTransfer(t: OwnershipTransfer) {
  return {
    id: t.id,
    resourceType: t.resourceType,
    resourceId: t.resourceId,
    fromUserId: t.fromUserId,
    toUserId: t.toUserId,
    reason: t.reason,
    actorId: t.actorId,
    at: t.at,
  };
}

export function presentPage<T, R>(page: Page<T>, present: (t: T) => R): Page<R> {
  return { items: page.items.map(present), nextCursor: page.nextCursor, total: page.total };
}

export function presentLedgerEntry(e: LedgerEntry & { leaf: string }) {
  return {
    index: e.index,
    at: e.at,
    type: e.type,
    actor: { type: e.actor.type, id: e.actor.id },
    subject: { type: e.subject.type, id: e.subject.id },
    digest: e.digest,
    leaf: e.leaf,
  };
}
