// The engine against independent references on public data: numpy/scipy values written by
// scripts/fixtures/fairness_reference.py, Fairlearn's own output (fairlearn_reference.py),
// ProPublica's published COMPAS error rates and AIF360's R test expectations.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { cellsFromRows, type Cell } from '../../src/modules/audits/cells.ts';
import {
  computeAudit,
  type AuditConfig,
  type AuditGroup,
  type AuditResult,
  type OmnibusTest,
} from '../../src/modules/audits/audit.ts';
import { AGGREGATE_NAMES, RATE_NAMES } from '../../src/modules/audits/metrics.ts';
import {
  DATA_DIR,
  FIXTURES,
  adultDecisions,
  compasDecisions,
  fixture,
  loadAdult,
  loadCompas,
  loadExtract,
  parseCsv,
  toRecords,
} from './fairness-data.ts';

const TOLERANCE = 1e-9;
const reference = fixture('reference.json');
const fairlearn = fixture('fairlearn-reference.json');

/** Asserts |actual − expected| <= 1e-9 · max(1, |expected|), and null exactly where expected is null. */
function close(actual: number | null | undefined, expected: number | null, what: string): void {
  if (expected === null) {
    assert.equal(actual, null, `${what}: expected null, got ${actual}`);
    return;
  }
  assert.equal(typeof actual, 'number', `${what}: expected ${expected}, got ${actual}`);
  const scale = Math.max(1, Math.abs(expected));
  assert.ok(
    Math.abs((actual as number) - expected) <= TOLERANCE * scale,
    `${what}: ${actual} vs ${expected}`,
  );
}

/** Relative closeness for p-values, which span hundreds of orders of magnitude. */
function closeP(actual: number | null | undefined, expected: number, what: string): void {
  assert.equal(typeof actual, 'number', `${what}: expected ${expected}, got ${actual}`);
  const error = Math.abs((actual as number) - expected);
  assert.ok(error <= TOLERANCE * Math.abs(expected) || error <= 1e-300, `${what}: ${actual} vs ${expected}`);
}

const compas = loadCompas();
const adult = loadAdult();

function cellsOf(rows: Record<string, unknown>[], groups: string[], weighted: boolean): Cell[] {
  const built = cellsFromRows(rows, {
    label: 'label',
    prediction: 'predicted',
    groups,
    ...(weighted ? { weight: 'weight' } : {}),
  });
  assert.deepEqual(built.rejected, []);
  return built.cells;
}

const compasCells = cellsOf(compasDecisions(compas.records), ['race', 'sex'], false);
const compasWeightedCells = cellsOf(compasDecisions(compas.records), ['race', 'sex'], true);
const adultCells = cellsOf(adultDecisions(adult.records), ['sex', 'race'], false);

function groupOf(result: AuditResult, attributes: Record<string, string>): AuditGroup {
  const keys = Object.keys(attributes).sort().join(',');
  const found = result.groups.find(
    (g) =>
      Object.keys(g.attributes).sort().join(',') === keys &&
      Object.entries(attributes).every(([name, value]) => g.attributes[name] === value),
  );
  assert.ok(found, `no group ${JSON.stringify(attributes)}`);
  return found;
}

