import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import { randomUUID } from 'node:crypto';
import { ERROR_CODES, type ErrorBody } from '../../../contract/src/errors.ts';
import type { Services } from '../compose.ts';
import type { Actor } from '../modules/identity/identity-types.ts';
import { AppError } from '../shared/app-error.ts';
import { nulIssues, parseOrThrow } from '../shared/zod-issues.ts';
import { validationError } from '../shared/app-error.ts';
import { openApiDocument, renderReferencePage } from './openapi.ts';
import type { RouteDef } from './route.ts';
import { buildRoutes } from './routes.ts';
import { sessionTokenFrom } from './session-cookie.ts';

export type AppOptions = {
  bodyLimitBytes: number;
  log: (line: Record<string, unknown>) => void;
  version: string;
  webRoot?: string | undefined;
};

type Env = { Variables: { requestId: string; actor: Actor | undefined } };

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The HTTP edge: authenticate, validate, call the service, present; and one error handler. */
export function createApp(services: Services, options: AppOptions) {
  const app = new Hono<Env>({ strict: false });
  const routes = buildRoutes(services);

  app.use('*', async (c, next) => {
    const incoming = c.req.header('x-request-id');
    c.set('requestId', incoming && /^[\w-]{1,64}$/.test(incoming) ? incoming : randomUUID());
    c.header('X-Request-Id', c.get('requestId'));
    await next();
  });
  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
      referrerPolicy: 'no-referrer',
    }),
  );
  app.use(
    '/v1/*',
    bodyLimit({
      maxSize: options.bodyLimitBytes,
      onError: () => {
        throw new AppError('PAYLOAD_TOO_LARGE', `request body exceeds ${options.bodyLimitBytes} bytes`);
      },
    }),
  );

  app.get('/healthz', async (c) => {
    await services.store.ping();
    return c.json({ status: 'ok', storage: services.store.flavour, version: options.version });
  });
  app.get('/openapi.json', (c) => c.json(openApiDocument(routes, options.version)));
  app.get('/docs/api', (c) => c.html(renderReferencePage(routes, options.version)));

  for (const def of routes) registerRoute(app, def, services);

  app.all('/v1/*', (c) => {
    const allowed = routes.filter((r) => matches(r.path, c.req.path)).map((r) => r.method.toUpperCase());
    if (allowed.length === 0) throw new AppError('NOT_FOUND', `no route ${c.req.method} ${c.req.path}`);
    // RFC 9110 §15.5.6: a 405 lists the methods the resource does support.
    c.header('Allow', [...new Set(allowed)].join(', '));
    throw new AppError('METHOD_NOT_ALLOWED', `${c.req.method} is not supported on ${c.req.path}`);
  });

  app.onError((err, c) => errorResponse(c, err, options.log));
  app.notFound((c) =>
    errorResponse(c, new AppError('NOT_FOUND', `no route ${c.req.method} ${c.req.path}`), options.log),
  );
  return { app, routes };
}

function registerRoute(app: Hono<Env>, def: RouteDef, services: Services) {
  app.on(def.method.toUpperCase(), def.path, async (c) => {
    try {
      return await handle(c);
    } catch (error) {
      // Hono hands only Error instances to onError; anything else thrown is wrapped so it is too.
      throw error instanceof Error ? error : new Error(`non-Error thrown: ${String(error)}`);
    }
  });

  async function handle(c: Context<Env>) {
    const actor = def.auth === 'public' ? undefined : await authenticate(c, services);
    const params = def.params ? parseOrThrow(def.params, c.req.param(), 'params') : {};
    const query = def.query ? parseOrThrow(def.query, queryObject(c), 'query') : {};
    const body = def.body ? parseOrThrow(def.body, await readJson(c)) : undefined;
    const result = await def.handler({ actor: actor as Actor, params, query, body, c });
    if (def.status === 204) return c.body(null, 204);
    if (def.responseType === 'text') {
      c.header('Content-Type', 'text/plain; charset=utf-8');
      return c.body(String(result), 200);
    }
    return c.json(result as object, def.status ?? 200);
  }
}

/** Bearer API key, or the session cookie plus, for unsafe methods, the CSRF token. */
async function authenticate(c: Context<Env>, services: Services): Promise<Actor> {
  const header = c.req.header('authorization');
  if (header) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) throw new AppError('UNAUTHENTICATED', 'the Authorization header must be "Bearer <api key>"');
    const { actor } = await services.identity.authenticateApiKey(m[1] as string);
    c.set('actor', actor);
    return actor;
  }
  const token = sessionTokenFrom(c);
  if (!token) throw new AppError('UNAUTHENTICATED', 'send an API key (Authorization: Bearer …) or log in');
  const { actor, session } = await services.identity.authenticateSession(token);
  if (UNSAFE.has(c.req.method) && c.req.header('x-csrf-token') !== session.csrfToken)
    throw new AppError('FORBIDDEN', 'missing or wrong X-CSRF-Token header for a cookie-authenticated change');
  c.set('actor', actor);
  return actor;
}

function queryObject(c: Context): Record<string, string> {
  const out: Record<string, string> = {};
  const url = new URL(c.req.url);
  for (const [k, v] of url.searchParams) {
    if (Object.hasOwn(out, k))
      throw new AppError('VALIDATION_FAILED', `query parameter ${k} is repeated`, {
        issues: [{ path: `query.${k}`, code: 'repeated', message: 'is repeated' }],
      });
    out[k] = v;
  }
  const nul = nulIssues(out, 'query');
  if (nul.length > 0) throw validationError(nul);
  return out;
}

async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/(.+\+)?json\b/i.test(type))
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new AppError('BAD_REQUEST', `the body is not valid JSON: ${(e as Error).message}`);
  }
  const nul = nulIssues(value);
  if (nul.length > 0) throw validationError(nul);
  return value;
}

function matches(pattern: string, path: string): boolean {
  const re = new RegExp('^' + pattern.replace(/:[^/]+/g, '[^/]+') + '/?$');
  return re.test(path);
}

/** Translates any failure into the one error body; unknown failures leak nothing but the request id. */
export function errorResponse(c: Context, err: unknown, log: AppOptions['log']) {
  const requestId = (c.get('requestId') as string | undefined) ?? randomUUID();
  let appError: AppError;
  if (err instanceof AppError && err.code !== 'INTERNAL') appError = err;
  else if (isHttpException(err) && err.status === 413)
    appError = new AppError('PAYLOAD_TOO_LARGE', 'request body too large');
  else {
    appError = new AppError('INTERNAL', `an unexpected error occurred; quote request id ${requestId}`);
    log({
      level: 'error',
      requestId,
      method: c.req.method,
      path: c.req.path,
      error: err instanceof Error ? err.stack : 'non-Error thrown',
    });
  }
  const body: ErrorBody = {
    error: {
      code: appError.code,
      message: appError.message,
      requestId,
      ...(appError.details ? { details: appError.details } : {}),
    },
  };
  return c.json(body, ERROR_CODES[appError.code].status as 400);
}

function isHttpException(err: unknown): err is { status: number } {
  return typeof err === 'object' && err !== null && 'status' in err && typeof err.status === 'number';
}
