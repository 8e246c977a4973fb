// computeAudit: the whole statistical audit from per-cell sufficient statistics, as one pure
// function. Output keys are snake_case because the result is the CLI's JSON contract
// (`oversight audit run --json`); configuration is camelCase TypeScript.
//
// Steps: marginals for each attribute set (rollUp) -> per-group rates, Wilson intervals and
// small-cell flags -> reference group and Aequitas disparities -> tests of each group against
// the reference on each tested rate's own denominator -> Fairlearn aggregates, omnibus
// chi-square and presets over the groups eligible for aggregates -> one Holm / BH correction
// over every group test of the audit -> findings -> optional seeded bootstrap of the aggregates.
//
// Weights: point estimates are ratios of weighted sums. Intervals and tests use effective counts
// on each rate's denominator: n_eff = (Σw)² / Σw² (Kish) for `sampling` weights, n_eff = Σw for
// `frequency` weights; successes_eff = rate × n_eff. Without weights both equal the row counts.

import {
  type AttributeValues,
  type Cell,
  cellKey,
  checkCell,
  compareValues,
  rollUp,
  sumOf,
  tallyTotal,
  totalCell,
} from './cells.ts';
import {
  AGGREGATE_NAMES,
  type AggregateName,
  type ComparisonMethod,
  FOUR_FIFTHS_BOUNDS,
  RATE_DEFINITIONS,
  RATE_NAMES,
  type RateName,
  type RateValues,
  disparity,
  fairlearnAggregates,
  fourFifthsVerdict,
  groupRates,
  impactRatios,
} from './metrics.ts';
import {
  type SmallCellFlag,
  type SmallCellPolicy,
  includedInAggregates,
  resolveSmallCellPolicy,
  smallCellFlags,
} from './small-cells.ts';
import {
  type Interval,
  type TestResult,
  benjaminiHochbergAdjust,
  chiSquareIndependence,
  createRandom,
  fisherExact,
  holmAdjust,
  quantileSorted,
  resampleCells,
  twoProportionZTest,
  wilsonInterval,
  zForConfidence,
} from './stats.ts';

/** What to audit and how; every field but `attributes` has a documented default. */
export type AuditConfig = {
  /** The group columns, in order. */
  readonly attributes: readonly string[];
  /** Also audit the full intersection of all attributes (default false). */
  readonly intersections?: boolean;
  /** Explicit attribute sets, overriding `attributes` + `intersections` (each a subset of `attributes`). */
  readonly attributeSets?: readonly (readonly string[])[];
  /** Reference value per attribute; unspecified attributes use the largest group (Aequitas "majority"). */
  readonly reference?: Readonly<Record<string, string>>;
  /** Small-cell thresholds (default n < 30, < 10 positives or negatives, excluded from aggregates). */
  readonly smallCells?: Partial<SmallCellPolicy>;
  /** Confidence level of Wilson intervals (default 0.95). */
  readonly confidence?: number;
  /** Newcombe's continuity-corrected Wilson interval (default false). */
  readonly continuityCorrection?: boolean;
  /** Family-wise error rate (Holm) or false discovery rate (BH) for findings (default 0.05). */
  readonly alpha?: number;
  /** Multiple-testing correction across every group × tested rate of the audit (default holm). */
  readonly correction?: 'holm' | 'benjamini_hochberg';
  /** Rates tested against the reference (default: selection rate, TPR, FPR, precision, NPV). */
  readonly testedMetrics?: readonly RateName[];
  /** Use Fisher's exact test when any expected count of the 2×2 table is below this (default 5). */
  readonly fisherBelowExpected?: number;
  /** A significant gap becomes a finding only when |group − reference| is at least this (default 0). */
  readonly minimumGap?: number;
  /** How weights enter intervals and tests (default sampling: Kish effective sample size). */
  readonly weights?: 'sampling' | 'frequency';
  /** Four-fifths comparator: the reference group (ratio in [0.8, 1.25]) or the most selected group (default reference). */
  readonly fourFifthsAgainst?: 'reference' | 'max';
  /** NYC LL144: leave categories below this share of the data out of impact ratios (default 0: none). */
  readonly impactRatioMinShare?: number;
  /** Let groups with an unknown (null) attribute value into min/max aggregates (default false). */
  readonly includeUnknownInAggregates?: boolean;
  /** Percentile bootstrap of the aggregates with a fixed seed (default off). */
  readonly bootstrap?: { readonly replicates: number; readonly seed: number; readonly confidence?: number };
};

