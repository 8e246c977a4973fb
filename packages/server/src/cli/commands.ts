import {
  createReadStream,
  createWriteStream,
  readFileSync,
  writeFileSync,
  existsSync,
  mkdirSync,
} from 'node:fs';
import { once } from 'node:events';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CreateUserBody, UserListQuery } from '../../../contract/src/identity.ts';
import {
  CreateEngagementBody,
  CreateSystemBody,
  CreateVendorBody,
  EngagementListQuery,
  SystemListQuery,
  VendorListQuery,
} from '../../../contract/src/registry.ts';
import { Email, Name } from '../../../contract/src/common.ts';
import { composeFromConfig, type Services } from '../compose.ts';
import { loadConfig } from '../config.ts';
import { DEMO_ORG_NAME, seedDemo } from '../demo/seed-demo.ts';
import { presentEngagement, presentSystem, presentUser, presentVendor } from '../http/presenters.ts';
import { startServer, webRootFor } from '../http/serve.ts';
import { verifyExportLines } from '../modules/ledger/export-verify.ts';
import { AppError } from '../shared/app-error.ts';
import { parseOrThrow } from '../shared/zod-issues.ts';

export type Io = { json: boolean; out: (s: string) => void; err: (s: string) => void };

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string })
  .version;

export const USAGE = `oversight — accountability for marketing AI and outsourced providers

usage: oversight <command> [options] [--json]

  serve [--dev] [--port N] [--host H]     serve the API and dashboard (--dev: development mode;
                                           on an empty database it loads the demo organisation)
  init [--org NAME] [--admin-email E] [--admin-name N]
                                           create an organisation and its first admin; prints an API key once
  migrate                                  apply database migrations
  systems|vendors|engagements|users list [--q TEXT] [--limit N] [--cursor C] [--<filter> V]
  systems|vendors|engagements|users show ID
  systems|vendors|engagements|users create --<field> VALUE ...
                                           registry commands authenticate with --api-key or OVERSIGHT_API_KEY
  ledger verify [--org ID] [--file F]      recompute and check the whole log (or an exported file)
  ledger export --out F [--org ID]         write the log to a file that 'ledger verify --file' checks offline
  audit run --input FILE --label COL (--prediction COL | --score COL --threshold T)
            --group COL [--group COL ...] [--intersections] [--min-group-size N]
            [--reference ATTR=VALUE] [--weight COL] [--alpha A] [--correction holm|bh]
            [--allow-rejects]            bias audit of a decision file (CSV, NDJSON or Parquet, optionally
                                           gzip/zstd; format read from the file); needs no database. A decision
                                           is positive when score >= T; label and prediction are 0/1, true/false
                                           or yes/no; an empty label is an unknown outcome. Any rejected row
                                           (bad label, prediction, score or weight, malformed line) fails the
                                           run with exit 2, naming line and column, unless --allow-rejects:
                                           then the other rows are audited and --json adds a "rejected" report

environment: DATABASE_URL (PostgreSQL; default embedded SQLite in OVERSIGHT_DATA_DIR=./data),
  OVERSIGHT_MASTER_KEY or OVERSIGHT_MASTER_KEY_FILE, PORT, HOST, OVERSIGHT_ENV=development
exit codes: 0 ok, 1 internal, 2 bad input, 3 not allowed, 4 not found, 5 conflict, 7 unavailable, 8 ledger invalid
`;

const RESOURCES = {
  systems: { create: CreateSystemBody, list: SystemListQuery, present: presentSystem },
  vendors: { create: CreateVendorBody, list: VendorListQuery, present: presentVendor },
  engagements: { create: CreateEngagementBody, list: EngagementListQuery, present: presentEngagement },
  users: { create: CreateUserBody, list: UserListQuery, present: presentUser },
} as const;
type ResourceName = keyof typeof RESOURCES;

const print = (io: Io, value: unknown, human: () => string) =>
  io.out(io.json ? JSON.stringify(value) + '\n' : human());

