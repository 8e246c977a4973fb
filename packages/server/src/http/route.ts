import type { Context } from 'hono';
import type { z } from 'zod';
import type { Role } from '../../../contract/src/identity.ts';
import type { Actor } from '../modules/identity/identity-types.ts';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Who may call a route at all; finer rules live in the policy module and run in services. */
export type RouteAuth = 'public' | 'authenticated';

export type RouteInput<P, Q, B> = { actor: Actor; params: P; query: Q; body: B; c: Context };

/**
 * One entry of the route table. The table drives the HTTP router, the OpenAPI document and the
 * authorisation matrix test, so the three cannot drift apart.
 */
export type RouteDef<P = unknown, Q = unknown, B = unknown> = {
  method: HttpMethod;
  path: string;
  summary: string;
  tag: string;
  auth: RouteAuth;
  /** Roles the policy admits for this route (documentation and the matrix test). */
  roles?: readonly Role[];
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  response?: z.ZodType;
  responseType?: 'json' | 'text';
  status?: 200 | 201 | 204;
  handler: (input: RouteInput<P, Q, B>) => Promise<unknown>;
};

/** Declares a route with its types inferred from its schemas. */
export function route<P = Record<string, never>, Q = Record<string, never>, B = undefined>(
  def: RouteDef<P, Q, B>,
): RouteDef {
  return def as unknown as RouteDef;
}