/** The rates tested against the reference by default: one per distinct denominator (complements share a test). */
export const DEFAULT_TESTED_METRICS: readonly RateName[] = [
  'selection_rate',
  'true_positive_rate',
  'false_positive_rate',
  'precision',
  'negative_predictive_value',
];

/** A problem with the audit's input, naming the field. */
export type AuditIssue = { path: string; code: string; message: string };

/** A group's test against the reference on one rate. */
export type GroupTest = {
  method: 'two_proportion_z' | 'fisher_exact';
  /** z for the z test (positive when the group's rate is higher); the sample odds ratio for Fisher. */
  statistic: number | null;
  p_value: number;
  p_adjusted: number;
  significant: boolean;
  /** Group rate − reference rate. */
  difference: number;
};

/** Why a group is flagged. */
export type GroupFlag = 'reference' | 'unknown_value' | 'excluded_from_aggregates' | SmallCellFlag;

/** One row of the `groups` table: counts, every rate, intervals, disparities, tests and flags. */
export type AuditGroup = {
  attributes: Record<string, string | null>;
  n: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  /** Weighted decisions whose outcome is not known yet (counted in n and in selection_rate only). */
  unlabeled: number;
  /** Rows behind the group, whatever their weights. */
  unweighted_n: number;
  /** Weighted mean score, when decisions come from a score. */
  mean_score?: number;
  /** Why each null value is null, keyed by its path (`precision`, `disparities.precision`, `tests.precision`). */
  null_reasons: Record<string, string>;
  intervals: Record<RateName, Interval | null>;
  /** Each rate divided by the reference group's (Aequitas disparity). */
  disparities: Record<RateName, number | null>;
  tests: Partial<Record<RateName, GroupTest | null>>;
  flags: GroupFlag[];
} & RateValues;

/** Pearson's omnibus test across the compared groups for one rate. */
export type OmnibusTest = {
  statistic: number;
  dof: number;
  p_value: number;
  min_expected: number;
  groups: number;
};

/** The four-fifths preset over one attribute set. */
export type FourFifthsPreset = {
  against: 'reference' | 'max';
  comparator: Record<string, string | null> | null;
  lower_bound: number;
  upper_bound: number;
  passed: boolean | null;
  groups: {
    attributes: Record<string, string | null>;
    selection_rate: number | null;
    ratio: number | null;
    passed: boolean | null;
    evaluated: boolean;
  }[];
};

/** The NYC Local Law 144 impact-ratio table over one attribute set (no pass/fail threshold in the law). */
export type ImpactRatioPreset = {
  most_selected: Record<string, string | null> | null;
  min_share: number;
  /** Weighted count of decisions whose category is unknown, reported as the rule requires. */
  unknown_n: number;
  categories: {
    attributes: Record<string, string | null>;
    n: number;
    share: number;
    selection_rate: number | null;
    impact_ratio: number | null;
    excluded: boolean;
  }[];
};

/** Percentile bootstrap intervals of the aggregates. */
export type BootstrapIntervals = {
  method: string;
  replicates: number;
  seed: number;
  confidence: number;
  between_groups: Record<AggregateName, (Interval & { replicates_used: number }) | null>;
  to_overall: Record<AggregateName, (Interval & { replicates_used: number }) | null>;
};

/** One row of the `aggregates` table: one attribute set. */
export type AuditAggregate = {
  attributes: string[];
  reference: {
    attributes: Record<string, string | null>;
    rule: 'chosen' | 'largest' | 'largest_matching';
  } | null;
  groups_compared: number;
  groups_excluded: number;
  /** Fairlearn's six aggregates with method `to_overall` (the top-level ones are `between_groups`). */
  to_overall: Record<AggregateName, number | null>;
  chi_square: Partial<Record<RateName, OmnibusTest | null>>;
  four_fifths: FourFifthsPreset;
  nyc_ll144: ImpactRatioPreset;
  bootstrap?: BootstrapIntervals;
  null_reasons: Record<string, string>;
} & Record<AggregateName, number | null>;