/** Runs one CLI command; throws AppError for the caller to turn into an exit code. */
export async function runCommand(argv: string[], io: Io): Promise<number> {
  const [command, sub] = argv.filter((a) => !a.startsWith('-'));
  const rest = argv.slice(argv.indexOf(command as string) + 1);
  switch (command) {
    case 'serve':
      return serveCommand(rest, io);
    case 'init':
      return initCommand(rest, io);
    case 'migrate':
      return withServices(false, async (s) => {
        print(
          io,
          { migrated: true, storage: s.store.flavour },
          () => `migrations applied (${s.store.flavour})\n`,
        );
        return 0;
      });
    case 'ledger':
      if (sub === 'verify') return ledgerVerifyCommand(rest.slice(1), io);
      if (sub === 'export') return ledgerExportCommand(rest.slice(1), io);
      throw new AppError('BAD_REQUEST', `unknown ledger command ${sub ?? '(none)'}; use verify or export`);
    case 'audit':
      return (await import('./audit-command.ts')).auditCommand(rest, io);
    case 'systems':
    case 'vendors':
    case 'engagements':
    case 'users':
      return registryCommand(command, sub, rest.slice(1), io);
    default:
      throw new AppError('BAD_REQUEST', `unknown command ${command}; see oversight --help`);
  }
}

async function withServices<T>(development: boolean, fn: (s: Services) => Promise<T>): Promise<T> {
  const config = loadConfig(process.env, development ? { development } : {});
  const services = await composeFromConfig(config);
  try {
    return await fn(services);
  } finally {
    await services.store.close();
  }
}

