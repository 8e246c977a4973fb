import { z } from 'zod';
import {
  EngagementId,
  pageSchema,
  SystemId,
  UserId,
  VendorId,
  ApiKeyId,
} from '../../../contract/src/common.ts';
import {
  ApiKeyView,
  CreateApiKeyBody,
  CreatedApiKeyView,
  CreateUserBody,
  DeactivateUserBody,
  LoginBody,
  OrganizationView,
  SessionView,
  UserListQuery,
  UserView,
} from '../../../contract/src/identity.ts';
import {
  ConsistencyProofQuery,
  ConsistencyProofView,
  InclusionProofQuery,
  InclusionProofView,
  LedgerEntriesQuery,
  LedgerEntriesView,
  LedgerVerifyView,
} from '../../../contract/src/ledger.ts';
import {
  CreateEngagementBody,
  CreateSystemBody,
  CreateVendorBody,
  EngagementListQuery,
  EngagementView,
  LifecycleBody,
  SystemListQuery,
  SystemView,
  TransferOwnershipBody,
  TransferView,
  UpdateEngagementBody,
  UpdateSystemBody,
  UpdateVendorBody,
  VendorListQuery,
  VendorView,
} from '../../../contract/src/registry.ts';
import type { Services } from '../compose.ts';
import { AppError } from '../shared/app-error.ts';
import {
  presentApiKey,
  presentClassification,
  presentEngagement,
  presentLedgerEntry,
  presentOrganization,
  presentPage,
  presentSystem,
  presentTransfer,
  presentUser,
  presentVendor,
} from './presenters.ts';
import { route, type RouteDef } from './route.ts';
import { LedgerSearchQuery, LedgerSearchView, OverviewView } from '../../../contract/src/overview.ts';
import { PublicTrustView, TrustContent, TrustContentView } from '../../../contract/src/trust.ts';
import { clearSessionCookie, setSessionCookie, sessionTokenFrom } from './session-cookie.ts';

const ALL = ['admin', 'owner', 'auditor', 'vendor'] as const;
const STAFF = ['admin', 'owner', 'auditor'] as const;
const WRITERS = ['admin', 'owner'] as const;

const idParams = <T extends z.ZodType>(id: T) => z.strictObject({ id });
const ClassificationView = z.object({
  systemId: SystemId,
  riskTier: z.string().nullable(),
  classifiedAt: z.string().nullable(),
  answers: z.record(z.string(), z.unknown()).nullable(),
  result: z.unknown(),
});

