/**
 * HTTP API benchmark: the Oversight app (createApp on the harness's services, SQLite) against a
 * bare Hono hello-world on the same @hono/node-server, in the same run, driven by autocannon.
 *
 *   npm run bench:api                       # 10 s per round, 3 rounds, 50 connections
 *   npm run bench:api -- --quick            # smoke run: 3 s, 1 round
 *
 * The servers run in a child process and autocannon in this one, so the load generator and
 * the server each get their own core (the machine this was written on has two). Both listen on
 * 127.0.0.1 on random ports.
 */
import { serve } from '@hono/node-server';
import autocannon, { type Result } from 'autocannon';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { Hono } from 'hono';
import { createApp } from '../packages/server/src/http/app.ts';
import { createTestContext } from '../packages/server/test/support/harness.ts';
import { goal, int, machineInfo, printTable, progress, writeResults, type Cell } from './lib/report.ts';

const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string' },
    rounds: { type: 'string' },
    connections: { type: 'string' },
    warmup: { type: 'string' },
    quick: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
    // Internal: run the servers (in the child process).
    serve: { type: 'boolean', default: false },
  },
});

const HELP = `usage: node bench/api.bench.ts [options]
  --duration S      seconds per round (default 10)
  --rounds N        rounds per scenario; the best is reported (default 3)
  --connections N   concurrent connections (default 50)
  --warmup S        unmeasured seconds before each scenario (default 2)
  --quick           smoke run: 3 s, 1 round`;

const SEED_SYSTEMS = 100;

type ServerInfo = { hello: string; app: string; apiKey: string; ownerId: string; systemId: string };

// ---- the servers (child process) ---------------------------------------------------------------

function listen(fetch: (req: Request) => Response | Promise<Response>) {
  return new Promise<{ url: string; close: () => Promise<void> }>((resolve) => {
    const server = serve({ fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () => new Promise<void>((r) => server.close(() => r())),
      });
    });
  });
}

async function serveMode(): Promise<void> {
  const ctx = await createTestContext({ storage: 'sqlite' });
  let systemId = '';
  for (let i = 0; i < SEED_SYSTEMS; i++) {
    const system = await ctx.services.registry.createSystem(ctx.adminActor, {
      name: `Lead scoring ${i}`,
      description: 'Scores inbound leads for the sales team',
      purpose: 'Prioritise sales follow-up',
      kind: 'model',
      ownerId: ctx.admin.id,
      decidesAboutCustomers: true,
      public: false,
      tags: ['scoring', 'leads'],
    });
    systemId ||= system.id;
  }
  const errorLogs: Record<string, unknown>[] = [];
  const { app } = createApp(ctx.services, {
    bodyLimitBytes: 64 * 1024,
    version: 'bench',
    log: (line) => {
      if (line['level'] === 'error') errorLogs.push(line);
    },
  });
  const hello = new Hono();
  hello.get('/', (c) => c.text('Hello World!'));
  const helloServer = await listen(hello.fetch);
  const appServer = await listen(app.fetch);
  const info: ServerInfo = {
    hello: helloServer.url,
    app: appServer.url,
    apiKey: ctx.adminKey,
    ownerId: ctx.admin.id,
    systemId,
  };
  process.stdout.write(JSON.stringify(info) + '\n');
  const commands = createInterface({ input: process.stdin });
  for await (const line of commands) {
    if (line === 'count') {
      const page = await ctx.services.registry.listSystems(ctx.adminActor, { limit: 1 });
      process.stdout.write(JSON.stringify({ systems: page.total }) + '\n');
    } else if (line === 'stop') break;
  }
  await helloServer.close();
  await appServer.close();
  await ctx.close();
  process.stdout.write(
    JSON.stringify({ errorLogs: errorLogs.length, firstError: errorLogs[0] ?? null }) + '\n',
  );
  commands.close();
}

// ---- the load (this process) -------------------------------------------------------------------

type Scenario = {
  name: string;
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  expect: number;
};

