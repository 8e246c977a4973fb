// Small cells: groups with too little evidence for their rates to be compared reliably. They
// stay visible in every table, flagged, and by default are left out of the min/max aggregates
// (a tiny group's extreme rate would otherwise decide the demographic parity difference).
// Thresholds read unweighted row counts (sampling weights change estimates, not the amount of
// evidence), or weighted counts under frequency weights (a row of weight k is k observations).

import type { Tally } from './cells.ts';

/** When a group counts as small, and what that changes. */
export type SmallCellPolicy = {
  /** A group with fewer decisions than this is small. */
  readonly minN: number;
  /** A group with fewer actual positives (outcome 1) than this is small. */
  readonly minPositives: number;
  /** A group with fewer actual negatives (outcome 0) than this is small. */
  readonly minNegatives: number;
  /** Leave small groups out of min/max aggregates, omnibus tests and preset verdicts. */
  readonly excludeFromAggregates: boolean;
};

/** The defaults: n < 30, or fewer than 10 positives or negatives, is small and kept out of aggregates. */
export const DEFAULT_SMALL_CELL_POLICY: SmallCellPolicy = Object.freeze({
  minN: 30,
  minPositives: 10,
  minNegatives: 10,
  excludeFromAggregates: true,
});

/** Why a group is small. */
export type SmallCellFlag = 'small_n' | 'few_positives' | 'few_negatives';

/** Fills the unspecified fields of a policy with the defaults. */
export function resolveSmallCellPolicy(partial: Partial<SmallCellPolicy> = {}): SmallCellPolicy {
  return { ...DEFAULT_SMALL_CELL_POLICY, ...partial };
}

/**
 * The small-cell flags of a group from its counts of evidence. Positive/negative thresholds apply only
 * when the audit has outcomes at all (`outcomesKnown`); an outcome-free audit of selection rates
 * is judged on n alone.
 */
export function smallCellFlags(
  counts: Tally,
  policy: SmallCellPolicy,
  outcomesKnown: boolean,
): SmallCellFlag[] {
  const flags: SmallCellFlag[] = [];
  const n = counts.tp + counts.fp + counts.tn + counts.fn + counts.pu + counts.nu;
  if (n < policy.minN) flags.push('small_n');
  if (outcomesKnown) {
    if (counts.tp + counts.fn < policy.minPositives) flags.push('few_positives');
    if (counts.fp + counts.tn < policy.minNegatives) flags.push('few_negatives');
  }
  return flags;
}

/** Whether a group with these flags takes part in min/max aggregates under the policy. */
export function includedInAggregates(flags: readonly SmallCellFlag[], policy: SmallCellPolicy): boolean {
  return !policy.excludeFromAggregates || flags.length === 0;
}
