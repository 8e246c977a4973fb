import { z } from 'zod';

/** Resource ids are a type prefix and 26 Crockford base32 characters (time-ordered). */
export function idSchema(prefix: string) {
  return z
    .string()
    .regex(new RegExp(`^${prefix}_[0-9a-hjkmnp-tv-z]{26}$`), { message: `must be a ${prefix}_… id` });
}

export const ID_PREFIXES = {
  organization: 'org',
  user: 'usr',
  apiKey: 'key',
  system: 'sys',
  vendor: 'ven',
  engagement: 'eng',
  transfer: 'trf',
} as const;

export const OrganizationId = idSchema(ID_PREFIXES.organization);
export const UserId = idSchema(ID_PREFIXES.user);
export const ApiKeyId = idSchema(ID_PREFIXES.apiKey);
export const SystemId = idSchema(ID_PREFIXES.system);
export const VendorId = idSchema(ID_PREFIXES.vendor);
export const EngagementId = idSchema(ID_PREFIXES.engagement);

/** ISO-8601 timestamp in UTC with milliseconds, as every response carries it. */
export const Timestamp = z.iso.datetime();
/** Calendar date YYYY-MM-DD. */
export const DateOnly = z.iso.date();

export const Email = z
  .email()
  .max(254)
  .transform((v) => v.toLowerCase());
export const Name = z.string().trim().min(1).max(200);
export const Text = z.string().trim().max(5000);

/** Query parameters shared by every list endpoint. */
export const PageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
  q: z.string().trim().max(200).optional(),
});
export type PageQuery = z.infer<typeof PageQuery>;

/** A page of a list: items plus the opaque cursor of the next page, or null at the end. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable(), total: z.number().int() });
}
export type Page<T> = { items: T[]; nextCursor: string | null; total: number };
