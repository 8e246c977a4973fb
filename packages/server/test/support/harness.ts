/**
 * Test harness: a fully composed Oversight on a fresh database (a temp SQLite file, or a
 * private schema in the PostgreSQL `test` database so parallel runs never collide), with an
 * in-process app (`app.request`, no port) and helpers to create users of every role.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { composeServices, type Services } from '../../src/compose.ts';
import { createApp } from '../../src/http/app.ts';
import { actorFor } from '../../src/modules/identity/identity-service.ts';
import type { Actor, User } from '../../src/modules/identity/identity-types.ts';
import type { MasterKey } from '../../src/modules/vault/master-key.ts';
import { openStore, sqlitePathFor, type StorageConfig } from '../../src/storage/open-store.ts';
import type { Clock } from '../../src/shared/clock.ts';

export type StorageKind = 'sqlite' | 'postgres';
export const PG_URL = process.env['OVERSIGHT_TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_PASSWORD = 'correct horse battery staple';

/** Runs raw SQL against a test database, bypassing Oversight: the tool of a tamperer. */
export async function rawSql(
  config: StorageConfig,
  sql: string,
  params: unknown[] = [],
): Promise<Record<string, unknown>[]> {
  if (config.kind === 'sqlite') {
    const { DatabaseSync } = await import('node:sqlite');
    const db = new DatabaseSync(config.path);
    try {
      const stmt = db.prepare(sql);
      return stmt.columns().length > 0
        ? stmt.all(...(params as string[]))
        : (stmt.run(...(params as string[])), []);
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({
    connectionString: config.url,
    ...(config.schema ? { options: `-c search_path=${config.schema}` } : {}),
  });
  await client.connect();
  try {
    // node:sqlite style ? placeholders become $1, $2 …
    let n = 0;
    const text = sql.replace(/\?/g, () => `$${++n}`);
    return (await client.query(text, params)).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}

/** Storage kinds every contract suite runs against. */
export const STORAGE_KINDS: StorageKind[] = ['sqlite', 'postgres'];

export function testMasterKey(): MasterKey {
  return { version: 1, key: new Uint8Array(randomBytes(32)) };
}

/** A fresh, migrated store and a function that deletes it. */
export async function freshStorage(
  kind: StorageKind,
): Promise<{ config: StorageConfig; dispose: () => Promise<void> }> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'oversight-test-'));
    return {
      config: { kind: 'sqlite', path: sqlitePathFor(dir) },
      dispose: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const schema = `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  return {
    config: { kind: 'postgres', url: PG_URL, schema, poolSize: 4 },
    dispose: async () => {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    },
  };
}

export type TestContext = Awaited<ReturnType<typeof createTestContext>>;

/** A composed Oversight with one organisation, its admin and an admin API key. */
export async function createTestContext(
  opts: { storage?: StorageKind; clock?: Clock; bodyLimitBytes?: number } = {},
) {
  const storage = await freshStorage(opts.storage ?? 'sqlite');
  const store = openStore(storage.config);
  await store.migrate();
  const services: Services = composeServices(store, {
    masterKey: testMasterKey(),
    originHost: 'test.oversight.local',
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  const logs: Record<string, unknown>[] = [];
  const { app, routes } = createApp(services, {
    bodyLimitBytes: opts.bodyLimitBytes ?? 64 * 1024,
    version: 'test',
    log: (l) => logs.push(l),
  });
  const init = await services.identity.initOrganization({
    name: 'Acme Marketing',
    adminEmail: 'admin@acme.example',
    adminName: 'Ada Admin',
    password: TEST_PASSWORD,
  });
  const adminActor = actorFor(init.admin, 'api_key');

  /** Creates a user of a role and an API key for them. */
  async function userWithKey(role: User['role'], extra: { vendorId?: string; org?: { actor: Actor } } = {}) {
    const by = extra.org?.actor ?? adminActor;
    const user = await services.identity.createUser(by, {
      email: `${role}-${randomBytes(4).toString('hex')}@acme.example`,
      name: `${role} user`,
      role,
      password: TEST_PASSWORD,
      ...(extra.vendorId ? { vendorId: extra.vendorId } : {}),
    });
    const actor = actorFor(user, 'api_key');
    const { secret } = await services.identity.createApiKey(actor, 'test');
    return { user, actor, key: secret };
  }

  /** Sends a request to the in-process app. */
  async function request(
    method: string,
    path: string,
    o: { key?: string | null; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
  ) {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    const key = o.key === undefined ? init.apiKey : o.key;
    if (key) headers['authorization'] = `Bearer ${key}`;
    let body: string | undefined;
    if (o.rawBody !== undefined) body = o.rawBody;
    else if (o.body !== undefined) {
      body = JSON.stringify(o.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }

    return { status: res.status, headers: res.headers, text, json: json as any };
  }

  return {
    services,
    store,
    storageConfig: storage.config,
    app,
    routes,
    logs,
    organization: init.organization,
    admin: init.admin,
    adminActor,
    adminKey: init.apiKey,
    userWithKey,
    request,
    async close() {
      await store.close();
      await storage.dispose();
    },
  };
}

/** A vendor, a system and an engagement owned by the given owner, for tests that need a registry. */
export async function seedRegistry(ctx: TestContext, ownerId: string) {
  const vendor = await ctx.services.registry.createVendor(ctx.adminActor, {
    legalName: 'Lead Co',
    contactName: 'Lee',
    contactEmail: 'lee@lead.example',
    dpaSigned: true,
    dataLocations: ['EU'],
    subProcessors: [],
    criticality: 'high',
    ownerId,
    public: false,
  });
  const system = await ctx.services.registry.createSystem(ctx.adminActor, {
    name: 'Scoring',
    description: '',
    purpose: '',
    kind: 'model',
    vendorId: vendor.id,
    ownerId,
    decidesAboutCustomers: true,
    public: false,
    tags: [],
  });
  const engagement = await ctx.services.registry.createEngagement(ctx.adminActor, {
    title: 'Leads',
    task: 'deliver leads',
    vendorId: vendor.id,
    systemIds: [system.id],
    ownerId,
    startDate: '2026-01-01',
  });
  return { vendor, system, engagement };
}
