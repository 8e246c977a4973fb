// The one typed client of the Oversight API. Types come from the contract with `import type`
// only, so no schema code reaches the bundle. Cookie sessions: every unsafe request carries the
// session's CSRF token (X-CSRF-Token), taken from the login or current-session response.
import type {
  AiActAnswers,
  AiActClassification,
  ApiKeyView,
  CreateApiKeyBody,
  CreatedApiKeyView,
  CreateEngagementBody,
  CreateSystemBody,
  CreateUserBody,
  CreateVendorBody,
  DeactivateUserBody,
  EngagementListQuery,
  EngagementView,
  LedgerSearchQuery,
  LedgerEntryView,
  LedgerVerifyView,
  LoginBody,
  OrganizationView,
  OverviewView,
  Page,
  PublicTrustView,
  SessionView,
  SystemListQuery,
  SystemView,
  TransferOwnershipBody,
  TransferView,
  TrustContent,
  TrustContentView,
  UpdateEngagementBody,
  UpdateSystemBody,
  UpdateVendorBody,
  UserListQuery,
  UserView,
  VendorListQuery,
  VendorView,
} from '@oversight/contract';
import { ApiError, toApiError } from './errors.ts';

/** The request shape of a zod schema (fields with defaults are optional), without importing zod. */
export type InputOf<S> = S extends { _zod: { input: infer I } } ? I : never;

/** List query parameters: every field optional, values sent as strings. */
type ListQuery<Q> = { [K in keyof Q]?: Q[K] | undefined };

export type SystemQuery = ListQuery<SystemListQuery>;
export type VendorQuery = ListQuery<VendorListQuery>;
export type EngagementQuery = ListQuery<EngagementListQuery>;
export type UserQuery = ListQuery<UserListQuery>;
export type LedgerQuery = ListQuery<LedgerSearchQuery>;

export type NewSystem = InputOf<typeof CreateSystemBody>;
export type NewVendor = InputOf<typeof CreateVendorBody>;
export type NewEngagement = InputOf<typeof CreateEngagementBody>;
export type NewUser = InputOf<typeof CreateUserBody>;
export type TrustContentInput = InputOf<typeof TrustContent>;

/** The stored classification of a system (the route's ClassificationView). */
export type ClassificationView = {
  systemId: string;
  riskTier: SystemView['riskTier'];
  classifiedAt: string | null;
  answers: AiActAnswers | null;
  result: AiActClassification | null;
};

export type InclusionProof = { index: number; treeSize: number; rootHash: string; hashes: string[] };
export type LedgerSearchResult = { entries: LedgerEntryView[]; nextBefore: number | null };
export type DeactivateResult = { user: UserView; transferred: { kind: string; id: string }[] };
export type OwnedKind = 'system' | 'vendor' | 'engagement';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Options = { signal?: AbortSignal | undefined };
type QueryValue = string | number | boolean | undefined | null;

export type ClientConfig = {
  fetch?: typeof fetch;
  baseUrl?: string;
  /** Called when an authenticated call finds the session gone (401), e.g. to show the login page. */
  onUnauthenticated?: (error: ApiError) => void;
};

/** Builds `?a=1&b=x` from the defined, non-empty values, in key order. */
export function queryString(query: Record<string, QueryValue> | object | undefined): string {
  if (query === undefined) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query) as [string, QueryValue][]) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

const enc = encodeURIComponent;

