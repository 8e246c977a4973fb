/**
 * Shared helpers for the HTTP suites: a request wrapper that checks every response against the
 * API's promises (one error body shape, no secret-bearing keys), and the table of valid inputs
 * per route that the authorisation matrix and the bad-id tests substitute into.
 */
import assert from 'node:assert/strict';
import { ERROR_CODES, type ErrorCode } from '../../../contract/src/errors.ts';
import type { Role } from '../../../contract/src/identity.ts';
import type { RouteDef } from '../../src/http/route.ts';
import { actorFor } from '../../src/modules/identity/identity-service.ts';
import type { Actor, User } from '../../src/modules/identity/identity-types.ts';
import type { AiSystem } from '../../src/modules/registry/registry-types.ts';
import { TEST_PASSWORD, type TestContext } from '../support/harness.ts';

export type Res = Awaited<ReturnType<TestContext['request']>>;
type RequestOptions = Parameters<TestContext['request']>[2];

/** Keys that must never appear anywhere in a response body: hashes, key material, passwords. */
export const FORBIDDEN_KEYS = new Set([
  'passwordHash',
  'password_hash',
  'password',
  'secretHash',
  'secret_hash',
  'sealedPrivateKey',
  'sealed_private_key',
  'privateKey',
  'private_key',
  'tokenHash',
  'token_hash',
]);

