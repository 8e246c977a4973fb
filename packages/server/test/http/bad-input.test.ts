/**
 * Bad input gets a clear error naming the field and never a 5xx, a partial write or another
 * organisation's data. Every response is checked for the one error shape (checkedClient). The
 * cross-organisation suite runs on SQLite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ERROR_CODES } from '../../../contract/src/errors.ts';
import type { RouteDef } from '../../src/http/route.ts';
import { actorFor } from '../../src/modules/identity/identity-service.ts';
import { AppError } from '../../src/shared/app-error.ts';
import { newId } from '../../src/shared/ids.ts';
import {
  createTestContext,
  STORAGE_KINDS,
  TEST_PASSWORD,
  type StorageKind,
  type TestContext,
} from '../support/harness.ts';
import {
  buildWorld,
  checkedClient,
  engagementInput,
  expectError,
  fillPath,
  issuePaths,
  ROUTE_FIXTURES,
  routeKey,
  systemInput,
  unique,
  vendorInput,
  type Res,
  type World,
} from './http-support.ts';

const BODY_LIMIT = 64 * 1024;

/** The id prefix a route's `:id` takes, from the resource in its path. */
const PREFIX_BY_RESOURCE: Record<string, string> = {
  users: 'usr',
  'api-keys': 'key',
  systems: 'sys',
  vendors: 'ven',
  engagements: 'eng',
};
function prefixOf(r: RouteDef): string {
  const resource = r.path.split('/')[2] ?? '';
  const prefix = PREFIX_BY_RESOURCE[resource];
  assert.ok(prefix, `${routeKey(r)}: add its resource to PREFIX_BY_RESOURCE`);
  return prefix;
}
const idRoutes = (ctx: TestContext) =>
  ctx.routes.filter((r) => r.auth === 'authenticated' && r.path.includes(':id'));

/** Counts that a refused request must leave exactly as they were. */
async function snapshot(ctx: TestContext) {
  const total = async (path: string) => {
    const res = await ctx.request('GET', `${path}?limit=1`);
    assert.equal(res.status, 200, res.text);
    return res.json.total as number;
  };
  return {
    systems: await total('/v1/systems'),
    vendors: await total('/v1/vendors'),
    engagements: await total('/v1/engagements'),
    users: await total('/v1/users'),
    ledger: (await ctx.services.store.read.ledger.readHead(ctx.organization.id)).size,
  };
}

