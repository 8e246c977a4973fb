/** Timing helpers: best-of-N throughput, latency percentiles and peak-RSS sampling. */
import { readFileSync } from 'node:fs';

export type Throughput = { best: number; rounds: number[] };

/** Runs `round` `rounds` times; each returns ops/s. The best round is the figure (least disturbed). */
export async function bestOf(rounds: number, round: () => Promise<number> | number): Promise<Throughput> {
  const all: number[] = [];
  for (let i = 0; i < rounds; i++) all.push(await round());
  return { best: Math.max(...all), rounds: all };
}

/** Calls `op` back to back until `seconds` have passed; `op` returns how many units it did. */
export async function opsPerSecond(seconds: number, op: () => Promise<number>): Promise<number> {
  const start = performance.now();
  const deadline = start + seconds * 1000;
  let units = 0;
  while (performance.now() < deadline) {
    const done = await op();
    units += done;
  }
  return (units * 1000) / (performance.now() - start);
}

/** Keeps `inFlight` calls of `op` running until `seconds` have passed; returns units per second. */
export async function concurrentOpsPerSecond(
  seconds: number,
  inFlight: number,
  op: () => Promise<number>,
): Promise<number> {
  const start = performance.now();
  const deadline = start + seconds * 1000;
  let units = 0;
  const worker = async () => {
    while (performance.now() < deadline) {
      // Not `units += await op()`: that reads `units` before the await and loses the other
      // workers' increments.
      const done = await op();
      units += done;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return (units * 1000) / (performance.now() - start);
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export type LatencySummary = { count: number; p50: number; p99: number; max: number; mean: number };

export function summarize(samplesMs: readonly number[]): LatencySummary {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
    mean: sum / Math.max(1, sorted.length),
  };
}

/**
 * Samples process.memoryUsage.rss() on a timer and whenever `sample()` is called: node:sqlite
 * work is synchronous and chains of resolved promises never yield to timers, so long phases
 * also call `sample()` between batches. `stop()` returns the peak seen.
 */
export function sampleRss(intervalMs = 25) {
  const start = process.memoryUsage.rss();
  let peak = start;
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage.rss());
  };
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    sample,
    stop(): { startBytes: number; peakBytes: number } {
      clearInterval(timer);
      sample();
      return { startBytes: start, peakBytes: peak };
    },
  };
}

/** The kernel's high-water mark of this process's RSS (Linux VmHWM), a cross-check of sampling. */
export function rssHighWaterMark(): number | null {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m?.[1] ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Runs a full GC when the process was started with --expose-gc. */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
