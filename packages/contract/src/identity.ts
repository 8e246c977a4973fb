import { z } from 'zod';
import { ApiKeyId, Email, Name, OrganizationId, Timestamp, UserId, VendorId } from './common.ts';

export const ROLES = ['admin', 'owner', 'auditor', 'vendor'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export const USER_STATUSES = ['active', 'deactivated'] as const;
export const UserStatus = z.enum(USER_STATUSES);

export const Password = z.string().min(12, { message: 'must be at least 12 characters' }).max(256);

export const UserView = z.object({
  id: UserId,
  organizationId: OrganizationId,
  email: z.string(),
  name: z.string(),
  role: Role,
  vendorId: VendorId.nullable(),
  status: UserStatus,
  createdAt: Timestamp,
  deactivatedAt: Timestamp.nullable(),
});
export type UserView = z.infer<typeof UserView>;

export const CreateUserBody = z
  .strictObject({
    email: Email,
    name: Name,
    role: Role,
    vendorId: VendorId.optional(),
    password: Password.optional(),
  })
  .superRefine((v, ctx) => {
    if (v.role === 'vendor' && !v.vendorId)
      ctx.addIssue({ code: 'custom', path: ['vendorId'], message: 'is required for a vendor user' });
    if (v.role !== 'vendor' && v.vendorId)
      ctx.addIssue({ code: 'custom', path: ['vendorId'], message: 'is only allowed for a vendor user' });
  });
export type CreateUserBody = z.infer<typeof CreateUserBody>;

export const UserListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
  q: z.string().trim().max(200).optional(),
  role: Role.optional(),
  status: UserStatus.optional(),
});
export type UserListQuery = z.infer<typeof UserListQuery>;

export const DeactivateUserBody = z.strictObject({ successorId: UserId.optional() });
export type DeactivateUserBody = z.infer<typeof DeactivateUserBody>;

export const ApiKeyView = z.object({
  id: ApiKeyId,
  userId: UserId,
  name: z.string(),
  prefix: z.string(),
  createdAt: Timestamp,
  lastUsedAt: Timestamp.nullable(),
  revokedAt: Timestamp.nullable(),
});
export type ApiKeyView = z.infer<typeof ApiKeyView>;

/** The only response that ever contains a key's secret: the one that creates it. */
export const CreatedApiKeyView = ApiKeyView.extend({ secret: z.string() });
export type CreatedApiKeyView = z.infer<typeof CreatedApiKeyView>;

export const CreateApiKeyBody = z.strictObject({ name: Name });
export type CreateApiKeyBody = z.infer<typeof CreateApiKeyBody>;

export const LoginBody = z.strictObject({
  email: Email,
  password: z.string().min(1).max(256),
  organization: z.string().trim().min(1).max(100).optional(),
});
export type LoginBody = z.infer<typeof LoginBody>;

export const SessionView = z.object({
  user: UserView,
  organization: z.object({ id: OrganizationId, name: z.string(), slug: z.string(), demo: z.boolean() }),
  csrfToken: z.string(),
  expiresAt: Timestamp,
});
export type SessionView = z.infer<typeof SessionView>;

export const OrganizationView = z.object({
  id: OrganizationId,
  name: z.string(),
  slug: z.string(),
  demo: z.boolean(),
  createdAt: Timestamp,
});
export type OrganizationView = z.infer<typeof OrganizationView>;
