// Group rates and between-group aggregates, computed from tallies.
//
// Every rate is numerator / denominator over weighted outcome sums, declared once in
// RATE_DEFINITIONS; intervals and tests read the same table, so each uses the right denominator
// (FPR among actual negatives, precision among predicted positives, ...). A rate whose
// denominator is empty is null with a reason, never a silent 0.
//
// Aggregate names and definitions follow Fairlearn (fairlearn/metrics/_fairness_metrics.py and
// _disaggregated_result.py): `between_groups` is max − min and min / max over the groups;
// `to_overall` is max |group − overall| and min over groups of group/overall folded below 1.
// Equalized odds is the worse of the TPR and FPR components ("worst_case").

import { type OutcomeKey, type Tally, sumOf } from './cells.ts';

/** Every per-group rate, in output order. */
export const RATE_NAMES = [
  'base_rate',
  'selection_rate',
  'true_positive_rate',
  'false_positive_rate',
  'false_negative_rate',
  'true_negative_rate',
  'precision',
  'false_discovery_rate',
  'false_omission_rate',
  'negative_predictive_value',
  'accuracy',
] as const;

/** The snake_case name of a per-group rate. */
export type RateName = (typeof RATE_NAMES)[number];

/** A rate as a ratio of outcome sums, with a plain-language name of its denominator. */
export type RateDefinition = {
  readonly numerator: readonly OutcomeKey[];
  readonly denominator: readonly OutcomeKey[];
  readonly denominatorName: string;
};

const LABELLED: readonly OutcomeKey[] = ['tp', 'fp', 'tn', 'fn'];
const ACTUAL_POSITIVES: readonly OutcomeKey[] = ['tp', 'fn'];
const ACTUAL_NEGATIVES: readonly OutcomeKey[] = ['fp', 'tn'];
const PREDICTED_POSITIVES: readonly OutcomeKey[] = ['tp', 'fp'];
const PREDICTED_NEGATIVES: readonly OutcomeKey[] = ['tn', 'fn'];

/** Numerator and denominator of every rate. Selection rate counts decisions whose outcome is still unknown. */
export const RATE_DEFINITIONS: Readonly<Record<RateName, RateDefinition>> = {
  base_rate: {
    numerator: ACTUAL_POSITIVES,
    denominator: LABELLED,
    denominatorName: 'decisions with a known outcome',
  },
  selection_rate: {
    numerator: ['tp', 'fp', 'pu'],
    denominator: ['tp', 'fp', 'tn', 'fn', 'pu', 'nu'],
    denominatorName: 'decisions',
  },
  true_positive_rate: {
    numerator: ['tp'],
    denominator: ACTUAL_POSITIVES,
    denominatorName: 'actual positives',
  },
  false_positive_rate: {
    numerator: ['fp'],
    denominator: ACTUAL_NEGATIVES,
    denominatorName: 'actual negatives',
  },
  false_negative_rate: {
    numerator: ['fn'],
    denominator: ACTUAL_POSITIVES,
    denominatorName: 'actual positives',
  },
  true_negative_rate: {
    numerator: ['tn'],
    denominator: ACTUAL_NEGATIVES,
    denominatorName: 'actual negatives',
  },
  precision: { numerator: ['tp'], denominator: PREDICTED_POSITIVES, denominatorName: 'predicted positives' },
  false_discovery_rate: {
    numerator: ['fp'],
    denominator: PREDICTED_POSITIVES,
    denominatorName: 'predicted positives',
  },
  false_omission_rate: {
    numerator: ['fn'],
    denominator: PREDICTED_NEGATIVES,
    denominatorName: 'predicted negatives',
  },
  negative_predictive_value: {
    numerator: ['tn'],
    denominator: PREDICTED_NEGATIVES,
    denominatorName: 'predicted negatives',
  },
  accuracy: {
    numerator: ['tp', 'tn'],
    denominator: LABELLED,
    denominatorName: 'decisions with a known outcome',
  },
};

/** A value, or null with the reason it is undefined. */
export type Valued = { value: number; reason?: never } | { value: null; reason: string };

/** Rates of one group by name, null where undefined. */
export type RateValues = Record<RateName, number | null>;

