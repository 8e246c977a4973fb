// Display labels for the contract's closed sets. Each map is keyed by the contract's type, so
// the compiler fails when a value is added to the contract and not labelled here.
import type { LedgerEvent, Role, SystemView, UserView, VendorView } from '@oversight/contract';

type Status = SystemView['status'];
type Kind = SystemView['kind'];
type Tier = NonNullable<SystemView['riskTier']>;
type Criticality = VendorView['criticality'];
type UserStatus = UserView['status'];

export const SYSTEM_STATUS_LABELS: Record<Status, string> = {
  proposed: 'Proposed',
  approved: 'Approved',
  live: 'Live',
  retired: 'Retired',
};

export const SYSTEM_KIND_LABELS: Record<Kind, string> = {
  model: 'Model',
  vendor_ai: 'Vendor-supplied AI',
  internal_tool: 'Internal tool',
};

export const RISK_TIER_LABELS: Record<Tier, string> = {
  prohibited: 'Prohibited',
  high: 'High risk',
  limited: 'Limited risk',
  minimal: 'Minimal risk',
};

export const RISK_TIER_EXPLANATIONS: Record<Tier, string> = {
  prohibited: 'A practice banned in the EU. The system must not be used for it.',
  high: 'Allowed, with strict duties: human oversight, monitoring, logs and information for affected people.',
  limited: 'Allowed; people must be told that AI is involved.',
  minimal: 'Allowed; no specific duties beyond AI literacy.',
};

/** The same tiers explained to customers on the public trust portal. */
export const RISK_TIER_FOR_CUSTOMERS: Record<Tier, string> = {
  prohibited: 'A use banned in the EU; it must not be used.',
  high: 'Used where EU law demands strict safeguards: trained people oversee it, it is monitored, and you can ask for an explanation of decisions it helped make.',
  limited: 'You are told when you deal with this system or see content it made.',
  minimal: 'Low risk under EU law; our general safeguards apply.',
};

export const CRITICALITY_LABELS: Record<Criticality, string> = {
  low: 'Low',
  medium: 'Medium',
  high: 'High',
  critical: 'Critical',
};

export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Admin',
  owner: 'Owner',
  auditor: 'Auditor',
  vendor: 'Vendor',
};

export const USER_STATUS_LABELS: Record<UserStatus, string> = {
  active: 'Active',
  deactivated: 'Deactivated',
};

export const LEDGER_EVENT_LABELS: Record<LedgerEvent, string> = {
  'organization.created': 'Organisation created',
  'user.created': 'User created',
  'user.deactivated': 'User deactivated',
  'apikey.issued': 'API key issued',
  'apikey.revoked': 'API key revoked',
  'session.started': 'Logged in',
  'session.ended': 'Logged out',
  'system.registered': 'AI system registered',
  'system.updated': 'AI system updated',
  'system.classified': 'AI system classified',
  'system.approved': 'AI system approved',
  'system.went_live': 'AI system went live',
  'system.retired': 'AI system retired',
  'vendor.registered': 'Vendor registered',
  'vendor.updated': 'Vendor updated',
  'engagement.registered': 'Engagement registered',
  'engagement.updated': 'Engagement updated',
  'ownership.transferred': 'Ownership transferred',
  'ledger.key_created': 'Ledger signing key created',
  'trust.content_updated': 'Trust portal updated',
};

/** Label of a ledger event type; unknown (newer) types are shown as they are. */
export function ledgerEventLabel(type: string): string {
  return (LEDGER_EVENT_LABELS as Record<string, string>)[type] ?? type;
}

/** The keys of a label map, in declaration order, typed. */
export function keysOf<K extends string>(labels: Record<K, string>): K[] {
  return Object.keys(labels) as K[];
}

export type {
  Status as SystemStatusValue,
  Kind as SystemKindValue,
  Tier as RiskTierValue,
  Criticality as CriticalityValue,
};
