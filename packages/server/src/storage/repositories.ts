import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { Page } from '../../../contract/src/common.ts';
import type { IdentityStore, PageRequest } from '../modules/identity/identity-store.ts';
import type { ApiKey, Organization, Session, User } from '../modules/identity/identity-types.ts';
import type { LedgerHead, LedgerStore, StoredNode } from '../modules/ledger/ledger-store.ts';
import type { NodeId } from '../modules/ledger/merkle.ts';
import type { RegistryStore } from '../modules/registry/registry-store.ts';
import type { AiSystem, Engagement, OwnershipTransfer, Vendor } from '../modules/registry/registry-types.ts';
import type { Repositories } from '../store.ts';
import type { TrustStore } from '../modules/trust/trust-store.ts';
import type { TrustContent } from '../../../contract/src/trust.ts';
import type { Database } from './db-schema.ts';
import type { SqlFlavour } from './migrations.ts';

type Db = Kysely<Database>;
const HASH_SIZE = 32;

/** Builds every port on one Kysely handle (the pool, or a transaction). */
export function createRepositories(db: Db, flavour: SqlFlavour): Repositories {
  return {
    identity: identityRepository(db),
    registry: registryRepository(db),
    ledger: ledgerRepository(db, flavour),
    trust: trustRepository(db),
  };
}

// ---- shared helpers -------------------------------------------------------------------------

