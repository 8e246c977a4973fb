// Statistics for audits, computed from counts only: special functions, intervals, tests,
// multiple-testing corrections and a seeded bootstrap sampler. No dependencies.
//
// Accuracy: logGamma to ~1e-15 relative (Stirling series with recurrence), the regularized
// incomplete gamma to ~1e-15 relative (series / Lentz continued fraction), hence erfc, the
// normal CDF and chi-square tails with relative accuracy into the far tails; the normal
// quantile is Wichura's AS241 (~1e-16 relative).

import { OUTCOME_KEYS, type Cell, type OutcomeKey } from './cells.ts';

const EPSILON = 1e-16;
const MAX_ITERATIONS = 1_000_000;
const HALF_LOG_TWO_PI = 0.9189385332046727;

// Stirling-series coefficients B_2k / (2k (2k-1)), k = 1..8.
const STIRLING = [
  1 / 12,
  -1 / 360,
  1 / 1260,
  -1 / 1680,
  1 / 1188,
  -691 / 360360,
  1 / 156,
  -3617 / 122400,
] as const;

/** ln Γ(x) for x > 0: the Stirling series at x >= 15, reached from below by the recurrence Γ(x+1) = xΓ(x). */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`logGamma needs x > 0, got ${x}`);
  let shift = 0;
  let product = 1;
  let z = x;
  while (z < 15) {
    product *= z;
    z += 1;
    // Rescale before the running product overflows or loses range.
    if (product > 1e280) {
      shift += Math.log(product);
      product = 1;
    }
  }
  shift += Math.log(product);
  const inverse = 1 / z;
  const inverseSquared = inverse * inverse;
  let series = 0;
  let power = inverse;
  for (const coefficient of STIRLING) {
    series += coefficient * power;
    power *= inverseSquared;
  }
  return (z - 0.5) * Math.log(z) - z + HALF_LOG_TWO_PI + series - shift;
}

// x^a e^-x / Γ(a), the common prefactor of both incomplete-gamma expansions, in log space.
function gammaPrefactorLog(a: number, x: number): number {
  return a * Math.log(x) - x - logGamma(a);
}

function lowerGammaSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n < MAX_ITERATIONS; n++) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPSILON) break;
  }
  return sum * Math.exp(gammaPrefactorLog(a, x));
}

// Modified Lentz evaluation of the continued fraction for Q(a, x), valid for x >= a + 1.
function upperGammaFraction(a: number, x: number): number {
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPSILON) break;
  }
  return Math.exp(gammaPrefactorLog(a, x)) * h;
}

/** Regularized lower incomplete gamma P(a, x) = γ(a, x) / Γ(a). */
export function regularizedGammaP(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) throw new RangeError(`regularizedGammaP needs a > 0 and x >= 0, got ${a}, ${x}`);
  if (x === 0) return 0;
  if (x === Infinity) return 1;
  return x < a + 1 ? lowerGammaSeries(a, x) : 1 - upperGammaFraction(a, x);
}

/** Regularized upper incomplete gamma Q(a, x) = 1 − P(a, x), accurate in the far tail. */
export function regularizedGammaQ(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) throw new RangeError(`regularizedGammaQ needs a > 0 and x >= 0, got ${a}, ${x}`);
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  return x < a + 1 ? 1 - lowerGammaSeries(a, x) : upperGammaFraction(a, x);
}

/** Complementary error function erfc(x) = Q(1/2, x²) for x >= 0, 2 − erfc(−x) below. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x >= 0) return regularizedGammaQ(0.5, x * x);
  return 1 + regularizedGammaP(0.5, x * x);
}

/** Standard normal CDF Φ(x), with relative accuracy in the lower tail. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** Standard normal upper tail 1 − Φ(x), with relative accuracy in the upper tail. */
export function normalSurvival(x: number): number {
  return 0.5 * erfc(x / Math.SQRT2);
}