/** Something the accountable owner must answer: a failed preset or a significant gap after correction. */
export type AuditFinding =
  | {
      kind: 'four_fifths_failed';
      attribute_set: string[];
      attributes: Record<string, string | null>;
      metric: 'selection_rate';
      value: number;
      comparator: Record<string, string | null>;
      lower_bound: number;
      upper_bound: number;
      message: string;
    }
  | {
      kind: 'significant_gap';
      attribute_set: string[];
      attributes: Record<string, string | null>;
      metric: RateName;
      value: number;
      reference_value: number;
      reference: Record<string, string | null>;
      difference: number;
      test: GroupTest['method'];
      p_value: number;
      p_adjusted: number;
      correction: 'holm' | 'benjamini_hochberg';
      small_cell: boolean;
      message: string;
    };

/** The whole audit: the CLI's JSON document. */
export type AuditResult = {
  rows: number;
  weighted_n: number;
  overall: Omit<AuditGroup, 'disparities' | 'tests'>;
  groups: AuditGroup[];
  aggregates: AuditAggregate[];
  findings: AuditFinding[];
  method: {
    confidence: number;
    continuity_correction: boolean;
    alpha: number;
    correction: 'holm' | 'benjamini_hochberg';
    tests: number;
    tested_metrics: RateName[];
    weights: 'sampling' | 'frequency';
    small_cells: SmallCellPolicy;
  };
};

type Resolved = {
  attributeSets: string[][];
  reference: Readonly<Record<string, string>>;
  smallCells: SmallCellPolicy;
  confidence: number;
  z: number;
  continuityCorrection: boolean;
  alpha: number;
  correction: 'holm' | 'benjamini_hochberg';
  testedMetrics: RateName[];
  fisherBelowExpected: number;
  minimumGap: number;
  weights: 'sampling' | 'frequency';
  fourFifthsAgainst: 'reference' | 'max';
  impactRatioMinShare: number;
  includeUnknownInAggregates: boolean;
  bootstrap: { replicates: number; seed: number; confidence: number } | null;
};

/** The attribute sets an audit covers: each attribute alone, then (with intersections) all of them together. */
export function attributeSetsOf(
  config: Pick<AuditConfig, 'attributes' | 'intersections' | 'attributeSets'>,
): string[][] {
  if (config.attributeSets !== undefined) return config.attributeSets.map((set) => [...set]);
  const sets = config.attributes.map((name) => [name]);
  if (config.intersections === true && config.attributes.length > 1) sets.push([...config.attributes]);
  return sets;
}

/** Checks cells and configuration, returning every problem as a value (empty when the audit can run). */
export function validateAudit(cells: readonly Cell[], config: AuditConfig): AuditIssue[] {
  const issues: AuditIssue[] = [];
  const issue = (path: string, code: string, message: string): void =>
    void issues.push({ path, code, message });
  if (config.attributes.length === 0) issue('attributes', 'too_small', 'name at least one group attribute');
  if (new Set(config.attributes).size !== config.attributes.length)
    issue('attributes', 'duplicate', 'attributes repeat');
  attributeSetsOf(config).forEach((set, i) => {
    if (set.length === 0) issue(`attributeSets.${i}`, 'too_small', 'an attribute set is empty');
    for (const name of set) {
      if (!config.attributes.includes(name))
        issue(`attributeSets.${i}`, 'unknown_attribute', `"${name}" is not an audited attribute`);
    }
  });
  cells.forEach((cell, i) => {
    for (const name of config.attributes) {
      if (!Object.hasOwn(cell.attributes, name))
        issue(`cells.${i}.attributes`, 'missing', `cell has no "${name}"`);
    }
    const problem = checkCell(cell);
    if (problem !== null) issue(`cells.${i}`, 'invalid', problem);
  });
  for (const [name, value] of Object.entries(config.reference ?? {})) {
    if (!config.attributes.includes(name)) {
      issue(`reference.${name}`, 'unknown_attribute', `"${name}" is not an audited attribute`);
    } else if (!cells.some((cell) => cell.attributes[name] === value && tallyTotal(cell.rows) > 0)) {
      issue(`reference.${name}`, 'not_observed', `no decisions have ${name}=${value}`);
    }
  }
  const unit = (path: string, value: number | undefined): void => {
    if (value !== undefined && !(value > 0 && value < 1))
      issue(path, 'out_of_range', 'must be strictly between 0 and 1');
  };
  unit('confidence', config.confidence);
  unit('alpha', config.alpha);
  unit('bootstrap.confidence', config.bootstrap?.confidence);
  for (const name of config.testedMetrics ?? []) {
    if (!(RATE_NAMES as readonly string[]).includes(name))
      issue('testedMetrics', 'unknown_metric', `unknown rate "${name}"`);
  }
  if (config.bootstrap !== undefined) {
    const { replicates, seed } = config.bootstrap;
    if (!Number.isInteger(replicates) || replicates < 1 || replicates > 100_000) {
      issue('bootstrap.replicates', 'out_of_range', 'must be an integer from 1 to 100000');
    }
    if (!Number.isInteger(seed)) issue('bootstrap.seed', 'invalid', 'must be an integer');
  }
  const share = config.impactRatioMinShare;
  if (share !== undefined && !(share >= 0 && share < 1))
    issue('impactRatioMinShare', 'out_of_range', 'must be in [0, 1)');
  const policy = config.smallCells ?? {};
  for (const key of ['minN', 'minPositives', 'minNegatives'] as const) {
    const value = policy[key];
    if (value !== undefined && !(Number.isFinite(value) && value >= 0))
      issue(`smallCells.${key}`, 'out_of_range', 'must be >= 0');
  }
  return issues;
}