/** Rates of one group plus, for each null rate, why it is null. */
export type GroupRates = { values: RateValues; nullReasons: Partial<Record<RateName, string>> };

/** Computes one rate from weighted sums, null with a reason when its denominator is empty or weighs nothing. */
export function rate(name: RateName, weighted: Tally, rows: Tally): Valued {
  const definition = RATE_DEFINITIONS[name];
  const denominator = sumOf(weighted, definition.denominator);
  if (denominator > 0) return { value: sumOf(weighted, definition.numerator) / denominator };
  const what =
    sumOf(rows, definition.denominator) > 0
      ? `${definition.denominatorName} weigh 0`
      : `no ${definition.denominatorName}`;
  return { value: null, reason: `${what} (${name} denominator is 0)` };
}

/** Computes every rate of a group. */
export function groupRates(weighted: Tally, rows: Tally): GroupRates {
  const values = {} as RateValues;
  const nullReasons: Partial<Record<RateName, string>> = {};
  for (const name of RATE_NAMES) {
    const result = rate(name, weighted, rows);
    values[name] = result.value;
    if (result.value === null) nullReasons[name] = result.reason;
  }
  return { values, nullReasons };
}

/** How a between-group aggregate compares groups (Fairlearn's `method`). */
export type ComparisonMethod = 'between_groups' | 'to_overall';

/** Fairlearn's six aggregate names. */
export const AGGREGATE_NAMES = [
  'demographic_parity_difference',
  'demographic_parity_ratio',
  'equalized_odds_difference',
  'equalized_odds_ratio',
  'equal_opportunity_difference',
  'equal_opportunity_ratio',
] as const;

/** The snake_case name of a between-group aggregate. */
export type AggregateName = (typeof AGGREGATE_NAMES)[number];

function present(values: readonly (number | null)[]): number[] {
  return values.filter((v): v is number => v !== null);
}

/**
 * Fairlearn's MetricFrame.difference: between_groups is max − min over the groups with a value;
 * to_overall is max |group − overall|. Null (rather than Fairlearn's 0) with fewer than two groups.
 */
export function difference(
  values: readonly (number | null)[],
  method: ComparisonMethod,
  overall: number | null,
): Valued {
  const defined = present(values);
  if (defined.length < 2) return { value: null, reason: 'fewer than two groups have this rate' };
  if (method === 'between_groups') return { value: Math.max(...defined) - Math.min(...defined) };
  if (overall === null) return { value: null, reason: 'the overall rate is undefined' };
  return { value: Math.max(...defined.map((v) => Math.abs(v - overall))) };
}

/**
 * Fairlearn's MetricFrame.ratio: between_groups is min / max; to_overall is the minimum over groups
 * of group / overall, inverted when above 1. Null when every compared value is 0 (0/0).
 */
export function ratio(
  values: readonly (number | null)[],
  method: ComparisonMethod,
  overall: number | null,
): Valued {
  const defined = present(values);
  if (defined.length < 2) return { value: null, reason: 'fewer than two groups have this rate' };
  if (method === 'between_groups') {
    const max = Math.max(...defined);
    if (max === 0) return { value: null, reason: 'every group has rate 0 (0/0)' };
    return { value: Math.min(...defined) / max };
  }
  if (overall === null) return { value: null, reason: 'the overall rate is undefined' };
  if (overall === 0) return { value: null, reason: 'the overall rate is 0 (0/0)' };
  return { value: Math.min(...defined.map((v) => (v > overall ? overall / v : v / overall))) };
}

/** The six Fairlearn aggregates with, for each null one, its reason. */
export type FairlearnAggregates = {
  values: Record<AggregateName, number | null>;
  nullReasons: Partial<Record<AggregateName, string>>;
};

/**
 * The six Fairlearn aggregates over the given groups' rates. Equalized odds is the larger TPR/FPR
 * difference and the smaller TPR/FPR ratio; null when either component is null.
 */