/** Standard normal quantile Φ⁻¹(p): Wichura's algorithm AS241 (PPND16), Appl. Statist. 37 (1988) 477–484. */
export function normalQuantile(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) throw new RangeError(`normalQuantile needs 0 <= p <= 1, got ${p}`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    const num =
      (((((((2509.0809287301227 * r + 33430.57558358813) * r + 67265.7709270087) * r + 45921.95393154987) *
        r +
        13731.69376550946) *
        r +
        1971.5909503065513) *
        r +
        133.14166789178438) *
        r +
        3.3871328727963665) *
      q;
    const den =
      ((((((5226.495278852854 * r + 28729.085735721943) * r + 39307.89580009271) * r + 21213.794301586597) *
        r +
        5394.196021424751) *
        r +
        687.1870074920579) *
        r +
        42.31333070160091) *
        r +
      1;
    return num / den;
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let x: number;
  if (r <= 5) {
    r -= 1.6;
    x =
      (((((((0.0007745450142783414 * r + 0.022723844989269184) * r + 0.2417807251774506) * r +
        1.2704582524523684) *
        r +
        3.6478483247632045) *
        r +
        5.769497221460691) *
        r +
        4.630337846156546) *
        r +
        1.4234371107496835) /
      (((((((1.0507500716444169e-9 * r + 0.0005475938084995345) * r + 0.015198666563616457) * r +
        0.14810397642748008) *
        r +
        0.6897673349851) *
        r +
        1.6763848301838038) *
        r +
        2.053191626637759) *
        r +
        1);
  } else {
    r -= 5;
    x =
      (((((((2.0103343992922881e-7 * r + 0.000027115555687434876) * r + 0.0012426609473880784) * r +
        0.026532189526576124) *
        r +
        0.29656057182850487) *
        r +
        1.7848265399172913) *
        r +
        5.463784911164114) *
        r +
        6.657904643501103) /
      (((((((2.0442631033899397e-15 * r + 1.421511758316446e-7) * r + 0.000018463183175100548) * r +
        0.0007868691311456133) *
        r +
        0.014875361290850615) *
        r +
        0.1369298809227358) *
        r +
        0.599832206555888) *
        r +
        1);
  }
  return q < 0 ? -x : x;
}

/** Upper tail of the chi-square distribution: P(X > x) for X ~ χ²(dof) = Q(dof/2, x/2). */
export function chiSquareSurvival(x: number, dof: number): number {
  if (!(dof > 0)) throw new RangeError(`chiSquareSurvival needs dof > 0, got ${dof}`);
  if (x <= 0) return 1;
  return regularizedGammaQ(dof / 2, x / 2);
}

/** The two-sided critical value z for a confidence level, e.g. 1.959963984540054 for 0.95. */
export function zForConfidence(confidence: number): number {
  if (!(confidence > 0 && confidence < 1))
    throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  return normalQuantile(1 - (1 - confidence) / 2);
}

/** A closed interval. */
export type Interval = { lower: number; upper: number };

/**
 * Wilson score interval for `successes` out of `trials` (both may be non-integral effective
 * counts); with `continuityCorrection`, Newcombe's (1998) method 4. Null when trials is 0.
 */
export function wilsonInterval(
  successes: number,
  trials: number,
  z: number,
  continuityCorrection = false,
): Interval | null {
  if (!(trials > 0)) return null;
  const n = trials;
  const p = Math.min(1, Math.max(0, successes / n));
  const z2 = z * z;
  if (!continuityCorrection) {
    const denominator = 1 + z2 / n;
    const center = (p + z2 / (2 * n)) / denominator;
    const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
    return {
      lower: p === 0 ? 0 : Math.max(0, center - half),
      upper: p === 1 ? 1 : Math.min(1, center + half),
    };
  }
  const denominator = 2 * (n + z2);
  const lower =
    p === 0
      ? 0
      : (2 * n * p + z2 - 1 - z * Math.sqrt(z2 - 2 - 1 / n + 4 * p * (n * (1 - p) + 1))) / denominator;
  const upper =
    p === 1
      ? 1
      : (2 * n * p + z2 + 1 + z * Math.sqrt(z2 + 2 - 1 / n + 4 * p * (n * (1 - p) - 1))) / denominator;
  return { lower: Math.max(0, lower), upper: Math.min(1, upper) };
}

/** Result of a significance test; statistic and p-value are null, with a reason, when the test is undefined. */
export type TestResult =
  { ok: true; statistic: number | null; pValue: number } | { ok: false; reason: string };

