import { z } from 'zod';

/** Ledger event types, `<module>.<past_tense_verb>`: the closed list of what the ledger records. */
export const LEDGER_EVENTS = [
  'organization.created',
  'user.created',
  'user.deactivated',
  'apikey.issued',
  'apikey.revoked',
  'session.started',
  'session.ended',
  'system.registered',
  'system.updated',
  'system.classified',
  'system.approved',
  'system.went_live',
  'system.retired',
  'vendor.registered',
  'vendor.updated',
  'engagement.registered',
  'engagement.updated',
  'ownership.transferred',
  'ledger.key_created',
  'trust.content_updated',
] as const;
export type LedgerEvent = (typeof LEDGER_EVENTS)[number];

export const LedgerEntriesQuery = z.strictObject({
  start: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export const InclusionProofQuery = z.strictObject({
  index: z.coerce.number().int().min(0),
  treeSize: z.coerce.number().int().min(1),
});
export const ConsistencyProofQuery = z.strictObject({
  from: z.coerce.number().int().min(1),
  to: z.coerce.number().int().min(1),
});

export const LedgerEntriesView = z.object({
  entries: z.array(z.object({ index: z.number().int(), leaf: z.string() })),
});
export const InclusionProofView = z.object({
  index: z.number().int(),
  treeSize: z.number().int(),
  rootHash: z.string(),
  hashes: z.array(z.string()),
});
export const ConsistencyProofView = z.object({
  from: z.number().int(),
  to: z.number().int(),
  hashes: z.array(z.string()),
});

export const LedgerVerifyView = z.object({
  ok: z.boolean(),
  treeSize: z.number().int(),
  rootHash: z.string(),
  checkpointsVerified: z.number().int(),
  problems: z.array(z.object({ index: z.number().int().nullable(), kind: z.string(), message: z.string() })),
});
export type LedgerVerifyView = z.infer<typeof LedgerVerifyView>;