describe('bad input (sqlite)', () => {
  let ctx: TestContext;
  let w: World;
  let http: ReturnType<typeof checkedClient>;
  const send = (...a: Parameters<typeof http.send>) => http.send(...a);
  const post = (path: string, o: Parameters<typeof http.send>[2] = {}) => http.send('POST', path, o);

  before(async () => {
    ctx = await createTestContext();
    w = await buildWorld(ctx);
    http = checkedClient(ctx);
  });
  after(async () => ctx.close());

  describe('reading the body', () => {
    test('malformed JSON is 400 BAD_REQUEST', async () => {
      for (const rawBody of ['{', '{"name": }', "{'name': 'x'}", '{"a":1}}', 'undefined', '\u0000'])
        expectError(
          await post('/v1/systems', { rawBody, headers: { 'content-type': 'application/json' } }),
          'BAD_REQUEST',
        );
    });

    test('a body that is not application/json is 415 UNSUPPORTED_MEDIA_TYPE', async () => {
      const rawBody = JSON.stringify(systemInput(ctx.admin.id));
      for (const type of [
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'text/json',
        'application/xml',
      ])
        expectError(
          await post('/v1/systems', { rawBody, headers: { 'content-type': type } }),
          'UNSUPPORTED_MEDIA_TYPE',
        );
      // No Content-Type at all: fetch labels a string body text/plain.
      expectError(await post('/v1/systems', { rawBody }), 'UNSUPPORTED_MEDIA_TYPE');
      // JSON with parameters or a +json suffix is accepted.
      for (const type of [
        'application/json; charset=utf-8',
        'APPLICATION/JSON',
        'application/vnd.oversight+json',
      ]) {
        const res = await post('/v1/systems', {
          rawBody: JSON.stringify(systemInput(ctx.admin.id)),
          headers: { 'content-type': type },
        });
        assert.equal(res.status, 201, `${type}: ${res.text}`);
      }
    });

    test('a JSON body that is not an object is 422', async () => {
      for (const rawBody of ['null', '[]', '"text"', '42', 'true', '['.repeat(20000) + ']'.repeat(20000)]) {
        const res = await post('/v1/systems', { rawBody, headers: { 'content-type': 'application/json' } });
        expectError(res, 'VALIDATION_FAILED');
      }
    });

    test('a body over the limit is 413 PAYLOAD_TOO_LARGE, with or without Content-Length; at the limit it is read', async () => {
      const padded = (size: number) => {
        const base = JSON.stringify({ ...systemInput(ctx.admin.id), description: '' });
        return base.replace('"description":""', `"description":"${'x'.repeat(size - base.length)}"`);
      };
      const over = padded(BODY_LIMIT + 1);
      assert.equal(Buffer.byteLength(over), BODY_LIMIT + 1);
      const before = await snapshot(ctx);
      expectError(
        await post('/v1/systems', { rawBody: over, headers: { 'content-type': 'application/json' } }),
        'PAYLOAD_TOO_LARGE',
      );
      expectError(
        await post('/v1/systems', {
          rawBody: padded(10 * BODY_LIMIT),
          headers: { 'content-type': 'application/json' },
        }),
        'PAYLOAD_TOO_LARGE',
      );
      // Streamed (chunked, no Content-Length): the limit still holds.
      const chunk = new TextEncoder().encode(padded(2 * BODY_LIMIT));
      const streamed = await ctx.app.request('/v1/systems', {
        method: 'POST',
        headers: { authorization: `Bearer ${ctx.adminKey}`, 'content-type': 'application/json' },
        body: new ReadableStream({
          start(c) {
            c.enqueue(chunk.slice(0, 1000));
            c.enqueue(chunk.slice(1000));
            c.close();
          },
        }),
        duplex: 'half',
      });
      assert.equal(streamed.status, 413);
      assert.equal(((await streamed.json()) as { error: { code: string } }).error.code, 'PAYLOAD_TOO_LARGE');
      assert.deepEqual(await snapshot(ctx), before, 'nothing was written');
      // Exactly at the limit the body is read and validated (description is too long: 422, not 413).
      const at = await post('/v1/systems', {
        rawBody: padded(BODY_LIMIT),
        headers: { 'content-type': 'application/json' },
      });
      expectError(at, 'VALIDATION_FAILED', ['description']);
    });
  });

  describe('validation names the field', () => {
    test('wrong types, missing and unknown fields in bodies', async () => {
      const owner = ctx.admin.id;
      const sys = systemInput(owner);
      const cases: [string, string, unknown, string[]][] = [
        ['POST', '/v1/systems', { ...sys, name: 42 }, ['name']],
        ['POST', '/v1/systems', { ...sys, name: '   ' }, ['name']],
        ['POST', '/v1/systems', { ...sys, name: 'x'.repeat(201) }, ['name']],
        ['POST', '/v1/systems', { ...sys, kind: 'robot' }, ['kind']],
        ['POST', '/v1/systems', { ...sys, decidesAboutCustomers: 'yes' }, ['decidesAboutCustomers']],
        ['POST', '/v1/systems', { ...sys, tags: 'a,b' }, ['tags']],
        ['POST', '/v1/systems', { ...sys, tags: ['fine', 7] }, ['tags.1']],
        ['POST', '/v1/systems', { ...sys, isAdmin: true }, ['isAdmin']],
        ['POST', '/v1/systems', { ...sys, vendorId: 'acme' }, ['vendorId']],
        ['POST', '/v1/systems', {}, ['name', 'kind', 'ownerId']],
        [
          'POST',
          '/v1/vendors',
          { ...vendorInput(owner), subProcessors: [{ location: 'EU' }] },
          ['subProcessors.0.name'],
        ],
        [
          'POST',
          '/v1/vendors',
          {
            ...vendorInput(owner),
            subProcessors: [
              { name: 'A', location: 'EU' },
              { name: 'B', location: 'US', via: 'x' },
            ],
          },
          ['subProcessors.1.via'],
        ],
        ['POST', '/v1/vendors', { ...vendorInput(owner), contactEmail: 'not-an-email' }, ['contactEmail']],
        ['POST', '/v1/vendors', { ...vendorInput(owner), dataLocations: ['EU', ''] }, ['dataLocations.1']],
        ['POST', '/v1/vendors', { ...vendorInput(owner), dpaSignedAt: '2026-01-01' }, ['dpaSignedAt']],
        ['POST', '/v1/vendors', { ...vendorInput(owner), criticality: 'extreme' }, ['criticality']],
        [
          'POST',
          '/v1/engagements',
          { ...engagementInput(owner, w.seed.vendorId), startDate: '2026-02-30' },
          ['startDate'],
        ],
        [
          'POST',
          '/v1/engagements',
          { ...engagementInput(owner, w.seed.vendorId), endDate: '2025-12-31' },
          ['endDate'],
        ],
        [
          'POST',
          '/v1/engagements',
          { ...engagementInput(owner, w.seed.vendorId), systemIds: [w.seed.systemId, 'sys_x'] },
          ['systemIds.1'],
        ],
        ['POST', '/v1/users', { email: 'nope', name: 'N', role: 'owner' }, ['email']],
        ['POST', '/v1/users', { email: 'a@b.example', name: 'N', role: 'root' }, ['role']],
        ['POST', '/v1/users', { email: 'a@b.example', name: 'N', role: 'vendor' }, ['vendorId']],
        [
          'POST',
          '/v1/users',
          { email: 'a@b.example', name: 'N', role: 'owner', password: 'short' },
          ['password'],
        ],
        ['POST', '/v1/api-keys', { name: '' }, ['name']],
        ['POST', '/v1/sessions', { email: 'admin@acme.example' }, ['password']],
        ['POST', `/v1/systems/${w.seed.systemId}/transfer`, { newOwnerId: owner, reason: '' }, ['reason']],
        ['POST', `/v1/systems/${w.seed.systemId}/transfer`, { reason: 'x' }, ['newOwnerId']],
        ['POST', `/v1/systems/${w.seed.systemId}/approve`, { note: 5 }, ['note']],
        ['POST', `/v1/users/${w.steward.user.id}/deactivate`, { successorId: 'bob' }, ['successorId']],
        // What a PATCH cannot touch: owner, status and approval move only through their own routes.
        ['PATCH', `/v1/systems/${w.seed.systemId}`, { ownerId: owner }, ['ownerId']],
        ['PATCH', `/v1/systems/${w.seed.systemId}`, { status: 'live' }, ['status']],
        ['PATCH', `/v1/systems/${w.seed.systemId}`, { riskTier: 'minimal' }, ['riskTier']],
        ['PATCH', `/v1/systems/${w.seed.systemId}`, { approvedBy: owner }, ['approvedBy']],
        ['PATCH', `/v1/vendors/${w.seed.vendorId}`, { ownerId: owner }, ['ownerId']],
        ['PATCH', `/v1/engagements/${w.seed.engagementId}`, { vendorId: w.seed.vendorId }, ['vendorId']],
        ['PATCH', `/v1/engagements/${w.seed.engagementId}`, { endDate: '2000-01-01' }, ['endDate']],
        ['PUT', `/v1/systems/${w.seed.systemId}/classification`, { answers: 'all good' }, ['answers']],
        ['PUT', `/v1/systems/${w.seed.systemId}/classification`, {}, ['answers']],
      ];
      const before = await snapshot(ctx);
      for (const [method, path, body, paths] of cases) {
        const res = await send(method, path, {
          key: method === 'POST' && path === '/v1/sessions' ? null : ctx.adminKey,
          body,
        });
        expectError(res, 'VALIDATION_FAILED', paths);
        assert.ok(
          res.json.error.details.issues.every(
            (i: { message: string; code: string }) => i.message.length > 0 && i.code.length > 0,
          ),
          'each issue has a code and a message',
        );
      }
      assert.deepEqual(await snapshot(ctx), before, 'no refused request wrote anything');
      const seed = (await send('GET', `/v1/systems/${w.seed.systemId}`)).json;
      assert.equal(seed.ownerId, w.steward.user.id);
      assert.equal(seed.status, 'proposed');
    });

    test('several unknown fields are each named', async () => {
      const res = await send('PATCH', `/v1/systems/${w.seed.systemId}`, {
        body: { ownerId: ctx.admin.id, status: 'live' },
      });
      expectError(res, 'VALIDATION_FAILED', ['ownerId', 'status']);
    });

    test('bad query parameters are 422 with paths starting with query.', async () => {
      const cases: [string, string[]][] = [
        ['/v1/systems?status=running', ['query.status']],
        ['/v1/systems?riskTier=extreme', ['query.riskTier']],
        ['/v1/systems?ownerId=bob', ['query.ownerId']],
        ['/v1/systems?limit=abc', ['query.limit']],
        ['/v1/systems?limit=0', ['query.limit']],
        ['/v1/systems?limit=-5', ['query.limit']],
        ['/v1/systems?limit=1.5', ['query.limit']],
        ['/v1/systems?limit=201', ['query.limit']],
        ['/v1/systems?limit=1&limit=2', ['query.limit']],
        ['/v1/systems?sort=name', ['query.sort']],
        ['/v1/systems?cursor=' + 'c'.repeat(201), ['query.cursor']],
        ['/v1/systems?q=' + 'q'.repeat(201), ['query.q']],
        ['/v1/vendors?dpaSigned=yes', ['query.dpaSigned']],
        ['/v1/vendors?criticality=huge', ['query.criticality']],
        ['/v1/engagements?endingBefore=2026-13-01', ['query.endingBefore']],
        ['/v1/engagements?systemId=ven_01m86veqjbe8x6k3webfa65e8q', ['query.systemId']],
        ['/v1/users?role=superuser', ['query.role']],
        ['/v1/api-keys?all=yes', ['query.all']],
        ['/v1/ledger/entries?start=-1', ['query.start']],
        ['/v1/ledger/entries?limit=1001', ['query.limit']],
        ['/v1/ledger/proofs/inclusion?index=0', ['query.treeSize']],
        ['/v1/ledger/proofs/consistency?from=0&to=1', ['query.from']],
      ];
      for (const [path, paths] of cases) {
        const res = await send('GET', path);
        expectError(res, 'VALIDATION_FAILED', paths);
        assert.ok(
          issuePaths(res).every((p) => p.startsWith('query.')),
          `${path}: ${issuePaths(res).join()}`,
        );
      }
    });

    test('huge numbers, negative numbers and unicode in query strings are 4xx or answered, never 5xx', async () => {
      const values = [
        '1e309',
        '-1e309',
        '99999999999999999999',
        '9007199254740993',
        '-0',
        '0x10',
        'NaN',
        'Infinity',
        '',
        '%F0%9F%A4%96',
        '%E2%80%AE%E2%80%AD',
        '%ED%A0%80',
        '%FF%FE',
        '%C0%AF',
        '%25',
        '_',
        "'%20OR%201%3D1--",
        '%5C',
        'a%0Ab',
        encodeURIComponent('Ünïcödé ✓ 名前'),
        '..%2F..%2Fetc%2Fpasswd',
      ];
      const lists = ['/v1/systems', '/v1/vendors', '/v1/engagements', '/v1/users', '/v1/api-keys'];
      let answered = 0;
      for (const list of lists)
        for (const v of values)
          for (const name of ['limit', 'cursor', 'q', 'ownerId']) {
            const res = await send('GET', `${list}?${name}=${v}`);
            assert.ok(res.status < 500, `${list}?${name}=${v} -> ${res.status} ${res.text.slice(0, 200)}`);
            assert.ok([200, 422].includes(res.status), `${list}?${name}=${v} -> ${res.status}`);
            answered++;
          }
      for (const v of values)
        for (const q of [`start=${v}`, `limit=${v}`]) {
          const res = await send('GET', `/v1/ledger/entries?${q}`);
          assert.ok([200, 422].includes(res.status), `ledger entries ?${q} -> ${res.status}`);
        }
      for (const v of values) {
        const res = await send('GET', `/v1/ledger/proofs/inclusion?index=${v}&treeSize=${v}`);
        assert.ok(
          [200, 422].includes(res.status),
          `inclusion ${v} -> ${res.status} ${res.text.slice(0, 200)}`,
        );
      }
      assert.equal(answered, lists.length * values.length * 4);
    });
  });

  describe('ids in paths', () => {
    test('a malformed id in any route is 422 naming params.id', async () => {
      const routes = idRoutes(ctx);
      assert.ok(routes.length >= 20);
      for (const r of routes) {
        const prefix = prefixOf(r);
        const wrongPrefix = prefix === 'sys' ? 'ven' : 'sys';
        const valid = newId(prefix);
        for (const bad of [
          'not-an-id',
          `${prefix}_`,
          `${wrongPrefix}${valid.slice(3)}`,
          valid.toUpperCase(),
          `${valid}0`,
          `${prefix}_' OR '1'='1`,
          `${prefix}_${'0'.repeat(500)}`,
        ]) {
          const res = await send(r.method.toUpperCase(), fillPath(r.path, { id: bad }));
          expectError(res, 'VALIDATION_FAILED', ['params.id']);
        }
      }
    });

    test('a well-formed but unknown id in any route is 404 NOT_FOUND', async () => {
      const before = await snapshot(ctx);
      for (const r of idRoutes(ctx)) {
        const body = ROUTE_FIXTURES[routeKey(r)]?.body?.(w, w.principals.admin);
        const res = await send(
          r.method.toUpperCase(),
          fillPath(r.path, { id: newId(prefixOf(r)) }),
          body !== undefined ? { body } : {},
        );
        expectError(res, 'NOT_FOUND');
      }
      assert.deepEqual(await snapshot(ctx), before);
    });
  });

  describe('accountable owners', () => {
    test('creating a system, vendor or engagement needs an active in-house owner of this organisation', async () => {
      const gone = await ctx.userWithKey('owner');
      await ctx.services.identity.deactivateUser(ctx.adminActor, gone.user.id, {});
      const other = await ctx.services.identity.initOrganization({
        name: 'Elsewhere',
        adminEmail: 'a@elsewhere.example',
        adminName: 'E',
      });
      const owners: [string, string | undefined][] = [
        ['missing', undefined],
        ['deactivated', gone.user.id],
        ['a vendor user', w.principals.vendor.user.id],
        ['an auditor', w.principals.auditor.user.id],
        ['from another organisation', other.admin.id],
        ['unknown', newId('usr')],
        ['malformed', 'owner-bob'],
        ['wrong type', 42 as unknown as string],
      ];
      const creators: [string, (ownerId: string) => Record<string, unknown>][] = [
        ['/v1/systems', (o) => systemInput(o)],
        ['/v1/vendors', (o) => vendorInput(o)],
        ['/v1/engagements', (o) => engagementInput(o, w.seed.vendorId)],
      ];
      const before = await snapshot(ctx);
      for (const [path, make] of creators)
        for (const [label, ownerId] of owners) {
          const body = make('placeholder');
          if (ownerId === undefined) delete body['ownerId'];
          else body['ownerId'] = ownerId;
          const res = await post(path, { body });
          expectError(res, 'VALIDATION_FAILED', ['ownerId']);
          assert.ok(res.json.error.message.length > 0, `${path} with an owner ${label}`);
        }
      // The same rules for a transfer and for a successor.
      for (const [, ownerId] of owners.slice(1, 6)) {
        expectError(
          await post(`/v1/systems/${w.seed.systemId}/transfer`, {
            body: { newOwnerId: ownerId, reason: 'x' },
          }),
          'VALIDATION_FAILED',
          ['newOwnerId'],
        );
        expectError(
          await post(`/v1/users/${w.steward.user.id}/deactivate`, { body: { successorId: ownerId } }),
          'VALIDATION_FAILED',
          ['successorId'],
        );
      }
      const after = await snapshot(ctx);
      assert.deepEqual(after, before, 'no refused create, transfer or deactivation wrote anything');
      const steward = (await send('GET', `/v1/users/${w.steward.user.id}`)).json;
      assert.equal(steward.status, 'active', 'the refused deactivation left the user active');
      assert.equal((await send('GET', `/v1/systems/${w.seed.systemId}`)).json.ownerId, w.steward.user.id);
    });

    test('references to records that do not exist are 422 naming the field, with nothing written', async () => {
      const before = await snapshot(ctx);
      const owner = ctx.admin.id;
      expectError(
        await post('/v1/systems', { body: { ...systemInput(owner), vendorId: newId('ven') } }),
        'VALIDATION_FAILED',
        ['vendorId'],
      );
      expectError(
        await post('/v1/engagements', { body: engagementInput(owner, newId('ven')) }),
        'VALIDATION_FAILED',
        ['vendorId'],
      );
      expectError(
        await post('/v1/engagements', {
          body: { ...engagementInput(owner, w.seed.vendorId), systemIds: [w.seed.systemId, newId('sys')] },
        }),
        'VALIDATION_FAILED',
        ['systemIds.1'],
      );
      expectError(
        await post('/v1/users', {
          body: { email: `${unique('v')}@acme.example`, name: 'V', role: 'vendor', vendorId: newId('ven') },
        }),
        'VALIDATION_FAILED',
        ['vendorId'],
      );
      expectError(
        await send('PATCH', `/v1/engagements/${w.seed.engagementId}`, {
          body: { systemIds: [newId('sys')] },
        }),
        'VALIDATION_FAILED',
        ['systemIds.0'],
      );
      assert.deepEqual(await snapshot(ctx), before);
      assert.deepEqual((await send('GET', `/v1/engagements/${w.seed.engagementId}`)).json.systemIds, [
        w.seed.systemId,
      ]);
    });
  });

  describe('routes and methods', () => {
    test('an unknown route is 404 NOT_FOUND', async () => {
      for (const path of ['/v1/nope', '/v1', '/v1/systems/a/b/c', '/v2/systems', '/nothing', '/v1/SYSTEMS'])
        for (const key of [ctx.adminKey, null]) expectError(await send('GET', path, { key }), 'NOT_FOUND');
    });

    test('a known route with a method it does not have is 405 METHOD_NOT_ALLOWED, for every path in the table', async () => {
      const byPath = new Map<string, Set<string>>();
      for (const r of ctx.routes)
        byPath.set(r.path, new Set([...(byPath.get(r.path) ?? []), r.method.toUpperCase()]));
      let checked = 0;
      for (const [path, methods] of byPath) {
        const concrete = path.includes(':id')
          ? fillPath(path, { id: newId(prefixOf(ctx.routes.find((r) => r.path === path)!)) })
          : path;
        for (const m of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((x) => !methods.has(x))) {
          expectError(await send(m, concrete), 'METHOD_NOT_ALLOWED');
          checked++;
        }
      }
      assert.ok(checked > 60, `${checked} wrong methods`);
    });

    test('a 405 says which methods are allowed (RFC 9110 §15.5.6: Allow header)', async () => {
      const res = await send('DELETE', '/v1/systems');
      expectError(res, 'METHOD_NOT_ALLOWED');
      assert.equal(res.headers.get('allow'), 'GET, POST');
    });
  });

  describe('the error body and request ids', () => {
    test('X-Request-Id is echoed when well-formed and replaced when not', async () => {
      const echoed = await send('GET', '/v1/nope', { headers: { 'x-request-id': 'trace-abc_123' } });
      expectError(echoed, 'NOT_FOUND');
      assert.equal(echoed.json.error.requestId, 'trace-abc_123');
      for (const bad of ['has space', 'x'.repeat(65), '<script>', 'a\tb']) {
        const res = await send('GET', '/v1/nope', { headers: { 'x-request-id': bad } });
        expectError(res, 'NOT_FOUND');
        assert.notEqual(res.json.error.requestId, bad);
        assert.match(res.json.error.requestId, /^[0-9a-f-]{36}$/);
      }
      const ok = await send('GET', '/v1/organization');
      assert.match(
        ok.headers.get('x-request-id') ?? '',
        /^[0-9a-f-]{36}$/,
        'successes carry a request id too',
      );
      const a = await send('GET', '/v1/nope');
      const b = await send('GET', '/v1/nope');
      assert.notEqual(a.json.error.requestId, b.json.error.requestId);
    });

    test('every code the suite met is in ERROR_CODES with its status', () => {
      // checkedClient asserted the shape of every error body; make sure it saw plenty, of many kinds.
      assert.ok(http.seen.errors > 400, `${http.seen.errors} error bodies checked`);
      assert.ok(Object.keys(ERROR_CODES).length >= 13);
    });
  });

  describe('unexpected failures', () => {
    test('a plain Error thrown in a handler is 500 INTERNAL with a generic message; the log has the stack', async () => {
      const registry = ctx.services.registry;
      const original = registry.getSystem.bind(registry);
      const secret = 'connection to db-7.internal:5432 failed, password=hunter2';
      registry.getSystem = async () => {
        throw new Error(secret);
      };
      let res: Res;
      try {
        res = await send('GET', `/v1/systems/${w.seed.systemId}`);
      } finally {
        registry.getSystem = original;
      }
      expectError(res, 'INTERNAL');
      assert.ok(
        !res.text.includes('hunter2') && !res.text.includes('db-7'),
        'the thrown message does not leak',
      );
      assert.ok(!res.text.includes('at '), 'no stack in the body');
      assert.ok(
        res.json.error.message.includes(res.json.error.requestId),
        'the message quotes the request id',
      );
      assert.deepEqual(Object.keys(res.json.error).sort(), ['code', 'message', 'requestId']);
      const line = ctx.logs.find((l) => l['requestId'] === res.json.error.requestId);
      assert.ok(line, 'the failure is logged under its request id');
      assert.equal(line['level'], 'error');
      assert.match(String(line['error']), /hunter2/);
      assert.match(String(line['error']), /\n\s+at /, 'the log has the stack');
      assert.equal(line['path'], `/v1/systems/${w.seed.systemId}`);
      assert.equal(
        (await send('GET', `/v1/systems/${w.seed.systemId}`)).status,
        200,
        'the next request is served',
      );
    });

    test('a non-Error throw is 500 INTERNAL too', async () => {
      const registry = ctx.services.registry;
      const original = registry.listVendors.bind(registry);
      registry.listVendors = async () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- simulating a careless dependency
        throw 'raw string with token ovs_secret';
      };
      try {
        let res: Res;
        try {
          res = await send('GET', '/v1/vendors');
        } catch (e) {
          assert.fail(`the throw escaped the error handler: ${String(e)}`);
        }
        expectError(res, 'INTERNAL');
        assert.ok(!res.text.includes('ovs_secret'));
      } finally {
        registry.listVendors = original;
      }
    });

    test('an AppError INTERNAL from deep inside is logged under its request id, and its detail is not sent', async () => {
      const registry = ctx.services.registry;
      const original = registry.getVendor.bind(registry);
      registry.getVendor = async () => {
        throw new AppError('INTERNAL', 'ledger node 3:1 is missing from storage');
      };
      let res: Res;
      try {
        res = await send('GET', `/v1/vendors/${w.seed.vendorId}`);
      } finally {
        registry.getVendor = original;
      }
      expectError(res, 'INTERNAL');
      assert.ok(!res.text.includes('ledger node'), 'the internal detail is not sent');
      assert.ok(
        ctx.logs.some((l) => l['requestId'] === res.json.error.requestId),
        'the failure is in the log',
      );
    });

    test('if the ledger append fails the change does not happen (one transaction)', async () => {
      const ledger = ctx.services.ledger;
      const original = ledger.append.bind(ledger);
      const before = await snapshot(ctx);
      ledger.append = async (...args: Parameters<typeof original>) => {
        await original(...args);
        throw new Error('ledger disk full');
      };
      try {
        expectError(await post('/v1/systems', { body: systemInput(ctx.admin.id) }), 'INTERNAL');
        expectError(
          await send('PATCH', `/v1/systems/${w.seed.systemId}`, { body: { name: 'Should not stick' } }),
          'INTERNAL',
        );
        expectError(
          await post(`/v1/vendors/${w.seed.vendorId}/transfer`, {
            body: { newOwnerId: ctx.admin.id, reason: 'x' },
          }),
          'INTERNAL',
        );
      } finally {
        ledger.append = original;
      }
      assert.deepEqual(await snapshot(ctx), before, 'no row and no ledger entry survived');
      assert.notEqual((await send('GET', `/v1/systems/${w.seed.systemId}`)).json.name, 'Should not stick');
      assert.equal((await send('GET', `/v1/vendors/${w.seed.vendorId}`)).json.ownerId, w.steward.user.id);
      // The log carries on where it was: the next write lands and the whole log verifies.
      assert.equal((await post('/v1/systems', { body: systemInput(ctx.admin.id) })).status, 201);
      const v = await post('/v1/ledger/verify');
      assert.equal(v.json.ok, true, JSON.stringify(v.json.problems));
      assert.equal(v.json.treeSize, before.ledger + 1);
    });
  });
});