function resolve(config: AuditConfig): Resolved {
  const confidence = config.confidence ?? 0.95;
  return {
    attributeSets: attributeSetsOf(config),
    reference: config.reference ?? {},
    smallCells: resolveSmallCellPolicy(config.smallCells),
    confidence,
    z: zForConfidence(confidence),
    continuityCorrection: config.continuityCorrection ?? false,
    alpha: config.alpha ?? 0.05,
    correction: config.correction ?? 'holm',
    testedMetrics: [...(config.testedMetrics ?? DEFAULT_TESTED_METRICS)],
    fisherBelowExpected: config.fisherBelowExpected ?? 5,
    minimumGap: config.minimumGap ?? 0,
    weights: config.weights ?? 'sampling',
    fourFifthsAgainst: config.fourFifthsAgainst ?? 'reference',
    impactRatioMinShare: config.impactRatioMinShare ?? 0,
    includeUnknownInAggregates: config.includeUnknownInAggregates ?? false,
    bootstrap:
      config.bootstrap === undefined
        ? null
        : { ...config.bootstrap, confidence: config.bootstrap.confidence ?? config.confidence ?? 0.95 },
  };
}

/** Successes and trials on a rate's own denominator, as effective counts under the weighting scheme. */
export function effectiveCounts(
  cell: Pick<Cell, 'weighted' | 'squares'>,
  name: RateName,
  weights: 'sampling' | 'frequency',
): { successes: number; trials: number } | null {
  const definition = RATE_DEFINITIONS[name];
  const total = sumOf(cell.weighted, definition.denominator);
  if (!(total > 0)) return null;
  const squares = sumOf(cell.squares, definition.denominator);
  const trials = weights === 'frequency' ? total : (total * total) / squares;
  return { successes: (sumOf(cell.weighted, definition.numerator) / total) * trials, trials };
}

/**
 * Tests a group's rate against the reference's on their effective counts: Fisher's exact test
 * (on counts rounded to integers) when any expected count of the 2×2 table is below the
 * threshold, else the pooled two-proportion z test.
 */
export function compareToReference(
  group: { successes: number; trials: number },
  reference: { successes: number; trials: number },
  fisherBelowExpected: number,
): { method: GroupTest['method']; result: TestResult } {
  const table = [
    [group.successes, group.trials - group.successes],
    [reference.successes, reference.trials - reference.successes],
  ] as const;
  const total = group.trials + reference.trials;
  const columns = [group.successes + reference.successes, total - group.successes - reference.successes];
  let minExpected = Infinity;
  for (const rowTotal of [group.trials, reference.trials]) {
    for (const columnTotal of columns) minExpected = Math.min(minExpected, (rowTotal * columnTotal) / total);
  }
  if (minExpected < fisherBelowExpected) {
    const [[a, b], [c, d]] = table;
    return {
      method: 'fisher_exact',
      result: fisherExact(Math.round(a), Math.round(b), Math.round(c), Math.round(d)),
    };
  }
  return {
    method: 'two_proportion_z',
    result: twoProportionZTest(group.successes, group.trials, reference.successes, reference.trials),
  };
}

type GroupState = {
  cell: Cell;
  rates: ReturnType<typeof groupRates>;
  flags: SmallCellFlag[];
  unknown: boolean;
  eligible: boolean;
  output: AuditGroup;
};

type PendingTest = {
  set: string[];
  reference: Record<string, string | null>;
  group: AuditGroup;
  metric: RateName;
  referenceValue: number;
  test: GroupTest;
};

