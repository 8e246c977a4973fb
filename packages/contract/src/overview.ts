import { z } from 'zod';
import { EngagementView, SystemView } from './registry.ts';

/** A decoded ledger entry for people: the same fields as the leaf, plus the leaf itself. */
export const LedgerEntryView = z.object({
  index: z.number().int(),
  at: z.string(),
  type: z.string(),
  actor: z.object({ type: z.string(), id: z.string() }),
  subject: z.object({ type: z.string(), id: z.string() }),
  digest: z.string(),
  leaf: z.string(),
});
export type LedgerEntryView = z.infer<typeof LedgerEntryView>;

export const LedgerSearchQuery = z.strictObject({
  subjectId: z.string().max(100).optional(),
  actorId: z.string().max(100).optional(),
  type: z.string().max(100).optional(),
  before: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type LedgerSearchQuery = z.infer<typeof LedgerSearchQuery>;

export const LedgerSearchView = z.object({
  entries: z.array(LedgerEntryView),
  nextBefore: z.number().int().nullable(),
});

/** "What needs my attention": the home page of the dashboard. */
export const OverviewView = z.object({
  counts: z.object({
    systems: z.number().int(),
    vendors: z.number().int(),
    engagements: z.number().int(),
    liveSystems: z.number().int(),
  }),
  systemsNeedingClassification: z.array(SystemView),
  awaitingMySignOff: z.array(SystemView),
  engagementsEndingSoon: z.array(EngagementView),
  vendorsWithoutDpa: z.array(z.object({ id: z.string(), legalName: z.string(), ownerId: z.string() })),
  recentActivity: z.array(LedgerEntryView),
});
export type OverviewView = z.infer<typeof OverviewView>;
