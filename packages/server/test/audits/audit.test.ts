import { test, describe } from 'node:test';
import assert from 'node:assert/strict';

import { type Cell, cellsFromRows } from '../../src/modules/audits/cells.ts';
import {
  type AuditGroup,
  type AuditResult,
  computeAudit,
  effectiveCounts,
  validateAudit,
} from '../../src/modules/audits/audit.ts';
import { AGGREGATE_NAMES, RATE_NAMES } from '../../src/modules/audits/metrics.ts';

type Counts = {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  unknownPositive?: number;
  unknownNegative?: number;
};

/** Decision rows for one combination of attribute values with the given confusion counts. */
function rowsFor(
  attributes: Record<string, string | null>,
  counts: Counts,
  weight = 1,
): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  const push = (times: number, p: number, y: number | null): void => {
    for (let i = 0; i < times; i++) rows.push({ ...attributes, p, y, w: weight });
  };
  push(counts.tp, 1, 1);
  push(counts.fp, 1, 0);
  push(counts.tn, 0, 0);
  push(counts.fn, 0, 1);
  push(counts.unknownPositive ?? 0, 1, null);
  push(counts.unknownNegative ?? 0, 0, null);
  return rows;
}

function cells(rows: Record<string, unknown>[], groups: string[], weight = false): Cell[] {
  const built = cellsFromRows(rows, {
    label: 'y',
    prediction: 'p',
    groups,
    ...(weight ? { weight: 'w' } : {}),
  });
  assert.deepEqual(built.rejected, []);
  return built.cells;
}

// A hiring-style scenario: group A is selected at 50%, B at 20%, C is tiny, some race unknown.
const scenario = [
  ...rowsFor({ race: 'A', sex: 'F' }, { tp: 60, fp: 40, tn: 80, fn: 20 }),
  ...rowsFor({ race: 'A', sex: 'M' }, { tp: 60, fp: 40, tn: 80, fn: 20 }),
  ...rowsFor({ race: 'B', sex: 'F' }, { tp: 20, fp: 10, tn: 90, fn: 30 }),
  ...rowsFor({ race: 'B', sex: 'M' }, { tp: 20, fp: 10, tn: 90, fn: 30 }),
  ...rowsFor({ race: 'C', sex: 'F' }, { tp: 5, fp: 3, tn: 1, fn: 1 }),
  ...rowsFor({ race: null, sex: 'M' }, { tp: 10, fp: 10, tn: 20, fn: 10 }),
];
const scenarioCells = cells(scenario, ['race', 'sex']);

function group(result: AuditResult, attributes: Record<string, string | null>): AuditGroup {
  const found = result.groups.find(
    (g) => JSON.stringify(Object.entries(g.attributes)) === JSON.stringify(Object.entries(attributes)),
  );
  assert.ok(found, `no group ${JSON.stringify(attributes)}`);
  return found;
}

describe('the CLI JSON contract', () => {
  test('one groups entry per observed value and, with intersections, per observed combination; one aggregate per set', () => {
    const result = computeAudit(scenarioCells, { attributes: ['race', 'sex'], intersections: true });
    assert.equal(result.rows, scenario.length);
    assert.deepEqual(
      result.groups.map((g) => g.attributes),
      [
        { race: 'A' },
        { race: 'B' },
        { race: 'C' },
        { race: null },
        { sex: 'F' },
        { sex: 'M' },
        { race: 'A', sex: 'F' },
        { race: 'A', sex: 'M' },
        { race: 'B', sex: 'F' },
        { race: 'B', sex: 'M' },
        { race: 'C', sex: 'F' },
        { race: null, sex: 'M' },
      ],
    );
    assert.deepEqual(
      result.aggregates.map((a) => a.attributes),
      [['race'], ['sex'], ['race', 'sex']],
    );
    for (const g of result.groups) {
      for (const key of ['n', 'tp', 'fp', 'tn', 'fn', ...RATE_NAMES])
        assert.ok(key in g, `group lacks ${key}`);
    }
    for (const a of result.aggregates) {
      for (const key of AGGREGATE_NAMES) {
        assert.ok(key in a, `aggregate lacks ${key}`);
        assert.ok(key in a.to_overall, `to_overall lacks ${key}`);
      }
    }
    const a = group(result, { race: 'A' });
    assert.deepEqual([a.n, a.tp, a.fp, a.tn, a.fn], [400, 120, 80, 160, 40]);
    assert.equal(a.selection_rate, 0.5);
  });

  test('without intersections there are no combination groups', () => {
    const result = computeAudit(scenarioCells, { attributes: ['race', 'sex'] });
    assert.ok(result.groups.every((g) => Object.keys(g.attributes).length === 1));
    assert.equal(result.aggregates.length, 2);
  });
});