/**
 * Two-sided two-proportion z test with the pooled variance: x1/n1 against x2/n2 (counts may be
 * non-integral effective counts). The statistic is positive when the first proportion is larger.
 */
export function twoProportionZTest(x1: number, n1: number, x2: number, n2: number): TestResult {
  if (!(n1 > 0) || !(n2 > 0)) return { ok: false, reason: 'a proportion has an empty denominator' };
  const pooled = (x1 + x2) / (n1 + n2);
  const variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2);
  if (!(variance > 0))
    return { ok: false, reason: `no variation: both proportions are ${pooled === 0 ? 0 : 1}` };
  const z = (x1 / n1 - x2 / n2) / Math.sqrt(variance);
  return { ok: true, statistic: z, pValue: Math.min(1, erfc(Math.abs(z) / Math.SQRT2)) };
}

// R's fisher.test tolerance: tables whose probability is within this relative factor of the
// observed one count as "as extreme", so exact ties survive floating-point noise.
const FISHER_RELATIVE_TOLERANCE = 1 + 1e-7;

/**
 * Fisher's exact test, two-sided, on the 2×2 table [[a, b], [c, d]] of non-negative integers:
 * the probability, under the hypergeometric null with fixed margins, of tables no more likely
 * than the observed one. Probabilities are walked outward from the mode by the pmf ratio, so
 * no factorial is ever formed; statistic is the sample odds ratio ad/bc (null when undefined).
 */
export function fisherExact(a: number, b: number, c: number, d: number): TestResult {
  for (const value of [a, b, c, d]) {
    if (!Number.isInteger(value) || value < 0)
      return { ok: false, reason: 'Fisher needs non-negative integer counts' };
  }
  const oddsRatio = b * c === 0 ? null : (a * d) / (b * c);
  const row1 = a + b;
  const row2 = c + d;
  const col1 = a + c;
  if (row1 === 0 || row2 === 0 || col1 === 0 || b + d === 0)
    return { ok: true, statistic: oddsRatio, pValue: 1 };
  const low = Math.max(0, col1 - row2);
  const high = Math.min(row1, col1);
  // Log pmf relative to k = low, up to a constant; f(k+1)/f(k) = (row1-k)(col1-k) / ((k+1)(row2-col1+k+1)).
  const logRatio = (k: number): number =>
    Math.log(((row1 - k) * (col1 - k)) / ((k + 1) * (row2 - col1 + k + 1)));
  const mode = Math.floor(((col1 + 1) * (row1 + 1)) / (row1 + row2 + 2));
  // Walk from the mode outward; log-weights relative to the mode are <= 0.
  let running = 0;
  for (let k = mode; k < a; k++) running += logRatio(k);
  for (let k = mode; k > a; k--) running -= logRatio(k - 1);
  const threshold = running + Math.log(FISHER_RELATIVE_TOLERANCE);
  let total = 0;
  let extreme = 0;
  const visit = (logWeight: number): void => {
    const weight = Math.exp(logWeight);
    total += weight;
    if (logWeight <= threshold) extreme += weight;
  };
  visit(0);
  let logWeight = 0;
  for (let k = mode; k < high; k++) {
    logWeight += logRatio(k);
    if (logWeight < -745) break;
    visit(logWeight);
  }
  logWeight = 0;
  for (let k = mode; k > low; k--) {
    logWeight -= logRatio(k - 1);
    if (logWeight < -745) break;
    visit(logWeight);
  }
  return { ok: true, statistic: oddsRatio, pValue: Math.min(1, extreme / total) };
}

/** Pearson's chi-square test of independence, without continuity correction. */
export type ChiSquareResult =
  | { ok: true; statistic: number; dof: number; pValue: number; minExpected: number }
  | { ok: false; reason: string };

/**
 * Pearson's chi-square test of independence on an r×c table of counts (rows with a zero total
 * must be removed by the caller); matches scipy.stats.chi2_contingency(correction=False).
 */