/**
 * Computes the audit from cells. Throws a RangeError naming the first problem when the input is
 * invalid: boundaries call validateAudit first to report every problem as a value.
 */
export function computeAudit(cells: readonly Cell[], config: AuditConfig): AuditResult {
  const issues = validateAudit(cells, config);
  const firstIssue = issues[0];
  if (firstIssue !== undefined) throw new RangeError(`${firstIssue.path}: ${firstIssue.message}`);
  const settings = resolve(config);

  const total = totalCell(cells);
  const outcomesKnown = sumOf(total.rows, ['tp', 'fp', 'tn', 'fn']) > 0;
  const overallRates = groupRates(total.weighted, total.rows);
  const overall = describeGroup(total, overallRates, settings);

  const groups: AuditGroup[] = [];
  const aggregates: AuditAggregate[] = [];
  const pending: PendingTest[] = [];
  const eligibleKeys = new Map<string, Set<string>>();

  for (const set of settings.attributeSets) {
    const states = rollUp(cells, set)
      .sort((a, b) => compareCells(a, b, set))
      .map((cell) => buildGroup(cell, set, settings, outcomesKnown));
    const reference = chooseReference(states, set, settings.reference);
    addDisparitiesAndTests(set, states, reference?.state ?? null, settings, pending);
    for (const state of states) groups.push(state.output);
    const eligible = states.filter((state) => state.eligible);
    eligibleKeys.set(
      cellKey(set),
      new Set(eligible.map((state) => cellKey(set.map((a) => state.cell.attributes[a] ?? null)))),
    );
    aggregates.push(buildAggregate(set, states, eligible, reference, overallRates.values, settings));
  }

  applyCorrection(pending, settings);
  const findings = buildFindings(aggregates, pending, settings);
  if (settings.bootstrap !== null) addBootstrap(cells, aggregates, eligibleKeys, settings.bootstrap);

  return {
    rows: tallyTotal(total.rows),
    weighted_n: tallyTotal(total.weighted),
    overall,
    groups,
    aggregates,
    findings,
    method: {
      confidence: settings.confidence,
      continuity_correction: settings.continuityCorrection,
      alpha: settings.alpha,
      correction: settings.correction,
      tests: pending.length,
      tested_metrics: settings.testedMetrics,
      weights: settings.weights,
      small_cells: settings.smallCells,
    },
  };
}

function compareCells(a: Cell, b: Cell, set: readonly string[]): number {
  for (const name of set) {
    const order = compareValues(a.attributes[name] ?? null, b.attributes[name] ?? null);
    if (order !== 0) return order;
  }
  return 0;
}

function describeGroup(
  cell: Cell,
  rates: ReturnType<typeof groupRates>,
  settings: Resolved,
): Omit<AuditGroup, 'disparities' | 'tests'> {
  const intervals = {} as Record<RateName, Interval | null>;
  for (const name of RATE_NAMES) {
    const counts = effectiveCounts(cell, name, settings.weights);
    intervals[name] =
      counts === null
        ? null
        : wilsonInterval(counts.successes, counts.trials, settings.z, settings.continuityCorrection);
  }
  const w = cell.weighted;
  const n = w.tp + w.fp + w.tn + w.fn + w.pu + w.nu;
  const group: Omit<AuditGroup, 'disparities' | 'tests'> = {
    attributes: { ...cell.attributes },
    n,
    tp: w.tp,
    fp: w.fp,
    tn: w.tn,
    fn: w.fn,
    unlabeled: w.pu + w.nu,
    unweighted_n: tallyTotal(cell.rows),
    ...rates.values,
    null_reasons: { ...rates.nullReasons },
    intervals,
    flags: [],
  };
  if (cell.scoreSum !== null && n > 0) group.mean_score = cell.scoreSum / n;
  return group;
}

function buildGroup(
  cell: Cell,
  set: readonly string[],
  settings: Resolved,
  outcomesKnown: boolean,
): GroupState {
  const rates = groupRates(cell.weighted, cell.rows);
  // Evidence is rows, except under frequency weights where a row of weight k is k observations.
  const evidence = settings.weights === 'frequency' ? cell.weighted : cell.rows;
  const flags = smallCellFlags(evidence, settings.smallCells, outcomesKnown);
  const unknown = set.some((name) => cell.attributes[name] === null);
  const eligible =
    includedInAggregates(flags, settings.smallCells) && (settings.includeUnknownInAggregates || !unknown);
  const output: AuditGroup = {
    ...describeGroup(cell, rates, settings),
    disparities: {} as AuditGroup['disparities'],
    tests: {},
  };
  output.flags = [
    ...(unknown ? (['unknown_value'] as const) : []),
    ...flags,
    ...(eligible ? [] : (['excluded_from_aggregates'] as const)),
  ];
  return { cell, rates, flags, unknown, eligible, output };
}