describe('reference groups', () => {
  test('defaults to the largest known group (Aequitas majority) and flags it', () => {
    const result = computeAudit(scenarioCells, { attributes: ['race'] });
    assert.deepEqual(result.aggregates[0]!.reference, { attributes: { race: 'A' }, rule: 'largest' });
    assert.ok(group(result, { race: 'A' }).flags.includes('reference'));
    assert.deepEqual(group(result, { race: 'A' }).tests, {});
    assert.equal(group(result, { race: 'B' }).disparities.selection_rate, 0.2 / 0.5);
  });

  test('a chosen value wins; for an intersection a partial choice picks the largest matching combination', () => {
    const result = computeAudit(scenarioCells, {
      attributes: ['race', 'sex'],
      intersections: true,
      reference: { race: 'B' },
    });
    assert.deepEqual(result.aggregates[0]!.reference, { attributes: { race: 'B' }, rule: 'chosen' });
    assert.deepEqual(result.aggregates[1]!.reference?.rule, 'largest');
    assert.deepEqual(result.aggregates[2]!.reference, {
      attributes: { race: 'B', sex: 'F' },
      rule: 'largest_matching',
    });
    assert.equal(group(result, { race: 'A' }).disparities.selection_rate, 0.5 / 0.2);
  });

  test('a group with an unknown value is shown and flagged, but never the reference and not in aggregates by default', () => {
    const unknownHeavy = [
      ...scenarioCells,
      ...cells(rowsFor({ race: null, sex: 'F' }, { tp: 500, fp: 0, tn: 500, fn: 0 }), ['race', 'sex']),
    ];
    const result = computeAudit(unknownHeavy, { attributes: ['race'] });
    const unknown = group(result, { race: null });
    assert.deepEqual(unknown.flags, ['unknown_value', 'excluded_from_aggregates']);
    assert.deepEqual(result.aggregates[0]!.reference?.attributes, { race: 'A' });
    assert.equal(result.aggregates[0]!.nyc_ll144.unknown_n, unknown.n);
    const included = computeAudit(unknownHeavy, { attributes: ['race'], includeUnknownInAggregates: true });
    assert.equal(included.aggregates[0]!.groups_compared, result.aggregates[0]!.groups_compared + 1);
  });
});

describe('small cells', () => {
  test('are flagged, kept in the groups table, and left out of min/max aggregates by default', () => {
    const result = computeAudit(scenarioCells, { attributes: ['race'] });
    const c = group(result, { race: 'C' });
    assert.deepEqual(c.flags, ['small_n', 'few_positives', 'few_negatives', 'excluded_from_aggregates']);
    assert.equal(c.selection_rate, 0.8);
    const aggregate = result.aggregates[0]!;
    assert.equal(aggregate.groups_compared, 2);
    assert.equal(aggregate.groups_excluded, 2);
    assert.ok(Math.abs(aggregate.demographic_parity_difference! - 0.3) < 1e-15);
    assert.equal(aggregate.four_fifths.groups.find((g) => g.attributes['race'] === 'C')?.evaluated, false);
  });

  test('take part when the policy says so, and thresholds are configurable', () => {
    const result = computeAudit(scenarioCells, {
      attributes: ['race'],
      smallCells: { excludeFromAggregates: false },
    });
    assert.ok(Math.abs(result.aggregates[0]!.demographic_parity_difference! - 0.6) < 1e-15);
    const lenient = computeAudit(scenarioCells, {
      attributes: ['race'],
      smallCells: { minN: 5, minPositives: 1, minNegatives: 1 },
    });
    assert.deepEqual(group(lenient, { race: 'C' }).flags, []);
  });

  test("use Fisher's exact test when an expected count is below 5", () => {
    const result = computeAudit(scenarioCells, { attributes: ['race'] });
    const c = group(result, { race: 'C' });
    assert.equal(c.tests.false_positive_rate?.method, 'fisher_exact');
    assert.equal(group(result, { race: 'B' }).tests.selection_rate?.method, 'two_proportion_z');
  });
});

