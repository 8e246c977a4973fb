import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  DEFAULT_SMALL_CELL_POLICY,
  includedInAggregates,
  resolveSmallCellPolicy,
  smallCellFlags,
} from '../../src/modules/audits/small-cells.ts';

const counts = (tp: number, fp: number, tn: number, fn: number, pu = 0, nu = 0) => ({
  tp,
  fp,
  tn,
  fn,
  pu,
  nu,
});

test('the default policy is the issue’s: n < 30, or fewer than 10 positives or negatives, kept out of aggregates', () => {
  assert.deepEqual(DEFAULT_SMALL_CELL_POLICY, {
    minN: 30,
    minPositives: 10,
    minNegatives: 10,
    excludeFromAggregates: true,
  });
});

test('flags each reason at its threshold, and nothing at exactly the minimum', () => {
  const policy = DEFAULT_SMALL_CELL_POLICY;
  assert.deepEqual(smallCellFlags(counts(5, 5, 15, 5), policy, true), []);
  assert.deepEqual(smallCellFlags(counts(5, 5, 14, 5), policy, true), ['small_n']);
  assert.deepEqual(smallCellFlags(counts(5, 30, 30, 4), policy, true), ['few_positives']);
  assert.deepEqual(smallCellFlags(counts(30, 4, 5, 30), policy, true), ['few_negatives']);
  assert.deepEqual(smallCellFlags(counts(1, 1, 1, 1), policy, true), [
    'small_n',
    'few_positives',
    'few_negatives',
  ]);
});

test('without any known outcome in the audit, only n is judged (unknown-outcome decisions count toward n)', () => {
  assert.deepEqual(smallCellFlags(counts(0, 0, 0, 0, 20, 20), DEFAULT_SMALL_CELL_POLICY, false), []);
  assert.deepEqual(smallCellFlags(counts(0, 0, 0, 0, 20, 20), DEFAULT_SMALL_CELL_POLICY, true), [
    'few_positives',
    'few_negatives',
  ]);
});

test('thresholds are configurable, and exclusion from aggregates can be turned off', () => {
  const policy = resolveSmallCellPolicy({ minN: 5, minPositives: 0, minNegatives: 0 });
  assert.deepEqual(policy, { minN: 5, minPositives: 0, minNegatives: 0, excludeFromAggregates: true });
  assert.deepEqual(smallCellFlags(counts(1, 1, 1, 1), policy, true), ['small_n']);
  assert.equal(includedInAggregates(['small_n'], policy), false);
  assert.equal(includedInAggregates([], policy), true);
  assert.equal(
    includedInAggregates(['small_n'], resolveSmallCellPolicy({ excludeFromAggregates: false })),
    true,
  );
});