type OptionSpec = Record<string, { type: 'string' | 'boolean' }>;
function options(args: string[], spec: OptionSpec): { values: Record<string, string | boolean | undefined> } {
  try {
    const r = parseArgs({
      args,
      options: { ...spec, json: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    });
    return { values: r.values };
  } catch (e) {
    throw new AppError('BAD_REQUEST', (e as Error).message);
  }
}

async function serveCommand(args: string[], io: Io): Promise<number> {
  const { values } = options(args, {
    dev: { type: 'boolean' },
    port: { type: 'string' },
    host: { type: 'string' },
  });
  const env = {
    ...process.env,
    ...(values['port'] ? { PORT: String(values['port']) } : {}),
    ...(values['host'] ? { HOST: String(values['host']) } : {}),
  };
  const config = loadConfig(env, values['dev'] ? { development: true } : {});
  const services = await composeFromConfig(config);
  let login: string | null = null;
  if (config.development) {
    const credentialsFile = join(config.dataDir, 'demo-credentials.txt');
    if ((await services.store.read.identity.listOrganizations()).length === 0) {
      io.err('Empty database: loading the demo organisation…\n');
      const demo = await seedDemo(services);
      mkdirSync(config.dataDir, { recursive: true });
      writeFileSync(
        credentialsFile,
        `organization: ${demo.organization.name} (${demo.organization.slug})\nlogin: ${demo.adminEmail}\npassword: ${demo.password}\n` +
          `other demo users (same password): maya.owner@northwind.example, sam.owner@northwind.example, ines.auditor@northwind.example, priya@brightleads.example (vendor)\n` +
          `api key: ${demo.apiKey}\n`,
        { mode: 0o600 },
      );
    }
    if (existsSync(credentialsFile)) login = readFileSync(credentialsFile, 'utf8');
  }
  const server = await startServer(services, {
    host: config.host,
    port: config.port,
    bodyLimitBytes: config.bodyLimitBytes,
    version: VERSION,
    webRoot: webRootFor(REPO_ROOT),
    log: (line) => io.err(JSON.stringify(line) + '\n'),
  });
  if (io.json) io.out(JSON.stringify({ url: server.url, storage: services.store.flavour }) + '\n');
  else {
    io.out(
      `Oversight ${VERSION} listening on ${server.url} (storage: ${services.store.flavour}${config.development ? ', development mode' : ''})\n`,
    );
    io.out(`API reference: ${server.url}/docs/api\n`);
    if (login) io.out(`\n${DEMO_ORG_NAME} — log in with:\n${login.replace(/^/gm, '  ')}\n`);
  }
  const stop = async () => {
    await server.close();
    await services.store.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  await new Promise(() => {});
  return 0;
}

async function initCommand(args: string[], io: Io): Promise<number> {
  const { values } = options(args, {
    org: { type: 'string' },
    'admin-email': { type: 'string' },
    'admin-name': { type: 'string' },
  });
  const name = parseOrThrow(Name, values['org'] ?? 'My organisation', 'org');
  const email = parseOrThrow(Email, values['admin-email'] ?? 'admin@example.com', 'admin-email');
  const adminName = parseOrThrow(Name, values['admin-name'] ?? 'Administrator', 'admin-name');
  return withServices(false, async (s) => {
    const r = await s.identity.initOrganization({ name, adminEmail: email, adminName });
    print(
      io,
      { organizationId: r.organization.id, apiKey: r.apiKey },
      () =>
        `Created organisation ${r.organization.name} (${r.organization.id}, slug ${r.organization.slug})\n` +
        `Admin: ${r.admin.email} (${r.admin.id})\n` +
        `API key (shown once, store it now):\n  ${r.apiKey}\n`,
    );
    return 0;
  });
}

/** Turns `--owner-id X --tags '["a"]'` into a body object; values that parse as JSON are taken as JSON. */
export function flagsToObject(args: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (!arg.startsWith('--')) throw new AppError('BAD_REQUEST', `unexpected argument ${arg}`);
    const [rawKey, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (rawKey === 'json' || rawKey === 'api-key') {
      if (rawKey === 'api-key' && inline === undefined) i++;
      continue;
    }
    const key = rawKey.replace(/-([a-z])/g, (_, ch: string) => ch.toUpperCase());
    const value = inline ?? args[++i];
    if (value === undefined) throw new AppError('BAD_REQUEST', `--${rawKey} needs a value`);
    out[key] = /^(true|false|null|-?\d+(\.\d+)?|\[.*\]|\{.*\})$/s.test(value) ? safeJson(value) : value;
  }
  return out;
}
function safeJson(v: string): unknown {
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

function apiKeyFrom(args: string[]): string {
  const i = args.findIndex((a) => a === '--api-key' || a.startsWith('--api-key='));
  const key =
    i >= 0
      ? args[i]!.includes('=')
        ? args[i]!.split('=')[1]
        : args[i + 1]
      : process.env['OVERSIGHT_API_KEY'];
  if (!key)
    throw new AppError('UNAUTHENTICATED', 'registry commands need --api-key KEY or OVERSIGHT_API_KEY');
  return key;
}

async function registryCommand(
  resource: ResourceName,
  sub: string | undefined,
  args: string[],
  io: Io,
): Promise<number> {
  const spec = RESOURCES[resource];
  return withServices(false, async (s) => {
    const { actor } = await s.identity.authenticateApiKey(apiKeyFrom(args), 'cli');
    if (sub === 'list') {
      const query = parseOrThrow(spec.list, stringify(flagsToObject(args)), 'options');
      const page =
        resource === 'systems'
          ? await s.registry.listSystems(actor, query as never)
          : resource === 'vendors'
            ? await s.registry.listVendors(actor, query)
            : resource === 'engagements'
              ? await s.registry.listEngagements(actor, query)
              : await s.identity.listUsers(actor, query as never);
      const items = (page.items as never[]).map((i) => spec.present(i));
      print(
        io,
        { items, nextCursor: page.nextCursor, total: page.total },
        () =>
          table(items) +
          `${items.length} of ${page.total}${page.nextCursor ? ` (next: --cursor ${page.nextCursor})` : ''}\n`,
      );
      return 0;
    }
    if (sub === 'show') {
      const id = args.find((a, i) => !a.startsWith('--') && !(args[i - 1] ?? '').startsWith('--'));
      if (!id) throw new AppError('BAD_REQUEST', `${resource} show needs an id`);
      const item =
        resource === 'systems'
          ? presentSystem(await s.registry.getSystem(actor, id))
          : resource === 'vendors'
            ? presentVendor(await s.registry.getVendor(actor, id))
            : resource === 'engagements'
              ? presentEngagement(await s.registry.getEngagement(actor, id))
              : presentUser(await s.identity.getUser(actor, id));
      print(io, item, () =>
        Object.entries(item)
          .map(([k, v]) => `${k.padEnd(24)} ${typeof v === 'string' ? v : JSON.stringify(v)}\n`)
          .join(''),
      );
      return 0;
    }
    if (sub === 'create') {
      const body = parseOrThrow(spec.create, flagsToObject(args));
      const item =
        resource === 'systems'
          ? presentSystem(await s.registry.createSystem(actor, body as never))
          : resource === 'vendors'
            ? presentVendor(await s.registry.createVendor(actor, body as never))
            : resource === 'engagements'
              ? presentEngagement(await s.registry.createEngagement(actor, body as never))
              : presentUser(await s.identity.createUser(actor, body as never));
      print(io, item, () => `created ${item.id}\n`);
      return 0;
    }
    throw new AppError(
      'BAD_REQUEST',
      `unknown ${resource} command ${sub ?? '(none)'}; use list, show or create`,
    );
  });
}

function stringify(o: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(o).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
  );
}

function table(items: Record<string, unknown>[]): string {
  if (items.length === 0) return '(none)\n';
  const cols = [
    'id',
    'name',
    'legalName',
    'title',
    'email',
    'role',
    'status',
    'riskTier',
    'criticality',
    'ownerId',
  ].filter((c) => c in items[0]!);
  const cell = (v: unknown): string =>
    v === null || v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v);
  const rows = items.map((i) => cols.map((c) => cell(i[c])));
  const widths = cols.map((c, j) => Math.min(48, Math.max(c.length, ...rows.map((r) => r[j]!.length))));
  const line = (cells: string[]) =>
    cells
      .map((v, j) => v.slice(0, widths[j]).padEnd(widths[j]!))
      .join('  ')
      .trimEnd() + '\n';
  return line(cols) + rows.map(line).join('');
}

async function ledgerVerifyCommand(args: string[], io: Io): Promise<number> {
  const { values } = options(args, { org: { type: 'string' }, file: { type: 'string' } });
  let reports: {
    organizationId: string;
    ok: boolean;
    treeSize: number;
    rootHash: string;
    checkpointsVerified: number;
    problems: unknown[];
  }[];
  if (values['file']) {
    const file = String(values['file']);
    if (!existsSync(file)) throw new AppError('NOT_FOUND', `no file ${file}`);
    const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
    const r = await verifyExportLines(lines);
    reports = [{ ...r, rootHash: Buffer.from(r.rootHash).toString('base64') }];
  } else {
    reports = await withServices(false, async (s) => {
      const orgs = values['org']
        ? [String(values['org'])]
        : (await s.store.read.identity.listOrganizations()).map((o) => o.id);
      const out = [];
      for (const org of orgs) {
        const r = await s.ledger.verify(org, (done, total) => {
          if (!io.json && total > 50_000) io.err(`\r  ${org}: ${done}/${total} entries`);
        });
        out.push({ organizationId: org, ...r, rootHash: Buffer.from(r.rootHash).toString('base64') });
      }
      return out;
    });
  }
  const ok = reports.every((r) => r.ok);
  print(io, { ok, logs: reports }, () =>
    reports
      .map(
        (r) =>
          `${r.ok ? 'OK  ' : 'FAIL'} ${r.organizationId}: ${r.treeSize} entries, root ${r.rootHash}, ${r.checkpointsVerified} signed checkpoint(s) verified\n` +
          (r.problems as { message: string }[]).map((p) => `     - ${p.message}\n`).join(''),
      )
      .join(''),
  );
  return ok ? 0 : 8;
}

async function ledgerExportCommand(args: string[], io: Io): Promise<number> {
  const { values } = options(args, { org: { type: 'string' }, out: { type: 'string' } });
  if (!values['out']) throw new AppError('BAD_REQUEST', 'ledger export needs --out FILE');
  return withServices(false, async (s) => {
    const orgs = await s.store.read.identity.listOrganizations();
    const org = values['org'] ? String(values['org']) : orgs.length === 1 ? orgs[0]!.id : null;
    if (!org) throw new AppError('BAD_REQUEST', 'several organisations: choose one with --org ID');
    const out = createWriteStream(String(values['out']));
    let count = -1;
    for await (const line of s.ledger.exportLines(org)) {
      if (!out.write(line + '\n')) await once(out, 'drain');
      count++;
    }
    out.end();
    await once(out, 'finish');
    print(
      io,
      { organizationId: org, file: String(values['out']), entries: count },
      () => `wrote ${count} entries of ${org} to ${String(values['out'])}\n`,
    );
    return 0;
  });
}
