import { test, describe } from 'node:test';
import assert from 'node:assert/strict';

import type { Tally } from '../../src/modules/audits/cells.ts';
import {
  RATE_DEFINITIONS,
  RATE_NAMES,
  type RateValues,
  difference,
  disparity,
  fairlearnAggregates,
  fourFifthsVerdict,
  groupRates,
  impactRatios,
  rate,
  ratio,
} from '../../src/modules/audits/metrics.ts';

function tally(tp: number, fp: number, tn: number, fn: number, pu = 0, nu = 0): Tally {
  return { tp, fp, tn, fn, pu, nu };
}

/** Rates with only the three Fairlearn inputs set. */
function rates(selection: number | null, tpr: number | null, fpr: number | null): RateValues {
  const values = Object.fromEntries(RATE_NAMES.map((name) => [name, null])) as RateValues;
  return { ...values, selection_rate: selection, true_positive_rate: tpr, false_positive_rate: fpr };
}

describe('group rates', () => {
  test('every rate from one confusion matrix, by hand', () => {
    const { values, nullReasons } = groupRates(tally(30, 10, 50, 10), tally(30, 10, 50, 10));
    assert.deepEqual(values, {
      base_rate: 40 / 100,
      selection_rate: 40 / 100,
      true_positive_rate: 30 / 40,
      false_positive_rate: 10 / 60,
      false_negative_rate: 10 / 40,
      true_negative_rate: 50 / 60,
      precision: 30 / 40,
      false_discovery_rate: 10 / 40,
      false_omission_rate: 10 / 60,
      negative_predictive_value: 50 / 60,
      accuracy: 80 / 100,
    });
    assert.deepEqual(nullReasons, {});
  });

  test('a rate with an empty denominator is null with the reason, never 0', () => {
    const noPositives = groupRates(tally(0, 3, 7, 0), tally(0, 3, 7, 0));
    assert.equal(noPositives.values.true_positive_rate, null);
    assert.equal(noPositives.values.false_negative_rate, null);
    assert.equal(
      noPositives.nullReasons.true_positive_rate,
      'no actual positives (true_positive_rate denominator is 0)',
    );
    assert.equal(
      noPositives.nullReasons.false_negative_rate,
      'no actual positives (false_negative_rate denominator is 0)',
    );
    assert.equal(noPositives.values.base_rate, 0);
    const noSelections = groupRates(tally(0, 0, 7, 3), tally(0, 0, 7, 3));
    assert.equal(noSelections.values.precision, null);
    assert.equal(noSelections.nullReasons.precision, 'no predicted positives (precision denominator is 0)');
    assert.equal(
      noSelections.nullReasons.false_discovery_rate,
      'no predicted positives (false_discovery_rate denominator is 0)',
    );
    assert.equal(noSelections.values.selection_rate, 0);
  });

  test('rows that all weigh 0 give null with a reason that says so', () => {
    const result = rate('true_positive_rate', tally(0, 1, 1, 0), tally(2, 1, 1, 0));
    assert.deepEqual(result, {
      value: null,
      reason: 'actual positives weigh 0 (true_positive_rate denominator is 0)',
    });
  });

  test('decisions with unknown outcomes count in selection rate only', () => {
    const { values, nullReasons } = groupRates(tally(0, 0, 0, 0, 3, 7), tally(0, 0, 0, 0, 3, 7));
    assert.equal(values.selection_rate, 0.3);
    for (const name of RATE_NAMES.filter((n) => n !== 'selection_rate')) {
      assert.equal(values[name], null, name);
      assert.ok(nullReasons[name], name);
    }
    const mixed = groupRates(tally(1, 1, 1, 1, 4, 2), tally(1, 1, 1, 1, 4, 2));
    assert.equal(mixed.values.selection_rate, 6 / 10);
    assert.equal(mixed.values.base_rate, 2 / 4);
    assert.equal(mixed.values.precision, 1 / 2);
  });

  test('complementary rates share a denominator and sum to 1', () => {
    const pairs = [
      ['true_positive_rate', 'false_negative_rate'],
      ['false_positive_rate', 'true_negative_rate'],
      ['precision', 'false_discovery_rate'],
      ['false_omission_rate', 'negative_predictive_value'],
    ] as const;
    const { values } = groupRates(tally(3.5, 1.25, 9, 2), tally(3, 2, 9, 2));
    for (const [a, b] of pairs) {
      assert.deepEqual(RATE_DEFINITIONS[a].denominator, RATE_DEFINITIONS[b].denominator);
      assert.ok(Math.abs(values[a]! + values[b]! - 1) < 1e-15);
    }
  });
});

