import type { TrustContent } from '../../../../contract/src/trust.ts';

/** What the trust portal needs from storage. */
export type TrustStore = {
  getContent(organizationId: string): Promise<{ content: TrustContent; updatedAt: string } | undefined>;
  putContent(organizationId: string, content: TrustContent, at: string): Promise<void>;
};