/** Compares a whole audit with the Python reference for one data set. */
function matchReference(name: string, cells: Cell[], expected: any, config: AuditConfig): void {
  const attributeSets: string[][] = expected.sets.map((set: { attributes: string[] }) => set.attributes);
  const holm = computeAudit(cells, {
    ...config,
    attributeSets,
    smallCells: { excludeFromAggregates: false },
  });
  const bh = computeAudit(cells, {
    ...config,
    attributeSets,
    smallCells: { excludeFromAggregates: false },
    correction: 'benjamini_hochberg',
    continuityCorrection: true,
  });

  test(`${name}: row count and overall rates`, () => {
    assert.equal(holm.rows, expected.rows);
    for (const rate of RATE_NAMES) close(holm.overall[rate], expected.overall.rates[rate], `overall ${rate}`);
  });

  test(`${name}: per-group counts, every rate, Wilson intervals with and without continuity correction`, () => {
    for (const set of expected.sets) {
      for (const g of set.groups) {
        const mine = groupOf(holm, g.attributes);
        const mineCc = groupOf(bh, g.attributes);
        const where = JSON.stringify(g.attributes);
        for (const count of ['n', 'tp', 'fp', 'tn', 'fn', 'unweighted_n'] as const)
          close(mine[count], g[count], `${where} ${count}`);
        for (const rate of RATE_NAMES) {
          close(mine[rate], g.rates[rate], `${where} ${rate}`);
          const wilson = g.wilson[rate];
          const wilsonCc = g.wilson_cc[rate];
          if (wilson === null) {
            assert.equal(mine.intervals[rate], null);
            assert.ok(mine.null_reasons[rate], `${where} ${rate} null without reason`);
            continue;
          }
          close(mine.intervals[rate]?.lower, wilson[0], `${where} wilson ${rate} lower`);
          close(mine.intervals[rate]?.upper, wilson[1], `${where} wilson ${rate} upper`);
          close(mineCc.intervals[rate]?.lower, wilsonCc[0], `${where} wilson cc ${rate} lower`);
          close(mineCc.intervals[rate]?.upper, wilsonCc[1], `${where} wilson cc ${rate} upper`);
        }
      }
    }
  });

  test(`${name}: tests against the reference (z / Fisher by expected counts), Holm and BH adjustments`, () => {
    let compared = 0;
    for (const set of expected.sets) {
      for (const g of set.groups) {
        const mine = groupOf(holm, g.attributes);
        const mineBh = groupOf(bh, g.attributes);
        const where = JSON.stringify(g.attributes);
        for (const [rate, t] of Object.entries<any>(g.tests)) {
          const got = mine.tests[rate as (typeof RATE_NAMES)[number]];
          if (t === null || t.p_value === null) {
            assert.equal(got, null, `${where} ${rate}`);
            continue;
          }
          assert.ok(got, `${where} ${rate} test missing`);
          assert.equal(got.method, t.used, `${where} ${rate} method`);
          closeP(got.p_value, t.p_value, `${where} ${rate} p`);
          if (t.used === 'two_proportion_z') close(got.statistic, t.z.statistic, `${where} ${rate} z`);
          // Whatever test the engine picks, the scipy Fisher value is reproduced by fisherExact.
          close(got.difference, t.difference, `${where} ${rate} difference`);
          closeP(got.p_adjusted, t.holm, `${where} ${rate} holm`);
          closeP(
            mineBh.tests[rate as 'selection_rate']?.p_adjusted,
            t.benjamini_hochberg,
            `${where} ${rate} bh`,
          );
          compared++;
        }
      }
    }
    assert.equal(compared, expected.tests);
    assert.equal(holm.method.tests, expected.tests);
  });

  test(`${name}: omnibus chi-square (scipy chi2_contingency, correction=False) and Fairlearn-definition aggregates`, () => {
    for (const set of expected.sets) {
      const aggregate = holm.aggregates.find((a) => a.attributes.join(',') === set.attributes.join(','));
      assert.ok(aggregate);
      assert.deepEqual(aggregate.reference?.attributes, set.reference);
      for (const [rate, chi] of Object.entries<any>(set.chi_square)) {
        const mine: OmnibusTest | null | undefined = aggregate.chi_square[rate as 'selection_rate'];
        assert.ok(mine, `${set.attributes} ${rate}`);
        close(mine.statistic, chi.statistic, `${set.attributes} chi2 ${rate}`);
        closeP(mine.p_value, chi.p_value, `${set.attributes} chi2 p ${rate}`);
        assert.equal(mine.dof, chi.dof);
        assert.equal(mine.groups, chi.groups);
      }
      for (const aggregateName of AGGREGATE_NAMES) {
        close(
          aggregate[aggregateName],
          set.aggregates.between_groups[aggregateName],
          `${set.attributes} ${aggregateName}`,
        );
        close(
          aggregate.to_overall[aggregateName],
          set.aggregates.to_overall[aggregateName],
          `${set.attributes} to_overall ${aggregateName}`,
        );
      }
    }
  });
}