const bool = (v: boolean): number => (v ? 1 : 0);
const num = (v: number | string): number => Number(v);
const likePattern = (q: string): string => `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

async function paginate<O extends { id: string }, R>(
  query: SelectQueryBuilder<Database, keyof Database, O>,
  idColumn: string,
  page: PageRequest,
  map: (row: O) => R,
): Promise<Page<R>> {
  const countRow = await query
    .clearSelect()
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  let q = query;
  if (page.cursor) q = q.where(sql.ref(idColumn), '>', page.cursor);
  const rows = await q
    .orderBy(sql.ref(idColumn))
    .limit(page.limit + 1)
    .execute();
  const more = rows.length > page.limit;
  const items = (more ? rows.slice(0, page.limit) : rows).map(map);
  const last = rows[page.limit - 1];
  return { items, nextCursor: more && last ? last.id : null, total: Number(countRow.n) };
}

// ---- identity --------------------------------------------------------------------------------

function toOrganization(r: Database['organizations']): Organization {
  return { id: r.id, name: r.name, slug: r.slug, demo: r.demo === 1, createdAt: r.created_at };
}
function toUser(r: Database['users']): User {
  return {
    id: r.id,
    organizationId: r.organization_id,
    email: r.email,
    name: r.name,
    role: r.role as User['role'],
    vendorId: r.vendor_id,
    status: r.status as User['status'],
    passwordHash: r.password_hash,
    createdAt: r.created_at,
    deactivatedAt: r.deactivated_at,
  };
}
function toApiKey(r: Database['api_keys']): ApiKey {
  return {
    id: r.id,
    organizationId: r.organization_id,
    userId: r.user_id,
    name: r.name,
    prefix: r.prefix,
    secretHash: r.secret_hash,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
  };
}
function toSession(r: Database['sessions']): Session {
  return {
    id: r.id,
    organizationId: r.organization_id,
    userId: r.user_id,
    csrfToken: r.csrf_token,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    endedAt: r.ended_at,
  };
}

function identityRepository(db: Db): IdentityStore {
  return {
    async insertOrganization(o) {
      await db
        .insertInto('organizations')
        .values({ id: o.id, name: o.name, slug: o.slug, demo: bool(o.demo), created_at: o.createdAt })
        .execute();
    },
    async getOrganization(id) {
      const r = await db.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst();
      return r && toOrganization(r);
    },
    async getOrganizationBySlug(slug) {
      const r = await db.selectFrom('organizations').selectAll().where('slug', '=', slug).executeTakeFirst();
      return r && toOrganization(r);
    },
    async listOrganizations() {
      return (await db.selectFrom('organizations').selectAll().orderBy('id').execute()).map(toOrganization);
    },
    async insertUser(u) {
      await db
        .insertInto('users')
        .values({
          id: u.id,
          organization_id: u.organizationId,
          email: u.email,
          name: u.name,
          role: u.role,
          vendor_id: u.vendorId,
          status: u.status,
          password_hash: u.passwordHash,
          created_at: u.createdAt,
          deactivated_at: u.deactivatedAt,
        })
        .execute();
    },
    async getUser(organizationId, id) {
      const r = await db
        .selectFrom('users')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .where('id', '=', id)
        .executeTakeFirst();
      return r && toUser(r);
    },
    async findUsersByEmail(email) {
      return (await db.selectFrom('users').selectAll().where('email', '=', email).execute()).map(toUser);
    },
    async listUsers(organizationId, filter, page) {
      let q = db.selectFrom('users').selectAll().where('organization_id', '=', organizationId);
      if (filter.role) q = q.where('role', '=', filter.role);
      if (filter.status) q = q.where('status', '=', filter.status);
      if (filter.q) {
        const p = likePattern(filter.q);
        q = q.where((eb) =>
          eb.or([
            eb(sql`lower(name)`, 'like', sql`${p} escape '\\'`),
            eb(sql`lower(email)`, 'like', sql`${p} escape '\\'`),
          ]),
        );
      }
      return paginate(q, 'id', page, toUser);
    },
    async setUserStatus(organizationId, id, status, at) {
      await db
        .updateTable('users')
        .set({ status, deactivated_at: at })
        .where('organization_id', '=', organizationId)
        .where('id', '=', id)
        .execute();
    },
    async insertApiKey(k) {
      await db
        .insertInto('api_keys')
        .values({
          id: k.id,
          organization_id: k.organizationId,
          user_id: k.userId,
          name: k.name,
          prefix: k.prefix,
          secret_hash: k.secretHash,
          created_at: k.createdAt,
          last_used_at: k.lastUsedAt,
          revoked_at: k.revokedAt,
        })
        .execute();
    },
    async getApiKeyByPrefix(prefix) {
      const r = await db.selectFrom('api_keys').selectAll().where('prefix', '=', prefix).executeTakeFirst();
      return r && toApiKey(r);
    },
    async getApiKey(organizationId, id) {
      const r = await db
        .selectFrom('api_keys')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .where('id', '=', id)
        .executeTakeFirst();
      return r && toApiKey(r);
    },
    async listApiKeys(organizationId, userId) {
      let q = db.selectFrom('api_keys').selectAll().where('organization_id', '=', organizationId);
      if (userId) q = q.where('user_id', '=', userId);
      return (await q.orderBy('id').execute()).map(toApiKey);
    },
    async revokeApiKey(organizationId, id, at) {
      await db
        .updateTable('api_keys')
        .set({ revoked_at: at })
        .where('organization_id', '=', organizationId)
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .execute();
    },
    async touchApiKey(organizationId, id, at) {
      await db
        .updateTable('api_keys')
        .set({ last_used_at: at })
        .where('organization_id', '=', organizationId)
        .where('id', '=', id)
        .execute();
    },
    async revokeApiKeysOfUser(organizationId, userId, at) {
      const rows = await db
        .updateTable('api_keys')
        .set({ revoked_at: at })
        .where('organization_id', '=', organizationId)
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .returning('id')
        .execute();
      return rows.map((r) => r.id);
    },
    async insertSession(s) {
      await db
        .insertInto('sessions')
        .values({
          id: s.id,
          organization_id: s.organizationId,
          user_id: s.userId,
          csrf_token: s.csrfToken,
          created_at: s.createdAt,
          expires_at: s.expiresAt,
          ended_at: s.endedAt,
        })
        .execute();
    },
    async getSession(id) {
      const r = await db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
      return r && toSession(r);
    },
    async endSession(id, at) {
      await db
        .updateTable('sessions')
        .set({ ended_at: at })
        .where('id', '=', id)
        .where('ended_at', 'is', null)
        .execute();
    },
    async endSessionsOfUser(organizationId, userId, at) {
      await db
        .updateTable('sessions')
        .set({ ended_at: at })
        .where('organization_id', '=', organizationId)
        .where('user_id', '=', userId)
        .where('ended_at', 'is', null)
        .execute();
    },
  };
}

// ---- registry --------------------------------------------------------------------------------

function toSystem(r: Database['systems']): AiSystem {
  return {
    id: r.id,
    organizationId: r.organization_id,
    name: r.name,
    description: r.description,
    purpose: r.purpose,
    kind: r.kind as AiSystem['kind'],
    vendorId: r.vendor_id,
    ownerId: r.owner_id,
    status: r.status as AiSystem['status'],
    riskTier: r.risk_tier as AiSystem['riskTier'],
    classification: r.classification ? (JSON.parse(r.classification) as AiSystem['classification']) : null,
    classifiedAt: r.classified_at,
    approvedBy: r.approved_by,
    approvedAt: r.approved_at,
    decidesAboutCustomers: r.decides_about_customers === 1,
    public: r.public === 1,
    tags: JSON.parse(r.tags) as string[],
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
function systemRow(s: AiSystem): Database['systems'] {
  return {
    id: s.id,
    organization_id: s.organizationId,
    name: s.name,
    description: s.description,
    purpose: s.purpose,
    kind: s.kind,
    vendor_id: s.vendorId,
    owner_id: s.ownerId,
    status: s.status,
    risk_tier: s.riskTier,
    classification: s.classification ? JSON.stringify(s.classification) : null,
    classified_at: s.classifiedAt,
    approved_by: s.approvedBy,
    approved_at: s.approvedAt,
    decides_about_customers: bool(s.decidesAboutCustomers),
    public: bool(s.public),
    tags: JSON.stringify(s.tags),
    created_at: s.createdAt,
    updated_at: s.updatedAt,
  };
}
function toVendor(r: Database['vendors']): Vendor {
  return {
    id: r.id,
    organizationId: r.organization_id,
    legalName: r.legal_name,
    contactName: r.contact_name,
    contactEmail: r.contact_email,
    dpaSigned: r.dpa_signed === 1,
    dpaSignedAt: r.dpa_signed_at,
    dataLocations: JSON.parse(r.data_locations) as string[],
    subProcessors: JSON.parse(r.sub_processors) as Vendor['subProcessors'],
    criticality: r.criticality as Vendor['criticality'],
    ownerId: r.owner_id,
    public: r.public === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
function vendorRow(v: Vendor): Database['vendors'] {
  return {
    id: v.id,
    organization_id: v.organizationId,
    legal_name: v.legalName,
    contact_name: v.contactName,
    contact_email: v.contactEmail,
    dpa_signed: bool(v.dpaSigned),
    dpa_signed_at: v.dpaSignedAt,
    data_locations: JSON.stringify(v.dataLocations),
    sub_processors: JSON.stringify(v.subProcessors),
    criticality: v.criticality,
    owner_id: v.ownerId,
    public: bool(v.public),
    created_at: v.createdAt,
    updated_at: v.updatedAt,
  };
}
function toEngagement(r: Database['engagements'], systemIds: string[]): Engagement {
  return {
    id: r.id,
    organizationId: r.organization_id,
    title: r.title,
    task: r.task,
    vendorId: r.vendor_id,
    systemIds,
    ownerId: r.owner_id,
    startDate: r.start_date,
    endDate: r.end_date,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
function engagementRow(e: Engagement): Database['engagements'] {
  return {
    id: e.id,
    organization_id: e.organizationId,
    title: e.title,
    task: e.task,
    vendor_id: e.vendorId,
    owner_id: e.ownerId,
    start_date: e.startDate,
    end_date: e.endDate,
    created_at: e.createdAt,
    updated_at: e.updatedAt,
  };
}

const OWNED_TABLES = { system: 'systems', vendor: 'vendors', engagement: 'engagements' } as const;

function registryRepository(db: Db): RegistryStore {
  async function systemIdsOf(
    organizationId: string,
    engagementIds: string[],
  ): Promise<Map<string, string[]>> {
    const map = new Map<string, string[]>(engagementIds.map((id) => [id, []]));
    if (engagementIds.length === 0) return map;
    const rows = await db
      .selectFrom('engagement_systems')
      .select(['engagement_id', 'system_id'])
      .where('organization_id', '=', organizationId)
      .where('engagement_id', 'in', engagementIds)
      .orderBy('system_id')
      .execute();
    for (const r of rows) map.get(r.engagement_id)?.push(r.system_id);
    return map;
  }
  async function writeSystemLinks(e: Engagement): Promise<void> {
    await db
      .deleteFrom('engagement_systems')
      .where('organization_id', '=', e.organizationId)
      .where('engagement_id', '=', e.id)
      .execute();
    if (e.systemIds.length > 0)
      await db
        .insertInto('engagement_systems')
        .values(
          e.systemIds.map((s) => ({ organization_id: e.organizationId, engagement_id: e.id, system_id: s })),
        )
        .execute();
  }
  return {
    async insertSystem(s) {
      await db.insertInto('systems').values(systemRow(s)).execute();
    },
    async getSystem(organizationId, id) {
      const r = await db
        .selectFrom('systems')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .where('id', '=', id)
        .executeTakeFirst();
      return r && toSystem(r);
    },
    async updateSystem(s) {
      const { id, organization_id, created_at, ...rest } = systemRow(s);
      void created_at;
      await db
        .updateTable('systems')
        .set(rest)
        .where('organization_id', '=', organization_id)
        .where('id', '=', id)
        .execute();
    },
    async listSystems(organizationId, f, page) {
      let q = db.selectFrom('systems').selectAll().where('organization_id', '=', organizationId);
      if (f.status) q = q.where('status', '=', f.status);
      if (f.kind) q = q.where('kind', '=', f.kind);
      if (f.riskTier === 'unclassified') q = q.where('risk_tier', 'is', null);
      else if (f.riskTier) q = q.where('risk_tier', '=', f.riskTier);
      if (f.ownerId) q = q.where('owner_id', '=', f.ownerId);
      if (f.vendorId) q = q.where('vendor_id', '=', f.vendorId);
      if (f.visibleToVendorId) {
        const vendorId = f.visibleToVendorId;
        q = q.where((eb) =>
          eb.or([
            eb('vendor_id', '=', vendorId),
            eb(
              'id',
              'in',
              eb
                .selectFrom('engagement_systems')
                .innerJoin('engagements', 'engagements.id', 'engagement_systems.engagement_id')
                .select('engagement_systems.system_id')
                .where('engagements.organization_id', '=', organizationId)
                .where('engagements.vendor_id', '=', vendorId),
            ),
          ]),
        );
      }
      if (f.q) {
        const p = likePattern(f.q);
        q = q.where((eb) =>
          eb.or([
            eb(sql`lower(name)`, 'like', sql`${p} escape '\\'`),
            eb(sql`lower(description)`, 'like', sql`${p} escape '\\'`),
            eb(sql`lower(purpose)`, 'like', sql`${p} escape '\\'`),
          ]),
        );
      }
      return paginate(q, 'id', page, toSystem);
    },

    async insertVendor(v) {
      await db.insertInto('vendors').values(vendorRow(v)).execute();
    },
    async getVendor(organizationId, id) {
      const r = await db
        .selectFrom('vendors')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .where('id', '=', id)
        .executeTakeFirst();
      return r && toVendor(r);
    },
    async updateVendor(v) {
      const { id, organization_id, created_at, ...rest } = vendorRow(v);
      void created_at;
      await db
        .updateTable('vendors')
        .set(rest)
        .where('organization_id', '=', organization_id)
        .where('id', '=', id)
        .execute();
    },
    async listVendors(organizationId, f, page) {
      let q = db.selectFrom('vendors').selectAll().where('organization_id', '=', organizationId);
      if (f.criticality) q = q.where('criticality', '=', f.criticality);
      if (f.dpaSigned !== undefined) q = q.where('dpa_signed', '=', bool(f.dpaSigned));
      if (f.ownerId) q = q.where('owner_id', '=', f.ownerId);
      if (f.onlyId) q = q.where('id', '=', f.onlyId);
      if (f.q) {
        const p = likePattern(f.q);
        q = q.where((eb) =>
          eb.or([
            eb(sql`lower(legal_name)`, 'like', sql`${p} escape '\\'`),
            eb(sql`lower(contact_name)`, 'like', sql`${p} escape '\\'`),
          ]),
        );
      }
      return paginate(q, 'id', page, toVendor);
    },

    async insertEngagement(e) {
      await db.insertInto('engagements').values(engagementRow(e)).execute();
      await writeSystemLinks(e);
    },
    async getEngagement(organizationId, id) {
      const r = await db
        .selectFrom('engagements')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .where('id', '=', id)
        .executeTakeFirst();
      if (!r) return undefined;
      const links = await systemIdsOf(organizationId, [r.id]);
      return toEngagement(r, links.get(r.id) ?? []);
    },
    async updateEngagement(e) {
      const { id, organization_id, created_at, ...rest } = engagementRow(e);
      void created_at;
      await db
        .updateTable('engagements')
        .set(rest)
        .where('organization_id', '=', organization_id)
        .where('id', '=', id)
        .execute();
      await writeSystemLinks(e);
    },
    async listEngagements(organizationId, f, page) {
      let q = db.selectFrom('engagements').selectAll().where('organization_id', '=', organizationId);
      if (f.vendorId) q = q.where('vendor_id', '=', f.vendorId);
      if (f.ownerId) q = q.where('owner_id', '=', f.ownerId);
      if (f.endingBefore) q = q.where('end_date', 'is not', null).where('end_date', '<', f.endingBefore);
      if (f.systemId) {
        const systemId = f.systemId;
        q = q.where('id', 'in', (eb) =>
          eb
            .selectFrom('engagement_systems')
            .select('engagement_id')
            .where('organization_id', '=', organizationId)
            .where('system_id', '=', systemId),
        );
      }
      if (f.q) {
        const p = likePattern(f.q);
        q = q.where((eb) =>
          eb.or([
            eb(sql`lower(title)`, 'like', sql`${p} escape '\\'`),
            eb(sql`lower(task)`, 'like', sql`${p} escape '\\'`),
          ]),
        );
      }
      const page1 = await paginate(q, 'id', page, (r) => r);
      const links = await systemIdsOf(
        organizationId,
        page1.items.map((r) => r.id),
      );
      return { ...page1, items: page1.items.map((r) => toEngagement(r, links.get(r.id) ?? [])) };
    },

    async insertTransfer(t: OwnershipTransfer) {
      await db
        .insertInto('ownership_transfers')
        .values({
          id: t.id,
          organization_id: t.organizationId,
          resource_type: t.resourceType,
          resource_id: t.resourceId,
          from_user_id: t.fromUserId,
          to_user_id: t.toUserId,
          reason: t.reason,
          actor_id: t.actorId,
          at: t.at,
        })
        .execute();
    },
    async listTransfers(organizationId, resourceId) {
      const rows = await db
        .selectFrom('ownership_transfers')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .where('resource_id', '=', resourceId)
        .orderBy('id')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        organizationId: r.organization_id,
        resourceType: r.resource_type as OwnershipTransfer['resourceType'],
        resourceId: r.resource_id,
        fromUserId: r.from_user_id,
        toUserId: r.to_user_id,
        reason: r.reason,
        actorId: r.actor_id,
        at: r.at,
      }));
    },
    async listOwnedBy(organizationId, userId) {
      const out: { kind: 'system' | 'vendor' | 'engagement'; id: string }[] = [];
      for (const kind of ['system', 'vendor', 'engagement'] as const) {
        let q = db
          .selectFrom(OWNED_TABLES[kind])
          .select('id')
          .where('organization_id', '=', organizationId)
          .where('owner_id', '=', userId);
        if (kind === 'system') q = q.where('status', '!=', 'retired');
        for (const r of await q.orderBy('id').execute()) out.push({ kind, id: r.id });
      }
      return out;
    },
    async setOwner(organizationId, kind, id, ownerId, at) {
      await db
        .updateTable(OWNED_TABLES[kind])
        .set({ owner_id: ownerId, updated_at: at })
        .where('organization_id', '=', organizationId)
        .where('id', '=', id)
        .execute();
    },
  };
}

// ---- ledger ----------------------------------------------------------------------------------

function packHashes(hashes: Uint8Array[]): Buffer {
  return Buffer.concat(hashes.map((h) => Buffer.from(h)));
}
function unpackHashes(blob: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < blob.length; i += HASH_SIZE)
    out.push(Uint8Array.prototype.slice.call(blob, i, i + HASH_SIZE));
  return out;
}
const bytes = (b: Uint8Array): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

function ledgerRepository(db: Db, flavour: SqlFlavour): LedgerStore {
  async function readHead(organizationId: string, lock: boolean): Promise<LedgerHead> {
    let q = db
      .selectFrom('ledger_heads')
      .select(['size', 'frontier'])
      .where('organization_id', '=', organizationId);
    if (lock && flavour === 'postgres') q = q.forUpdate();
    const r = await q.executeTakeFirst();
    if (!r) return { size: 0, frontier: [] };
    return { size: num(r.size), frontier: unpackHashes(r.frontier) };
  }
  return {
    async initHead(organizationId, at) {
      await db
        .insertInto('ledger_heads')
        .values({ organization_id: organizationId, size: 0, frontier: Buffer.alloc(0), updated_at: at })
        .execute();
    },
    lockHead: (organizationId) => readHead(organizationId, true),
    readHead: (organizationId) => readHead(organizationId, false),
    async writeAppend(organizationId, entries, nodes, head, at) {
      if (entries.length > 0)
        for (let i = 0; i < entries.length; i += 500)
          await db
            .insertInto('ledger_entries')
            .values(
              entries.slice(i, i + 500).map((e) => ({
                organization_id: organizationId,
                idx: e.index,
                leaf: e.leaf,
                leaf_hash: Buffer.from(e.leafHash),
                event_type: e.type,
                actor_id: e.actorId,
                subject_id: e.subjectId,
              })),
            )
            .execute();
      // Level-0 hashes live with their entries; only interior perfect-subtree nodes are stored here.
      const interior = nodes.filter((n) => n.level > 0);
      for (let i = 0; i < interior.length; i += 500)
        await db
          .insertInto('ledger_nodes')
          .values(
            interior.slice(i, i + 500).map((n) => ({
              organization_id: organizationId,
              level: n.level,
              idx: n.index,
              hash: Buffer.from(n.hash),
            })),
          )
          .execute();
      const result = await db
        .updateTable('ledger_heads')
        .set({ size: head.size, frontier: packHashes(head.frontier), updated_at: at })
        .where('organization_id', '=', organizationId)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) throw new Error(`ledger head missing for ${organizationId}`);
    },
    async readEntries(organizationId, start, limit) {
      const rows = await db
        .selectFrom('ledger_entries')
        .select(['idx', 'leaf', 'leaf_hash'])
        .where('organization_id', '=', organizationId)
        .where('idx', '>=', start)
        .orderBy('idx')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ index: num(r.idx), leaf: r.leaf, leafHash: bytes(r.leaf_hash) }));
    },
    async searchEntries(organizationId, s) {
      let q = db
        .selectFrom('ledger_entries')
        .select(['idx', 'leaf', 'leaf_hash'])
        .where('organization_id', '=', organizationId);
      if (s.subjectId) q = q.where('subject_id', '=', s.subjectId);
      if (s.actorId) q = q.where('actor_id', '=', s.actorId);
      if (s.type) q = q.where('event_type', '=', s.type);
      if (s.before !== undefined) q = q.where('idx', '<', s.before);
      const rows = await q.orderBy('idx', 'desc').limit(s.limit).execute();
      return rows.map((r) => ({ index: num(r.idx), leaf: r.leaf, leafHash: bytes(r.leaf_hash) }));
    },
    async readNodes(organizationId, ids: NodeId[]) {
      const leaves = ids.filter((n) => n.level === 0).map((n) => n.index);
      const out: StoredNode[] = [];
      // Chunked: SQLite caps an expression's depth at 1000, and a batch may be any size.
      for (let i = 0; i < leaves.length; i += 500) {
        const rows = await db
          .selectFrom('ledger_entries')
          .select(['idx', 'leaf_hash'])
          .where('organization_id', '=', organizationId)
          .where('idx', 'in', leaves.slice(i, i + 500))
          .execute();
        for (const r of rows) out.push({ level: 0, index: num(r.idx), hash: bytes(r.leaf_hash) });
      }
      // One round trip: (level, idx) IN ((…), …) is an indexed lookup per pair on both engines.
      const interior = ids.filter((n) => n.level > 0);
      for (let i = 0; i < interior.length; i += 200) {
        const part = interior.slice(i, i + 200);
        const rows = await db
          .selectFrom('ledger_nodes')
          .select(['level', 'idx', 'hash'])
          .where('organization_id', '=', organizationId)
          .where((eb) =>
            eb(
              eb.refTuple('level', 'idx'),
              'in',
              part.map((n) => eb.tuple(n.level, n.index)),
            ),
          )
          .execute();
        for (const r of rows) out.push({ level: r.level, index: num(r.idx), hash: bytes(r.hash) });
      }
      return out;
    },
    async readNodeRange(organizationId, level, from, to) {
      const rows = await db
        .selectFrom('ledger_nodes')
        .select(['idx', 'hash'])
        .where('organization_id', '=', organizationId)
        .where('level', '=', level)
        .where('idx', '>=', from)
        .where('idx', '<', to)
        .execute();
      return rows.map((r) => ({ level, index: num(r.idx), hash: bytes(r.hash) }));
    },
    async insertCheckpoint(organizationId, c) {
      await db
        .insertInto('ledger_checkpoints')
        .values({
          organization_id: organizationId,
          size: c.size,
          root_hash: Buffer.from(c.rootHash),
          note: c.note,
          created_at: c.createdAt,
        })
        .onConflict((oc) => oc.columns(['organization_id', 'size']).doNothing())
        .execute();
    },
    async latestCheckpoint(organizationId) {
      const r = await db
        .selectFrom('ledger_checkpoints')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .orderBy('size', 'desc')
        .limit(1)
        .executeTakeFirst();
      return r && { size: num(r.size), rootHash: bytes(r.root_hash), note: r.note, createdAt: r.created_at };
    },
    async listCheckpoints(organizationId) {
      const rows = await db
        .selectFrom('ledger_checkpoints')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .orderBy('size')
        .execute();
      return rows.map((r) => ({
        size: num(r.size),
        rootHash: bytes(r.root_hash),
        note: r.note,
        createdAt: r.created_at,
      }));
    },
    async insertKey(organizationId, k) {
      await db
        .insertInto('ledger_keys')
        .values({
          organization_id: organizationId,
          name: k.name,
          public_key: Buffer.from(k.publicKey),
          sealed_private_key: Buffer.from(k.sealedPrivateKey),
          created_at: k.createdAt,
        })
        .execute();
    },
    async getKey(organizationId) {
      const r = await db
        .selectFrom('ledger_keys')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .executeTakeFirst();
      return (
        r && {
          name: r.name,
          publicKey: bytes(r.public_key),
          sealedPrivateKey: bytes(r.sealed_private_key),
          createdAt: r.created_at,
        }
      );
    },
  };
}

// ---- trust portal ----------------------------------------------------------------------------

function trustRepository(db: Db): TrustStore {
  return {
    async getContent(organizationId) {
      const r = await db
        .selectFrom('trust_content')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .executeTakeFirst();
      return r && { content: JSON.parse(r.content) as TrustContent, updatedAt: r.updated_at };
    },
    async putContent(organizationId, content, at) {
      await db
        .insertInto('trust_content')
        .values({ organization_id: organizationId, content: JSON.stringify(content), updated_at: at })
        .onConflict((oc) =>
          oc.column('organization_id').doUpdateSet({ content: JSON.stringify(content), updated_at: at }),
        )
        .execute();
    },
  };
}