type Reference = { state: GroupState; rule: 'chosen' | 'largest' | 'largest_matching' };

/** Picks the chosen reference, else the largest group matching the values given, else the largest known group. */
function chooseReference(
  states: readonly GroupState[],
  set: readonly string[],
  chosen: Readonly<Record<string, string>>,
): Reference | null {
  const specified = set.filter((name) => Object.hasOwn(chosen, name));
  let best: GroupState | null = null;
  for (const state of states) {
    if (state.unknown) continue;
    if (!specified.every((name) => state.cell.attributes[name] === chosen[name])) continue;
    if (best === null || state.output.n > best.output.n) best = state;
  }
  if (best === null) return null;
  const rule =
    specified.length === set.length ? 'chosen' : specified.length === 0 ? 'largest' : 'largest_matching';
  best.output.flags.unshift('reference');
  return { state: best, rule };
}

function addDisparitiesAndTests(
  set: string[],
  states: readonly GroupState[],
  reference: GroupState | null,
  settings: Resolved,
  pending: PendingTest[],
): void {
  for (const state of states) {
    const output = state.output;
    for (const name of RATE_NAMES) {
      const result = disparity(
        state.rates.values[name],
        reference === null ? null : reference.rates.values[name],
      );
      output.disparities[name] = result.value;
      if (result.value === null && state.rates.values[name] !== null) {
        output.null_reasons[`disparities.${name}`] =
          reference === null ? 'no reference group' : result.reason;
      }
    }
    if (reference === null || state === reference) continue;
    for (const name of settings.testedMetrics) {
      const value = state.rates.values[name];
      const referenceValue = reference.rates.values[name];
      const groupCounts = effectiveCounts(state.cell, name, settings.weights);
      const referenceCounts = effectiveCounts(reference.cell, name, settings.weights);
      if (value === null || groupCounts === null) {
        output.tests[name] = null;
        output.null_reasons[`tests.${name}`] = `the group's ${name} is undefined`;
        continue;
      }
      if (referenceValue === null || referenceCounts === null) {
        output.tests[name] = null;
        output.null_reasons[`tests.${name}`] = `the reference group's ${name} is undefined`;
        continue;
      }
      const { method, result } = compareToReference(
        groupCounts,
        referenceCounts,
        settings.fisherBelowExpected,
      );
      if (!result.ok) {
        output.tests[name] = null;
        output.null_reasons[`tests.${name}`] = result.reason;
        continue;
      }
      const test: GroupTest = {
        method,
        statistic: result.statistic,
        p_value: result.pValue,
        p_adjusted: result.pValue,
        significant: false,
        difference: value - referenceValue,
      };
      output.tests[name] = test;
      pending.push({
        set,
        reference: reference.output.attributes,
        group: output,
        metric: name,
        referenceValue,
        test,
      });
    }
  }
}

function applyCorrection(pending: readonly PendingTest[], settings: Resolved): void {
  const pValues = pending.map((entry) => entry.test.p_value);
  const adjusted = settings.correction === 'holm' ? holmAdjust(pValues) : benjaminiHochbergAdjust(pValues);
  pending.forEach((entry, i) => {
    entry.test.p_adjusted = adjusted[i] ?? 1;
    entry.test.significant = entry.test.p_adjusted <= settings.alpha;
  });
}

