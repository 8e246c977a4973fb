import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';

import type { Cell } from '../../src/modules/audits/cells.ts';
import {
  benjaminiHochbergAdjust,
  chiSquareIndependence,
  chiSquareSurvival,
  createRandom,
  erfc,
  fisherExact,
  holmAdjust,
  logGamma,
  normalCdf,
  normalQuantile,
  normalSurvival,
  quantileSorted,
  regularizedGammaP,
  regularizedGammaQ,
  resampleCells,
  sampleBinomial,
  sampleMultinomial,
  twoProportionZTest,
  wilsonInterval,
  zForConfidence,
} from '../../src/modules/audits/stats.ts';
import { fixture } from './fairness-data.ts';

const reference = fixture('special-functions.json');

/** |actual − expected| within `relative`·|expected|, or within `absolute`. */
function near(actual: number, expected: number, relative: number, absolute = 0, what = ''): void {
  const error = Math.abs(actual - expected);
  assert.ok(
    error <= relative * Math.abs(expected) || error <= absolute,
    `${what} ${actual} vs ${expected} (error ${error})`,
  );
}

function ok<T extends { ok: boolean }>(result: T): Extract<T, { ok: true }> {
  assert.equal(result.ok, true, JSON.stringify(result));
  return result as Extract<T, { ok: true }>;
}

describe('special functions against scipy', () => {
  test('logGamma matches scipy.special.gammaln to 1e-14 (absolute near its zeros)', () => {
    for (const [x, expected] of reference.gammaln as [number, number][])
      near(logGamma(x), expected, 1e-14, 1e-14, `lnΓ(${x})`);
  });

  test('regularized incomplete gamma P and Q match scipy gammainc / gammaincc to 1e-13 relative', () => {
    for (const [a, x, p, q] of reference.gammainc as [number, number, number, number][]) {
      near(regularizedGammaP(a, x), p, 1e-13, 1e-300, `P(${a}, ${x})`);
      near(regularizedGammaQ(a, x), q, 1e-13, 1e-300, `Q(${a}, ${x})`);
    }
  });

  test('normal CDF matches scipy.special.ndtr to 1e-15 absolute and 1e-12 relative, including the far tails', () => {
    for (const [x, expected] of reference.ndtr as [number, number][]) {
      assert.ok(Math.abs(normalCdf(x) - expected) <= 1e-15, `Φ(${x})`);
      near(normalCdf(x), expected, 1e-12, 1e-300, `Φ(${x})`);
      near(normalSurvival(-x), expected, 1e-12, 1e-300, `1 − Φ(${-x})`);
    }
  });

  test('normal quantile (AS241) matches scipy.special.ndtri to 1e-14 relative', () => {
    for (const [p, expected] of reference.ndtri as [number, number][])
      near(normalQuantile(p), expected, 1e-14, 1e-15, `Φ⁻¹(${p})`);
    assert.equal(normalQuantile(0), -Infinity);
    assert.equal(normalQuantile(1), Infinity);
    assert.throws(() => normalQuantile(1.5), RangeError);
    near(zForConfidence(0.95), 1.959963984540054, 1e-15);
  });

  test('Φ(Φ⁻¹(p)) = p for every p in (0, 1), to 1e-12 relative (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-300, max: 1 - 1e-12, noNaN: true }), (p) => {
        near(normalCdf(normalQuantile(p)), p, 1e-12, 1e-300, `p=${p}`);
      }),
    );
  });

  test('erfc is 1 at 0, 2 at −∞ and symmetric: erfc(−x) = 2 − erfc(x)', () => {
    assert.equal(erfc(0), 1);
    assert.equal(erfc(-40), 2);
    for (const x of [0.1, 0.7, 1.3, 3]) near(erfc(-x), 2 - erfc(x), 1e-15);
  });

  test('chi-square survival matches scipy.stats.chi2.sf to 1e-12 relative for dof 1 to 1000', () => {
    for (const [x, dof, expected] of reference.chi2_sf as [number, number, number][]) {
      near(chiSquareSurvival(x, dof), expected, 1e-12, 1e-300, `χ²(${dof}) > ${x}`);
    }
    assert.equal(chiSquareSurvival(0, 3), 1);
    assert.throws(() => chiSquareSurvival(1, 0), RangeError);
  });
});

