import type { Role } from '../../../../contract/src/identity.ts';

export type Organization = { id: string; name: string; slug: string; demo: boolean; createdAt: string };

export type User = {
  id: string;
  organizationId: string;
  email: string;
  name: string;
  role: Role;
  vendorId: string | null;
  status: 'active' | 'deactivated';
  passwordHash: string | null;
  createdAt: string;
  deactivatedAt: string | null;
};

export type ApiKey = {
  id: string;
  organizationId: string;
  userId: string;
  name: string;
  prefix: string;
  secretHash: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
};

export type Session = {
  id: string;
  organizationId: string;
  userId: string;
  csrfToken: string;
  createdAt: string;
  expiresAt: string;
  endedAt: string | null;
};

/** Who is acting: a user (through a session or one of their API keys) or the system itself. */
export type Actor =
  | {
      type: 'user';
      id: string;
      organizationId: string;
      role: Role;
      vendorId: string | null;
      via: 'session' | 'api_key' | 'cli';
    }
  | { type: 'system'; id: 'system'; organizationId: string };
