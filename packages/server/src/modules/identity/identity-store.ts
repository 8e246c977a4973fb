import type { Page } from '../../../../contract/src/common.ts';
import type { Role } from '../../../../contract/src/identity.ts';
import type { ApiKey, Organization, Session, User } from './identity-types.ts';

export type UserFilter = {
  q?: string | undefined;
  role?: Role | undefined;
  status?: User['status'] | undefined;
};
export type PageRequest = { limit: number; cursor?: string | undefined };

/** What the identity module needs from storage, in domain types. */
export type IdentityStore = {
  insertOrganization(org: Organization): Promise<void>;
  getOrganization(id: string): Promise<Organization | undefined>;
  getOrganizationBySlug(slug: string): Promise<Organization | undefined>;
  listOrganizations(): Promise<Organization[]>;

  insertUser(user: User): Promise<void>;
  getUser(organizationId: string, id: string): Promise<User | undefined>;
  findUsersByEmail(email: string): Promise<User[]>;
  listUsers(organizationId: string, filter: UserFilter, page: PageRequest): Promise<Page<User>>;
  setUserStatus(organizationId: string, id: string, status: User['status'], at: string | null): Promise<void>;

  insertApiKey(key: ApiKey): Promise<void>;
  getApiKeyByPrefix(prefix: string): Promise<ApiKey | undefined>;
  getApiKey(organizationId: string, id: string): Promise<ApiKey | undefined>;
  listApiKeys(organizationId: string, userId: string | undefined): Promise<ApiKey[]>;
  revokeApiKey(organizationId: string, id: string, at: string): Promise<void>;
  touchApiKey(organizationId: string, id: string, at: string): Promise<void>;
  revokeApiKeysOfUser(organizationId: string, userId: string, at: string): Promise<string[]>;

  insertSession(session: Session): Promise<void>;
  getSession(id: string): Promise<Session | undefined>;
  endSession(id: string, at: string): Promise<void>;
  endSessionsOfUser(organizationId: string, userId: string, at: string): Promise<void>;
};