/** The whole HTTP API as data: router, OpenAPI document and authorisation tests read it. */
export function buildRoutes(s: Services): RouteDef[] {
  const lifecycle = (
    action: 'approve' | 'go_live' | 'retire',
    path: string,
    summary: string,
    roles: readonly ('admin' | 'owner')[],
  ) =>
    route({
      method: 'post',
      path: `/v1/systems/:id/${path}`,
      summary,
      tag: 'AI systems',
      auth: 'authenticated',
      roles,
      params: idParams(SystemId),
      body: LifecycleBody,
      response: SystemView,
      handler: async ({ actor, params, body }) =>
        presentSystem(await s.registry.changeLifecycle(actor, params.id, action, body.note)),
    });

  return [
    // ---- sessions and identity
    route({
      method: 'post',
      path: '/v1/sessions',
      summary: 'Log in with e-mail and password; sets the session cookie and returns the CSRF token',
      tag: 'Sessions',
      auth: 'public',
      body: LoginBody,
      response: SessionView,
      status: 201,
      handler: async ({ body, c }) => {
        const r = await s.identity.login(body);
        setSessionCookie(c, r.token, r.session.expiresAt);
        return {
          user: presentUser(r.user),
          organization: presentOrganization(r.organization),
          csrfToken: r.session.csrfToken,
          expiresAt: r.session.expiresAt,
        };
      },
    }),
    route({
      method: 'get',
      path: '/v1/sessions/current',
      summary: 'The current session (cookie) with its CSRF token',
      tag: 'Sessions',
      auth: 'authenticated',
      roles: ALL,
      response: SessionView,
      handler: async ({ c }) => {
        const token = sessionTokenFrom(c);
        if (!token) throw new AppError('UNAUTHENTICATED', 'no session cookie');
        const r = await s.identity.authenticateSession(token);
        return {
          user: presentUser(r.user),
          organization: presentOrganization(r.organization),
          csrfToken: r.session.csrfToken,
          expiresAt: r.session.expiresAt,
        };
      },
    }),
    route({
      method: 'delete',
      path: '/v1/sessions/current',
      summary: 'Log out',
      tag: 'Sessions',
      auth: 'authenticated',
      roles: ALL,
      status: 204,
      handler: async ({ c }) => {
        const token = sessionTokenFrom(c);
        if (token) await s.identity.logout(token);
        clearSessionCookie(c);
        return undefined;
      },
    }),
    route({
      method: 'get',
      path: '/v1/organization',
      summary: "The caller's organisation",
      tag: 'Organisation',
      auth: 'authenticated',
      roles: ALL,
      response: OrganizationView,
      handler: async ({ actor }) => presentOrganization(await s.identity.getOrganization(actor)),
    }),
    route({
      method: 'get',
      path: '/v1/users',
      summary: 'List users (search by name or e-mail, filter by role and status)',
      tag: 'Users',
      auth: 'authenticated',
      roles: STAFF,
      query: UserListQuery,
      response: pageSchema(UserView),
      handler: async ({ actor, query }) => presentPage(await s.identity.listUsers(actor, query), presentUser),
    }),
    route({
      method: 'post',
      path: '/v1/users',
      summary: 'Create a user',
      tag: 'Users',
      auth: 'authenticated',
      roles: ['admin'],
      body: CreateUserBody,
      response: UserView,
      status: 201,
      handler: async ({ actor, body }) => presentUser(await s.identity.createUser(actor, body)),
    }),
    route({
      method: 'get',
      path: '/v1/users/:id',
      summary: 'One user',
      tag: 'Users',
      auth: 'authenticated',
      roles: STAFF,
      params: idParams(UserId),
      response: UserView,
      handler: async ({ actor, params }) => presentUser(await s.identity.getUser(actor, params.id)),
    }),
    route({
      method: 'post',
      path: '/v1/users/:id/deactivate',
      summary: 'Deactivate a user; refused with 409 while they own anything unless successorId is given',
      tag: 'Users',
      auth: 'authenticated',
      roles: ['admin'],
      params: idParams(UserId),
      body: DeactivateUserBody,
      response: z.object({
        user: UserView,
        transferred: z.array(z.object({ kind: z.string(), id: z.string() })),
      }),
      handler: async ({ actor, params, body }) => {
        const r = await s.identity.deactivateUser(actor, params.id, body);
        return { user: presentUser(r.user), transferred: r.transferred };
      },
    }),
    route({
      method: 'get',
      path: '/v1/api-keys',
      summary: "The caller's API keys (admins: all=true for every key of the organisation)",
      tag: 'API keys',
      auth: 'authenticated',
      roles: ALL,
      query: z.strictObject({ all: z.enum(['true', 'false']).default('false') }),
      response: z.object({ items: z.array(ApiKeyView) }),
      handler: async ({ actor, query }) => ({
        items: (await s.identity.listApiKeys(actor, query.all === 'true')).map(presentApiKey),
      }),
    }),
    route({
      method: 'post',
      path: '/v1/api-keys',
      summary: 'Issue an API key for the caller; the secret is shown in this response only',
      tag: 'API keys',
      auth: 'authenticated',
      roles: ALL,
      body: CreateApiKeyBody,
      response: CreatedApiKeyView,
      status: 201,
      handler: async ({ actor, body }) => {
        const r = await s.identity.createApiKey(actor, body.name);
        return { ...presentApiKey(r.key), secret: r.secret };
      },
    }),
    route({
      method: 'delete',
      path: '/v1/api-keys/:id',
      summary: 'Revoke an API key',
      tag: 'API keys',
      auth: 'authenticated',
      roles: ALL,
      params: idParams(ApiKeyId),
      response: ApiKeyView,
      handler: async ({ actor, params }) => presentApiKey(await s.identity.revokeApiKey(actor, params.id)),
    }),

    // ---- AI systems
    route({
      method: 'get',
      path: '/v1/systems',
      summary: 'List AI systems (search, filter by status, kind, risk tier, owner, vendor)',
      tag: 'AI systems',
      auth: 'authenticated',
      roles: ALL,
      query: SystemListQuery,
      response: pageSchema(SystemView),
      handler: async ({ actor, query }) =>
        presentPage(await s.registry.listSystems(actor, query), presentSystem),
    }),
    route({
      method: 'post',
      path: '/v1/systems',
      summary: 'Register an AI system with its accountable owner',
      tag: 'AI systems',
      auth: 'authenticated',
      roles: WRITERS,
      body: CreateSystemBody,
      response: SystemView,
      status: 201,
      handler: async ({ actor, body }) => presentSystem(await s.registry.createSystem(actor, body)),
    }),
    route({
      method: 'get',
      path: '/v1/systems/:id',
      summary: 'One AI system',
      tag: 'AI systems',
      auth: 'authenticated',
      roles: ALL,
      params: idParams(SystemId),
      response: SystemView,
      handler: async ({ actor, params }) => presentSystem(await s.registry.getSystem(actor, params.id)),
    }),
    route({
      method: 'patch',
      path: '/v1/systems/:id',
      summary: 'Update an AI system (its owner or an admin)',
      tag: 'AI systems',
      auth: 'authenticated',
      roles: WRITERS,
      params: idParams(SystemId),
      body: UpdateSystemBody,
      response: SystemView,
      handler: async ({ actor, params, body }) =>
        presentSystem(await s.registry.updateSystem(actor, params.id, body)),
    }),
    route({
      method: 'get',
      path: '/v1/systems/:id/classification',
      summary: 'The stored EU AI Act classification: answers, tier and deployer obligations',
      tag: 'AI systems',
      auth: 'authenticated',
      roles: ALL,
      params: idParams(SystemId),
      response: ClassificationView,
      handler: async ({ actor, params }) =>
        presentClassification(await s.registry.getSystem(actor, params.id)),
    }),
    route({
      method: 'put',
      path: '/v1/systems/:id/classification',
      summary:
        'Answer the EU AI Act questionnaire; stores the tier and obligations and re-runs on every change',
      tag: 'AI systems',
      auth: 'authenticated',
      roles: WRITERS,
      params: idParams(SystemId),
      body: z.strictObject({ answers: z.record(z.string(), z.unknown()) }),
      response: ClassificationView,
      handler: async ({ actor, params, body }) =>
        presentClassification(await s.registry.classifySystem(actor, params.id, body.answers)),
    }),
    lifecycle('approve', 'approve', "Record the accountable owner's approval", WRITERS),
    lifecycle(
      'go_live',
      'go-live',
      "Take an approved system live (requires the current owner's approval)",
      WRITERS,
    ),
    lifecycle('retire', 'retire', 'Retire a system', WRITERS),
    ...(['system', 'vendor', 'engagement'] as const).flatMap((kind) => {
      const plural = `${kind}s`;
      const idSchema = kind === 'system' ? SystemId : kind === 'vendor' ? VendorId : EngagementId;
      const tag = kind === 'system' ? 'AI systems' : kind === 'vendor' ? 'Vendors' : 'Engagements';
      return [
        route({
          method: 'post',
          path: `/v1/${plural}/:id/transfer`,
          summary: `Transfer accountability for a ${kind} to another active in-house user`,
          tag,
          auth: 'authenticated',
          roles: WRITERS,
          params: idParams(idSchema),
          body: TransferOwnershipBody,
          response: TransferView,
          handler: async ({ actor, params, body }) =>
            presentTransfer(await s.registry.transferOwnership(actor, kind, params.id, body)),
        }),
        route({
          method: 'get',
          path: `/v1/${plural}/:id/transfers`,
          summary: `Ownership history of a ${kind}`,
          tag,
          auth: 'authenticated',
          roles: ALL,
          params: idParams(idSchema),
          response: z.object({ items: z.array(TransferView) }),
          handler: async ({ actor, params }) => ({
            items: (await s.registry.listTransfers(actor, kind, params.id)).map(presentTransfer),
          }),
        }),
      ];
    }),

    // ---- vendors
    route({
      method: 'get',
      path: '/v1/vendors',
      summary: 'List vendors (search, filter by criticality, DPA, owner)',
      tag: 'Vendors',
      auth: 'authenticated',
      roles: ALL,
      query: VendorListQuery,
      response: pageSchema(VendorView),
      handler: async ({ actor, query }) =>
        presentPage(await s.registry.listVendors(actor, query), presentVendor),
    }),
    route({
      method: 'post',
      path: '/v1/vendors',
      summary: 'Register a vendor with its accountable owner',
      tag: 'Vendors',
      auth: 'authenticated',
      roles: WRITERS,
      body: CreateVendorBody,
      response: VendorView,
      status: 201,
      handler: async ({ actor, body }) => presentVendor(await s.registry.createVendor(actor, body)),
    }),
    route({
      method: 'get',
      path: '/v1/vendors/:id',
      summary: 'One vendor',
      tag: 'Vendors',
      auth: 'authenticated',
      roles: ALL,
      params: idParams(VendorId),
      response: VendorView,
      handler: async ({ actor, params }) => presentVendor(await s.registry.getVendor(actor, params.id)),
    }),
    route({
      method: 'patch',
      path: '/v1/vendors/:id',
      summary: 'Update a vendor',
      tag: 'Vendors',
      auth: 'authenticated',
      roles: WRITERS,
      params: idParams(VendorId),
      body: UpdateVendorBody,
      response: VendorView,
      handler: async ({ actor, params, body }) =>
        presentVendor(await s.registry.updateVendor(actor, params.id, body)),
    }),

    // ---- engagements
    route({
      method: 'get',
      path: '/v1/engagements',
      summary: 'List outsourced engagements (search, filter by vendor, owner, system, end date)',
      tag: 'Engagements',
      auth: 'authenticated',
      roles: ALL,
      query: EngagementListQuery,
      response: pageSchema(EngagementView),
      handler: async ({ actor, query }) =>
        presentPage(await s.registry.listEngagements(actor, query), presentEngagement),
    }),
    route({
      method: 'post',
      path: '/v1/engagements',
      summary: 'Register an outsourced engagement with its accountable owner',
      tag: 'Engagements',
      auth: 'authenticated',
      roles: WRITERS,
      body: CreateEngagementBody,
      response: EngagementView,
      status: 201,
      handler: async ({ actor, body }) => presentEngagement(await s.registry.createEngagement(actor, body)),
    }),
    route({
      method: 'get',
      path: '/v1/engagements/:id',
      summary: 'One engagement',
      tag: 'Engagements',
      auth: 'authenticated',
      roles: ALL,
      params: idParams(EngagementId),
      response: EngagementView,
      handler: async ({ actor, params }) =>
        presentEngagement(await s.registry.getEngagement(actor, params.id)),
    }),
    route({
      method: 'patch',
      path: '/v1/engagements/:id',
      summary: 'Update an engagement',
      tag: 'Engagements',
      auth: 'authenticated',
      roles: WRITERS,
      params: idParams(EngagementId),
      body: UpdateEngagementBody,
      response: EngagementView,
      handler: async ({ actor, params, body }) =>
        presentEngagement(await s.registry.updateEngagement(actor, params.id, body)),
    }),

    // ---- overview and trust portal
    route({
      method: 'get',
      path: '/v1/overview',
      summary:
        'What needs my attention: unclassified systems, sign-offs, engagements ending soon, recent activity',
      tag: 'Overview',
      auth: 'authenticated',
      roles: ALL,
      response: OverviewView,
      handler: async ({ actor }) => {
        const o = await s.overview.overview(actor);
        return {
          counts: o.counts,
          systemsNeedingClassification: o.systemsNeedingClassification.map(presentSystem),
          awaitingMySignOff: o.awaitingMySignOff.map(presentSystem),
          engagementsEndingSoon: o.engagementsEndingSoon.map(presentEngagement),
          vendorsWithoutDpa: o.vendorsWithoutDpa,
          recentActivity: o.recentActivity.map(presentLedgerEntry),
        };
      },
    }),
    route({
      method: 'get',
      path: '/v1/trust-content',
      summary: 'The trust portal content (what customers are told)',
      tag: 'Trust portal',
      auth: 'authenticated',
      roles: STAFF,
      response: TrustContentView,
      handler: async ({ actor }) => s.trust.getContent(actor),
    }),
    route({
      method: 'put',
      path: '/v1/trust-content',
      summary: 'Replace the trust portal content',
      tag: 'Trust portal',
      auth: 'authenticated',
      roles: ['admin'],
      body: TrustContent,
      response: TrustContentView,
      handler: async ({ actor, body }) => s.trust.putContent(actor, body),
    }),
    route({
      method: 'get',
      path: '/v1/public/trust/:slug',
      summary:
        "An organisation's public trust page (no login): data use, AI systems, vendors, protection, recourse",
      tag: 'Trust portal',
      auth: 'public',
      params: z.strictObject({
        slug: z.string().regex(/^[a-z0-9-]{1,60}$/, { message: 'must be an organisation slug' }),
      }),
      response: PublicTrustView,
      handler: async ({ params }) => s.trust.publicPage(params.slug),
    }),

    // ---- ledger (the verifier-facing contract)
    route({
      method: 'get',
      path: '/v1/ledger/checkpoint',
      summary: 'The latest signed checkpoint (C2SP signed note, text/plain)',
      tag: 'Ledger',
      auth: 'authenticated',
      roles: STAFF,
      responseType: 'text',
      handler: async ({ actor }) => {
        s.ledgerAccess(actor);
        return (await s.ledger.checkpoint(actor.organizationId)).note;
      },
    }),
    route({
      method: 'get',
      path: '/v1/ledger/verifier-key',
      summary: 'The note verifier key name+keyhash+base64key (text/plain)',
      tag: 'Ledger',
      auth: 'authenticated',
      roles: STAFF,
      responseType: 'text',
      handler: async ({ actor }) => {
        s.ledgerAccess(actor);
        return `${await s.ledger.verifierKey(actor.organizationId)}\n`;
      },
    }),
    route({
      method: 'get',
      path: '/v1/ledger/entries',
      summary: 'Entries [start, start+limit) with the exact canonical JSON leaf that was hashed',
      tag: 'Ledger',
      auth: 'authenticated',
      roles: STAFF,
      query: LedgerEntriesQuery,
      response: LedgerEntriesView,
      handler: async ({ actor, query }) => {
        s.ledgerAccess(actor);
        return { entries: await s.ledger.entries(actor.organizationId, query.start, query.limit) };
      },
    }),
    route({
      method: 'get',
      path: '/v1/ledger/search',
      summary: 'Entries by subject, actor or event type, newest first, decoded (page with nextBefore)',
      tag: 'Ledger',
      auth: 'authenticated',
      roles: STAFF,
      query: LedgerSearchQuery,
      response: LedgerSearchView,
      handler: async ({ actor, query }) => {
        s.ledgerAccess(actor);
        const r = await s.ledger.search(actor.organizationId, query);
        return { entries: r.entries.map(presentLedgerEntry), nextBefore: r.nextBefore };
      },
    }),
    route({
      method: 'get',
      path: '/v1/ledger/proofs/inclusion',
      summary: 'RFC 9162 inclusion proof of entry index in the tree of treeSize entries',
      tag: 'Ledger',
      auth: 'authenticated',
      roles: STAFF,
      query: InclusionProofQuery,
      response: InclusionProofView,
      handler: async ({ actor, query }) => {
        s.ledgerAccess(actor);
        return s.ledger.inclusionProof(actor.organizationId, query.index, query.treeSize);
      },
    }),
    route({
      method: 'get',
      path: '/v1/ledger/proofs/consistency',
      summary: 'RFC 9162 consistency proof between tree sizes from and to',
      tag: 'Ledger',
      auth: 'authenticated',
      roles: STAFF,
      query: ConsistencyProofQuery,
      response: ConsistencyProofView,
      handler: async ({ actor, query }) => {
        s.ledgerAccess(actor);
        return s.ledger.consistencyProof(actor.organizationId, query.from, query.to);
      },
    }),
    route({
      method: 'post',
      path: '/v1/ledger/verify',
      summary: 'Recompute the whole log and check every signed checkpoint',
      tag: 'Ledger',
      auth: 'authenticated',
      roles: STAFF,
      response: LedgerVerifyView,
      handler: async ({ actor }) => {
        s.ledgerAccess(actor, 'ledger.verify');
        const r = await s.ledger.verify(actor.organizationId);
        return { ...r, rootHash: Buffer.from(r.rootHash).toString('base64') };
      },
    }),
  ];
}
