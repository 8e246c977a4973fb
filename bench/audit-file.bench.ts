/**
 * `oversight audit run` end to end on synthetic decision files (bench/audit-data.ts: 8 race
 * groups x 2 sexes x 2 age bands, weights, a score and threshold, intersections): wall time,
 * CPU time and peak RSS of the whole CLI process, best of N rounds, per size and format.
 *
 *   node bench/audit-file.bench.ts                                  # 1e6 and 1e7, CSV and Parquet
 *   node bench/audit-file.bench.ts --sizes 1e6 --formats csv --rounds 1
 *
 * Files are cached in $TMPDIR/oversight-audit-bench/. CPU time and peak RSS come from GNU time
 * (/usr/bin/time, Debian package `time`); without it only wall time is reported. Results go to
 * bench/results/audit-file.json.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type AuditDataFormat, writeAuditData } from './audit-data.ts';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'packages', 'server', 'bin', 'oversight.js');
const GNU_TIME = '/usr/bin/time';

type Round = { wallSeconds: number; cpuSeconds: number | null; peakRssMiB: number | null };

function runOnce(file: string): Round {
  const args = [
    BIN,
    'audit',
    'run',
    '--input',
    file,
    '--label',
    'label',
    '--score',
    'score',
    '--threshold',
    '0.5',
    '--weight',
    'weight',
    '--group',
    'race',
    '--group',
    'sex',
    '--group',
    'age_band',
    '--intersections',
    '--json',
  ];
  const timed = existsSync(GNU_TIME);
  const started = performance.now();
  const child = timed
    ? spawnSync(GNU_TIME, ['-f', 'TIME %e %U %S %M', process.execPath, ...args], {
        encoding: 'utf8',
        maxBuffer: 1 << 28,
      })
    : spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  const wall = (performance.now() - started) / 1000;
  if (child.status !== 0) throw new Error(`audit run failed on ${file}: ${child.stderr}`);
  const result = JSON.parse(child.stdout) as { rows: number };
  if (result.rows <= 0) throw new Error('no rows audited');
  const line = /^TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)$/m.exec(child.stderr);
  if (!line) return { wallSeconds: wall, cpuSeconds: null, peakRssMiB: null };
  return {
    wallSeconds: Number(line[1]),
    cpuSeconds: Number(line[2]) + Number(line[3]),
    peakRssMiB: Number(line[4]) / 1024,
  };
}

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1e6,1e7' },
    formats: { type: 'string', default: 'csv,parquet' },
    rounds: { type: 'string', default: '3' },
  },
});
const sizes = values.sizes.split(',').map(Number);
const formats = values.formats.split(',') as AuditDataFormat[];
const rounds = Number(values.rounds);
const cache = join(tmpdir(), 'oversight-audit-bench');
mkdirSync(cache, { recursive: true });

const results = [];
for (const rows of sizes) {
  for (const format of formats) {
    const file = join(cache, `audit-${rows}.${format}`);
    if (!existsSync(file)) {
      process.stderr.write(`writing ${file}\n`);
      await writeAuditData(rows, format, file);
    }
    const all = Array.from({ length: rounds }, () => runOnce(file));
    const best = all.reduce((a, b) => (b.wallSeconds < a.wallSeconds ? b : a));
    const entry = { rows, format, best, rounds: all, loadAverage: loadavg()[0] ?? 0 };
    results.push(entry);
    console.log(
      `${String(rows).padStart(9)} ${format.padEnd(8)} wall ${best.wallSeconds.toFixed(2)} s` +
        (best.cpuSeconds === null ? '' : `, cpu ${best.cpuSeconds.toFixed(2)} s`) +
        (best.peakRssMiB === null ? '' : `, peak RSS ${best.peakRssMiB.toFixed(0)} MiB`) +
        `, ${(rows / best.wallSeconds / 1e6).toFixed(2)} M rows/s (load ${entry.loadAverage.toFixed(1)})`,
    );
  }
}
mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
writeFileSync(join(ROOT, 'bench', 'results', 'audit-file.json'), JSON.stringify(results, null, 2) + '\n');