export function chiSquareIndependence(table: readonly (readonly number[])[]): ChiSquareResult {
  const rows = table.length;
  const columns = table[0]?.length ?? 0;
  if (rows < 2 || columns < 2) return { ok: false, reason: 'needs at least two rows and two columns' };
  const rowTotals = table.map((row) => row.reduce((s, v) => s + v, 0));
  const columnTotals = Array.from({ length: columns }, (_, j) =>
    table.reduce((s, row) => s + (row[j] ?? 0), 0),
  );
  const total = rowTotals.reduce((s, v) => s + v, 0);
  if (rowTotals.some((v) => !(v > 0))) return { ok: false, reason: 'a row has no observations' };
  if (columnTotals.some((v) => !(v > 0)))
    return { ok: false, reason: 'an outcome column is empty: no variation' };
  let statistic = 0;
  let minExpected = Infinity;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < columns; j++) {
      const expected = ((rowTotals[i] ?? 0) * (columnTotals[j] ?? 0)) / total;
      minExpected = Math.min(minExpected, expected);
      const delta = (table[i]?.[j] ?? 0) - expected;
      statistic += (delta * delta) / expected;
    }
  }
  const dof = (rows - 1) * (columns - 1);
  return { ok: true, statistic, dof, pValue: chiSquareSurvival(statistic, dof), minExpected };
}

/** Indices of the non-null p-values sorted ascending (ties keep input order). */
function orderOf(pValues: readonly (number | null)[]): number[] {
  const indices: number[] = [];
  pValues.forEach((p, i) => {
    if (p !== null) indices.push(i);
  });
  return indices.sort((i, j) => (pValues[i] ?? 0) - (pValues[j] ?? 0) || i - j);
}

/** Holm's step-down adjusted p-values (family size = number of non-null p-values); nulls stay null. */
export function holmAdjust(pValues: readonly (number | null)[]): (number | null)[] {
  const order = orderOf(pValues);
  const m = order.length;
  const adjusted: (number | null)[] = pValues.map(() => null);
  let running = 0;
  order.forEach((index, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * (pValues[index] ?? 1)));
    adjusted[index] = running;
  });
  return adjusted;
}

/** Benjamini–Hochberg step-up adjusted p-values (false discovery rate); nulls stay null. */
export function benjaminiHochbergAdjust(pValues: readonly (number | null)[]): (number | null)[] {
  const order = orderOf(pValues);
  const m = order.length;
  const adjusted: (number | null)[] = pValues.map(() => null);
  let running = 1;
  for (let rank = m - 1; rank >= 0; rank--) {
    const index = order[rank] ?? 0;
    const p = pValues[index] ?? 1;
    // m/(rank+1) >= 1, but the division can round p·m/(rank+1) one ulp below p.
    running = Math.min(running, Math.max(p, (p * m) / (rank + 1)));
    adjusted[index] = running;
  }
  return adjusted;
}

// ---------------------------------------------------------------------------------------------
// Seeded randomness for the bootstrap.

/** A uniform generator on [0, 1) with 53 random bits. */
export type Random = () => number;