function buildAggregate(
  set: string[],
  states: readonly GroupState[],
  eligible: readonly GroupState[],
  reference: Reference | null,
  overall: RateValues,
  settings: Resolved,
): AuditAggregate {
  const nullReasons: Record<string, string> = {};
  const rateRows = eligible.map((state) => state.rates.values);
  const between = fairlearnAggregates(rateRows, overall, 'between_groups');
  const toOverall = fairlearnAggregates(rateRows, overall, 'to_overall');
  for (const [name, reason] of Object.entries(between.nullReasons)) nullReasons[name] = reason;
  for (const [name, reason] of Object.entries(toOverall.nullReasons))
    nullReasons[`to_overall.${name}`] = reason;

  const chiSquare: Partial<Record<RateName, OmnibusTest | null>> = {};
  for (const name of settings.testedMetrics) {
    const table: number[][] = [];
    for (const state of eligible) {
      const counts = effectiveCounts(state.cell, name, settings.weights);
      if (counts !== null) table.push([counts.successes, counts.trials - counts.successes]);
    }
    const result = chiSquareIndependence(table);
    if (result.ok) {
      chiSquare[name] = {
        statistic: result.statistic,
        dof: result.dof,
        p_value: result.pValue,
        min_expected: result.minExpected,
        groups: table.length,
      };
    } else {
      chiSquare[name] = null;
      nullReasons[`chi_square.${name}`] = result.reason;
    }
  }

  return {
    attributes: set,
    reference:
      reference === null
        ? null
        : { attributes: { ...reference.state.output.attributes }, rule: reference.rule },
    groups_compared: eligible.length,
    groups_excluded: states.length - eligible.length,
    ...between.values,
    to_overall: toOverall.values,
    chi_square: chiSquare,
    four_fifths: fourFifthsPreset(states, reference, settings),
    nyc_ll144: impactRatioPreset(states, settings),
    null_reasons: nullReasons,
  };
}

function fourFifthsPreset(
  states: readonly GroupState[],
  reference: Reference | null,
  settings: Resolved,
): FourFifthsPreset {
  let comparator: GroupState | null = reference?.state ?? null;
  if (settings.fourFifthsAgainst === 'max') {
    comparator = null;
    for (const state of states) {
      const value = state.rates.values.selection_rate;
      if (!state.eligible || value === null) continue;
      if (comparator === null || value > (comparator.rates.values.selection_rate ?? -1)) comparator = state;
    }
  }
  const comparatorRate = comparator?.rates.values.selection_rate ?? null;
  const rows = states.map((state) => {
    const verdict = fourFifthsVerdict(state.rates.values.selection_rate, comparatorRate);
    const evaluated = state.eligible && verdict.passed !== null;
    return {
      attributes: { ...state.output.attributes },
      selection_rate: state.rates.values.selection_rate,
      ratio: verdict.ratio.value,
      passed: evaluated ? verdict.passed : null,
      evaluated,
    };
  });
  const verdicts = rows.filter((row) => row.evaluated).map((row) => row.passed);
  return {
    against: settings.fourFifthsAgainst,
    comparator: comparator === null ? null : { ...comparator.output.attributes },
    lower_bound: FOUR_FIFTHS_BOUNDS.lower,
    upper_bound: FOUR_FIFTHS_BOUNDS.upper,
    passed: verdicts.length === 0 ? null : verdicts.every((passed) => passed === true),
    groups: rows,
  };
}

function impactRatioPreset(states: readonly GroupState[], settings: Resolved): ImpactRatioPreset {
  const known = states.filter((state) => !state.unknown);
  const unknownN = states.filter((state) => state.unknown).reduce((s, state) => s + state.output.n, 0);
  const knownN = known.reduce((s, state) => s + state.output.n, 0);
  const shares = known.map((state) => (knownN > 0 ? state.output.n / knownN : 0));
  const included = shares.map((share) => share >= settings.impactRatioMinShare);
  const { mostSelected, ratios } = impactRatios(
    known.map((state) => state.rates.values.selection_rate),
    included,
  );
  return {
    most_selected: mostSelected === null ? null : { ...(known[mostSelected]?.output.attributes ?? {}) },
    min_share: settings.impactRatioMinShare,
    unknown_n: unknownN,
    categories: known.map((state, i) => ({
      attributes: { ...state.output.attributes },
      n: state.output.n,
      share: shares[i] ?? 0,
      selection_rate: state.rates.values.selection_rate,
      impact_ratio: ratios[i]?.value ?? null,
      excluded: !(included[i] ?? false),
    })),
  };
}

function describe(attributes: AttributeValues): string {
  return Object.entries(attributes)
    .map(([name, value]) => `${name}=${value ?? '(unknown)'}`)
    .join(', ');
}

function round(value: number): string {
  return Number(value.toPrecision(4)).toString();
}