describe('null values carry reasons', () => {
  test('undefined rates, intervals, disparities and tests say why', () => {
    const rows = [
      ...rowsFor({ g: 'ref' }, { tp: 0, fp: 0, tn: 40, fn: 20 }),
      ...rowsFor({ g: 'other' }, { tp: 10, fp: 0, tn: 40, fn: 10 }),
      ...rowsFor({ g: 'nopos' }, { tp: 0, fp: 5, tn: 40, fn: 0 }),
    ];
    const result = computeAudit(cells(rows, ['g']), { attributes: ['g'], reference: { g: 'ref' } });
    const reference = group(result, { g: 'ref' });
    assert.equal(reference.precision, null);
    assert.equal(reference.null_reasons['precision'], 'no predicted positives (precision denominator is 0)');
    assert.equal(reference.intervals.precision, null);
    const other = group(result, { g: 'other' });
    assert.equal(other.disparities.selection_rate, null);
    assert.equal(other.null_reasons['disparities.selection_rate'], 'the reference group rate is 0');
    assert.equal(other.tests.precision, null);
    assert.equal(other.null_reasons['tests.precision'], "the reference group's precision is undefined");
    const noPositives = group(result, { g: 'nopos' });
    assert.equal(noPositives.true_positive_rate, null);
    assert.equal(
      noPositives.null_reasons['true_positive_rate'],
      'no actual positives (true_positive_rate denominator is 0)',
    );
    assert.equal(noPositives.tests.true_positive_rate, null);
    assert.equal(
      noPositives.null_reasons['tests.true_positive_rate'],
      "the group's true_positive_rate is undefined",
    );
  });

  test('an audit with no known outcomes still measures selection rates, and says why the rest is null', () => {
    const rows = [
      ...rowsFor({ g: 'a' }, { tp: 0, fp: 0, tn: 0, fn: 0, unknownPositive: 40, unknownNegative: 60 }),
      ...rowsFor({ g: 'b' }, { tp: 0, fp: 0, tn: 0, fn: 0, unknownPositive: 20, unknownNegative: 80 }),
    ];
    const result = computeAudit(cells(rows, ['g']), { attributes: ['g'] });
    const b = group(result, { g: 'b' });
    assert.equal(b.selection_rate, 0.2);
    assert.equal(b.unlabeled, 100);
    assert.deepEqual(b.flags, []);
    assert.equal(b.accuracy, null);
    assert.match(b.null_reasons['accuracy'] ?? '', /no decisions with a known outcome/);
    const aggregate = result.aggregates[0]!;
    assert.ok(Math.abs(aggregate.demographic_parity_difference! - 0.2) < 1e-15);
    assert.equal(aggregate.equalized_odds_difference, null);
    assert.match(aggregate.null_reasons['equalized_odds_difference'] ?? '', /true_positive_rate component/);
    assert.equal(aggregate.chi_square.true_positive_rate, null);
    assert.ok(aggregate.null_reasons['chi_square.true_positive_rate']);
  });
});

