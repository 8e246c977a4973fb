import type {
  CreateUserBody,
  DeactivateUserBody,
  LoginBody,
  UserListQuery,
} from '../../../../contract/src/identity.ts';
import { ID_PREFIXES } from '../../../../contract/src/common.ts';
import { AppError, fieldError, notFound } from '../../shared/app-error.ts';
import type { Clock } from '../../shared/clock.ts';
import { newId } from '../../shared/ids.ts';
import type { Repositories, Store } from '../../store.ts';
import type { LedgerService } from '../ledger/ledger-service.ts';
import type { LedgerActor } from '../ledger/entry.ts';
import { withLapsedApproval } from '../registry/lifecycle.ts';
import { authorize, roleAllows, type Action, type ResourceFacts } from './policy.ts';
import type { Actor, ApiKey, Organization, User } from './identity-types.ts';
import {
  apiKeyPrefix,
  generateApiKey,
  generateToken,
  hashPassword,
  secretMatches,
  sha256Hex,
  verifyPassword,
} from './secrets.ts';

export type IdentityDeps = {
  store: Store;
  clock: Clock;
  ledger: Pick<LedgerService, 'append' | 'initialize'>;
  sessionTtlHours: number;
};

const TOUCH_INTERVAL_MS = 60_000;

/** Throws FORBIDDEN unless the policy allows the action. */
export function assertAllowed(actor: Actor, action: Action, resource?: ResourceFacts): void {
  const d = authorize(actor, action, resource);
  if (!d.ok) throw new AppError('FORBIDDEN', d.reason);
}

/** Throws FORBIDDEN unless the actor's role may take the action at all (before any lookup). */
export function assertRoleAllowed(actor: Actor, action: Action): void {
  const d = roleAllows(actor, action);
  if (!d.ok) throw new AppError('FORBIDDEN', d.reason);
}

/** The ledger's view of an actor: type and id, nothing personal. */
export function ledgerActor(actor: Actor): LedgerActor {
  return actor.type === 'system' ? { type: 'system', id: 'system' } : { type: 'user', id: actor.id };
}

/** A URL-safe slug from an organisation name. */
export function slugify(name: string): string {
  const s = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, 50)
    .replace(/-+$/, '');
  return s || 'organization';
}

/** The user as the ledger digest sees it: no password hash. */
function userChange(u: User) {
  return { id: u.id, email: u.email, name: u.name, role: u.role, vendorId: u.vendorId, status: u.status };
}

