/**
 * Ledger benchmark: how fast the RFC 6962 ledger appends, proves and verifies, next to the
 * hardware limits measured in the same run (single-thread SHA-256 over real leaves, and raw
 * node:sqlite transactions on the same schema).
 *
 *   npm run bench:ledger                                  # SQLite 1e6 + 1e7, PostgreSQL 1e6
 *   npm run bench:ledger -- --storage sqlite --sizes 1e6  # one store, one size
 *   npm run bench:ledger -- --quick                       # smoke run: 1e5 entries, 1 round
 *
 * Big logs are built in child processes (one per phase: build, proofs, verify) so that each
 * phase's peak RSS is its own. SQLite logs are cached under bench/.cache/ledger-sqlite-<n>/;
 * --rebuild throws the cache away. PostgreSQL logs live in a throw-away schema of the `test`
 * database and are dropped at the end.
 */
import { spawn } from 'node:child_process';
import { createHash, hash, randomBytes, randomInt } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { composeServices, type Services } from '../packages/server/src/compose.ts';
import { buildLeaf, parseLeaf, type LedgerEventInput } from '../packages/server/src/modules/ledger/entry.ts';
import { originFor } from '../packages/server/src/modules/ledger/ledger-service.ts';
import {
  bytesEqual,
  consistencyProofRanges,
  hashesForRanges,
  hashLeafText,
  inclusionProofRanges,
  verifyConsistency,
  verifyInclusion,
  type NodeId,
} from '../packages/server/src/modules/ledger/merkle.ts';
import { openCheckpoint, parseVerifierKey } from '../packages/server/src/modules/ledger/signed-note.ts';
import type { MasterKey } from '../packages/server/src/modules/vault/master-key.ts';
import { newId } from '../packages/server/src/shared/ids.ts';
import { openStore, type StorageConfig } from '../packages/server/src/storage/open-store.ts';
import {
  createTestContext,
  freshStorage,
  PG_URL,
  type StorageKind,
} from '../packages/server/test/support/harness.ts';
import {
  bestOf,
  collectGarbage,
  concurrentOpsPerSecond,
  opsPerSecond,
  rssHighWaterMark,
  sampleRss,
  summarize,
  type LatencySummary,
  type Throughput,
} from './lib/measure.ts';
import {
  BENCH_DIR,
  goal,
  int,
  machineInfo,
  mib,
  ms,
  pct,
  printTable,
  progress,
  writeResults,
  type Cell,
} from './lib/report.ts';

const GOAL_SINGLE_TX_SQLITE = 50_000;
const GOAL_BATCHED_RATIO = 0.3;
const GOAL_PROOF_MS = 1;
const IN_FLIGHT = 64;
const BATCH = 1000;
const BUILD_BATCH_MIN = 9_000;
const BUILD_BATCH_MAX = 11_000;
const ORIGIN_HOST = 'bench.oversight.local';
const CACHE_FORMAT = 1;
const EVENT_TYPE = 'system.updated';
// The columns the product's SQLite fast path writes for each entry (storage/sqlite/sqlite-ledger.ts).
const ENTRY_COLUMNS = 'organization_id, idx, leaf, leaf_hash, event_type, actor_id, subject_id';

// ---- options -------------------------------------------------------------------------------------

const { values: flags } = parseArgs({
  options: {
    storage: { type: 'string', default: 'both' },
    sizes: { type: 'string' },
    quick: { type: 'boolean', default: false },
    rebuild: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    seconds: { type: 'string' },
    queries: { type: 'string' },
    'proof-seconds': { type: 'string' },
    'pg-analyze': { type: 'boolean', default: false },
    only: { type: 'string' },
    help: { type: 'boolean', default: false },
    // Internal: a child process running one phase of a big log.
    worker: { type: 'string' },
    dir: { type: 'string' },
  },
});

const HELP = `usage: node bench/ledger.bench.ts [options]
  --storage sqlite|postgres|both   stores to measure (default both)
  --sizes 1e6,1e7                  big-log sizes (default 1e6; 1e7 takes about half an hour to build)
  --quick                          smoke run: 1e5 entries, 1 round of 1 s
  --rebuild                        rebuild cached SQLite logs under bench/.cache/
  --rounds N --seconds S           rounds per throughput figure (best is reported) and their length
  --queries N                      proofs timed per kind and size (default 2000)
  --proof-seconds S                wall-time budget per proof kind and size (default 30)
  --pg-analyze                     PostgreSQL: verify again after ANALYZE (fresh planner statistics)
  --only hash,raw,appends,logs     run only these parts`;

type Part = 'hash' | 'raw' | 'appends' | 'logs';

