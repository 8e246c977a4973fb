import { z } from 'zod';
import { RiskTier, SystemKind } from './registry.ts';

const Line = z.string().trim().min(1).max(500);
const Para = z.string().trim().max(5000);

/** What the organisation tells customers on its public trust portal; edited by admins. */
export const TrustContent = z.strictObject({
  published: z.boolean().default(false),
  intro: Para.default(''),
  dataCollected: z
    .array(z.strictObject({ category: Line, purpose: Line, lawfulBasis: Line, retention: Line }))
    .max(50)
    .default([]),
  protections: z
    .array(z.strictObject({ title: Line, detail: Para }))
    .max(30)
    .default([]),
  customerAdvice: z
    .array(z.strictObject({ title: Line, detail: Para }))
    .max(30)
    .default([]),
  recourse: z
    .strictObject({
      contactEmail: z.email().max(254).optional(),
      dpoName: Line.optional(),
      supervisoryAuthority: Line.optional(),
      supervisoryAuthorityUrl: z.url().max(500).optional(),
      steps: z.array(Line).max(20).default([]),
    })
    .default({ steps: [] }),
});
export type TrustContent = z.infer<typeof TrustContent>;

export const TrustContentView = z.object({ content: TrustContent, updatedAt: z.string().nullable() });
export type TrustContentView = z.infer<typeof TrustContentView>;

/** The public trust page: only what the organisation marked public. */
export const PublicTrustView = z.object({
  organization: z.object({ name: z.string(), slug: z.string(), demo: z.boolean() }),
  content: TrustContent,
  systems: z.array(
    z.object({
      name: z.string(),
      purpose: z.string(),
      kind: SystemKind,
      riskTier: RiskTier.nullable(),
      decidesAboutCustomers: z.boolean(),
      status: z.string(),
    }),
  ),
  vendors: z.array(
    z.object({
      legalName: z.string(),
      dataLocations: z.array(z.string()),
      subProcessors: z.array(z.object({ name: z.string(), location: z.string(), purpose: z.string() })),
    }),
  ),
});
export type PublicTrustView = z.infer<typeof PublicTrustView>;