/** Organisations, users, API keys and sessions. */
export function createIdentityService(deps: IdentityDeps) {
  const { store, clock, ledger } = deps;
  const now = () => clock.now().toISOString();

  async function uniqueSlug(tx: Repositories, base: string): Promise<string> {
    let slug = base;
    for (let i = 2; await tx.identity.getOrganizationBySlug(slug); i++) slug = `${base}-${i}`;
    return slug;
  }

  async function issueKey(tx: Repositories, actor: Actor, user: User, name: string) {
    const generated = generateApiKey();
    const key: ApiKey = {
      id: newId(ID_PREFIXES.apiKey),
      organizationId: user.organizationId,
      userId: user.id,
      name,
      prefix: generated.prefix,
      secretHash: generated.secretHash,
      createdAt: now(),
      lastUsedAt: null,
      revokedAt: null,
    };
    await tx.identity.insertApiKey(key);
    await ledger.append(tx, user.organizationId, [
      {
        type: 'apikey.issued',
        actor: ledgerActor(actor),
        subject: { type: 'apikey', id: key.id },
        change: { id: key.id, userId: key.userId, name },
      },
    ]);
    return { key, secret: generated.secret };
  }

  return {
    /** Creates an organisation with its ledger and first admin, and issues that admin's first API key. */
    async initOrganization(input: {
      name: string;
      adminEmail: string;
      adminName: string;
      password?: string | undefined;
      demo?: boolean;
    }) {
      const passwordHash = input.password ? await hashPassword(input.password) : null;
      return store.transaction(async (tx) => {
        const org: Organization = {
          id: newId(ID_PREFIXES.organization),
          name: input.name,
          slug: await uniqueSlug(tx, slugify(input.name)),
          demo: input.demo ?? false,
          createdAt: now(),
        };
        await tx.identity.insertOrganization(org);
        await ledger.initialize(tx, org.id);
        const system: Actor = { type: 'system', id: 'system', organizationId: org.id };
        const admin: User = {
          id: newId(ID_PREFIXES.user),
          organizationId: org.id,
          email: input.adminEmail.toLowerCase(),
          name: input.adminName,
          role: 'admin',
          vendorId: null,
          status: 'active',
          passwordHash,
          createdAt: now(),
          deactivatedAt: null,
        };
        await tx.identity.insertUser(admin);
        await ledger.append(tx, org.id, [
          {
            type: 'organization.created',
            actor: ledgerActor(system),
            subject: { type: 'organization', id: org.id },
            change: org,
          },
          {
            type: 'ledger.key_created',
            actor: ledgerActor(system),
            subject: { type: 'organization', id: org.id },
            change: { organizationId: org.id },
          },
          {
            type: 'user.created',
            actor: ledgerActor(system),
            subject: { type: 'user', id: admin.id },
            change: userChange(admin),
          },
        ]);
        const { secret } = await issueKey(tx, system, admin, 'initial admin key');
        return { organization: org, admin, apiKey: secret };
      });
    },

    /** Resolves a presented API key to its user as an actor, or throws UNAUTHENTICATED. */
    async authenticateApiKey(
      secret: string,
      via: 'api_key' | 'cli' = 'api_key',
    ): Promise<{ actor: Actor; user: User }> {
      const prefix = apiKeyPrefix(secret);
      const key = prefix ? await store.read.identity.getApiKeyByPrefix(prefix) : undefined;
      if (!key || !secretMatches(secret, key.secretHash) || key.revokedAt)
        throw new AppError('UNAUTHENTICATED', 'the API key is invalid or revoked');
      const user = await store.read.identity.getUser(key.organizationId, key.userId);
      if (!user || user.status !== 'active')
        throw new AppError('UNAUTHENTICATED', 'the API key belongs to an inactive user');
      // last-used is advisory: written at most once a minute so reads stay reads.
      if (!key.lastUsedAt || clock.now().getTime() - Date.parse(key.lastUsedAt) > TOUCH_INTERVAL_MS)
        await store.read.identity.touchApiKey(key.organizationId, key.id, now());
      return { actor: actorFor(user, via), user };
    },

    /** Checks e-mail and password and opens a session; the token is returned once and stored hashed. */
    async login(body: LoginBody) {
      let candidates = (await store.read.identity.findUsersByEmail(body.email)).filter(
        (u) => u.status === 'active',
      );
      if (body.organization) {
        const org = await store.read.identity.getOrganizationBySlug(body.organization);
        candidates = candidates.filter((u) => u.organizationId === org?.id);
      }
      // The password is checked before any ambiguity is reported, so nobody learns without it
      // whether an e-mail exists, or exists in several organisations.
      const matching: typeof candidates = [];
      for (const u of candidates) if (await verifyPassword(body.password, u.passwordHash)) matching.push(u);
      if (candidates.length === 0) await verifyPassword(body.password, null);
      if (matching.length > 1)
        throw fieldError(
          'organization',
          'this e-mail belongs to several organisations; give the organisation slug',
        );
      const user = matching[0];
      if (!user) throw new AppError('UNAUTHENTICATED', 'wrong e-mail or password');
      const token = generateToken();
      const expires = new Date(clock.now().getTime() + deps.sessionTtlHours * 3600_000).toISOString();
      const session = {
        id: sha256Hex(token),
        organizationId: user.organizationId,
        userId: user.id,
        csrfToken: generateToken(),
        createdAt: now(),
        expiresAt: expires,
        endedAt: null,
      };
      const sessionRef = session.id.slice(0, 16);
      await store.transaction(async (tx) => {
        await tx.identity.insertSession(session);
        await ledger.append(tx, user.organizationId, [
          {
            type: 'session.started',
            actor: { type: 'user', id: user.id },
            subject: { type: 'session', id: sessionRef },
            change: { userId: user.id, expiresAt: expires },
          },
        ]);
      });
      const organization = await store.read.identity.getOrganization(user.organizationId);
      return { token, session, user, organization: organization! };
    },

    /** Resolves a session token to its actor, or throws UNAUTHENTICATED. */
    async authenticateSession(token: string) {
      const session = await store.read.identity.getSession(sha256Hex(token));
      if (!session || session.endedAt || session.expiresAt <= now())
        throw new AppError('UNAUTHENTICATED', 'the session has ended; log in again');
      const user = await store.read.identity.getUser(session.organizationId, session.userId);
      if (!user || user.status !== 'active')
        throw new AppError('UNAUTHENTICATED', 'the session user is inactive');
      const organization = await store.read.identity.getOrganization(user.organizationId);
      return { actor: actorFor(user, 'session'), user, session, organization: organization! };
    },

    /** Ends a session. */
    async logout(token: string) {
      const id = sha256Hex(token);
      const session = await store.read.identity.getSession(id);
      if (!session || session.endedAt) return;
      await store.transaction(async (tx) => {
        await tx.identity.endSession(id, now());
        await ledger.append(tx, session.organizationId, [
          {
            type: 'session.ended',
            actor: { type: 'user', id: session.userId },
            subject: { type: 'session', id: id.slice(0, 16) },
            change: { userId: session.userId },
          },
        ]);
      });
    },

    async getOrganization(actor: Actor) {
      assertAllowed(actor, 'organization.read');
      const org = await store.read.identity.getOrganization(actor.organizationId);
      if (!org) throw notFound('organisation', actor.organizationId);
      return org;
    },

    /** Lists users of the caller's organisation. */
    async listUsers(actor: Actor, query: UserListQuery) {
      assertAllowed(actor, 'user.list');
      return store.read.identity.listUsers(
        actor.organizationId,
        { q: query.q, role: query.role, status: query.status },
        query,
      );
    },

    async getUser(actor: Actor, id: string) {
      if (actor.type === 'user' && actor.id !== id) assertAllowed(actor, 'user.list');
      const user = await store.read.identity.getUser(actor.organizationId, id);
      if (!user) throw notFound('user', id);
      return user;
    },

    /** Creates a user; a vendor user must name a vendor of this organisation. */
    async createUser(actor: Actor, body: CreateUserBody) {
      assertAllowed(actor, 'user.create');
      const passwordHash = body.password ? await hashPassword(body.password) : null;
      return store.transaction(async (tx) => {
        if (body.vendorId && !(await tx.registry.getVendor(actor.organizationId, body.vendorId)))
          throw fieldError('vendorId', `no vendor ${body.vendorId} in this organisation`, 'not_found');
        const existing = await tx.identity.findUsersByEmail(body.email);
        if (existing.some((u) => u.organizationId === actor.organizationId))
          throw new AppError('CONFLICT', `a user with this e-mail already exists`, { field: 'email' });
        const user: User = {
          id: newId(ID_PREFIXES.user),
          organizationId: actor.organizationId,
          email: body.email,
          name: body.name,
          role: body.role,
          vendorId: body.vendorId ?? null,
          status: 'active',
          passwordHash,
          createdAt: now(),
          deactivatedAt: null,
        };
        await tx.identity.insertUser(user);
        await ledger.append(tx, actor.organizationId, [
          {
            type: 'user.created',
            actor: ledgerActor(actor),
            subject: { type: 'user', id: user.id },
            change: userChange(user),
          },
        ]);
        return user;
      });
    },

    /**
     * Deactivates a user. Refused with CONFLICT while they still own anything, unless a successor
     * is named: then everything they own moves to the successor in the same transaction.
     */
    async deactivateUser(actor: Actor, id: string, body: DeactivateUserBody) {
      assertAllowed(actor, 'user.deactivate');
      if (actor.type === 'user' && actor.id === id)
        throw new AppError('CONFLICT', 'you cannot deactivate yourself');
      return store.transaction(async (tx) => {
        const user = await tx.identity.getUser(actor.organizationId, id);
        if (!user) throw notFound('user', id);
        if (user.status === 'deactivated')
          throw new AppError('CONFLICT', `user ${id} is already deactivated`);
        const owned = await tx.registry.listOwnedBy(actor.organizationId, id);
        if (owned.length > 0 && !body.successorId)
          throw new AppError(
            'CONFLICT',
            `user ${id} is still the accountable owner of ${owned.length} item(s); name a successorId to transfer them`,
            {
              field: 'successorId',
              owned,
            },
          );
        const at = now();
        const events: Parameters<typeof ledger.append>[2][number][] = [];
        if (body.successorId) {
          if (body.successorId === id) throw fieldError('successorId', 'must be a different user');
          assertCanOwn(
            await tx.identity.getUser(actor.organizationId, body.successorId),
            body.successorId,
            'successorId',
          );
        }
        if (owned.length > 0 && body.successorId) {
          for (const item of owned) {
            const system =
              item.kind === 'system' ? await tx.registry.getSystem(actor.organizationId, item.id) : undefined;
            // As with any transfer, an approval not yet taken live lapses: the successor approves anew.
            if (system)
              await tx.registry.updateSystem(
                withLapsedApproval({ ...system, ownerId: body.successorId, updatedAt: at }),
              );
            else await tx.registry.setOwner(actor.organizationId, item.kind, item.id, body.successorId, at);
            const transfer = {
              id: newId(ID_PREFIXES.transfer),
              organizationId: actor.organizationId,
              resourceType: item.kind,
              resourceId: item.id,
              fromUserId: id,
              toUserId: body.successorId,
              reason: `owner ${id} deactivated`,
              actorId: actor.id,
              at,
            };
            await tx.registry.insertTransfer(transfer);
            events.push({
              type: 'ownership.transferred',
              actor: ledgerActor(actor),
              subject: { type: item.kind, id: item.id },
              change: transfer,
            });
          }
        }
        await tx.identity.setUserStatus(actor.organizationId, id, 'deactivated', at);
        await tx.identity.endSessionsOfUser(actor.organizationId, id, at);
        const revoked = await tx.identity.revokeApiKeysOfUser(actor.organizationId, id, at);
        for (const keyId of revoked)
          events.push({
            type: 'apikey.revoked',
            actor: ledgerActor(actor),
            subject: { type: 'apikey', id: keyId },
            change: { id: keyId, at },
          });
        events.push({
          type: 'user.deactivated',
          actor: ledgerActor(actor),
          subject: { type: 'user', id },
          change: { id, successorId: body.successorId ?? null, transferred: owned },
        });
        await ledger.append(tx, actor.organizationId, events);
        return { user: { ...user, status: 'deactivated' as const, deactivatedAt: at }, transferred: owned };
      });
    },

    /** Issues a new API key for the caller; the secret is in this response only. */
    async createApiKey(actor: Actor, name: string) {
      assertAllowed(actor, 'apikey.manage_own');
      if (actor.type !== 'user') throw new AppError('FORBIDDEN', 'only users hold API keys');
      return store.transaction(async (tx) => {
        const user = await tx.identity.getUser(actor.organizationId, actor.id);
        if (!user) throw notFound('user', actor.id);
        return issueKey(tx, actor, user, name);
      });
    },

    /** The caller's keys, or every key of the organisation for an admin asking for all. */
    async listApiKeys(actor: Actor, all: boolean) {
      if (all) assertAllowed(actor, 'apikey.manage_any');
      else assertAllowed(actor, 'apikey.manage_own');
      return store.read.identity.listApiKeys(
        actor.organizationId,
        all || actor.type !== 'user' ? undefined : actor.id,
      );
    },

    /** Revokes a key: the caller's own, or any key for an admin. */
    async revokeApiKey(actor: Actor, id: string) {
      return store.transaction(async (tx) => {
        const key = await tx.identity.getApiKey(actor.organizationId, id);
        if (!key) throw notFound('API key', id);
        if (actor.type === 'user' && key.userId === actor.id) assertAllowed(actor, 'apikey.manage_own');
        else assertAllowed(actor, 'apikey.manage_any');
        if (key.revokedAt) throw new AppError('CONFLICT', `API key ${id} is already revoked`);
        const at = now();
        await tx.identity.revokeApiKey(actor.organizationId, id, at);
        await ledger.append(tx, actor.organizationId, [
          {
            type: 'apikey.revoked',
            actor: ledgerActor(actor),
            subject: { type: 'apikey', id },
            change: { id, at },
          },
        ]);
        return { ...key, revokedAt: at };
      });
    },
  };
}

export type IdentityService = ReturnType<typeof createIdentityService>;

/** An actor for a user acting through the given channel. */
export function actorFor(user: User, via: 'session' | 'api_key' | 'cli'): Actor {
  return {
    type: 'user',
    id: user.id,
    organizationId: user.organizationId,
    role: user.role,
    vendorId: user.vendorId,
    via,
  };
}

/** Accountable owners are active in-house people: admins or owners, never vendor users or auditors. */
export function assertCanOwn(user: User | undefined, id: string, field: string): asserts user is User {
  if (!user) throw fieldError(field, `no user ${id} in this organisation`, 'not_found');
  if (user.status !== 'active')
    throw fieldError(field, `user ${id} is deactivated; an accountable owner must be active`, 'inactive');
  if (user.role !== 'admin' && user.role !== 'owner')
    throw fieldError(
      field,
      `user ${id} has role ${user.role}; an accountable owner must be an in-house admin or owner`,
      'role',
    );
}