describe('Wilson score intervals', () => {
  test('reproduces Newcombe (1998) Table I, methods 3 and 4, to the published 4 decimals', () => {
    const table: [number, number, [number, number], [number, number]][] = [
      [81, 263, [0.2553, 0.3662], [0.2535, 0.3682]],
      [15, 148, [0.0624, 0.1605], [0.0598, 0.1644]],
      [0, 20, [0, 0.1611], [0, 0.2005]],
      [1, 29, [0.0061, 0.1718], [0.0018, 0.1963]],
    ];
    const z = zForConfidence(0.95);
    for (const [x, n, plain, corrected] of table) {
      const w = wilsonInterval(x, n, z)!;
      const cc = wilsonInterval(x, n, z, true)!;
      assert.deepEqual(
        [w.lower, w.upper].map((v) => Number(v.toFixed(4))),
        plain,
        `${x}/${n}`,
      );
      assert.deepEqual(
        [cc.lower, cc.upper].map((v) => Number(v.toFixed(4))),
        corrected,
        `${x}/${n} cc`,
      );
    }
  });

  test('matches scipy binomtest(...).proportion_ci wilson / wilsoncc to 1e-12', () => {
    const z = zForConfidence(0.95);
    for (const [x, n, plain, corrected] of reference.wilson_integer as [
      number,
      number,
      number[],
      number[],
    ][]) {
      const w = wilsonInterval(x, n, z)!;
      const cc = wilsonInterval(x, n, z, true)!;
      near(w.lower, plain[0]!, 0, 1e-12, `${x}/${n}`);
      near(w.upper, plain[1]!, 0, 1e-12, `${x}/${n}`);
      near(cc.lower, corrected[0]!, 0, 1e-12, `${x}/${n} cc`);
      near(cc.upper, corrected[1]!, 0, 1e-12, `${x}/${n} cc`);
    }
  });

  test('is null on an empty denominator and always contains the estimate, within [0, 1] (property)', () => {
    assert.equal(wilsonInterval(0, 0, 1.96), null);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.boolean(),
        (n, share, cc) => {
          const x = Math.round(share * n);
          const interval = wilsonInterval(x, n, 1.96, cc)!;
          assert.ok(interval.lower >= 0 && interval.upper <= 1);
          assert.ok(interval.lower <= x / n + 1e-15 && x / n <= interval.upper + 1e-15);
        },
      ),
    );
  });
});

describe('significance tests', () => {
  test('two-proportion z test: 30/100 vs 20/100 by hand, and z² equals Pearson chi-square on the 2×2 table', () => {
    const result = ok(twoProportionZTest(30, 100, 20, 100));
    const z = 0.1 / Math.sqrt(0.25 * 0.75 * (1 / 100 + 1 / 100));
    near(result.statistic!, z, 1e-15);
    near(result.pValue, erfc(z / Math.SQRT2), 1e-14);
    near(result.pValue, 0.10247043485974938, 1e-12);
    const chi = ok(
      chiSquareIndependence([
        [30, 70],
        [20, 80],
      ]),
    );
    near(chi.statistic, z * z, 1e-12);
    near(chi.pValue, result.pValue, 1e-12);
    assert.ok(ok(twoProportionZTest(20, 100, 30, 100)).statistic! < 0);
  });

  test('two-proportion z test is undefined, with a reason, without variation or with an empty denominator', () => {
    assert.deepEqual(twoProportionZTest(0, 10, 0, 20), {
      ok: false,
      reason: 'no variation: both proportions are 0',
    });
    assert.deepEqual(twoProportionZTest(10, 10, 20, 20), {
      ok: false,
      reason: 'no variation: both proportions are 1',
    });
    assert.equal(twoProportionZTest(1, 0, 1, 2).ok, false);
  });

  test("Fisher's exact test matches scipy.stats.fisher_exact (two-sided) to 1e-12 relative", () => {
    for (const [[a, b, c, d], expected] of reference.fisher_exact as [
      [number, number, number, number],
      number,
    ][]) {
      near(ok(fisherExact(a, b, c, d)).pValue, expected, 1e-12, 0, `[[${a}, ${b}], [${c}, ${d}]]`);
    }
  });

  test("Fisher's exact test: the tea-tasting table by hand, odds ratio, and invalid counts", () => {
    // Lady tasting tea: P = (1 + 16 + 16 + 1) / 70 two-sided for [[3, 1], [1, 3]].
    const tea = ok(fisherExact(3, 1, 1, 3));
    near(tea.pValue, 34 / 70, 1e-15);
    assert.equal(tea.statistic, 9);
    assert.equal(ok(fisherExact(5, 0, 0, 5)).statistic, null);
    assert.equal(fisherExact(1.5, 1, 1, 1).ok, false);
    assert.equal(fisherExact(-1, 1, 1, 1).ok, false);
  });

  test("Fisher's p-value is symmetric under swapping rows, columns, and transposing (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 4, maxLength: 4 }),
        ([a, b, c, d]) => {
          const p = ok(fisherExact(a!, b!, c!, d!)).pValue;
          near(ok(fisherExact(c!, d!, a!, b!)).pValue, p, 1e-9);
          near(ok(fisherExact(b!, a!, d!, c!)).pValue, p, 1e-9);
          near(ok(fisherExact(a!, c!, b!, d!)).pValue, p, 1e-9);
          assert.ok(p > 0 && p <= 1);
        },
      ),
    );
  });

  test('chi-square test of independence matches scipy.stats.chi2_contingency(correction=False)', () => {
    for (const [table, statistic, pValue, dof] of reference.chi2_contingency as [
      number[][],
      number,
      number,
      number,
    ][]) {
      const result = ok(chiSquareIndependence(table));
      near(result.statistic, statistic, 1e-12);
      near(result.pValue, pValue, 1e-12);
      assert.equal(result.dof, dof);
    }
  });

  test('chi-square test is undefined with fewer than two rows, an empty row, or an empty outcome column', () => {
    assert.equal(chiSquareIndependence([[1, 2]]).ok, false);
    assert.equal(
      chiSquareIndependence([
        [1, 2],
        [0, 0],
      ]).ok,
      false,
    );
    assert.deepEqual(
      chiSquareIndependence([
        [0, 2],
        [0, 5],
      ]),
      { ok: false, reason: 'an outcome column is empty: no variation' },
    );
  });
});