function parseCount(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${what}: ${text} is not a positive integer`);
  return n;
}

function options() {
  const quick = flags.quick;
  const storages: StorageKind[] =
    flags.storage === 'both' ? ['sqlite', 'postgres'] : [flags.storage as StorageKind];
  for (const s of storages)
    if (s !== 'sqlite' && s !== 'postgres') throw new Error(`--storage must be sqlite, postgres or both`);
  const given = flags.sizes?.split(',').map((s) => parseCount(s.trim(), '--sizes'));
  const sizes: number[] = given ?? (quick ? [100_000] : [1_000_000]);
  const parts = new Set<Part>(
    (flags.only ?? 'hash,raw,appends,logs').split(',').map((p) => p.trim() as Part),
  );
  return {
    storages,
    sizes,
    parts,
    rounds: flags.rounds ? parseCount(flags.rounds, '--rounds') : quick ? 1 : 3,
    seconds: flags.seconds ? Number(flags.seconds) : quick ? 1 : 2,
    queries: flags.queries ? parseCount(flags.queries, '--queries') : quick ? 1000 : 2000,
    proofSeconds: flags['proof-seconds'] ? parseCount(flags['proof-seconds'], '--proof-seconds') : 30,
    pgAnalyze: flags['pg-analyze'],
    rebuild: flags.rebuild,
  };
}
type Options = ReturnType<typeof options>;

// ---- events ------------------------------------------------------------------------------------

/** Realistic `system.updated` events: ids shaped like the product's, a small change to digest. */
function eventFactory(actorId: string): () => LedgerEventInput {
  const subjects = Array.from({ length: 64 }, () => newId('sys'));
  const updatedAt = new Date().toISOString();
  let n = 0;
  return () => {
    const i = n++;
    return {
      type: 'system.updated',
      actor: { type: 'user', id: actorId },
      subject: { type: 'system', id: subjects[i % subjects.length]! },
      change: {
        name: `Lead scoring v${i}`,
        description: 'Scores inbound leads for the sales team',
        tags: ['scoring', 'leads'],
        updatedAt,
      },
    };
  };
}

/** A real leaf as the service builds it, at a seven-digit index. */
function sampleLeaf(): string {
  const next = eventFactory(newId('usr'));
  return buildLeaf(newId('org'), 5_000_000, new Date().toISOString(), next());
}

// ---- 1. leaf hashing ceiling -------------------------------------------------------------------

function hashesPerSecond(seconds: number, fn: () => number): number {
  let n = 0;
  let sink = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  while (performance.now() < deadline) {
    for (let i = 0; i < 10_000; i++) sink ^= fn();
    n += 10_000;
  }
  const rate = (n * 1000) / (performance.now() - start);
  // Keep `sink` observable so the loop cannot be optimised away.
  if (sink === -1) console.log(sink);
  return rate;
}

async function leafHashing(o: Options, leaf: string) {
  progress(`leaf hashing: ${Buffer.byteLength(leaf)}-byte leaf, ${o.rounds} x ${o.seconds} s`);
  hashesPerSecond(0.3, () => hash('sha256', '\u0000' + leaf, 'buffer')[0]!);
  const oneShot = await bestOf(o.rounds, () =>
    hashesPerSecond(o.seconds, () => hash('sha256', '\u0000' + leaf, 'buffer')[0]!),
  );
  const streaming = await bestOf(o.rounds, () =>
    hashesPerSecond(
      o.seconds,
      () =>
        createHash('sha256')
          .update('\u0000' + leaf)
          .digest()[0]!,
    ),
  );
  const productPath = await bestOf(o.rounds, () => hashesPerSecond(o.seconds, () => hashLeafText(leaf)[0]!));
  return { leafBytes: Buffer.byteLength(leaf), leaf, oneShot, streaming, productPath };
}

// ---- 2. raw node:sqlite ceiling ----------------------------------------------------------------

function trailingOnes(n: number): number {
  let k = 0;
  while (n % 2 === 1) {
    k++;
    n = Math.floor(n / 2);
  }
  return k;
}

function popCount(n: number): number {
  let c = 0;
  for (; n > 0; n = Math.floor(n / 2)) c += n % 2;
  return c;
}

/**
 * The same statements an append issues, on the product's own schema (migrated by the product)
 * and pragmas, with no JavaScript around them: the ceiling for one transaction per append.
 */
async function rawSqliteCeiling(o: Options, leaf: string) {
  const storage = await freshStorage('sqlite');
  const migrated = openStore(storage.config);
  await migrated.migrate();
  await migrated.close();
  const db = new DatabaseSync((storage.config as { path: string }).path, { timeout: 5000 });
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = NORMAL');
  const org = newId('org');
  const actorId = newId('usr');
  const subjectId = newId('sys');
  const at = new Date().toISOString();
  db.prepare(
    'insert into ledger_heads (organization_id, size, frontier, updated_at) values (?, 0, ?, ?)',
  ).run(org, new Uint8Array(0), at);
  const leafHash = hashLeafText(leaf);
  const frontiers = Array.from({ length: 48 }, (_, i) => new Uint8Array(randomBytes(32 * i)));
  const stmt = {
    begin: db.prepare('begin immediate'),
    commit: db.prepare('commit'),
    savepoint: db.prepare('savepoint tx'),
    release: db.prepare('release tx'),
    dataVersion: db.prepare('pragma data_version'),
    entry: db.prepare(`insert into ledger_entries (${ENTRY_COLUMNS}) values (?, ?, ?, ?, ?, ?, ?)`),
    head: db.prepare(
      'update ledger_heads set size = ?, frontier = ?, updated_at = ? where organization_id = ?',
    ),
  };
  const entryInserts = new Map<number, StatementSync>();
  const insertEntries = (k: number): StatementSync => {
    let s = entryInserts.get(k);
    if (!s) {
      const values = Array.from({ length: k }, () => '(?, ?, ?, ?, ?, ?, ?)').join(', ');
      s = db.prepare(`insert into ledger_entries (${ENTRY_COLUMNS}) values ${values}`);
      entryInserts.set(k, s);
    }
    return s;
  };
  const nodeInserts = new Map<number, StatementSync>();
  const insertNodes = (k: number): StatementSync => {
    let s = nodeInserts.get(k);
    if (!s) {
      const values = Array.from({ length: k }, () => '(?, ?, ?, ?)').join(', ');
      s = db.prepare(`insert into ledger_nodes (organization_id, level, idx, hash) values ${values}`);
      nodeInserts.set(k, s);
    }
    return s;
  };
  let size = 0;
  /** One append's rows: its entry, the interior nodes it completes, the new head. */
  const appendRows = () => {
    stmt.entry.run(org, size, leaf, leafHash, EVENT_TYPE, actorId, subjectId);
    const k = trailingOnes(size);
    if (k > 0) {
      const params: (string | number | Uint8Array)[] = [];
      let index = size;
      for (let level = 1; level <= k; level++) {
        index = Math.floor(index / 2);
        params.push(org, level, index, leafHash);
      }
      insertNodes(k).run(...params);
    }
    size++;
    stmt.head.run(size, frontiers[popCount(size)]!, at, org);
  };
  /** Appends per second when each BEGIN IMMEDIATE/COMMIT holds `perTx` appends written by `body`. */
  const loop = (seconds: number, perTx: number, body: (count: number) => void): number => {
    let n = 0;
    const start = performance.now();
    const deadline = start + seconds * 1000;
    while (performance.now() < deadline) {
      stmt.begin.run();
      body(perTx);
      stmt.commit.run();
      n += perTx;
    }
    return (n * 1000) / (performance.now() - start);
  };
  const each = (append: () => void) => (count: number) => {
    for (let i = 0; i < count; i++) append();
  };
  const storeShaped = () => {
    stmt.savepoint.run();
    stmt.dataVersion.get();
    appendRows();
    stmt.release.run();
  };
  /** A batch the way the product writes one: 64-row inserts of entries, then of nodes, one head update. */
  const batchRows = (count: number) => {
    const nodes: (string | number | Uint8Array)[][] = [];
    for (let done = 0; done < count;) {
      const k = Math.min(64, count - done);
      const params: (string | number | Uint8Array)[] = [];
      for (let i = 0; i < k; i++) {
        params.push(org, size, leaf, leafHash, EVENT_TYPE, actorId, subjectId);
        let index = size;
        for (let level = 1; level <= trailingOnes(size); level++) {
          index = Math.floor(index / 2);
          nodes.push([org, level, index, leafHash]);
        }
        size++;
      }
      insertEntries(k).run(...params);
      done += k;
    }
    for (let i = 0; i < nodes.length; i += 64) {
      const part = nodes.slice(i, i + 64);
      insertNodes(part.length).run(...part.flat());
    }
    stmt.head.run(size, frontiers[popCount(size)]!, at, org);
  };
  progress(`raw node:sqlite ceiling: ${o.rounds} x ${o.seconds} s per shape`);
  loop(0.3, 1, each(appendRows));
  const minimal = await bestOf(o.rounds, () => loop(o.seconds, 1, each(appendRows)));
  const asStore = await bestOf(o.rounds, () => loop(o.seconds, 1, each(storeShaped)));
  const grouped = await bestOf(o.rounds, () => loop(o.seconds, IN_FLIGHT, each(storeShaped)));
  const batched = await bestOf(o.rounds, () => loop(o.seconds, BATCH, batchRows));
  const sqliteVersion = (db.prepare('select sqlite_version() as v').get() as { v: string }).v;
  db.close();
  await storage.dispose();
  return { sqliteVersion, minimal, asStore, grouped, batched };
}

// ---- 3. appends through the service ------------------------------------------------------------

async function serviceAppends(o: Options, kind: StorageKind) {
  progress(`${kind}: appends through the service, ${o.rounds} x ${o.seconds} s per mode`);
  const ctx = await createTestContext({ storage: kind });
  try {
    const { store, ledger } = ctx.services;
    const org = ctx.organization.id;
    const next = eventFactory(ctx.admin.id);
    let appended = 0;
    const one = async () => {
      await store.transaction((tx) => ledger.append(tx, org, [next()]));
      appended++;
      return 1;
    };
    const batch = async () => {
      const events = Array.from({ length: BATCH }, next);
      await store.transaction((tx) => ledger.append(tx, org, events));
      appended += BATCH;
      return BATCH;
    };
    const before = (await store.read.ledger.readHead(org)).size;
    await opsPerSecond(0.3, one);
    const sequential = await bestOf(o.rounds, () => opsPerSecond(o.seconds, one));
    const concurrent = await bestOf(o.rounds, () => concurrentOpsPerSecond(o.seconds, IN_FLIGHT, one));
    const batched = await bestOf(o.rounds, () => opsPerSecond(o.seconds, batch));
    // Every acknowledged append must be in the log: a fast ledger that drops entries is no ledger.
    const after = (await store.read.ledger.readHead(org)).size;
    if (after - before !== appended)
      throw new Error(`${kind}: ${appended} appends acknowledged but the log grew by ${after - before}`);
    let settings: Record<string, string> = {};
    if (kind === 'postgres') settings = await postgresSettings();
    return { sequential, concurrent, batched, appended, settings };
  } finally {
    await ctx.close();
  }
}

async function postgresSettings(): Promise<Record<string, string>> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    const out: Record<string, string> = {};
    for (const name of ['server_version', 'synchronous_commit', 'fsync', 'shared_buffers']) {
      const r = await client.query<Record<string, string>>(`show ${name}`);
      out[name] = r.rows[0]?.[name] ?? '?';
    }
    return out;
  } finally {
    await client.end();
  }
}

// ---- 4. big logs: build, proofs, verify (each in a child process) --------------------------------

type Plan = {
  format: number;
  storage: StorageKind;
  size: number;
  masterKeyHex: string;
  pgSchema: string | null;
};
type BuildResult = {
  organizationId: string;
  seconds: number;
  entriesPerSecond: number;
  batches: number;
  checkpoints: number;
  dbBytes: number;
  rssStartBytes: number;
  rssPeakBytes: number;
  rssHighWaterBytes: number | null;
  builtAt: string;
  revision: string;
};
type Meta = Plan & { build: BuildResult };
type ProofsResult = {
  floor: { inclusion: LatencySummary; consistency: LatencySummary } | null;
  checkpoints: number;
  inclusion: LatencySummary;
  consistency: LatencySummary;
  proofHashes: { inclusionMean: number; consistencyMean: number };
  budgetExhausted: boolean;
  rssPeakBytes: number;
};
type VerifyResult = {
  seconds: number;
  entriesPerSecond: number;
  checkpointsVerified: number;
  rssStartBytes: number;
  rssPeakBytes: number;
  rssHighWaterBytes: number | null;
};

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

function storageConfig(dir: string, plan: Plan): StorageConfig {
  return plan.storage === 'sqlite'
    ? { kind: 'sqlite', path: join(dir, 'oversight.sqlite') }
    : { kind: 'postgres', url: PG_URL, schema: plan.pgSchema ?? undefined, poolSize: 4 };
}

async function openServices(dir: string, plan: Plan): Promise<Services> {
  const store = openStore(storageConfig(dir, plan));
  await store.migrate();
  const masterKey: MasterKey = { version: 1, key: new Uint8Array(Buffer.from(plan.masterKeyHex, 'hex')) };
  return composeServices(store, { masterKey, originHost: ORIGIN_HOST });
}

async function databaseBytes(dir: string, plan: Plan): Promise<number> {
  if (plan.storage === 'sqlite') {
    const path = join(dir, 'oversight.sqlite');
    const wal = `${path}-wal`;
    return statSync(path).size + (existsSync(wal) ? statSync(wal).size : 0);
  }
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    const r = await client.query<{ bytes: string }>(
      `select coalesce(sum(pg_total_relation_size(c.oid)), 0)::text as bytes
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = $1 and c.relkind = 'r'`,
      [plan.pgSchema],
    );
    return Number(r.rows[0]?.bytes ?? 0);
  } finally {
    await client.end();
  }
}

async function analyzeSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    await client.query('analyze');
  } finally {
    await client.end();
  }
}

/** Child phase: an organisation and `size` entries, appended in batches, a checkpoint after each. */
async function buildPhase(dir: string): Promise<BuildResult> {
  const plan = readJson<Plan>(join(dir, 'plan.json'));
  const services = await openServices(dir, plan);
  const { store, ledger, identity } = services;
  const init = await identity.initOrganization({
    name: 'Bench Org',
    adminEmail: 'bench@bench.example',
    adminName: 'Bench Admin',
  });
  const org = init.organization.id;
  const next = eventFactory(init.admin.id);
  collectGarbage();
  const rss = sampleRss();
  const start = performance.now();
  let size = (await store.read.ledger.readHead(org)).size;
  let batches = 0;
  let reported = 0;
  while (size < plan.size) {
    const n = Math.min(plan.size - size, randomInt(BUILD_BATCH_MIN, BUILD_BATCH_MAX + 1));
    const events = Array.from({ length: n }, next);
    await store.transaction((tx) => ledger.append(tx, org, events));
    // Checkpoints land on irregular sizes, so the timed proofs are between irregular trees.
    await ledger.checkpoint(org);
    size += n;
    batches++;
    rss.sample();
    if (size - reported >= plan.size / 10) {
      reported = size;
      const s = (performance.now() - start) / 1000;
      progress(
        `  build ${plan.storage} ${int(size)}/${int(plan.size)} (${int(size / s)}/s, rss ${mib(process.memoryUsage.rss())})`,
      );
    }
  }
  const seconds = (performance.now() - start) / 1000;
  const memory = rss.stop();
  const checkpoints = (await store.read.ledger.listCheckpoints(org)).length;
  await store.close();
  return {
    organizationId: org,
    seconds,
    entriesPerSecond: plan.size / seconds,
    batches,
    checkpoints,
    dbBytes: await databaseBytes(dir, plan),
    rssStartBytes: memory.startBytes,
    rssPeakBytes: memory.peakBytes,
    rssHighWaterBytes: rssHighWaterMark(),
    builtAt: new Date().toISOString(),
    revision: machineInfo().revision,
  };
}

const fromBase64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

/**
 * Runs `query` `count` times after a short warm-up, or until `budgetSeconds` of wall time have
 * passed, whichever comes first, so a pathologically slow store cannot hold the run for hours.
 */
async function timedQueries(
  count: number,
  budgetSeconds: number,
  query: (first: boolean) => Promise<{ elapsed: number; hashes: number }>,
) {
  const start = performance.now();
  const deadline = start + budgetSeconds * 1000;
  // Warm up with up to 20 queries, but with no more than a tenth of the budget.
  let warmup = 0;
  while (warmup < Math.min(20, count) && performance.now() - start < budgetSeconds * 100) {
    await query(warmup === 0);
    warmup++;
  }
  const samples: number[] = [];
  let hashes = 0;
  let budgetExhausted = false;
  while (samples.length < count) {
    if (performance.now() > deadline) {
      budgetExhausted = true;
      break;
    }
    const r = await query(warmup === 0 && samples.length === 0);
    samples.push(r.elapsed);
    hashes += r.hashes;
  }
  return {
    samples,
    summary: summarize(samples),
    meanHashes: hashes / Math.max(1, samples.length),
    budgetExhausted,
  };
}

function fail(message: string): never {
  throw new Error(`PROOF CHECK FAILED: ${message}`);
}

/** Child phase: random inclusion and consistency proofs, timed, each verified against signed checkpoints. */
async function proofsPhase(dir: string, queries: number, budgetSeconds: number): Promise<ProofsResult> {
  const meta = readJson<Meta>(join(dir, 'meta.json'));
  const services = await openServices(dir, meta);
  const { store, ledger } = services;
  const org = meta.build.organizationId;
  const rss = sampleRss();
  try {
    // Trust comes from the signatures, not from the store: open each checkpoint with the log's key.
    const vkey = parseVerifierKey(await ledger.verifierKey(org));
    if (!vkey.ok) fail(`verifier key: ${vkey.reason}`);
    await ledger.checkpoint(org);
    const checkpoints = (await store.read.ledger.listCheckpoints(org)).map((c) => {
      const opened = openCheckpoint(c.note, [vkey], originFor(ORIGIN_HOST, org));
      if (!opened.ok) fail(`checkpoint at ${c.size}: ${opened.reason}`);
      return { size: opened.size, rootHash: opened.rootHash };
    });
    const latest = checkpoints.at(-1);
    if (!latest || latest.size !== meta.size) fail(`latest checkpoint is not at size ${meta.size}`);
    const pick = () => checkpoints[randomInt(checkpoints.length)]!;

    const inclusion = await timedQueries(queries, budgetSeconds, async (first) => {
      const cp = pick();
      const index = randomInt(cp.size);
      const t0 = performance.now();
      const proof = await ledger.inclusionProof(org, index, cp.size);
      const elapsed = performance.now() - t0;
      const [entry] = await ledger.entries(org, index, 1);
      const parsed = entry ? parseLeaf(entry.leaf) : undefined;
      if (!entry || !parsed?.ok || parsed.entry.index !== index)
        fail(`entry ${index} is missing or malformed`);
      const hashes = proof.hashes.map(fromBase64);
      const checked = verifyInclusion(index, cp.size, hashLeafText(entry.leaf), hashes, cp.rootHash);
      if (!checked.ok) fail(`inclusion of ${index} in ${cp.size}: ${checked.reason}`);
      if (!bytesEqual(fromBase64(proof.rootHash), cp.rootHash))
        fail(`root of ${cp.size} differs from its checkpoint`);
      if (first && hashes.length > 0) {
        // The check must be live: the same proof with one flipped bit has to fail.
        hashes[0]![0]! ^= 1;
        if (verifyInclusion(index, cp.size, hashLeafText(entry.leaf), hashes, cp.rootHash).ok)
          fail('a tampered inclusion proof verified');
      }
      return { elapsed, hashes: hashes.length };
    });
    progress(`  inclusion: ${inclusion.samples.length} timed queries, p50 ${ms(inclusion.summary.p50)} ms`);

    const consistency = await timedQueries(queries, budgetSeconds, async (first) => {
      let a = pick();
      let b = pick();
      while (a.size === b.size) b = pick();
      if (a.size > b.size) [a, b] = [b, a];
      const t0 = performance.now();
      const proof = await ledger.consistencyProof(org, a.size, b.size);
      const elapsed = performance.now() - t0;
      const hashes = proof.hashes.map(fromBase64);
      const checked = verifyConsistency(a.size, b.size, hashes, a.rootHash, b.rootHash);
      if (!checked.ok) fail(`consistency ${a.size} -> ${b.size}: ${checked.reason}`);
      if (first) {
        hashes[hashes.length - 1]![0]! ^= 1;
        if (verifyConsistency(a.size, b.size, hashes, a.rootHash, b.rootHash).ok)
          fail('a tampered consistency proof verified');
      }
      return { elapsed, hashes: hashes.length };
    });
    progress(
      `  consistency: ${consistency.samples.length} timed queries, p50 ${ms(consistency.summary.p50)} ms`,
    );
    const floor = meta.storage === 'sqlite' ? proofFloor(dir, org, checkpoints, queries) : null;
    return {
      floor,
      checkpoints: checkpoints.length,
      inclusion: inclusion.summary,
      consistency: consistency.summary,
      proofHashes: { inclusionMean: inclusion.meanHashes, consistencyMean: consistency.meanHashes },
      budgetExhausted: inclusion.budgetExhausted || consistency.budgetExhausted,
      rssPeakBytes: rss.stop().peakBytes,
    };
  } finally {
    await store.close();
  }
}

/**
 * The floor for a proof on this file: the same RFC 6962 ranges (merkle.ts), each node fetched by a
 * prepared point lookup on the primary key, no service, queue or query builder around it. Every
 * proof is verified against its signed checkpoint like the service's.
 */
function proofFloor(
  dir: string,
  org: string,
  checkpoints: { size: number; rootHash: Uint8Array }[],
  queries: number,
): { inclusion: LatencySummary; consistency: LatencySummary } {
  const db = new DatabaseSync(join(dir, 'oversight.sqlite'), { readOnly: true });
  try {
    const leafText = db.prepare('select leaf from ledger_entries where organization_id = ? and idx = ?');
    const leafHash = db.prepare(
      'select leaf_hash as h from ledger_entries where organization_id = ? and idx = ?',
    );
    const node = db.prepare(
      'select hash as h from ledger_nodes where organization_id = ? and level = ? and idx = ?',
    );
    const lookup = (id: NodeId): Uint8Array => {
      const r = (id.level === 0 ? leafHash.get(org, id.index) : node.get(org, id.level, id.index)) as
        { h: Uint8Array } | undefined;
      if (!r) fail(`node ${id.level}:${id.index} is missing`);
      return r.h;
    };
    const pick = () => checkpoints[randomInt(checkpoints.length)]!;
    const inclusion: number[] = [];
    const consistency: number[] = [];
    for (let q = 0; q < queries + 20; q++) {
      const cp = pick();
      const index = randomInt(cp.size);
      const t0 = performance.now();
      const proof = hashesForRanges(inclusionProofRanges(index, cp.size), lookup);
      const elapsed = performance.now() - t0;
      const leaf = (leafText.get(org, index) as { leaf: string }).leaf;
      if (!verifyInclusion(index, cp.size, hashLeafText(leaf), proof, cp.rootHash).ok)
        fail(`floor inclusion of ${index} in ${cp.size}`);
      if (q >= 20) inclusion.push(elapsed);
    }
    for (let q = 0; q < queries + 20; q++) {
      let a = pick();
      let b = pick();
      while (a.size === b.size) b = pick();
      if (a.size > b.size) [a, b] = [b, a];
      const t0 = performance.now();
      const proof = hashesForRanges(consistencyProofRanges(a.size, b.size), lookup);
      const elapsed = performance.now() - t0;
      if (!verifyConsistency(a.size, b.size, proof, a.rootHash, b.rootHash).ok)
        fail(`floor consistency ${a.size} -> ${b.size}`);
      if (q >= 20) consistency.push(elapsed);
    }
    return { inclusion: summarize(inclusion), consistency: summarize(consistency) };
  } finally {
    db.close();
  }
}

/** Child phase: `ledger.verify` over the whole log, with peak RSS. */
async function verifyPhase(dir: string): Promise<VerifyResult> {
  const meta = readJson<Meta>(join(dir, 'meta.json'));
  const services = await openServices(dir, meta);
  const { store, ledger } = services;
  const org = meta.build.organizationId;
  try {
    const checkpoints = (await store.read.ledger.listCheckpoints(org)).length;
    collectGarbage();
    const rss = sampleRss();
    const start = performance.now();
    const report = await ledger.verify(org, () => rss.sample());
    const seconds = (performance.now() - start) / 1000;
    const memory = rss.stop();
    if (!report.ok)
      throw new Error(`verify reported problems: ${JSON.stringify(report.problems.slice(0, 3))}`);
    if (report.treeSize !== meta.size)
      throw new Error(`verify saw ${report.treeSize} entries, expected ${meta.size}`);
    if (report.checkpointsVerified !== checkpoints)
      throw new Error(`verify checked ${report.checkpointsVerified} of ${checkpoints} checkpoints`);
    return {
      seconds,
      entriesPerSecond: meta.size / seconds,
      checkpointsVerified: report.checkpointsVerified,
      rssStartBytes: memory.startBytes,
      rssPeakBytes: memory.peakBytes,
      rssHighWaterBytes: rssHighWaterMark(),
    };
  } finally {
    await store.close();
  }
}

async function runWorker(phase: string, dir: string, extra: string[] = []): Promise<unknown> {
  const out = join(dir, `${phase}.result.json`);
  rmSync(out, { force: true });
  const child = spawn(
    process.execPath,
    ['--expose-gc', import.meta.filename, '--worker', phase, '--dir', dir, ...extra],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`${phase} worker for ${dir} exited with ${code}`);
  return readJson<unknown>(out);
}

async function worker(phase: string, dir: string, queries: number, budgetSeconds: number): Promise<void> {
  const result =
    phase === 'build'
      ? await buildPhase(dir)
      : phase === 'proofs'
        ? await proofsPhase(dir, queries, budgetSeconds)
        : phase === 'verify'
          ? await verifyPhase(dir)
          : undefined;
  if (!result) throw new Error(`unknown worker phase ${phase}`);
  writeFileSync(join(dir, `${phase}.result.json`), JSON.stringify(result));
}

async function bigLog(o: Options, kind: StorageKind, size: number) {
  let dir: string;
  let dispose = async () => {};
  if (kind === 'sqlite') {
    const cache = join(BENCH_DIR, '.cache');
    dir = join(cache, `ledger-sqlite-${size}`);
    if (o.rebuild) rmSync(dir, { recursive: true, force: true });
    // Several GB that must never be committed, whatever the root .gitignore says.
    mkdirSync(cache, { recursive: true });
    writeFileSync(join(cache, '.gitignore'), '# Cached benchmark databases, never committed.\n*\n');
  } else {
    dir = mkdtempSync(join(tmpdir(), 'oversight-bench-ledger-'));
  }
  try {
    let cached = existsSync(join(dir, 'meta.json'));
    if (cached && readJson<Meta>(join(dir, 'meta.json')).format !== CACHE_FORMAT) cached = false;
    if (!cached) {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      let pgSchema: string | null = null;
      if (kind === 'postgres') {
        const storage = await freshStorage('postgres');
        pgSchema = (storage.config as { schema: string }).schema;
        dispose = storage.dispose;
      }
      const plan: Plan = {
        format: CACHE_FORMAT,
        storage: kind,
        size,
        masterKeyHex: randomBytes(32).toString('hex'),
        pgSchema,
      };
      writeFileSync(join(dir, 'plan.json'), JSON.stringify(plan));
      progress(`${kind} ${int(size)}: building (batches of ${BUILD_BATCH_MIN}-${BUILD_BATCH_MAX})`);
      const build = (await runWorker('build', dir)) as BuildResult;
      writeFileSync(join(dir, 'meta.json'), JSON.stringify({ ...plan, build } satisfies Meta));
    } else progress(`${kind} ${int(size)}: using cached log in ${dir} (--rebuild to rebuild)`);
    const meta = readJson<Meta>(join(dir, 'meta.json'));
    progress(`${kind} ${int(size)}: ${o.queries} inclusion + ${o.queries} consistency proofs`);
    const proofs = (await runWorker('proofs', dir, [
      '--queries',
      String(o.queries),
      '--proof-seconds',
      String(o.proofSeconds),
    ])) as ProofsResult;
    progress(`${kind} ${int(size)}: full verify`);
    const verify = (await runWorker('verify', dir)) as VerifyResult;
    let verifyAfterAnalyze: VerifyResult | null = null;
    if (kind === 'postgres' && o.pgAnalyze) {
      progress(`${kind} ${int(size)}: ANALYZE, then full verify again`);
      await analyzeSchema(meta.pgSchema!);
      verifyAfterAnalyze = (await runWorker('verify', dir)) as VerifyResult;
    }
    return { storage: kind, size, cached, dir, build: meta.build, proofs, verify, verifyAfterAnalyze };
  } finally {
    await dispose();
    if (kind === 'postgres') rmSync(dir, { recursive: true, force: true });
  }
}

// ---- main --------------------------------------------------------------------------------------

const rate = (t: Throughput) => int(t.best);

function proofGoal(p: ProofsResult): string {
  const p50 = p.inclusion.p50 < GOAL_PROOF_MS && p.consistency.p50 < GOAL_PROOF_MS;
  const p99 = p.inclusion.p99 < GOAL_PROOF_MS && p.consistency.p99 < GOAL_PROOF_MS;
  return `p50 ${goal(p50)}, p99 ${goal(p99)}`;
}
const roundsOf = (t: Throughput) => t.rounds.map(int).join(' / ');

async function main(): Promise<void> {
  const o = options();
  const started = performance.now();
  const machine = machineInfo();
  const leaf = sampleLeaf();
  const results: Record<string, unknown> = { machine, options: { ...o, parts: [...o.parts] } };

  printTable(
    'Machine',
    ['nproc', 'CPU', 'memory', 'Node', 'commit', 'load avg at start'],
    [
      [
        machine.nproc,
        machine.cpuModel,
        `${machine.memoryGiB} GiB`,
        machine.node,
        machine.revision,
        machine.loadAverage,
      ],
    ],
  );

  let hashing: Awaited<ReturnType<typeof leafHashing>> | undefined;
  if (o.parts.has('hash') || o.parts.has('appends') || o.parts.has('logs')) {
    hashing = await leafHashing(o, leaf);
    results['hashing'] = hashing;
    printTable(
      `Leaf hashing, one thread, ${hashing.leafBytes}-byte leaf from buildLeaf (best of ${o.rounds})`,
      ['method', 'leaves/s', 'rounds'],
      [
        [
          "crypto.hash('sha256', '\\u0000' + leaf, 'buffer')",
          rate(hashing.oneShot),
          roundsOf(hashing.oneShot),
        ],
        [
          "createHash('sha256').update('\\u0000' + leaf).digest()",
          rate(hashing.streaming),
          roundsOf(hashing.streaming),
        ],
        [
          'merkle.ts hashLeafText(leaf) (the product path)',
          rate(hashing.productPath),
          roundsOf(hashing.productPath),
        ],
      ],
    );
  }
  const hashRate = hashing?.oneShot.best ?? Number.NaN;

  if (o.parts.has('raw') && o.storages.includes('sqlite')) {
    const raw = await rawSqliteCeiling(o, leaf);
    results['rawSqlite'] = raw;
    printTable(
      `Raw node:sqlite ceiling, same schema and pragmas (WAL, synchronous=NORMAL), SQLite ${raw.sqliteVersion} (best of ${o.rounds})`,
      ['shape', 'appends/s', 'rounds'],
      [
        [
          'BEGIN IMMEDIATE; insert entry; insert nodes; update head; COMMIT',
          rate(raw.minimal),
          roundsOf(raw.minimal),
        ],
        [
          'same + SAVEPOINT, pragma data_version, RELEASE (what the store issues)',
          rate(raw.asStore),
          roundsOf(raw.asStore),
        ],
        [
          `${IN_FLIGHT} store-shaped appends per BEGIN/COMMIT (group commit)`,
          rate(raw.grouped),
          roundsOf(raw.grouped),
        ],
        [
          `${BATCH} appends per BEGIN/COMMIT, 64-row inserts, one head update (batched)`,
          rate(raw.batched),
          roundsOf(raw.batched),
        ],
      ],
    );
  }

  if (o.parts.has('appends')) {
    const rows: Cell[][] = [];
    const appends: Record<string, unknown> = {};
    for (const kind of o.storages) {
      const a = await serviceAppends(o, kind);
      appends[kind] = a;
      const single = kind === 'sqlite' ? goal(a.sequential.best >= GOAL_SINGLE_TX_SQLITE) : '-';
      const singleConc = kind === 'sqlite' ? goal(a.concurrent.best >= GOAL_SINGLE_TX_SQLITE) : '-';
      const ratio = a.batched.best / hashRate;
      rows.push(
        [
          kind,
          'one tx each, sequential',
          rate(a.sequential),
          roundsOf(a.sequential),
          '-',
          `>= ${int(GOAL_SINGLE_TX_SQLITE)}/s`,
          single,
        ],
        [
          kind,
          `one tx each, ${IN_FLIGHT} in flight`,
          rate(a.concurrent),
          roundsOf(a.concurrent),
          '-',
          `>= ${int(GOAL_SINGLE_TX_SQLITE)}/s`,
          singleConc,
        ],
        [
          kind,
          `${BATCH} events per tx`,
          rate(a.batched),
          roundsOf(a.batched),
          pct(ratio),
          `>= ${pct(GOAL_BATCHED_RATIO)} of hashing`,
          goal(ratio >= GOAL_BATCHED_RATIO),
        ],
      );
    }
    results['appends'] = appends;
    printTable(
      `Appends through the service: store.transaction(tx => ledger.append(tx, org, events)) (best of ${o.rounds} x ${o.seconds} s)`,
      ['store', 'mode', 'appends/s', 'rounds', 'of raw hashing', 'goal', 'met'],
      rows,
    );
  }

  if (o.parts.has('logs')) {
    const logs = [];
    for (const kind of o.storages) for (const size of o.sizes) logs.push(await bigLog(o, kind, size));
    results['logs'] = logs;
    printTable(
      'Big logs: build (batched appends, a signed checkpoint after each batch)',
      ['store', 'entries', 'build s', 'entries/s', 'db size', 'peak RSS (sampled)', 'VmHWM', 'note'],
      logs.map((l) => [
        l.storage,
        int(l.size),
        l.build.seconds.toFixed(1),
        int(l.build.entriesPerSecond),
        mib(l.build.dbBytes),
        mib(l.build.rssPeakBytes),
        l.build.rssHighWaterBytes === null ? '-' : mib(l.build.rssHighWaterBytes),
        `${l.cached ? `cached, built ${l.build.builtAt.slice(0, 16)}` : 'built now'} at ${l.build.revision ?? '?'}`,
      ]),
    );
    printTable(
      `Proofs through the service (up to ${o.queries} random queries per kind, one at a time, each verified against a signed checkpoint; budget ${o.proofSeconds} s per kind)`,
      [
        'store',
        'entries',
        'checkpoints',
        'queries',
        'inclusion p50 ms',
        'p99 ms',
        'consistency p50 ms',
        'p99 ms',
        `goal < ${GOAL_PROOF_MS} ms at 1e7`,
      ],
      logs.map((l) => [
        l.storage,
        int(l.size),
        l.proofs.checkpoints,
        `${l.proofs.inclusion.count} + ${l.proofs.consistency.count}${l.proofs.budgetExhausted ? ' (budget hit)' : ''}`,
        ms(l.proofs.inclusion.p50),
        ms(l.proofs.inclusion.p99),
        ms(l.proofs.consistency.p50),
        ms(l.proofs.consistency.p99),
        proofGoal(l.proofs),
      ]),
    );
    const floors = logs.filter((l) => l.proofs.floor);
    if (floors.length > 0)
      printTable(
        'Proof floor on the same SQLite file: the same RFC 6962 ranges, nodes by prepared point lookups (node:sqlite), no service around them',
        ['store', 'entries', 'queries', 'inclusion p50 ms', 'p99 ms', 'consistency p50 ms', 'p99 ms'],
        floors.map((l) => [
          `${l.storage} floor`,
          int(l.size),
          `${l.proofs.floor!.inclusion.count} + ${l.proofs.floor!.consistency.count}`,
          ms(l.proofs.floor!.inclusion.p50),
          ms(l.proofs.floor!.inclusion.p99),
          ms(l.proofs.floor!.consistency.p50),
          ms(l.proofs.floor!.consistency.p99),
        ]),
      );
    const verifyRow = (label: string, size: number, v: VerifyResult): Cell[] => [
      label,
      int(size),
      v.seconds.toFixed(1),
      int(v.entriesPerSecond),
      pct(v.entriesPerSecond / hashRate),
      mib(v.rssStartBytes),
      mib(v.rssPeakBytes),
      v.rssHighWaterBytes === null ? '-' : mib(v.rssHighWaterBytes),
    ];
    printTable(
      'Full verify: ledger.verify(org) recomputes every leaf hash and the tree, checks stored nodes and every checkpoint',
      [
        'store',
        'entries',
        'seconds',
        'entries/s',
        'of raw hashing',
        'RSS at start',
        'peak RSS (sampled)',
        'VmHWM',
      ],
      logs.flatMap((l) => [
        verifyRow(l.storage, l.size, l.verify),
        ...(l.verifyAfterAnalyze
          ? [verifyRow(`${l.storage} after ANALYZE`, l.size, l.verifyAfterAnalyze)]
          : []),
      ]),
    );
  }

  results['seconds'] = (performance.now() - started) / 1000;
  const path = writeResults('ledger', results);
  console.log(`\nwrote ${path} (${(results['seconds'] as number).toFixed(0)} s)`);
}

if (flags.help) console.log(HELP);
else if (flags.worker)
  await worker(
    flags.worker,
    flags.dir ?? '',
    Number(flags.queries ?? 2000),
    Number(flags['proof-seconds'] ?? 30),
  );
else await main();