/** Text the databases handle differently: PostgreSQL text cannot hold U+0000. */
for (const storage of STORAGE_KINDS) {
  describe(`text the database must not choke on (${storage})`, () => {
    let ctx: TestContext;
    let http: ReturnType<typeof checkedClient>;
    before(async () => {
      ctx = await createTestContext({ storage });
      http = checkedClient(ctx);
    });
    after(async () => ctx.close());

    test('unicode, LIKE wildcards and quotes in searches are answered', async () => {
      for (const q of ['🤖', 'Ünïcödé', '\u202e', '%', '_', "'", '"', '\\', "'; drop table systems; --"])
        for (const list of ['/v1/systems', '/v1/vendors', '/v1/engagements', '/v1/users']) {
          const res = await http.send('GET', `${list}?q=${encodeURIComponent(q)}`);
          assert.equal(res.status, 200, `${list}?q=${q}: ${res.text.slice(0, 200)}`);
        }
    });

    test('a NUL character in a query or body is refused with 4xx, never 500', async () => {
      for (const path of [
        '/v1/systems?q=%00',
        '/v1/systems?cursor=%00',
        '/v1/users?q=a%00b',
        '/v1/vendors?q=%00',
        '/v1/engagements?q=%00',
      ]) {
        const res = await http.send('GET', path);
        assert.ok(res.status < 500, `${path} -> ${res.status}`);
      }
      const res = await http.send('POST', '/v1/systems', {
        body: { ...systemInput(ctx.admin.id), name: 'a\u0000b' },
      });
      assert.ok(res.status < 500, `NUL in a body string -> ${res.status}`);
    });
  });
}