describe('multiple-testing corrections', () => {
  // Benjamini & Hochberg (1995), §4: 15 p-values from a study of myocardial infarction.
  const bh1995 = [
    0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.324, 0.4262, 0.5719, 0.6528,
    0.759, 1,
  ];

  test('BH (1995) example: BH at q = 0.05 rejects 4 hypotheses, Holm rejects 3', () => {
    assert.equal(benjaminiHochbergAdjust(bh1995).filter((p) => p! <= 0.05).length, 4);
    assert.equal(holmAdjust(bh1995).filter((p) => p! <= 0.05).length, 3);
    near(benjaminiHochbergAdjust(bh1995)[3]!, (0.0095 * 15) / 4, 1e-15);
    near(benjaminiHochbergAdjust(bh1995)[4]!, (0.0201 * 15) / 5, 1e-15);
    near(holmAdjust(bh1995)[2]!, 0.0019 * 13, 1e-15);
    near(holmAdjust(bh1995)[3]!, 0.0095 * 12, 1e-15);
  });

  test('hand-computed adjustments of [0.01, 0.04, 0.03, 0.005], with nulls outside the family', () => {
    // Holm: sorted 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, max(0.06, 0.04·1) = 0.06.
    const holm = holmAdjust([0.01, null, 0.04, 0.03, 0.005]);
    [0.03, null, 0.06, 0.06, 0.02].forEach((v, i) =>
      v === null ? assert.equal(holm[i], null) : near(holm[i]!, v, 1e-15),
    );
    // BH: 0.005·4/1 = 0.02, 0.01·4/2 = 0.02, 0.03·4/3 = 0.04, 0.04·4/4 = 0.04, step-up minimum from the top.
    const bh = benjaminiHochbergAdjust([0.01, null, 0.04, 0.03, 0.005]);
    [0.02, null, 0.04, 0.04, 0.02].forEach((v, i) =>
      v === null ? assert.equal(bh[i], null) : near(bh[i]!, v, 1e-15),
    );
  });

  test('adjusted p-values are >= raw, <= 1, and monotone in the raw p-values (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 40 }),
        (ps) => {
          for (const adjust of [holmAdjust, benjaminiHochbergAdjust]) {
            const adjusted = adjust(ps);
            ps.forEach((p, i) => assert.ok(adjusted[i]! >= p && adjusted[i]! <= 1));
            ps.forEach((p, i) =>
              ps.forEach((q, j) => assert.ok(p > q || adjusted[i]! <= adjusted[j]! || p === q)),
            );
          }
          holmAdjust(ps).forEach((h, i) => assert.ok(h! >= benjaminiHochbergAdjust(ps)[i]! * (1 - 1e-15)));
        },
      ),
    );
  });
});