describe('COMPAS (ProPublica), prediction decile_score >= 5', () => {
  const config: AuditConfig = {
    attributes: ['race', 'sex'],
    intersections: true,
    reference: { race: 'Caucasian', sex: 'Male' },
  };
  matchReference('unweighted', compasCells, reference.compas.unweighted, config);
  matchReference('weighted 1 + (id mod 4)/2', compasWeightedCells, reference.compas.weighted, config);

  test("reproduces ProPublica's published error rates to 0.1 percentage point", () => {
    const result = computeAudit(compasCells, { attributes: ['race'] });
    const published = reference.compas.published;
    for (const race of ['African-American', 'Caucasian']) {
      const group = groupOf(result, { race });
      const fpr = group.false_positive_rate!;
      const fnr = group.false_negative_rate!;
      assert.ok(Math.abs(fpr - published.false_positive_rate[race]) <= 0.001, `${race} FPR ${fpr}`);
      assert.ok(Math.abs(fnr - published.false_negative_rate[race]) <= 0.001, `${race} FNR ${fnr}`);
    }
    assert.equal(result.rows, 7214);
  });
});

describe('UCI Adult, prediction education-num >= 13', () => {
  matchReference('unweighted', adultCells, reference.adult.unweighted, {
    attributes: ['sex', 'race'],
    intersections: true,
    reference: { sex: 'Male', race: 'White' },
  });
});

describe('Fairlearn 0.12 (its own code, run from a source checkout)', () => {
  const cases: Record<string, { cells: Cell[]; attributes: string[] }> = {
    'compas/race': { cells: compasCells, attributes: ['race'] },
    'compas/race,sex': { cells: compasCells, attributes: ['race', 'sex'] },
    'compas-weighted/race': { cells: compasWeightedCells, attributes: ['race'] },
    'compas-weighted/race,sex': { cells: compasWeightedCells, attributes: ['race', 'sex'] },
    'adult/sex': { cells: adultCells, attributes: ['sex'] },
    'adult/race': { cells: adultCells, attributes: ['race'] },
    'adult/sex,race': { cells: adultCells, attributes: ['sex', 'race'] },
  };
  for (const [name, { cells, attributes }] of Object.entries(cases)) {
    test(`${name}: six aggregates (between_groups, to_overall) and MetricFrame.by_group equal to 1e-9`, () => {
      const expected = fairlearn.cases[name];
      assert.ok(expected, `fixture has no case ${name}`);
      const result = computeAudit(cells, {
        attributes,
        attributeSets: [attributes],
        smallCells: { excludeFromAggregates: false },
      });
      const aggregate = result.aggregates[0]!;
      for (const aggregateName of AGGREGATE_NAMES) {
        close(
          aggregate[aggregateName],
          expected.aggregates.between_groups[aggregateName],
          `${name} ${aggregateName}`,
        );
        close(
          aggregate.to_overall[aggregateName],
          expected.aggregates.to_overall[aggregateName],
          `${name} to_overall ${aggregateName}`,
        );
      }
      const groups = result.groups.filter((g) => Object.keys(g.attributes).length === attributes.length);
      assert.equal(groups.length, Object.keys(expected.by_group).length);
      for (const group of groups) {
        const key = attributes.map((a) => group.attributes[a]).join('|');
        for (const [rate, value] of Object.entries<number>(expected.by_group[key])) {
          close(group[rate as 'accuracy'], value, `${name} ${key} ${rate}`);
        }
      }
    });
  }
});

