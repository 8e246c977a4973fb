import type { AiActClassification } from '../../../../contract/src/ai-act.ts';
import type { OwnedKind, SystemStatus } from '../../../../contract/src/registry.ts';

export type RiskTier = AiActClassification['tier'];

export type AiSystem = {
  id: string;
  organizationId: string;
  name: string;
  description: string;
  purpose: string;
  kind: 'model' | 'vendor_ai' | 'internal_tool';
  vendorId: string | null;
  ownerId: string;
  status: SystemStatus;
  riskTier: RiskTier | null;
  classification: { answers: Record<string, unknown>; result: AiActClassification } | null;
  classifiedAt: string | null;
  approvedBy: string | null;
  approvedAt: string | null;
  decidesAboutCustomers: boolean;
  public: boolean;
  tags: string[];
  createdAt: string;
  updatedAt: string;
};

export type Vendor = {
  id: string;
  organizationId: string;
  legalName: string;
  contactName: string;
  contactEmail: string;
  dpaSigned: boolean;
  dpaSignedAt: string | null;
  dataLocations: string[];
  subProcessors: { name: string; location: string; purpose: string }[];
  criticality: 'low' | 'medium' | 'high' | 'critical';
  ownerId: string;
  public: boolean;
  createdAt: string;
  updatedAt: string;
};

export type Engagement = {
  id: string;
  organizationId: string;
  title: string;
  task: string;
  vendorId: string;
  systemIds: string[];
  ownerId: string;
  startDate: string;
  endDate: string | null;
  createdAt: string;
  updatedAt: string;
};

export type OwnershipTransfer = {
  id: string;
  organizationId: string;
  resourceType: OwnedKind;
  resourceId: string;
  fromUserId: string;
  toUserId: string;
  reason: string;
  actorId: string;
  at: string;
};