/**
 * xoshiro128** (Blackman & Vigna) seeded through splitmix32, returning doubles with 53 random
 * bits; the same seed gives the same stream on every platform.
 */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const splitmix = (): number => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let s0 = splitmix();
  let s1 = splitmix();
  let s2 = splitmix();
  let s3 = splitmix();
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1;
  const next = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };
  return () => ((next() >>> 5) * 67108864 + (next() >>> 6)) / 9007199254740992;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** A standard normal draw (Marsaglia's polar method). */
export function sampleNormal(random: Random): number {
  for (;;) {
    const u = 2 * random() - 1;
    const v = 2 * random() - 1;
    const s = u * u + v * v;
    if (s > 0 && s < 1) return u * Math.sqrt((-2 * Math.log(s)) / s);
  }
}

/** A Gamma(shape, 1) draw for shape >= 1 (Marsaglia & Tsang 2000). */
export function sampleGamma(random: Random, shape: number): number {
  if (!(shape >= 1)) throw new RangeError(`sampleGamma needs shape >= 1, got ${shape}`);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = sampleNormal(random);
    const t = 1 + c * x;
    if (t <= 0) continue;
    const v = t * t * t;
    const u = random();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/**
 * An exact Binomial(n, p) draw in O(log n) steps: while n·min(p, 1−p) is large, split on the
 * a-th order statistic of n uniforms, a Beta(a, n+1−a) draw (Knuth, TAOCP 2, §3.4.1), then finish
 * by inversion.
 */
export function sampleBinomial(random: Random, n: number, p: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`sampleBinomial needs an integer n >= 0, got ${n}`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`sampleBinomial needs 0 <= p <= 1, got ${p}`);
  let count = 0;
  let trials = n;
  let prob = p;
  while (trials > 0 && prob > 0 && prob < 1 && trials * Math.min(prob, 1 - prob) >= 30) {
    const a = 1 + Math.floor(trials / 2);
    const b = trials + 1 - a;
    const ga = sampleGamma(random, a);
    const x = ga / (ga + sampleGamma(random, b));
    if (x >= prob) {
      trials = a - 1;
      prob = prob / x;
    } else {
      count += a;
      trials = b - 1;
      prob = (prob - x) / (1 - x);
    }
  }
  if (trials === 0 || prob <= 0) return count;
  if (prob >= 1) return count + trials;
  return (
    count +
    (prob <= 0.5
      ? binomialInversion(random, trials, prob)
      : trials - binomialInversion(random, trials, 1 - prob))
  );
}

// Sequential search on the CDF; expected cost O(n·p), used only when n·p < 30 and p <= 1/2.
function binomialInversion(random: Random, n: number, p: number): number {
  const q = 1 - p;
  const s = p / q;
  const a = (n + 1) * s;
  let probability = Math.pow(q, n);
  let u = random();
  let x = 0;
  while (u > probability && x < n) {
    u -= probability;
    x += 1;
    probability *= a / x - s;
  }
  return x;
}

/** A Multinomial(n, weights) draw as a chain of conditional binomials: O(k log n) for k categories. */
export function sampleMultinomial(random: Random, n: number, weights: readonly number[]): number[] {
  let remainingWeight = weights.reduce((s, w) => s + w, 0);
  let remaining = n;
  return weights.map((weight) => {
    if (remaining === 0 || !(weight > 0)) return 0;
    const draw =
      weight >= remainingWeight ? remaining : sampleBinomial(random, remaining, weight / remainingWeight);
    remaining -= draw;
    remainingWeight -= weight;
    return draw;
  });
}

/**
 * One nonparametric bootstrap replicate of the rows behind `cells`, in O(cells): the N rows are
 * redrawn with replacement, i.e. a Multinomial(N, rows_k / N) over every (cell, outcome) k. A
 * redrawn row carries the mean weight (and mean squared weight) of its (cell, outcome), so
 * weighted replicates are exact when weights are constant within a (cell, outcome).
 */
export function resampleCells(random: Random, cells: readonly Cell[]): Cell[] {
  const counts: number[] = [];
  for (const cell of cells) for (const outcome of OUTCOME_KEYS) counts.push(cell.rows[outcome]);
  const total = counts.reduce((s, v) => s + v, 0);
  const draws = sampleMultinomial(random, total, counts);
  let k = 0;
  return cells.map((cell) => {
    const weighted = {} as Record<OutcomeKey, number>;
    const rows = {} as Record<OutcomeKey, number>;
    const squares = {} as Record<OutcomeKey, number>;
    let drawnRows = 0;
    let originalRows = 0;
    for (const outcome of OUTCOME_KEYS) {
      const drawn = draws[k++] ?? 0;
      const original = cell.rows[outcome];
      rows[outcome] = drawn;
      weighted[outcome] = original > 0 ? (drawn * cell.weighted[outcome]) / original : 0;
      squares[outcome] = original > 0 ? (drawn * cell.squares[outcome]) / original : 0;
      drawnRows += drawn;
      originalRows += original;
    }
    const scoreSum =
      cell.scoreSum === null || originalRows === 0
        ? cell.scoreSum
        : (cell.scoreSum * drawnRows) / originalRows;
    return { attributes: cell.attributes, weighted, rows, squares, scoreSum };
  });
}

/** The q-quantile of ascending `sorted` values with linear interpolation (numpy's default). */
export function quantileSorted(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  const low = sorted[below] ?? NaN;
  const high = sorted[above] ?? NaN;
  return low + (high - low) * (position - below);
}
