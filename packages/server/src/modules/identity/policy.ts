/**
 * The one place that decides who may do what. Pure predicates over the actor, the action and
 * (where it matters) the resource; routes and services ask, never decide. Threat: a vendor or
 * auditor reaching data or actions outside their role; an owner changing what they do not own.
 */
import type { Role } from '../../../../contract/src/identity.ts';
import type { Actor } from './identity-types.ts';

export const ACTIONS = [
  'organization.read',
  'user.list',
  'user.create',
  'user.deactivate',
  'apikey.manage_own',
  'apikey.manage_any',
  'registry.read',
  'registry.create',
  'registry.update',
  'registry.transfer',
  'system.classify',
  'system.approve',
  'system.go_live',
  'system.retire',
  'ledger.read',
  'ledger.verify',
  'trust.read',
  'trust.edit',
] as const;
export type Action = (typeof ACTIONS)[number];

/** What a rule may look at about the resource: its accountable owner and, for vendor scoping, its vendors. */
export type ResourceFacts = { ownerId?: string; vendorIds?: string[] };

export type Decision = { ok: true } | { ok: false; reason: string };

const ALLOW: Decision = { ok: true };
const deny = (reason: string): Decision => ({ ok: false, reason });

const ROLE_ACTIONS: Record<Role, ReadonlySet<Action>> = {
  admin: new Set(ACTIONS),
  owner: new Set<Action>([
    'organization.read',
    'user.list',
    'apikey.manage_own',
    'registry.read',
    'registry.create',
    'registry.update',
    'registry.transfer',
    'system.classify',
    'system.approve',
    'system.go_live',
    'system.retire',
    'ledger.read',
    'ledger.verify',
    'trust.read',
  ]),
  auditor: new Set<Action>([
    'organization.read',
    'user.list',
    'apikey.manage_own',
    'registry.read',
    'ledger.read',
    'ledger.verify',
    'trust.read',
  ]),
  vendor: new Set<Action>(['organization.read', 'apikey.manage_own', 'registry.read']),
};

/** Actions an owner may take only on what they are accountable for. */
const OWNER_SCOPED = new Set<Action>([
  'registry.update',
  'registry.transfer',
  'system.classify',
  'system.go_live',
  'system.retire',
]);

/**
 * Whether the actor's role may ever take the action. Services check this before loading a
 * resource, so a refused role learns nothing about whether the resource exists.
 */
export function roleAllows(actor: Actor, action: Action): Decision {
  if (actor.type === 'system' || ROLE_ACTIONS[actor.role].has(action)) return ALLOW;
  return deny(`role ${actor.role} may not ${action}`);
}

/** Decides whether the actor may perform the action (on the resource, when given). */
export function authorize(actor: Actor, action: Action, resource?: ResourceFacts): Decision {
  if (actor.type === 'system') return ALLOW;
  if (!ROLE_ACTIONS[actor.role].has(action)) return deny(`role ${actor.role} may not ${action}`);
  // Approval is the accountable owner's own act: nobody, not even an admin, approves for them.
  if (action === 'system.approve') {
    if (!resource?.ownerId) return deny('approval needs the resource owner');
    return resource.ownerId === actor.id ? ALLOW : deny('only the accountable owner may approve');
  }
  if (
    actor.role === 'owner' &&
    OWNER_SCOPED.has(action) &&
    resource?.ownerId !== undefined &&
    resource.ownerId !== actor.id
  )
    return deny('owners may only change what they are accountable for');
  if (actor.role === 'vendor' && action === 'registry.read' && resource !== undefined) {
    const mine = actor.vendorId !== null && (resource.vendorIds ?? []).includes(actor.vendorId);
    if (!mine) return deny("vendor users see only their own vendor's records");
  }
  return ALLOW;
}