/** Paths of every forbidden key in a JSON value (`secret` too, unless the response may carry one). */
export function forbiddenKeyPaths(value: unknown, allowSecret = false, path = '$'): string[] {
  if (Array.isArray(value))
    return value.flatMap((v, i) => forbiddenKeyPaths(v, allowSecret, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    if (FORBIDDEN_KEYS.has(k) || (k === 'secret' && !allowSecret)) out.push(`${path}.${k}`);
    out.push(...forbiddenKeyPaths(v, allowSecret, `${path}.${k}`));
  }
  return out;
}

/** Asserts the one error body: exactly { error: { code, message, requestId, details? } }, consistent with the table. */
export function assertErrorShape(res: Res): void {
  const label = `${res.status} ${res.text.slice(0, 300)}`;
  assert.ok(
    res.json && typeof res.json === 'object' && !Array.isArray(res.json),
    `error body is JSON: ${label}`,
  );
  assert.deepEqual(Object.keys(res.json), ['error'], `only "error" at the top: ${label}`);
  const e = res.json.error;
  const keys = Object.keys(e).sort();
  assert.ok(
    keys.join() === 'code,message,requestId' || keys.join() === 'code,details,message,requestId',
    `error keys are code, message, requestId, details?: got ${keys.join()}`,
  );
  assert.ok(Object.hasOwn(ERROR_CODES, e.code), `code ${e.code} is in ERROR_CODES`);
  assert.equal(res.status, ERROR_CODES[e.code as ErrorCode].status, `status matches ERROR_CODES.${e.code}`);
  assert.equal(typeof e.message, 'string');
  assert.ok(e.message.length > 0, 'message is not empty');
  assert.equal(typeof e.requestId, 'string');
  assert.ok(e.requestId.length > 0);
  assert.equal(res.headers.get('x-request-id'), e.requestId, 'X-Request-Id header equals error.requestId');
  if ('details' in e) assert.ok(e.details && typeof e.details === 'object' && !Array.isArray(e.details));
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
}

/** Asserts an error response with this code (and, for VALIDATION_FAILED, that each path is named). */
export function expectError(res: Res, code: ErrorCode, paths: string[] = []): void {
  assert.equal(res.json?.error?.code, code, `expected ${code}, got ${res.status} ${res.text.slice(0, 400)}`);
  assertErrorShape(res);
  if (paths.length > 0) {
    const named = issuePaths(res);
    for (const p of paths) assert.ok(named.includes(p), `issues name ${p}; got ${JSON.stringify(named)}`);
  }
}

/** The field paths named by a VALIDATION_FAILED response. */
export function issuePaths(res: Res): string[] {
  const issues: unknown = res.json?.error?.details?.issues;
  assert.ok(Array.isArray(issues), `details.issues is a list: ${res.text.slice(0, 300)}`);
  return issues.map((i: { path: string }) => i.path);
}

/**
 * Wraps ctx.request so every response in a suite is checked: no forbidden key in any JSON body,
 * and every error response has the one error shape. Counts what it checked.
 */
export function checkedClient(ctx: TestContext) {
  const seen = { responses: 0, errors: 0 };
  async function send(method: string, path: string, o: RequestOptions = {}): Promise<Res> {
    const res = await ctx.request(method, path, o);
    seen.responses++;
    const allowSecret = method === 'POST' && path === '/v1/api-keys' && res.status === 201;
    // The OpenAPI document names fields such as `password` as schema properties: it describes, it carries no data.
    if (path !== '/openapi.json')
      assert.deepEqual(
        forbiddenKeyPaths(res.json, allowSecret),
        [],
        `${method} ${path} leaks a forbidden key`,
      );
    assert.doesNotMatch(res.text, /scrypt\$/, `${method} ${path} leaks a password hash`);
    if (!allowSecret)
      assert.doesNotMatch(
        res.text,
        /ovs_[0-9a-z]{12}_[\w-]{20,}/,
        `${method} ${path} shows an API key secret`,
      );
    if (res.status >= 400) {
      assertErrorShape(res);
      seen.errors++;
    }
    return res;
  }
  return { send, seen };
}

// ---- AI Act answers -------------------------------------------------------------------------

/** Every always-visible question answered harmlessly: minimal risk. */
export const MINIMAL_ANSWERS = {
  deployer_type: 'private',
  affects_eu_persons: true,
  decisions_about_persons: false,
  workplace_use: false,
  subliminal_manipulation: false,
  exploits_vulnerabilities: false,
  social_scoring: false,
  crime_prediction_profiling: false,
  facial_image_scraping: false,
  emotion_recognition_work_education: false,
  biometric_categorisation_sensitive: false,
  realtime_remote_biometric_id: false,
  annex_iii_use: false,
  interacts_with_people: false,
  generates_synthetic_content: false,
  emotion_recognition: false,
  biometric_categorisation: false,
};

/** A marketing chatbot: limited risk. */
export const LIMITED_ANSWERS = {
  ...MINIMAL_ANSWERS,
  interacts_with_people: true,
  generates_synthetic_content: true,
  deep_fake: false,
  public_interest_text: false,
};

/** Consumer credit scoring with profiling: high risk. */
export const HIGH_ANSWERS = {
  ...MINIMAL_ANSWERS,
  decisions_about_persons: true,
  annex_iii_use: true,
  annex_iii_areas: ['creditworthiness'],
  profiling: true,
};

/** Social scoring: a prohibited practice. */
export const PROHIBITED_ANSWERS = { ...MINIMAL_ANSWERS, social_scoring: true };

// ---- the world the route table is exercised in ----------------------------------------------

export type Principal = { role: Role; user: User; actor: Actor; key: string };

/** One organisation with a principal per role, a shared accountable owner and a seeded registry. */
export type World = {
  ctx: TestContext;
  principals: Record<Role, Principal>;
  /** An in-house owner other than the `owner` principal: owns the seed. */
  steward: Principal;
  seed: { vendorId: string; systemId: string; engagementId: string };
};

let counter = 0;
export const unique = (label: string) => `${label}-${process.pid}-${++counter}-${Date.now().toString(36)}`;

/** Builds a World: principals of every role (the vendor user belongs to the seeded vendor). */
export async function buildWorld(ctx: TestContext): Promise<World> {
  const steward = await ctx.userWithKey('owner');
  const vendor = await ctx.services.registry.createVendor(ctx.adminActor, vendorInput(steward.user.id));
  const system = await ctx.services.registry.createSystem(ctx.adminActor, {
    ...systemInput(steward.user.id),
    vendorId: vendor.id,
  });
  const engagement = await ctx.services.registry.createEngagement(ctx.adminActor, {
    ...engagementInput(steward.user.id, vendor.id),
    systemIds: [system.id],
  });
  const admin: Principal = { role: 'admin', user: ctx.admin, actor: ctx.adminActor, key: ctx.adminKey };
  const owner = await ctx.userWithKey('owner');
  const auditor = await ctx.userWithKey('auditor');
  const vendorUser = await ctx.userWithKey('vendor', { vendorId: vendor.id });
  return {
    ctx,
    steward: { role: 'owner', ...steward },
    principals: {
      admin,
      owner: { role: 'owner', ...owner },
      auditor: { role: 'auditor', ...auditor },
      vendor: { role: 'vendor', ...vendorUser },
    },
    seed: { vendorId: vendor.id, systemId: system.id, engagementId: engagement.id },
  };
}

export function vendorInput(ownerId: string) {
  return {
    legalName: unique('Vendor'),
    contactName: 'Val',
    contactEmail: 'val@vendor.example',
    dpaSigned: false,
    dataLocations: [],
    subProcessors: [],
    criticality: 'medium' as const,
    ownerId,
    public: false,
  };
}
export function systemInput(ownerId: string) {
  return {
    name: unique('System'),
    description: '',
    purpose: '',
    kind: 'model' as const,
    ownerId,
    decidesAboutCustomers: false,
    public: false,
    tags: [],
  };
}
export function engagementInput(ownerId: string, vendorId: string) {
  return { title: unique('Engagement'), task: '', vendorId, systemIds: [], ownerId, startDate: '2026-01-01' };
}

/** Who should own a fresh resource for this caller: the caller when they can own, else the steward. */
const ownerFor = (w: World, caller: Principal | undefined): Principal =>
  caller && (caller.role === 'admin' || caller.role === 'owner') ? caller : w.steward;
/** Someone other than the current owner to transfer to. */
const otherOwner = (w: World, current: Principal): string =>
  current.user.id === w.steward.user.id ? w.principals.admin.user.id : w.steward.user.id;

type SystemState = 'proposed' | 'classified' | 'approved';
async function freshSystem(w: World, owner: Principal, state: SystemState = 'proposed'): Promise<AiSystem> {
  const reg = w.ctx.services.registry;
  let s = await reg.createSystem(w.ctx.adminActor, systemInput(owner.user.id));
  if (state !== 'proposed') s = await reg.classifySystem(w.ctx.adminActor, s.id, MINIMAL_ANSWERS);
  if (state === 'approved') s = await reg.changeLifecycle(actorFor(owner.user, 'api_key'), s.id, 'approve');
  return s;
}
async function freshVendorId(w: World, owner: Principal): Promise<string> {
  return (await w.ctx.services.registry.createVendor(w.ctx.adminActor, vendorInput(owner.user.id))).id;
}
async function freshEngagementId(w: World, owner: Principal): Promise<string> {
  const e = await w.ctx.services.registry.createEngagement(
    w.ctx.adminActor,
    engagementInput(owner.user.id, w.seed.vendorId),
  );
  return e.id;
}

type Caller = Principal | undefined;
type Params = Record<string, string>;

/** How to call one route successfully as a permitted caller. */
export type RouteFixture = {
  /** Path parameters: a real record the caller may act on (fresh when the call changes it). */
  params?: (w: World, caller: Caller) => Promise<Params> | Params;
  query?: string;
  body?: (w: World, caller: Caller) => unknown;
  /** The route is about the cookie session itself: call it with one. */
  session?: true;
};

const systemLifecycle = (state: SystemState) => ({
  params: async (w: World, c: Caller) => ({ id: (await freshSystem(w, ownerFor(w, c), state)).id }),
  body: () => ({ note: 'matrix' }),
});

/**
 * Valid inputs for every authenticated route, keyed `METHOD path`. The matrix fails when a route
 * has no entry, so a new route cannot ship without being exercised for every role.
 */
export const ROUTE_FIXTURES: Record<string, RouteFixture> = {
  'GET /v1/sessions/current': { session: true },
  'DELETE /v1/sessions/current': { session: true },
  'GET /v1/organization': {},
  'GET /v1/users': { query: '?limit=5' },
  'POST /v1/users': {
    body: () => ({ email: `${unique('u')}@acme.example`, name: 'New Person', role: 'auditor' }),
  },
  'GET /v1/users/:id': { params: (w) => ({ id: w.steward.user.id }) },
  'POST /v1/users/:id/deactivate': {
    params: async (w) => {
      const u = await w.ctx.services.identity.createUser(w.ctx.adminActor, {
        email: `${unique('leaver')}@acme.example`,
        name: 'Leaver',
        role: 'auditor',
      });
      return { id: u.id };
    },
    body: () => ({}),
  },
  'GET /v1/api-keys': {},
  'POST /v1/api-keys': { body: () => ({ name: 'matrix key' }) },
  'DELETE /v1/api-keys/:id': {
    params: async (w, c) => {
      const holder = c ?? w.principals.admin;
      return { id: (await w.ctx.services.identity.createApiKey(holder.actor, 'to revoke')).key.id };
    },
  },
  'GET /v1/systems': { query: '?limit=5' },
  'POST /v1/systems': { body: (w, c) => systemInput(ownerFor(w, c).user.id) },
  'GET /v1/systems/:id': { params: (w) => ({ id: w.seed.systemId }) },
  'PATCH /v1/systems/:id': {
    params: async (w, c) => ({ id: (await freshSystem(w, ownerFor(w, c))).id }),
    body: () => ({ description: 'patched by the matrix' }),
  },
  'GET /v1/systems/:id/classification': { params: (w) => ({ id: w.seed.systemId }) },
  'PUT /v1/systems/:id/classification': {
    params: async (w, c) => ({ id: (await freshSystem(w, ownerFor(w, c))).id }),
    body: () => ({ answers: MINIMAL_ANSWERS }),
  },
  'POST /v1/systems/:id/approve': systemLifecycle('classified'),
  'POST /v1/systems/:id/go-live': systemLifecycle('approved'),
  'POST /v1/systems/:id/retire': systemLifecycle('proposed'),
  'POST /v1/systems/:id/transfer': {
    params: async (w, c) => ({ id: (await freshSystem(w, ownerFor(w, c))).id }),
    body: (w, c) => ({ newOwnerId: otherOwner(w, ownerFor(w, c)), reason: 'matrix' }),
  },
  'GET /v1/systems/:id/transfers': { params: (w) => ({ id: w.seed.systemId }) },
  'POST /v1/vendors/:id/transfer': {
    params: async (w, c) => ({ id: await freshVendorId(w, ownerFor(w, c)) }),
    body: (w, c) => ({ newOwnerId: otherOwner(w, ownerFor(w, c)), reason: 'matrix' }),
  },
  'GET /v1/vendors/:id/transfers': { params: (w) => ({ id: w.seed.vendorId }) },
  'POST /v1/engagements/:id/transfer': {
    params: async (w, c) => ({ id: await freshEngagementId(w, ownerFor(w, c)) }),
    body: (w, c) => ({ newOwnerId: otherOwner(w, ownerFor(w, c)), reason: 'matrix' }),
  },
  'GET /v1/engagements/:id/transfers': { params: (w) => ({ id: w.seed.engagementId }) },
  'GET /v1/vendors': { query: '?limit=5' },
  'POST /v1/vendors': { body: (w, c) => vendorInput(ownerFor(w, c).user.id) },
  'GET /v1/vendors/:id': { params: (w) => ({ id: w.seed.vendorId }) },
  'PATCH /v1/vendors/:id': {
    params: async (w, c) => ({ id: await freshVendorId(w, ownerFor(w, c)) }),
    body: () => ({ criticality: 'low' }),
  },
  'GET /v1/engagements': { query: '?limit=5' },
  'POST /v1/engagements': { body: (w, c) => engagementInput(ownerFor(w, c).user.id, w.seed.vendorId) },
  'GET /v1/engagements/:id': { params: (w) => ({ id: w.seed.engagementId }) },
  'PATCH /v1/engagements/:id': {
    params: async (w, c) => ({ id: await freshEngagementId(w, ownerFor(w, c)) }),
    body: () => ({ task: 'patched by the matrix' }),
  },
  'GET /v1/overview': {},
  'GET /v1/trust-content': {},
  'PUT /v1/trust-content': { body: () => ({ published: false, intro: 'Set by the authorisation matrix.' }) },
  'GET /v1/ledger/search': { query: '?limit=5' },
  'GET /v1/ledger/checkpoint': {},
  'GET /v1/ledger/verifier-key': {},
  'GET /v1/ledger/entries': { query: '?start=0&limit=3' },
  'GET /v1/ledger/proofs/inclusion': { query: '?index=0&treeSize=2' },
  'GET /v1/ledger/proofs/consistency': { query: '?from=1&to=2' },
  'POST /v1/ledger/verify': {},
};

export const routeKey = (r: Pick<RouteDef, 'method' | 'path'>) => `${r.method.toUpperCase()} ${r.path}`;

/** Substitutes `:name` segments of a route path. */
export function fillPath(path: string, params: Params): string {
  return path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const v = params[name];
    assert.ok(v !== undefined, `no value for :${name} in ${path}`);
    return encodeURIComponent(v);
  });
}

/** A cookie session for a user, logged in over HTTP. */
export async function login(
  ctx: TestContext,
  email: string,
): Promise<{ cookie: string; csrf: string; setCookie: string }> {
  const res = await ctx.request('POST', '/v1/sessions', {
    key: null,
    body: { email, password: TEST_PASSWORD },
  });
  assert.equal(res.status, 201, res.text);
  const setCookie = res.headers.get('set-cookie') ?? '';
  const m = /^(oversight_session=[^;]+)/.exec(setCookie);
  assert.ok(m, `a session cookie is set: ${setCookie}`);
  return { cookie: m[1]!, csrf: res.json.csrfToken, setCookie };
}