/** Another organisation's ids are reported as absent, and its data appears in no answer. */
for (const storage of STORAGE_KINDS) {
  describe(`another organisation (${storage})`, () => {
    let ctx: TestContext;
    let w: World;
    let http: ReturnType<typeof checkedClient>;
    let theirs: Awaited<ReturnType<typeof seedOtherOrganization>>;

    before(async () => {
      ctx = await createTestContext({ storage });
      w = await buildWorld(ctx);
      http = checkedClient(ctx);
      theirs = await seedOtherOrganization(ctx, storage);
    });
    after(async () => ctx.close());

    const theirIdFor = (r: RouteDef) => {
      const byPrefix: Record<string, string> = {
        usr: theirs.ids.user,
        key: theirs.ids.apiKey,
        sys: theirs.ids.system,
        ven: theirs.ids.vendor,
        eng: theirs.ids.engagement,
      };
      return byPrefix[prefixOf(r)]!;
    };

    test('their ids are 404 on every route that takes an id, and nothing of theirs changes', async () => {
      const before = await theirs.snapshot();
      const ourLedger = (await ctx.services.store.read.ledger.readHead(ctx.organization.id)).size;
      let checked = 0;
      for (const r of idRoutes(ctx)) {
        const body = ROUTE_FIXTURES[routeKey(r)]?.body?.(w, w.principals.admin);
        for (const key of [ctx.adminKey, w.principals.owner.key, w.principals.vendor.key]) {
          const res = await http.send(r.method.toUpperCase(), fillPath(r.path, { id: theirIdFor(r) }), {
            key,
            ...(body !== undefined ? { body } : {}),
          });
          // A non-admin may be refused by role first; what matters is that nothing of theirs is reachable.
          if (key === ctx.adminKey) expectError(res, 'NOT_FOUND');
          else assert.ok([403, 404].includes(res.status), `${routeKey(r)} -> ${res.status}`);
          checked++;
        }
      }
      assert.ok(checked >= 60);
      assert.deepEqual(
        await theirs.snapshot(),
        before,
        'their records, keys, users and ledger are untouched',
      );
      assert.equal((await ctx.services.store.read.ledger.readHead(ctx.organization.id)).size, ourLedger);
    });

    test('their data appears in no list, search or filter of ours', async () => {
      const needles = [...Object.values(theirs.ids), ...theirs.names, theirs.orgId];
      const lists = ctx.routes.filter(
        (r) => r.auth === 'authenticated' && r.method === 'get' && !r.path.includes(':'),
      );
      assert.ok(lists.length >= 8);
      for (const r of lists) {
        const fixture = ROUTE_FIXTURES[routeKey(r)];
        let query = fixture?.query ?? '';
        if (r.query?.safeParse({ limit: '200' }).success) query = '?limit=200';
        if (r.path === '/v1/ledger/entries') query = '?start=0&limit=1000';
        if (r.path === '/v1/api-keys') query = '?all=true';
        if (fixture?.session) continue;
        const res = await http.send('GET', r.path + query);
        assert.equal(res.status, 200, `${routeKey(r)}${query}: ${res.text.slice(0, 200)}`);
        for (const n of needles) assert.ok(!res.text.includes(n), `${r.path}${query} shows their ${n}`);
      }
      const zero = [
        `/v1/systems?ownerId=${theirs.ids.user}`,
        `/v1/systems?vendorId=${theirs.ids.vendor}`,
        `/v1/systems?q=${encodeURIComponent(theirs.names[0])}`,
        `/v1/vendors?ownerId=${theirs.ids.user}`,
        `/v1/vendors?q=${encodeURIComponent(theirs.names[1])}`,
        `/v1/engagements?vendorId=${theirs.ids.vendor}`,
        `/v1/engagements?systemId=${theirs.ids.system}`,
        `/v1/engagements?ownerId=${theirs.ids.user}`,
        `/v1/engagements?q=${encodeURIComponent(theirs.names[2])}`,
        `/v1/users?q=${encodeURIComponent(theirs.email)}`,
      ];
      for (const path of zero) {
        const res = await http.send('GET', path);
        assert.equal(res.status, 200);
        assert.equal(res.json.total, 0, path);
        assert.deepEqual(res.json.items, []);
      }
      // Every leaf of our ledger is ours.
      const entries = (await http.send('GET', '/v1/ledger/entries?limit=1000')).json.entries as {
        leaf: string;
      }[];
      assert.ok(entries.length > 5);
      for (const e of entries) assert.equal(JSON.parse(e.leaf).org, ctx.organization.id);
    });

    test('their ids cannot be referenced from our bodies', async () => {
      const before = await snapshot(ctx);
      const me = ctx.admin.id;
      const cases: [string, string, unknown, string][] = [
        ['POST', '/v1/systems', { ...systemInput(me), vendorId: theirs.ids.vendor }, 'vendorId'],
        ['POST', '/v1/systems', systemInput(theirs.ids.user), 'ownerId'],
        ['POST', '/v1/engagements', engagementInput(me, theirs.ids.vendor), 'vendorId'],
        [
          'POST',
          '/v1/engagements',
          { ...engagementInput(me, w.seed.vendorId), systemIds: [theirs.ids.system] },
          'systemIds.0',
        ],
        [
          'POST',
          '/v1/users',
          { email: `${unique('x')}@acme.example`, name: 'X', role: 'vendor', vendorId: theirs.ids.vendor },
          'vendorId',
        ],
        ['PATCH', `/v1/systems/${w.seed.systemId}`, { vendorId: theirs.ids.vendor }, 'vendorId'],
        [
          'PATCH',
          `/v1/engagements/${w.seed.engagementId}`,
          { systemIds: [theirs.ids.system] },
          'systemIds.0',
        ],
        [
          'POST',
          `/v1/systems/${w.seed.systemId}/transfer`,
          { newOwnerId: theirs.ids.user, reason: 'x' },
          'newOwnerId',
        ],
        [
          'POST',
          `/v1/users/${w.steward.user.id}/deactivate`,
          { successorId: theirs.ids.user },
          'successorId',
        ],
      ];
      for (const [method, path, body, field] of cases)
        expectError(await http.send(method, path, { body }), 'VALIDATION_FAILED', [field]);
      assert.deepEqual(await snapshot(ctx), before);
    });

    test('and the other way round: their key sees none of ours', async () => {
      for (const path of [
        `/v1/systems/${w.seed.systemId}`,
        `/v1/vendors/${w.seed.vendorId}`,
        `/v1/engagements/${w.seed.engagementId}`,
        `/v1/users/${ctx.admin.id}`,
      ])
        expectError(await http.send('GET', path, { key: theirs.adminKey }), 'NOT_FOUND');
      const list = await http.send('GET', '/v1/systems?limit=200', { key: theirs.adminKey });
      assert.deepEqual(
        list.json.items.map((s: { id: string }) => s.id),
        [theirs.ids.system],
      );
      const users = await http.send('GET', '/v1/users?limit=200', { key: theirs.adminKey });
      assert.ok(!users.text.includes(ctx.admin.id));
    });

    async function seedOtherOrganization(c: TestContext, kind: StorageKind) {
      const init = await c.services.identity.initOrganization({
        name: `Rival ${kind}`,
        adminEmail: 'admin@rival.example',
        adminName: 'Rex Rival',
        password: TEST_PASSWORD,
      });
      const adminActor = actorFor(init.admin, 'api_key');
      const owner = await c.userWithKey('owner', { org: { actor: adminActor } });
      const reg = c.services.registry;
      const names = [unique('RivalSystem'), unique('RivalVendor'), unique('RivalEngagement')] as const;
      const vendor = await reg.createVendor(adminActor, {
        ...vendorInput(owner.user.id),
        legalName: names[1],
      });
      const system = await reg.createSystem(adminActor, {
        ...systemInput(owner.user.id),
        name: names[0],
        vendorId: vendor.id,
      });
      const engagement = await reg.createEngagement(adminActor, {
        ...engagementInput(owner.user.id, vendor.id),
        title: names[2],
        systemIds: [system.id],
      });
      await reg.transferOwnership(adminActor, 'system', system.id, {
        newOwnerId: init.admin.id,
        reason: 'rival reshuffle',
      });
      const keys = await c.services.identity.listApiKeys(adminActor, true);
      const ids = {
        user: owner.user.id,
        admin: init.admin.id,
        apiKey: keys.find((k) => k.userId === owner.user.id)!.id,
        system: system.id,
        vendor: vendor.id,
        engagement: engagement.id,
      };
      const get = async (path: string) => {
        const res = await c.request('GET', path, { key: init.apiKey });
        assert.equal(res.status, 200, `${path}: ${res.text}`);
        return res.json as unknown;
      };
      return {
        orgId: init.organization.id,
        adminKey: init.apiKey,
        email: owner.user.email,
        ids,
        names,
        /** Everything of theirs our requests could have touched, read with their own key. */
        async snapshot() {
          return {
            system: await get(`/v1/systems/${system.id}`),
            classification: await get(`/v1/systems/${system.id}/classification`),
            transfers: await get(`/v1/systems/${system.id}/transfers`),
            vendor: await get(`/v1/vendors/${vendor.id}`),
            engagement: await get(`/v1/engagements/${engagement.id}`),
            owner: await get(`/v1/users/${owner.user.id}`),
            // Before the key list: using the key sets its lastUsedAt (at most once a minute).
            ownerKeyWorks: (await c.request('GET', '/v1/organization', { key: owner.key })).status,
            keys: await get('/v1/api-keys?all=true'),
            ledger: (await c.services.store.read.ledger.readHead(init.organization.id)).size,
          };
        },
      };
    }
  });
}