export function fairlearnAggregates(
  groups: readonly RateValues[],
  overall: RateValues,
  method: ComparisonMethod,
): FairlearnAggregates {
  const column = (name: RateName): (number | null)[] => groups.map((g) => g[name]);
  const selection = column('selection_rate');
  const tpr = column('true_positive_rate');
  const fpr = column('false_positive_rate');
  const results: Record<AggregateName, Valued> = {
    demographic_parity_difference: difference(selection, method, overall.selection_rate),
    demographic_parity_ratio: ratio(selection, method, overall.selection_rate),
    equalized_odds_difference: worse(
      difference(tpr, method, overall.true_positive_rate),
      difference(fpr, method, overall.false_positive_rate),
      Math.max,
    ),
    equalized_odds_ratio: worse(
      ratio(tpr, method, overall.true_positive_rate),
      ratio(fpr, method, overall.false_positive_rate),
      Math.min,
    ),
    equal_opportunity_difference: difference(tpr, method, overall.true_positive_rate),
    equal_opportunity_ratio: ratio(tpr, method, overall.true_positive_rate),
  };
  const values = {} as Record<AggregateName, number | null>;
  const nullReasons: Partial<Record<AggregateName, string>> = {};
  for (const name of AGGREGATE_NAMES) {
    values[name] = results[name].value;
    const reason = results[name].reason;
    if (reason !== undefined) nullReasons[name] = reason;
  }
  return { values, nullReasons };
}

function worse(tprPart: Valued, fprPart: Valued, pick: (a: number, b: number) => number): Valued {
  if (tprPart.value === null)
    return { value: null, reason: `true_positive_rate component: ${tprPart.reason}` };
  if (fprPart.value === null)
    return { value: null, reason: `false_positive_rate component: ${fprPart.reason}` };
  return { value: pick(tprPart.value, fprPart.value) };
}

/** Aequitas-style disparity: a group's rate divided by the reference group's rate. */
export function disparity(value: number | null, referenceValue: number | null): Valued {
  if (value === null) return { value: null, reason: 'the group rate is undefined' };
  if (referenceValue === null) return { value: null, reason: 'the reference group rate is undefined' };
  if (referenceValue === 0) return { value: null, reason: 'the reference group rate is 0' };
  return { value: value / referenceValue };
}

/** Bounds of the four-fifths rule (EEOC Uniform Guidelines, 29 CFR 1607.4(D)), read two-sided. */
export const FOUR_FIFTHS_BOUNDS = { lower: 0.8, upper: 1.25 } as const;

/** One group's verdict under the four-fifths rule; ratio null (with reason) when undefined. */
export type FourFifthsVerdict = { ratio: Valued; passed: boolean | null };

/** Four-fifths verdict of a selection rate against a comparator's (the reference, or the most selected group). */
export function fourFifthsVerdict(
  selectionRate: number | null,
  comparatorRate: number | null,
): FourFifthsVerdict {
  const result = disparity(selectionRate, comparatorRate);
  if (result.value === null) return { ratio: result, passed: null };
  return {
    ratio: result,
    passed: result.value >= FOUR_FIFTHS_BOUNDS.lower && result.value <= FOUR_FIFTHS_BOUNDS.upper,
  };
}

/**
 * NYC Local Law 144 impact ratios (6 RCNY §5-300): each category's selection rate divided by the
 * selection rate of the most selected category among the included ones; null for excluded or
 * undefined categories. The law sets no pass/fail threshold.
 */
export function impactRatios(
  selectionRates: readonly (number | null)[],
  included: readonly boolean[],
): {
  mostSelected: number | null;
  ratios: Valued[];
} {
  let mostSelected: number | null = null;
  selectionRates.forEach((value, i) => {
    if (value === null || !included[i]) return;
    const best = mostSelected === null ? null : (selectionRates[mostSelected] ?? null);
    if (best === null || value > best) mostSelected = i;
  });
  const top = mostSelected === null ? null : (selectionRates[mostSelected] ?? null);
  const ratios = selectionRates.map((value, i): Valued => {
    if (!included[i]) return { value: null, reason: 'category excluded from the impact-ratio calculation' };
    if (value === null) return { value: null, reason: 'the category has no decisions' };
    if (top === null || top === 0) return { value: null, reason: 'no category was selected (0/0)' };
    return { value: value / top };
  });
  return { mostSelected, ratios };
}