describe('AIF360 R package fixture (20-row Adult sample, sex, privileged 1)', () => {
  const rows = toRecords(parseCsv(readFileSync(join(FIXTURES, 'aif360-r.csv'), 'utf8')));
  const { cells } = cellsFromRows(rows, { label: 'income', prediction: 'predicted_income', groups: ['sex'] });
  const result = computeAudit(cells, { attributes: ['sex'], reference: { sex: '1' } });
  const unprivileged = groupOf(result, { sex: '0' });
  const privileged = groupOf(result, { sex: '1' });
  const aif = reference.aif360_r;

  test('disparate impact and statistical parity difference equal the independent Python values', () => {
    close(unprivileged.disparities.selection_rate, aif.independent.disparate_impact, 'disparate impact');
    close(
      unprivileged.tests.selection_rate?.difference,
      aif.independent.statistical_parity_difference,
      'SPD',
    );
    close(
      unprivileged.selection_rate! - privileged.selection_rate!,
      aif.independent.statistical_parity_difference,
      'SPD',
    );
  });

  // AIF360's tolerances are the rounding gaps of its expected values (|1.6296 − 1.629| = 0.00063),
  // i.e. absolute; the exact fractions are checked against the Python values above.
  test("matches the values AIF360's R tests assert, within their tolerances", () => {
    const published = aif.published;
    const within = (
      actual: number | null,
      entry: { value: number; tolerance: number },
      what: string,
    ): void => {
      assert.ok(actual !== null, what);
      const allowed = entry.tolerance + 1e-12;
      assert.ok(Math.abs(actual - entry.value) <= allowed, `${what}: ${actual} vs ${entry.value}`);
    };
    within(unprivileged.disparities.selection_rate, published.disparate_impact, 'disparate_impact');
    within(
      unprivileged.selection_rate! - privileged.selection_rate!,
      published.statistical_parity_difference,
      'SPD',
    );
    within(privileged.false_positive_rate, published.false_positive_rate_privileged, 'FPR privileged');
    within(unprivileged.false_positive_rate, published.false_positive_rate_unprivileged, 'FPR unprivileged');
    within(privileged.false_negative_rate, published.false_negative_rate_privileged, 'FNR privileged');
    within(unprivileged.false_negative_rate, published.false_negative_rate_unprivileged, 'FNR unprivileged');
    within(privileged.false_omission_rate, published.false_omission_rate_privileged, 'FOR privileged');
    within(unprivileged.false_omission_rate, published.false_omission_rate_unprivileged, 'FOR unprivileged');
    within(privileged.accuracy, published.accuracy_privileged, 'accuracy privileged');
    within(unprivileged.accuracy, published.accuracy_unprivileged, 'accuracy unprivileged');
    within(result.overall.selection_rate, published.selection_rate, 'selection rate');
  });

  test('every group of a 20-row sample is a small cell, so aggregates have nothing to compare by default', () => {
    assert.ok(result.groups.every((g) => g.flags.includes('small_n')));
    assert.equal(result.aggregates[0]!.groups_compared, 0);
    assert.equal(result.aggregates[0]!.demographic_parity_difference, null);
    assert.match(
      result.aggregates[0]!.null_reasons['demographic_parity_difference'] ?? '',
      /fewer than two groups/,
    );
  });
});

describe('fixture provenance', () => {
  test('the committed extracts are exactly the columns of the original files (when present)', (t) => {
    if (compas.source === 'extract' || adult.source === 'extract') {
      t.skip(`originals not found in ${DATA_DIR}; the tests above ran on the extracts`);
      return;
    }
    const compasExtract = loadExtract('compas.csv.gz');
    assert.equal(compasExtract.length, compas.records.length);
    compasExtract.forEach((row, i) => {
      const original = compas.records[i]!;
      for (const column of ['id', 'race', 'sex', 'decile_score', 'two_year_recid'])
        assert.equal(row[column], original[column]);
    });
    const adultExtract = loadExtract('adult.csv.gz');
    assert.equal(adultExtract.length, adult.records.length);
    adultExtract.forEach((row, i) => {
      const original = adult.records[i]!;
      for (const column of [' sex', ' race', ' education-num', ' Y'])
        assert.equal(row[column], original[column]);
    });
  });
});
