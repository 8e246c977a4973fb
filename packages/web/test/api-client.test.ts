import assert from 'node:assert/strict';
import { describe, test } from './support.ts';
import { createApiClient, queryString } from '../src/api/client.ts';
import {
  ApiError,
  describeError,
  fieldErrorsOf,
  messageFor,
  toApiError,
  unclaimedErrors,
} from '../src/api/errors.ts';

type Call = { url: string; init: RequestInit };

function fakeFetch(respond: (call: Call) => Response) {
  const calls: Call[] = [];
  const fetch = async (input: string | URL | Request, init: RequestInit = {}) => {
    const call = {
      url: typeof input === 'string' ? input : input instanceof URL ? input.href : input.url,
      init,
    };
    calls.push(call);
    return respond(call);
  };
  return { calls, fetch: fetch satisfies typeof globalThis.fetch };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const SESSION = {
  user: { id: 'usr_1', role: 'admin' },
  organization: { id: 'org_1', name: 'Demo', slug: 'demo', demo: true },
  csrfToken: 'csrf-123',
  expiresAt: '2030-01-01T00:00:00.000Z',
};

describe('error mapping', () => {
  const body = {
    error: {
      code: 'VALIDATION_FAILED',
      message: 'ownerId: Invalid input',
      requestId: 'req-1',
      details: {
        issues: [
          {
            path: 'ownerId',
            code: 'invalid_type',
            message: 'Invalid input: expected string, received undefined',
          },
          { path: 'tags.2', code: 'too_big', message: 'Too big' },
          { path: 'subProcessors.0.name', code: 'too_small', message: 'Too small' },
          { path: 'ownerId', code: 'other', message: 'second message is ignored' },
        ],
      },
    },
  };

  test('reads code, message, request id and issues', () => {
    const e = toApiError(422, body);
    assert.equal(e.code, 'VALIDATION_FAILED');
    assert.equal(e.status, 422);
    assert.equal(e.requestId, 'req-1');
    assert.equal(e.issues.length, 4);
  });

  test('keys messages by field path, first message wins', () => {
    const errors = fieldErrorsOf(toApiError(422, body));
    assert.equal(errors['ownerId'], 'Invalid input: expected string, received undefined');
    assert.equal(errors['tags.2'], 'Too big');
    assert.equal(messageFor(errors, 'tags'), 'Too big');
    assert.equal(messageFor(errors, 'subProcessors.0.name'), 'Too small');
    assert.equal(messageFor(errors, 'name'), undefined);
  });

  test('strips a prefix such as answers.', () => {
    const e = toApiError(422, {
      error: {
        code: 'VALIDATION_FAILED',
        message: 'x',
        requestId: 'r',
        details: {
          issues: [
            { path: 'answers.social_scoring', code: 'invalid', message: 'Missing answer' },
            { path: 'answers', code: 'x', message: 'Answers must be an object' },
          ],
        },
      },
    });
    const errors = e.fieldErrors('answers');
    assert.equal(errors['social_scoring'], 'Missing answer');
    assert.equal(errors[''], 'Answers must be an object');
  });

  test('a CONFLICT naming details.field lands on that field', () => {
    const e = toApiError(409, {
      error: {
        code: 'CONFLICT',
        message: 'a user with this e-mail already exists',
        requestId: 'r',
        details: { field: 'email' },
      },
    });
    assert.deepEqual(e.fieldErrors(), { email: 'a user with this e-mail already exists' });
  });

  test('issues for fields a form does not show are reported at form level', () => {
    const errors = { ownerId: 'required', '': 'whole request', 'query.limit': 'bad' };
    assert.deepEqual(unclaimedErrors(errors, ['ownerId']), ['whole request', 'query.limit: bad']);
  });

  test('query-parameter issues go to the form as a whole', () => {
    const e = toApiError(422, {
      error: {
        code: 'VALIDATION_FAILED',
        message: 'm',
        requestId: 'r',
        details: { issues: [{ path: 'query.limit', code: 'too_big', message: 'Too big' }] },
      },
    });
    assert.deepEqual(e.fieldErrors(), { '': 'query.limit: Too big' });
  });

  test('an unknown body still yields an ApiError with the status', () => {
    const e = toApiError(502, '<html>bad gateway</html>', 'hdr-id');
    assert.equal(e.code, 'UNEXPECTED_RESPONSE');
    assert.equal(e.status, 502);
    assert.equal(e.requestId, 'hdr-id');
    assert.match(describeError(e), /502.*\(request hdr-id\)/);
  });
});

describe('client', () => {
  test('sends the CSRF token from login on unsafe requests only', async () => {
    const { calls, fetch } = fakeFetch((call) =>
      call.url === '/v1/sessions' ? json(201, SESSION) : json(200, { items: [], nextCursor: null, total: 0 }),
    );
    const api = createApiClient({ fetch });
    await api.sessions.login({ email: 'a@b.example', password: 'pw' });
    await api.systems.list({ q: 'lead', status: 'live', cursor: undefined });
    await api.systems.create({ name: 'x', kind: 'model', ownerId: 'usr_1' });
    const [login, list, create] = calls;
    const h = (c: Call | undefined) => (c?.init.headers ?? {}) as Record<string, string>;
    assert.equal(h(login)['X-CSRF-Token'], undefined);
    assert.equal(list?.url, '/v1/systems?q=lead&status=live');
    assert.equal(list?.init.method, 'GET');
    assert.equal(h(list)['X-CSRF-Token'], undefined);
    assert.equal(create?.init.method, 'POST');
    assert.equal(h(create)['X-CSRF-Token'], 'csrf-123');
    assert.equal(h(create)['Content-Type'], 'application/json');
    assert.equal(create?.init.credentials, 'same-origin');
    assert.deepEqual(JSON.parse(create?.init.body as string), { name: 'x', kind: 'model', ownerId: 'usr_1' });
  });

  test('throws ApiError with field errors and reports a lost session', async () => {
    let lost = 0;
    const { fetch } = fakeFetch((call) =>
      call.url.startsWith('/v1/systems')
        ? json(422, {
            error: {
              code: 'VALIDATION_FAILED',
              message: 'm',
              requestId: 'r',
              details: { issues: [{ path: 'ownerId', code: 'x', message: 'is required' }] },
            },
          })
        : json(401, { error: { code: 'UNAUTHENTICATED', message: 'log in', requestId: 'r2' } }),
    );
    const api = createApiClient({ fetch, onUnauthenticated: () => lost++ });
    await assert.rejects(api.systems.create({ name: 'x', kind: 'model', ownerId: '' }), (e: unknown) => {
      assert.ok(e instanceof ApiError);
      assert.deepEqual(e.fieldErrors(), { ownerId: 'is required' });
      return true;
    });
    await assert.rejects(api.users.list());
    assert.equal(lost, 1);
    // Asking whether a session exists is not "losing" one.
    await assert.rejects(api.sessions.current());
    assert.equal(lost, 1);
  });

  test('handles 204 and text responses, and network failures', async () => {
    const { fetch } = fakeFetch((call) => {
      if (call.url === '/v1/sessions/current' && call.init.method === 'DELETE')
        return new Response(null, { status: 204 });
      if (call.url === '/v1/ledger/checkpoint')
        return new Response('origin\n1\nroot\n\n— sig\n', { status: 200 });
      throw new TypeError('fetch failed');
    });
    const api = createApiClient({ fetch });
    assert.equal(await api.sessions.logout(), undefined);
    assert.match(await api.ledger.checkpoint(), /^origin\n1\n/);
    await assert.rejects(api.organization(), (e: unknown) => e instanceof ApiError && e.code === 'NETWORK');
  });

  test('queryString skips empty values and serialises booleans', () => {
    assert.equal(queryString({ a: '', b: undefined, c: null, d: false, e: 3 }), '?d=false&e=3');
    assert.equal(queryString({}), '');
  });
});

describe('messages for people', () => {
  test('a refusal reads as the API wrote it; server failures add the request id', () => {
    const refusal = toApiError(409, {
      error: { code: 'CONFLICT', message: 'only a proposed system can be approved', requestId: 'r1' },
    });
    assert.equal(describeError(refusal), 'Only a proposed system can be approved');
    const failure = toApiError(500, {
      error: { code: 'INTERNAL', message: 'an unexpected error occurred', requestId: 'r2' },
    });
    assert.equal(describeError(failure), 'An unexpected error occurred (request r2)');
  });
});