function buildFindings(
  aggregates: readonly AuditAggregate[],
  pending: readonly PendingTest[],
  settings: Resolved,
): AuditFinding[] {
  const findings: AuditFinding[] = [];
  for (const aggregate of aggregates) {
    const preset = aggregate.four_fifths;
    if (preset.comparator === null) continue;
    for (const row of preset.groups) {
      if (row.passed !== false || row.ratio === null) continue;
      findings.push({
        kind: 'four_fifths_failed',
        attribute_set: [...aggregate.attributes],
        attributes: { ...row.attributes },
        metric: 'selection_rate',
        value: row.ratio,
        comparator: { ...preset.comparator },
        lower_bound: preset.lower_bound,
        upper_bound: preset.upper_bound,
        message:
          `${describe(row.attributes)}: selection rate ${round(row.selection_rate ?? 0)} is ${round(row.ratio)}× that of ` +
          `${describe(preset.comparator)}, outside the four-fifths bounds [${preset.lower_bound}, ${preset.upper_bound}]`,
      });
    }
  }
  for (const { set, reference, group, metric, referenceValue, test } of pending) {
    const value = group[metric];
    if (!test.significant || value === null || Math.abs(test.difference) < settings.minimumGap) continue;
    findings.push({
      kind: 'significant_gap',
      attribute_set: [...set],
      attributes: { ...group.attributes },
      metric,
      value,
      reference_value: referenceValue,
      reference: { ...reference },
      difference: test.difference,
      test: test.method,
      p_value: test.p_value,
      p_adjusted: test.p_adjusted,
      correction: settings.correction,
      small_cell: group.flags.some(
        (flag) => flag === 'small_n' || flag === 'few_positives' || flag === 'few_negatives',
      ),
      message:
        `${describe(group.attributes)}: ${metric} ${round(value)} against ${round(referenceValue)} for ` +
        `${describe(reference)} (${test.method}, adjusted p = ${test.p_adjusted.toExponential(2)})`,
    });
  }
  return findings;
}

/**
 * Percentile bootstrap of every aggregate: each replicate redraws the audit's rows as one
 * multinomial over (cell, outcome) (see resampleCells), re-rolls the marginals, and recomputes
 * the aggregates over the groups that were eligible in the original data. Replicates in which an
 * aggregate is undefined are skipped and counted.
 */
function addBootstrap(
  cells: readonly Cell[],
  aggregates: AuditAggregate[],
  eligibleKeys: ReadonlyMap<string, ReadonlySet<string>>,
  options: { replicates: number; seed: number; confidence: number },
): void {
  const random = createRandom(options.seed);
  const methods: ComparisonMethod[] = ['between_groups', 'to_overall'];
  const samples = aggregates.map(() => methods.map(() => AGGREGATE_NAMES.map((): number[] => [])));
  for (let r = 0; r < options.replicates; r++) {
    const replicate = resampleCells(random, cells);
    const total = totalCell(replicate);
    const overall = groupRates(total.weighted, total.rows).values;
    aggregates.forEach((aggregate, a) => {
      const keys = eligibleKeys.get(cellKey(aggregate.attributes)) ?? new Set<string>();
      const rates = rollUp(replicate, aggregate.attributes)
        .filter((cell) =>
          keys.has(cellKey(aggregate.attributes.map((name) => cell.attributes[name] ?? null))),
        )
        .map((cell) => groupRates(cell.weighted, cell.rows).values);
      methods.forEach((method, m) => {
        const values = fairlearnAggregates(rates, overall, method).values;
        AGGREGATE_NAMES.forEach((name, k) => {
          const value = values[name];
          if (value !== null) samples[a]?.[m]?.[k]?.push(value);
        });
      });
    });
  }
  const tail = (1 - options.confidence) / 2;
  aggregates.forEach((aggregate, a) => {
    const intervals = methods.map((_, m) => {
      const result = {} as Record<AggregateName, (Interval & { replicates_used: number }) | null>;
      AGGREGATE_NAMES.forEach((name, k) => {
        const sorted = (samples[a]?.[m]?.[k] ?? []).sort((x, y) => x - y);
        const lower = quantileSorted(sorted, tail);
        const upper = quantileSorted(sorted, 1 - tail);
        result[name] =
          lower === null || upper === null ? null : { lower, upper, replicates_used: sorted.length };
      });
      return result;
    });
    aggregate.bootstrap = {
      method:
        'percentile; rows redrawn with replacement as one multinomial over (cell, outcome), O(cells) per replicate',
      replicates: options.replicates,
      seed: options.seed,
      confidence: options.confidence,
      between_groups: intervals[0] ?? ({} as BootstrapIntervals['between_groups']),
      to_overall: intervals[1] ?? ({} as BootstrapIntervals['to_overall']),
    };
  });
}