type ScenarioResult = {
  name: string;
  rounds: { requestsPerSecond: number; p50: number; p99: number; total: number }[];
  best: { requestsPerSecond: number; p50: number; p99: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodes: Record<string, number>;
};

function startServers() {
  const child = spawn(process.execPath, [import.meta.filename, '--serve'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const nextLine = async <T>(): Promise<T> => {
    const r = await lines.next();
    if (r.done) throw new Error('the server process ended early');
    return JSON.parse(r.value) as T;
  };
  return {
    info: () => nextLine<ServerInfo>(),
    async countSystems(): Promise<number> {
      child.stdin.write('count\n');
      return (await nextLine<{ systems: number }>()).systems;
    },
    async stop(): Promise<{ errorLogs: number; firstError: unknown }> {
      child.stdin.write('stop\n');
      const last = await nextLine<{ errorLogs: number; firstError: unknown }>();
      const timer = setTimeout(() => child.kill(), 10_000);
      await exited;
      clearTimeout(timer);
      return last;
    },
  };
}

async function run(s: Scenario, seconds: number, connections: number): Promise<Result> {
  return autocannon({
    url: s.url,
    method: s.method,
    headers: s.headers,
    connections,
    duration: seconds,
    ...(s.body !== undefined ? { body: s.body } : {}),
  });
}

async function measure(
  s: Scenario,
  o: { duration: number; rounds: number; connections: number; warmup: number },
) {
  // Fail loudly before measuring if the request is not what we think it is.
  const probe = await fetch(s.url, {
    method: s.method,
    headers: s.headers,
    ...(s.body !== undefined ? { body: s.body } : {}),
  });
  if (probe.status !== s.expect)
    throw new Error(`${s.name}: expected ${s.expect}, got ${probe.status}: ${await probe.text()}`);
  await probe.arrayBuffer().catch(() => undefined);
  progress(
    `${s.name}: warm-up ${o.warmup} s, then ${o.rounds} x ${o.duration} s, ${o.connections} connections`,
  );
  const all: Result[] = [];
  if (o.warmup > 0) all.push(await run(s, o.warmup, o.connections));
  const rounds: ScenarioResult['rounds'] = [];
  for (let i = 0; i < o.rounds; i++) {
    const r = await run(s, o.duration, o.connections);
    all.push(r);
    rounds.push({
      requestsPerSecond: r.requests.average,
      p50: r.latency.p50,
      p99: r.latency.p99,
      total: r.requests.total,
    });
  }
  const best = rounds.reduce((a, b) => (b.requestsPerSecond > a.requestsPerSecond ? b : a));
  const statusCodes: Record<string, number> = {};
  for (const r of all)
    for (const [code, { count }] of Object.entries(r.statusCodeStats))
      statusCodes[code] = (statusCodes[code] ?? 0) + count;
  return {
    name: s.name,
    rounds,
    best: { requestsPerSecond: best.requestsPerSecond, p50: best.p50, p99: best.p99 },
    errors: all.reduce((n, r) => n + r.errors, 0),
    timeouts: all.reduce((n, r) => n + r.timeouts, 0),
    non2xx: all.reduce((n, r) => n + r.non2xx, 0),
    statusCodes,
  } satisfies ScenarioResult;
}

async function main(): Promise<void> {
  const quick = flags.quick;
  const o = {
    duration: Number(flags.duration ?? (quick ? 3 : 10)),
    rounds: Number(flags.rounds ?? (quick ? 1 : 3)),
    connections: Number(flags.connections ?? 50),
    warmup: Number(flags.warmup ?? (quick ? 1 : 2)),
  };
  const started = performance.now();
  const machine = machineInfo();
  const servers = startServers();
  const info = await servers.info();
  const auth = { authorization: `Bearer ${info.apiKey}` };
  const scenarios: Scenario[] = [
    {
      name: 'hello world (bare Hono, GET /)',
      url: `${info.hello}/`,
      method: 'GET',
      headers: {},
      expect: 200,
    },
    {
      name: 'GET /v1/systems/:id',
      url: `${info.app}/v1/systems/${info.systemId}`,
      method: 'GET',
      headers: auth,
      expect: 200,
    },
    {
      name: 'GET /v1/systems?limit=20',
      url: `${info.app}/v1/systems?limit=20`,
      method: 'GET',
      headers: auth,
      expect: 200,
    },
    {
      name: 'POST /v1/systems',
      url: `${info.app}/v1/systems`,
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Churn predictor',
        description: 'Predicts which customers are about to leave',
        purpose: 'Retention offers',
        kind: 'vendor_ai',
        ownerId: info.ownerId,
        decidesAboutCustomers: true,
        tags: ['retention'],
      }),
      expect: 201,
    },
  ];
  const results: ScenarioResult[] = [];
  let systemsBefore = 0;
  let systemsAfter: number;
  try {
    for (const s of scenarios) {
      if (s.method === 'POST') systemsBefore = await servers.countSystems();
      results.push(await measure(s, o));
    }
    systemsAfter = await servers.countSystems();
    // The list again, now over every system the POST rounds created: does listing scale?
    results.push(
      await measure(
        { ...scenarios[2]!, name: `GET /v1/systems?limit=20 (after POSTs, ${int(systemsAfter)} systems)` },
        o,
      ),
    );
  } finally {
    const end = await servers.stop();
    if (end.errorLogs > 0)
      console.error(`the app logged ${end.errorLogs} internal errors; first:`, end.firstError);
  }
  const hello = results[0]!.best.requestsPerSecond;
  const rows: Cell[][] = results.map((r) => [
    r.name,
    int(r.best.requestsPerSecond),
    r.rounds.map((x) => int(x.requestsPerSecond)).join(' / '),
    `${((r.best.requestsPerSecond / hello) * 100).toFixed(1)}%`,
    r.best.p50,
    r.best.p99,
    r.errors + r.timeouts,
    r.non2xx,
    goal(r.errors + r.timeouts + r.non2xx === 0),
  ]);
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
  printTable(
    `HTTP API on SQLite, autocannon ${o.connections} connections, best of ${o.rounds} x ${o.duration} s (after ${o.warmup} s warm-up)`,
    [
      'scenario',
      'req/s',
      'rounds',
      'of hello',
      'p50 ms',
      'p99 ms',
      'errors',
      'non-2xx',
      'goal: 0 errors / non-2xx',
    ],
    rows,
  );
  const seconds = (performance.now() - started) / 1000;
  const path = writeResults('api', { machine, options: o, systemsBefore, systemsAfter, results, seconds });
  console.log(`\nwrote ${path} (${seconds.toFixed(0)} s)`);
  if (results.some((r) => r.errors + r.timeouts + r.non2xx > 0)) process.exitCode = 1;
}

if (flags.help) console.log(HELP);
else if (flags.serve) await serveMode();
else await main();
