import { z } from 'zod';
import { DateOnly, EngagementId, Name, SystemId, Text, Timestamp, UserId, VendorId } from './common.ts';

export const SYSTEM_KINDS = ['model', 'vendor_ai', 'internal_tool'] as const;
export const SystemKind = z.enum(SYSTEM_KINDS);
export const SYSTEM_STATUSES = ['proposed', 'approved', 'live', 'retired'] as const;
export const SystemStatus = z.enum(SYSTEM_STATUSES);
export type SystemStatus = z.infer<typeof SystemStatus>;
export const RISK_TIERS = ['prohibited', 'high', 'limited', 'minimal'] as const;
export const RiskTier = z.enum(RISK_TIERS);
export const CRITICALITIES = ['low', 'medium', 'high', 'critical'] as const;
export const Criticality = z.enum(CRITICALITIES);

const Tags = z.array(z.string().trim().min(1).max(50)).max(20);

export const SystemView = z.object({
  id: SystemId,
  name: z.string(),
  description: z.string(),
  purpose: z.string(),
  kind: SystemKind,
  vendorId: VendorId.nullable(),
  ownerId: UserId,
  status: SystemStatus,
  riskTier: RiskTier.nullable(),
  classifiedAt: Timestamp.nullable(),
  approvedBy: UserId.nullable(),
  approvedAt: Timestamp.nullable(),
  decidesAboutCustomers: z.boolean(),
  public: z.boolean(),
  tags: z.array(z.string()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type SystemView = z.infer<typeof SystemView>;

export const CreateSystemBody = z.strictObject({
  name: Name,
  description: Text.default(''),
  purpose: Text.default(''),
  kind: SystemKind,
  vendorId: VendorId.optional(),
  ownerId: UserId,
  decidesAboutCustomers: z.boolean().default(false),
  public: z.boolean().default(false),
  tags: Tags.default([]),
});
export type CreateSystemBody = z.infer<typeof CreateSystemBody>;

export const UpdateSystemBody = z
  .strictObject({
    name: Name,
    description: Text,
    purpose: Text,
    kind: SystemKind,
    vendorId: VendorId.nullable(),
    decidesAboutCustomers: z.boolean(),
    public: z.boolean(),
    tags: Tags,
  })
  .partial();
export type UpdateSystemBody = z.infer<typeof UpdateSystemBody>;

export const SystemListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
  q: z.string().trim().max(200).optional(),
  status: SystemStatus.optional(),
  kind: SystemKind.optional(),
  riskTier: z.union([RiskTier, z.literal('unclassified')]).optional(),
  ownerId: UserId.optional(),
  vendorId: VendorId.optional(),
});
export type SystemListQuery = z.infer<typeof SystemListQuery>;

export const SubProcessor = z.strictObject({
  name: Name,
  location: z.string().trim().min(1).max(100),
  purpose: Text.default(''),
});

export const VendorView = z.object({
  id: VendorId,
  legalName: z.string(),
  contactName: z.string(),
  contactEmail: z.string(),
  dpaSigned: z.boolean(),
  dpaSignedAt: DateOnly.nullable(),
  dataLocations: z.array(z.string()),
  subProcessors: z.array(z.object({ name: z.string(), location: z.string(), purpose: z.string() })),
  criticality: Criticality,
  ownerId: UserId,
  public: z.boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type VendorView = z.infer<typeof VendorView>;

export const CreateVendorBody = z
  .strictObject({
    legalName: Name,
    contactName: Name,
    contactEmail: z.email().max(254),
    dpaSigned: z.boolean().default(false),
    dpaSignedAt: DateOnly.optional(),
    dataLocations: z.array(z.string().trim().min(1).max(100)).max(50).default([]),
    subProcessors: z.array(SubProcessor).max(100).default([]),
    criticality: Criticality,
    ownerId: UserId,
    public: z.boolean().default(false),
  })
  .superRefine((v, ctx) => {
    if (v.dpaSignedAt && !v.dpaSigned)
      ctx.addIssue({
        code: 'custom',
        path: ['dpaSignedAt'],
        message: 'is only allowed when dpaSigned is true',
      });
  });
export type CreateVendorBody = z.infer<typeof CreateVendorBody>;

export const UpdateVendorBody = z
  .strictObject({
    legalName: Name,
    contactName: Name,
    contactEmail: z.email().max(254),
    dpaSigned: z.boolean(),
    dpaSignedAt: DateOnly.nullable(),
    dataLocations: z.array(z.string().trim().min(1).max(100)).max(50),
    subProcessors: z.array(SubProcessor).max(100),
    criticality: Criticality,
    public: z.boolean(),
  })
  .partial();
export type UpdateVendorBody = z.infer<typeof UpdateVendorBody>;

export const VendorListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
  q: z.string().trim().max(200).optional(),
  criticality: Criticality.optional(),
  dpaSigned: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  ownerId: UserId.optional(),
});
export type VendorListQuery = z.infer<typeof VendorListQuery>;

export const EngagementView = z.object({
  id: EngagementId,
  title: z.string(),
  task: z.string(),
  vendorId: VendorId,
  systemIds: z.array(SystemId),
  ownerId: UserId,
  startDate: DateOnly,
  endDate: DateOnly.nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type EngagementView = z.infer<typeof EngagementView>;

export const CreateEngagementBody = z
  .strictObject({
    title: Name,
    task: Text.default(''),
    vendorId: VendorId,
    systemIds: z.array(SystemId).max(50).default([]),
    ownerId: UserId,
    startDate: DateOnly,
    endDate: DateOnly.optional(),
  })
  .superRefine((v, ctx) => {
    if (v.endDate && v.endDate < v.startDate)
      ctx.addIssue({ code: 'custom', path: ['endDate'], message: 'must not be before startDate' });
  });
export type CreateEngagementBody = z.infer<typeof CreateEngagementBody>;

export const UpdateEngagementBody = z
  .strictObject({
    title: Name,
    task: Text,
    systemIds: z.array(SystemId).max(50),
    startDate: DateOnly,
    endDate: DateOnly.nullable(),
  })
  .partial();
export type UpdateEngagementBody = z.infer<typeof UpdateEngagementBody>;

export const EngagementListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
  q: z.string().trim().max(200).optional(),
  vendorId: VendorId.optional(),
  ownerId: UserId.optional(),
  systemId: SystemId.optional(),
  endingBefore: DateOnly.optional(),
});
export type EngagementListQuery = z.infer<typeof EngagementListQuery>;

export const TransferOwnershipBody = z.strictObject({
  newOwnerId: UserId,
  reason: z.string().trim().min(1).max(1000),
});
export type TransferOwnershipBody = z.infer<typeof TransferOwnershipBody>;

export const OWNED_KINDS = ['system', 'vendor', 'engagement'] as const;
export const OwnedKind = z.enum(OWNED_KINDS);
export type OwnedKind = z.infer<typeof OwnedKind>;

export const TransferView = z.object({
  id: z.string(),
  resourceType: OwnedKind,
  resourceId: z.string(),
  fromUserId: UserId,
  toUserId: UserId,
  reason: z.string(),
  actorId: z.string(),
  at: Timestamp,
});
export type TransferView = z.infer<typeof TransferView>;

export const LifecycleBody = z.strictObject({ note: z.string().trim().max(1000).optional() });
export type LifecycleBody = z.infer<typeof LifecycleBody>;
