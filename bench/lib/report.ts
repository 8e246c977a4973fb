/**
 * What every benchmark prints and writes: the machine it ran on, aligned tables, and
 * bench/results/<name>.json (git-ignored) with every raw figure behind the tables.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';

export const BENCH_DIR = dirname(import.meta.dirname);
export const RESULTS_DIR = join(BENCH_DIR, 'results');

export type Machine = {
  nproc: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  platform: string;
  date: string;
  /** The commit measured, and whether packages/ had uncommitted changes at the time. */
  revision: string;
  /** 1/5/15-minute load averages when the run started: other work on the machine disturbs figures. */
  loadAverage: string;
};

/** nproc, the CPU model from /proc/cpuinfo, memory and the Node version. */
export function machineInfo(): Machine {
  let cpuModel = 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m?.[1]) cpuModel = m[1].trim();
  } catch {
    /* not Linux: leave it unknown */
  }
  return {
    nproc: availableParallelism(),
    cpuModel,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    date: new Date().toISOString(),
    revision: sourceRevision(),
    loadAverage: loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
  };
}

function sourceRevision(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: BENCH_DIR, encoding: 'utf8' }).trim();
    const dirty = git('status', '--porcelain', '--', '../packages') !== '';
    return `${git('rev-parse', '--short', 'HEAD')}${dirty ? ' + uncommitted changes in packages/' : ''}`;
  } catch {
    return 'unknown';
  }
}

/** Writes bench/results/<name>.json and returns its path. */
export function writeResults(name: string, data: unknown): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${name}.json`);
  writeFileSync(path, JSON.stringify(data, null, 2) + '\n');
  return path;
}

export type Cell = string | number;

/** Prints a Markdown table (readable in a terminal, pasteable into bench/README.md). */
export function printTable(title: string, header: string[], rows: Cell[][]): void {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((v, c) => v.padEnd(widths[c] ?? 0)).join(' | ')} |`;
  console.log(`\n### ${title}\n`);
  console.log(line(header));
  // The separator row Prettier writes, so a table pastes into Markdown unchanged.
  console.log(`| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`);
  for (const r of cells.slice(1)) console.log(line(r));
}

/** Thousands separators, no rounding beyond whole units. */
export function int(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function ms(n: number | null, digits = 3): string {
  return n === null || !Number.isFinite(n) ? '-' : n.toFixed(digits);
}

export function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

export function pct(ratio: number): string {
  return `${(ratio * 100).toFixed(1)}%`;
}

export function goal(met: boolean): string {
  return met ? 'met' : 'NOT met';
}

/** Progress on stderr, so stdout stays the tables. */
export function progress(message: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}