describe('seeded bootstrap sampling', () => {
  test('the generator is deterministic per seed, differs across seeds, and stays in [0, 1)', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const c = createRandom(43);
    const first = Array.from({ length: 1000 }, () => a());
    assert.deepEqual(
      first,
      Array.from({ length: 1000 }, () => b()),
    );
    assert.notDeepEqual(
      first,
      Array.from({ length: 1000 }, () => c()),
    );
    assert.ok(first.every((u) => u >= 0 && u < 1));
    const mean = first.reduce((s, u) => s + u, 0) / first.length;
    assert.ok(Math.abs(mean - 0.5) < 0.03, `mean ${mean}`);
  });

  test('binomial draws have the right mean and variance, from inversion (small n·p) to the Beta split (n = 10^9)', () => {
    const random = createRandom(7);
    for (const [n, p] of [
      [10, 0.2],
      [40, 0.9],
      [1000, 0.5],
      [1e6, 0.3],
      [1e9, 0.001],
    ] as const) {
      const draws = Array.from({ length: 4000 }, () => sampleBinomial(random, n, p));
      const mean = draws.reduce((s, v) => s + v, 0) / draws.length;
      const variance = draws.reduce((s, v) => s + (v - mean) ** 2, 0) / (draws.length - 1);
      const sd = Math.sqrt(n * p * (1 - p));
      assert.ok(draws.every((v) => Number.isInteger(v) && v >= 0 && v <= n));
      assert.ok(Math.abs(mean - n * p) < (5 * sd) / Math.sqrt(draws.length), `Bin(${n}, ${p}) mean ${mean}`);
      assert.ok(Math.abs(variance / (sd * sd) - 1) < 0.15, `Bin(${n}, ${p}) variance ${variance}`);
    }
    assert.equal(sampleBinomial(random, 0, 0.5), 0);
    assert.equal(sampleBinomial(random, 17, 1), 17);
    assert.equal(sampleBinomial(random, 17, 0), 0);
  });

  test('binomial draws fit the exact Bin(200, 0.35) distribution (chi-square goodness of fit, fixed seed)', () => {
    const random = createRandom(2024);
    const n = 200;
    const p = 0.35;
    const counts = new Map<number, number>();
    const draws = 20_000;
    for (let i = 0; i < draws; i++) {
      const x = sampleBinomial(random, n, p);
      counts.set(x, (counts.get(x) ?? 0) + 1);
    }
    // Bins 55..85 hold almost all the mass; the tails are pooled into the end bins.
    const pmf = (k: number): number =>
      Math.exp(
        logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1) + k * Math.log(p) + (n - k) * Math.log(1 - p),
      );
    let statistic = 0;
    let bins = 0;
    let lowExpected = 0;
    let lowObserved = 0;
    for (let k = 0; k <= n; k++) {
      const expected = pmf(k) * draws;
      const observed = counts.get(k) ?? 0;
      if (k < 55 || k > 85) {
        lowExpected += expected;
        lowObserved += observed;
        continue;
      }
      statistic += (observed - expected) ** 2 / expected;
      bins++;
    }
    statistic += (lowObserved - lowExpected) ** 2 / lowExpected;
    bins++;
    assert.ok(chiSquareSurvival(statistic, bins - 1) > 0.001, `χ² = ${statistic} on ${bins - 1} dof`);
  });

  test('multinomial draws sum to n and leave zero-weight categories empty', () => {
    const random = createRandom(1);
    for (let i = 0; i < 50; i++) {
      const draw = sampleMultinomial(random, 1000, [5, 0, 1, 94, 0]);
      assert.equal(
        draw.reduce((s, v) => s + v, 0),
        1000,
      );
      assert.equal(draw[1], 0);
      assert.equal(draw[4], 0);
    }
  });

  test('resampleCells keeps the total row count, scales weights per row, and is deterministic per seed', () => {
    const tally = (tp: number, fp: number, tn: number, fn: number) => ({ tp, fp, tn, fn, pu: 0, nu: 0 });
    const cells: Cell[] = [
      {
        attributes: { g: 'a' },
        weighted: tally(20, 10, 60, 10),
        rows: tally(10, 5, 30, 5),
        squares: tally(40, 20, 120, 20),
        scoreSum: null,
      },
      {
        attributes: { g: 'b' },
        weighted: tally(5, 5, 5, 5),
        rows: tally(5, 5, 5, 5),
        squares: tally(5, 5, 5, 5),
        scoreSum: null,
      },
    ];
    const one = resampleCells(createRandom(9), cells);
    const two = resampleCells(createRandom(9), cells);
    assert.deepEqual(one, two);
    const rows = one.reduce((s, c) => s + c.rows.tp + c.rows.fp + c.rows.tn + c.rows.fn, 0);
    assert.equal(rows, 70);
    assert.equal(one[0]!.weighted.tp, one[0]!.rows.tp * 2);
    assert.equal(one[0]!.squares.tn, one[0]!.rows.tn * 4);
  });

  test('percentiles interpolate linearly like numpy.quantile', () => {
    assert.equal(quantileSorted([1, 2, 3, 4], 0.25), 1.75);
    assert.equal(quantileSorted([1, 2, 3, 4], 1), 4);
    assert.equal(quantileSorted([7], 0.3), 7);
    assert.equal(quantileSorted([], 0.5), null);
  });
});