describe("Fairlearn's aggregates", () => {
  const groups = [rates(0.2, 0.5, 0.1), rates(0.5, 0.8, 0.3), rates(0.4, 0.6, 0.05)];
  const overall = rates(0.4, 0.7, 0.2);

  test('between_groups: max − min and min / max per rate; equalized odds takes the worse of TPR and FPR', () => {
    const { values, nullReasons } = fairlearnAggregates(groups, overall, 'between_groups');
    assert.deepEqual(nullReasons, {});
    assert.ok(Math.abs(values.demographic_parity_difference! - 0.3) < 1e-15);
    assert.equal(values.demographic_parity_ratio, 0.2 / 0.5);
    assert.ok(Math.abs(values.equal_opportunity_difference! - 0.3) < 1e-15);
    assert.equal(values.equal_opportunity_ratio, 0.5 / 0.8);
    // TPR difference 0.3 vs FPR difference 0.25 → 0.3; TPR ratio 0.625 vs FPR ratio 1/6 → 1/6.
    assert.ok(Math.abs(values.equalized_odds_difference! - 0.3) < 1e-15);
    assert.equal(values.equalized_odds_ratio, 0.05 / 0.3);
  });

  test('to_overall: max |group − overall|, and min of group/overall folded below 1', () => {
    const { values } = fairlearnAggregates(groups, overall, 'to_overall');
    assert.ok(Math.abs(values.demographic_parity_difference! - 0.2) < 1e-15);
    assert.equal(values.demographic_parity_ratio, 0.2 / 0.4);
    // TPR: |0.5 − 0.7| = 0.2; FPR: |0.05 − 0.2| = 0.15 → 0.2. Ratios: TPR min(5/7, 7/8, 6/7), FPR min(0.5, 2/3, 0.25).
    assert.ok(Math.abs(values.equalized_odds_difference! - 0.2) < 1e-15);
    assert.equal(values.equal_opportunity_ratio, 0.5 / 0.7);
    assert.equal(values.equalized_odds_ratio, 0.05 / 0.2);
  });

  test('groups whose rate is undefined are skipped, as pandas skips NaN', () => {
    assert.deepEqual(difference([0.1, null, 0.4], 'between_groups', null), { value: 0.4 - 0.1 });
    assert.deepEqual(ratio([null, 0.1, 0.4], 'between_groups', null), { value: 0.25 });
  });

  test('null with a reason: fewer than two groups, 0/0, undefined overall, a null equalized-odds component', () => {
    assert.deepEqual(difference([0.3], 'between_groups', 0.3), {
      value: null,
      reason: 'fewer than two groups have this rate',
    });
    assert.deepEqual(ratio([0, 0], 'between_groups', 0), {
      value: null,
      reason: 'every group has rate 0 (0/0)',
    });
    assert.deepEqual(ratio([0, 0], 'to_overall', 0), { value: null, reason: 'the overall rate is 0 (0/0)' });
    assert.deepEqual(difference([0.1, 0.2], 'to_overall', null), {
      value: null,
      reason: 'the overall rate is undefined',
    });
    assert.deepEqual(ratio([0, 0.2], 'between_groups', 0.1), { value: 0 });
    const oneSided = fairlearnAggregates(
      [rates(0.1, 0.5, null), rates(0.2, 0.7, 0.1)],
      rates(0.15, 0.6, 0.1),
      'between_groups',
    );
    assert.equal(oneSided.values.equalized_odds_difference, null);
    assert.equal(
      oneSided.nullReasons.equalized_odds_difference,
      'false_positive_rate component: fewer than two groups have this rate',
    );
    assert.ok(Math.abs(oneSided.values.equal_opportunity_difference! - 0.2) < 1e-15);
  });
});

describe('disparities and presets', () => {
  test('Aequitas disparity is the ratio to the reference, null with a reason when undefined', () => {
    assert.deepEqual(disparity(0.3, 0.6), { value: 0.5 });
    assert.deepEqual(disparity(0.3, 0), { value: null, reason: 'the reference group rate is 0' });
    assert.deepEqual(disparity(null, 0.2), { value: null, reason: 'the group rate is undefined' });
    assert.deepEqual(disparity(0.2, null), { value: null, reason: 'the reference group rate is undefined' });
  });

  test('four-fifths rule: 0.8 <= ratio <= 1.25 passes, both bounds inclusive', () => {
    assert.equal(fourFifthsVerdict(0.4, 0.5).passed, true);
    assert.equal(fourFifthsVerdict(0.39, 0.5).passed, false);
    assert.equal(fourFifthsVerdict(0.625, 0.5).passed, true);
    assert.equal(fourFifthsVerdict(0.63, 0.5).passed, false);
    assert.deepEqual(fourFifthsVerdict(0.3, 0), {
      ratio: { value: null, reason: 'the reference group rate is 0' },
      passed: null,
    });
  });

  test('NYC LL144 impact ratios divide by the most selected included category', () => {
    const { mostSelected, ratios } = impactRatios(
      [0.2, 0.5, null, 0.9, 0.25],
      [true, true, true, false, true],
    );
    assert.equal(mostSelected, 1);
    assert.deepEqual(ratios, [
      { value: 0.4 },
      { value: 1 },
      { value: null, reason: 'the category has no decisions' },
      { value: null, reason: 'category excluded from the impact-ratio calculation' },
      { value: 0.5 },
    ]);
    assert.deepEqual(impactRatios([0, 0], [true, true]).ratios[0], {
      value: null,
      reason: 'no category was selected (0/0)',
    });
  });
});