/** Creates the API client; one per page load, shared through the app. */
export function createApiClient(config: ClientConfig = {}) {
  const doFetch = config.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const baseUrl = config.baseUrl ?? '';
  let csrfToken: string | undefined;

  async function request<T>(
    method: Method,
    path: string,
    init: Options & { body?: unknown; query?: object | undefined; text?: boolean; anonymous?: boolean } = {},
  ): Promise<T> {
    const headers: Record<string, string> = { Accept: init.text ? 'text/plain' : 'application/json' };
    if (init.body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET' && csrfToken !== undefined) headers['X-CSRF-Token'] = csrfToken;
    let response: Response;
    try {
      response = await doFetch(`${baseUrl}${path}${queryString(init.query)}`, {
        method,
        headers,
        credentials: 'same-origin',
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
        ...(init.signal ? { signal: init.signal } : {}),
      });
    } catch (e) {
      if (e instanceof DOMException && e.name === 'AbortError') throw e;
      throw new ApiError({
        status: 0,
        code: 'NETWORK',
        message: 'The server could not be reached; check your connection and try again.',
      });
    }
    if (!response.ok) {
      const body: unknown = await response.json().catch(() => undefined);
      const error = toApiError(response.status, body, response.headers.get('x-request-id'));
      if (error.code === 'UNAUTHENTICATED' && !init.anonymous) config.onUnauthenticated?.(error);
      throw error;
    }
    if (response.status === 204) return undefined as T;
    return (init.text ? await response.text() : await response.json()) as T;
  }

  const get = <T>(path: string, query?: object, o?: Options) => request<T>('GET', path, { query, ...o });
  const send = <T>(method: Method, path: string, body?: unknown) =>
    request<T>(method, path, body === undefined ? {} : { body });

  const session = (s: SessionView) => {
    csrfToken = s.csrfToken;
    return s;
  };

  const owned = <V, N, U>(plural: string) => ({
    list: (query: object = {}, o?: Options) => get<Page<V>>(`/v1/${plural}`, query, o),
    get: (id: string, o?: Options) => get<V>(`/v1/${plural}/${enc(id)}`, undefined, o),
    create: (body: N) => send<V>('POST', `/v1/${plural}`, body),
    update: (id: string, body: U) => send<V>('PATCH', `/v1/${plural}/${enc(id)}`, body),
    transfer: (id: string, body: TransferOwnershipBody) =>
      send<TransferView>('POST', `/v1/${plural}/${enc(id)}/transfer`, body),
    transfers: (id: string, o?: Options) =>
      get<{ items: TransferView[] }>(`/v1/${plural}/${enc(id)}/transfers`, undefined, o),
  });

  const systems = owned<SystemView, NewSystem, UpdateSystemBody>('systems');
  const vendors = owned<VendorView, NewVendor, UpdateVendorBody>('vendors');
  const engagements = owned<EngagementView, NewEngagement, UpdateEngagementBody>('engagements');
  const lifecycle = (action: 'approve' | 'go-live' | 'retire') => (id: string, note?: string) =>
    send<SystemView>('POST', `/v1/systems/${enc(id)}/${action}`, note ? { note } : {});

  return {
    /** Remembers the CSRF token of the current session (done by login and sessions.current). */
    setCsrfToken(token: string | undefined) {
      csrfToken = token;
    },
    sessions: {
      login: async (body: InputOf<typeof LoginBody>) =>
        session(await request<SessionView>('POST', '/v1/sessions', { body, anonymous: true })),
      current: async (o?: Options) =>
        session(await request<SessionView>('GET', '/v1/sessions/current', { anonymous: true, ...o })),
      logout: async () => {
        await request<void>('DELETE', '/v1/sessions/current', { anonymous: true });
        csrfToken = undefined;
      },
    },
    organization: (o?: Options) => get<OrganizationView>('/v1/organization', undefined, o),
    overview: (o?: Options) => get<OverviewView>('/v1/overview', undefined, o),
    users: {
      list: (query: UserQuery = {}, o?: Options) => get<Page<UserView>>('/v1/users', query, o),
      get: (id: string, o?: Options) => get<UserView>(`/v1/users/${enc(id)}`, undefined, o),
      create: (body: NewUser) => send<UserView>('POST', '/v1/users', body),
      deactivate: (id: string, body: DeactivateUserBody = {}) =>
        send<DeactivateResult>('POST', `/v1/users/${enc(id)}/deactivate`, body),
    },
    apiKeys: {
      list: (o?: Options) => get<{ items: ApiKeyView[] }>('/v1/api-keys', undefined, o),
      create: (body: CreateApiKeyBody) => send<CreatedApiKeyView>('POST', '/v1/api-keys', body),
      revoke: (id: string) => send<ApiKeyView>('DELETE', `/v1/api-keys/${enc(id)}`),
    },
    systems: {
      ...systems,
      list: (query: SystemQuery = {}, o?: Options) => systems.list(query, o),
      classification: (id: string, o?: Options) =>
        get<ClassificationView>(`/v1/systems/${enc(id)}/classification`, undefined, o),
      classify: (id: string, answers: AiActAnswers) =>
        send<ClassificationView>('PUT', `/v1/systems/${enc(id)}/classification`, { answers }),
      approve: lifecycle('approve'),
      goLive: lifecycle('go-live'),
      retire: lifecycle('retire'),
    },
    vendors: { ...vendors, list: (query: VendorQuery = {}, o?: Options) => vendors.list(query, o) },
    engagements: {
      ...engagements,
      list: (query: EngagementQuery = {}, o?: Options) => engagements.list(query, o),
    },
    /** Transfers and transfer history by resource kind. */
    ownership: (kind: OwnedKind) => ({ system: systems, vendor: vendors, engagement: engagements })[kind],
    ledger: {
      checkpoint: (o?: Options) => request<string>('GET', '/v1/ledger/checkpoint', { text: true, ...o }),
      verifierKey: (o?: Options) => request<string>('GET', '/v1/ledger/verifier-key', { text: true, ...o }),
      search: (query: LedgerQuery = {}, o?: Options) =>
        get<LedgerSearchResult>('/v1/ledger/search', query, o),
      inclusionProof: (index: number, treeSize: number, o?: Options) =>
        get<InclusionProof>('/v1/ledger/proofs/inclusion', { index, treeSize }, o),
      verify: () => send<LedgerVerifyView>('POST', '/v1/ledger/verify'),
    },
    trust: {
      content: (o?: Options) => get<TrustContentView>('/v1/trust-content', undefined, o),
      save: (body: TrustContentInput) => send<TrustContentView>('PUT', '/v1/trust-content', body),
      public: (slug: string, o?: Options) =>
        request<PublicTrustView>('GET', `/v1/public/trust/${enc(slug)}`, { anonymous: true, ...o }),
    },
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;
