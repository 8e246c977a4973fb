import type { Page } from '../../../../contract/src/common.ts';
import type { OwnedKind } from '../../../../contract/src/registry.ts';
import type { PageRequest } from '../identity/identity-store.ts';
import type { AiSystem, Engagement, OwnershipTransfer, Vendor } from './registry-types.ts';

export type SystemFilter = {
  q?: string | undefined;
  status?: AiSystem['status'] | undefined;
  kind?: AiSystem['kind'] | undefined;
  riskTier?: AiSystem['riskTier'] | 'unclassified' | undefined;
  ownerId?: string | undefined;
  vendorId?: string | undefined;
  /** Vendor users see only systems of their vendor or linked to its engagements. */
  visibleToVendorId?: string | undefined;
};
export type VendorFilter = {
  q?: string | undefined;
  criticality?: Vendor['criticality'] | undefined;
  dpaSigned?: boolean | undefined;
  ownerId?: string | undefined;
  onlyId?: string | undefined;
};
export type EngagementFilter = {
  q?: string | undefined;
  vendorId?: string | undefined;
  ownerId?: string | undefined;
  systemId?: string | undefined;
  endingBefore?: string | undefined;
};

/** What the registry needs from storage, in domain types. Every method is scoped to one organisation. */
export type RegistryStore = {
  insertSystem(system: AiSystem): Promise<void>;
  getSystem(organizationId: string, id: string): Promise<AiSystem | undefined>;
  updateSystem(system: AiSystem): Promise<void>;
  listSystems(organizationId: string, filter: SystemFilter, page: PageRequest): Promise<Page<AiSystem>>;

  insertVendor(vendor: Vendor): Promise<void>;
  getVendor(organizationId: string, id: string): Promise<Vendor | undefined>;
  updateVendor(vendor: Vendor): Promise<void>;
  listVendors(organizationId: string, filter: VendorFilter, page: PageRequest): Promise<Page<Vendor>>;

  insertEngagement(engagement: Engagement): Promise<void>;
  getEngagement(organizationId: string, id: string): Promise<Engagement | undefined>;
  updateEngagement(engagement: Engagement): Promise<void>;
  listEngagements(
    organizationId: string,
    filter: EngagementFilter,
    page: PageRequest,
  ): Promise<Page<Engagement>>;

  insertTransfer(transfer: OwnershipTransfer): Promise<void>;
  listTransfers(organizationId: string, resourceId: string): Promise<OwnershipTransfer[]>;
  listOwnedBy(organizationId: string, userId: string): Promise<{ kind: OwnedKind; id: string }[]>;
  setOwner(organizationId: string, kind: OwnedKind, id: string, ownerId: string, at: string): Promise<void>;
};