describe('presets and findings', () => {
  test('the four-fifths rule fails B (0.2 / 0.5 = 0.4) against the reference, and a finding opens', () => {
    const result = computeAudit(scenarioCells, { attributes: ['race'] });
    const preset = result.aggregates[0]!.four_fifths;
    assert.equal(preset.passed, false);
    assert.deepEqual(preset.comparator, { race: 'A' });
    const failed = result.findings.filter((f) => f.kind === 'four_fifths_failed');
    assert.deepEqual(
      failed.map((f) => [f.attributes, f.value]),
      [[{ race: 'B' }, 0.4]],
    );
    assert.match(failed[0]!.message, /race=B: selection rate 0\.2 is 0\.4× that of race=A/);
  });

  test('against the most selected group, the comparator is the highest eligible selection rate', () => {
    const result = computeAudit(scenarioCells, { attributes: ['race'], fourFifthsAgainst: 'max' });
    assert.deepEqual(result.aggregates[0]!.four_fifths.comparator, { race: 'A' });
    const rows = [
      ...rowsFor({ g: 'x' }, { tp: 50, fp: 50, tn: 50, fn: 50 }),
      ...rowsFor({ g: 'y' }, { tp: 90, fp: 30, tn: 40, fn: 40 }),
    ];
    const reference = computeAudit(cells(rows, ['g']), { attributes: ['g'], reference: { g: 'x' } });
    const max = computeAudit(cells(rows, ['g']), {
      attributes: ['g'],
      reference: { g: 'x' },
      fourFifthsAgainst: 'max',
    });
    // y selects 0.6 against x's 0.5: ratio 1.2 passes against x; x is 0.5/0.6 = 0.83 of the max, also passing.
    assert.equal(reference.aggregates[0]!.four_fifths.passed, true);
    assert.deepEqual(max.aggregates[0]!.four_fifths.comparator, { g: 'y' });
    assert.equal(max.aggregates[0]!.four_fifths.passed, true);
  });

  test('NYC LL144 reports an impact ratio per category against the most selected, with the unknown count', () => {
    const result = computeAudit(scenarioCells, { attributes: ['race'] });
    const ll144 = result.aggregates[0]!.nyc_ll144;
    assert.deepEqual(ll144.most_selected, { race: 'C' });
    assert.deepEqual(
      ll144.categories.map((c) => [c.attributes['race'], c.impact_ratio]),
      [
        ['A', 0.5 / 0.8],
        ['B', 0.2 / 0.8],
        ['C', 1],
      ],
    );
    assert.equal(ll144.unknown_n, 50);
    const share = computeAudit(scenarioCells, { attributes: ['race'], impactRatioMinShare: 0.02 });
    assert.deepEqual(share.aggregates[0]!.nyc_ll144.most_selected, { race: 'A' });
    assert.equal(share.aggregates[0]!.nyc_ll144.categories[2]!.excluded, true);
    assert.equal(share.aggregates[0]!.nyc_ll144.categories[2]!.impact_ratio, null);
  });

  test('significant gaps after Holm become findings; minimumGap and the correction method are honoured', () => {
    const result = computeAudit(scenarioCells, { attributes: ['race'] });
    const gaps = result.findings.filter((f) => f.kind === 'significant_gap');
    assert.ok(gaps.some((f) => f.attributes['race'] === 'B' && f.metric === 'selection_rate'));
    for (const gap of gaps) {
      assert.ok(gap.p_adjusted <= 0.05 && gap.p_adjusted >= gap.p_value);
      assert.equal(gap.correction, 'holm');
    }
    // B, C and the unknown-race group, each against A on the five default rates.
    assert.equal(result.method.tests, 15);
    const strict = computeAudit(scenarioCells, { attributes: ['race'], minimumGap: 0.5 });
    assert.equal(strict.findings.filter((f) => f.kind === 'significant_gap').length, 0);
    const bh = computeAudit(scenarioCells, { attributes: ['race'], correction: 'benjamini_hochberg' });
    const byKey = (r: AuditResult) =>
      r.groups.flatMap((g) => Object.values(g.tests).map((t) => t?.p_adjusted ?? null));
    byKey(bh).forEach((p, i) => assert.ok(p === null || p <= byKey(result)[i]!));
  });

  test('a fair system yields no findings', () => {
    const rows = [
      ...rowsFor({ g: 'x' }, { tp: 40, fp: 10, tn: 40, fn: 10 }),
      ...rowsFor({ g: 'y' }, { tp: 41, fp: 10, tn: 39, fn: 10 }),
    ];
    const result = computeAudit(cells(rows, ['g']), { attributes: ['g'] });
    assert.deepEqual(result.findings, []);
    assert.equal(result.aggregates[0]!.four_fifths.passed, true);
  });
});

describe('weights', () => {
  test('sampling weights shrink the effective sample size (Kish); frequency weights count as rows', () => {
    const rows = [
      ...rowsFor({ g: 'x' }, { tp: 20, fp: 20, tn: 20, fn: 20 }, 1),
      ...rowsFor({ g: 'x' }, { tp: 20, fp: 0, tn: 20, fn: 0 }, 3),
    ];
    const weighted = cells(rows, ['g'], true);
    const kish = effectiveCounts(weighted[0]!, 'selection_rate', 'sampling')!;
    // Σw = 80 + 120 = 200, Σw² = 80 + 360 = 440 → n_eff = 200² / 440.
    assert.ok(Math.abs(kish.trials - 40000 / 440) < 1e-12);
    assert.equal(effectiveCounts(weighted[0]!, 'selection_rate', 'frequency')!.trials, 200);
    const sampling = computeAudit(weighted, { attributes: ['g'] });
    const frequency = computeAudit(weighted, { attributes: ['g'], weights: 'frequency' });
    const width = (r: AuditResult) =>
      r.groups[0]!.intervals.selection_rate!.upper - r.groups[0]!.intervals.selection_rate!.lower;
    assert.ok(width(sampling) > width(frequency));
    assert.equal(sampling.groups[0]!.selection_rate, (40 + 60) / 200);
    assert.equal(sampling.weighted_n, 200);
    assert.equal(sampling.rows, 120);
  });

  test('scores give a weighted mean score per group', () => {
    const built = cellsFromRows(
      [
        { g: 'a', y: 1, s: 0.9, w: 1 },
        { g: 'a', y: 0, s: 0.3, w: 3 },
      ],
      { label: 'y', score: 's', threshold: 0.5, groups: ['g'], weight: 'w' },
    );
    const result = computeAudit(built.cells, { attributes: ['g'] });
    assert.ok(Math.abs(result.groups[0]!.mean_score! - (0.9 + 0.9) / 4) < 1e-15);
    assert.equal(computeAudit(scenarioCells, { attributes: ['race'] }).groups[0]!.mean_score, undefined);
  });
});

describe('bootstrap intervals of the aggregates', () => {
  const config = { attributes: ['race'], bootstrap: { replicates: 300, seed: 12345 } } as const;

  test('are identical for the same seed and differ for another seed', () => {
    const one = computeAudit(scenarioCells, config).aggregates[0]!.bootstrap;
    const two = computeAudit(scenarioCells, config).aggregates[0]!.bootstrap;
    const other = computeAudit(scenarioCells, { ...config, bootstrap: { replicates: 300, seed: 54321 } })
      .aggregates[0]!.bootstrap;
    assert.ok(one);
    assert.deepEqual(one, two);
    assert.notDeepEqual(one.between_groups, other!.between_groups);
  });

  test('bracket the point estimate, use every replicate when defined, and are absent unless requested', () => {
    const result = computeAudit(scenarioCells, config);
    const aggregate = result.aggregates[0]!;
    const interval = aggregate.bootstrap!.between_groups.demographic_parity_difference!;
    assert.ok(
      interval.lower < aggregate.demographic_parity_difference! &&
        aggregate.demographic_parity_difference! < interval.upper,
    );
    assert.equal(interval.replicates_used, 300);
    assert.ok(interval.upper - interval.lower < 0.2);
    assert.equal(aggregate.bootstrap!.confidence, 0.95);
    assert.equal(computeAudit(scenarioCells, { attributes: ['race'] }).aggregates[0]!.bootstrap, undefined);
  });
});

describe('validation', () => {
  test('validateAudit returns every problem as a value naming the field', () => {
    const issues = validateAudit(scenarioCells, {
      attributes: ['race', 'age'],
      reference: { race: 'Z', zip: '1' },
      confidence: 1.5,
      alpha: 0,
      testedMetrics: ['selection_rate', 'happiness' as 'accuracy'],
      bootstrap: { replicates: 0, seed: 1.5 },
      impactRatioMinShare: 2,
      smallCells: { minN: -1 },
    });
    const paths = issues.map((i) => i.path);
    for (const path of [
      'cells.0.attributes',
      'reference.race',
      'reference.zip',
      'confidence',
      'alpha',
      'testedMetrics',
      'bootstrap.replicates',
      'bootstrap.seed',
      'impactRatioMinShare',
      'smallCells.minN',
    ]) {
      assert.ok(paths.includes(path), `no issue at ${path}: ${JSON.stringify(issues)}`);
    }
    assert.deepEqual(
      validateAudit(scenarioCells, { attributes: ['race', 'sex'], reference: { race: 'B' } }),
      [],
    );
  });

  test('computeAudit refuses invalid input with a RangeError naming the first problem', () => {
    assert.throws(() => computeAudit(scenarioCells, { attributes: ['race'], reference: { race: 'Z' } }), {
      name: 'RangeError',
      message: 'reference.race: no decisions have race=Z',
    });
    assert.throws(
      () => computeAudit(scenarioCells, { attributes: [] }),
      /attributes: name at least one group attribute/,
    );
  });

  test('an empty decision log is a valid, empty audit', () => {
    const result = computeAudit([], { attributes: ['race'] });
    assert.equal(result.rows, 0);
    assert.deepEqual(result.groups, []);
    assert.equal(result.aggregates[0]!.demographic_parity_difference, null);
    assert.equal(result.aggregates[0]!.reference, null);
  });
});
