// Per-cell sufficient statistics: the only input the audit engine reads.
//
// A cell is one observed combination of attribute values. For each of the six outcome kinds
// below it carries three sums, each computable in one SQL pass (SUM(w), COUNT(*), SUM(w*w)):
//
//   weighted  Σ w      point estimates (every rate is a ratio of weighted sums)
//   rows      Σ 1      evidence: small-cell flags, bootstrap resampling
//   squares   Σ w²     Kish effective sample sizes for intervals and tests under sampling weights
//
// Without weights all three are equal. Outcomes that are not yet known (the decision was made,
// the outcome arrives later) are kept as `pu` / `nu` so selection rates stay unbiased while
// outcome-dependent rates use only the labelled rows.

/** The six outcome kinds of a decision: the confusion matrix plus decisions whose outcome is unknown. */
export const OUTCOME_KEYS = ['tp', 'fp', 'tn', 'fn', 'pu', 'nu'] as const;

/** tp/fp/tn/fn: predicted × actual; pu/nu: predicted positive/negative with no observed outcome yet. */
export type OutcomeKey = (typeof OUTCOME_KEYS)[number];

/** One sum per outcome kind. */
export type Tally = Readonly<Record<OutcomeKey, number>>;

/** Attribute values of a cell; `null` is an unknown value, kept distinct from every string. */
export type AttributeValues = Readonly<Record<string, string | null>>;

/** Sufficient statistics of one combination of attribute values. */
export type Cell = {
  readonly attributes: AttributeValues;
  /** Sum of sample weights per outcome kind. */
  readonly weighted: Tally;
  /** Number of rows per outcome kind. */
  readonly rows: Tally;
  /** Sum of squared sample weights per outcome kind. */
  readonly squares: Tally;
  /** Σ w·score over the cell when decisions come from a score, else null. */
  readonly scoreSum: number | null;
};

/** How to read decision rows into cells: either a 0/1 prediction column or a score and threshold. */
export type RowSpec = {
  readonly label: string;
  readonly groups: readonly string[];
  readonly weight?: string;
} & (
  | { readonly prediction: string; readonly score?: never; readonly threshold?: never }
  | { readonly score: string; readonly threshold: number; readonly prediction?: never }
);

/** A row that could not be read, with the reason; it is counted, never silently dropped. */
export type RejectedRow = { readonly row: number; readonly column: string; readonly reason: string };

/** Cells built from rows, plus every rejected row. */
export type CellsFromRows = {
  readonly cells: Cell[];
  readonly rows: number;
  readonly rejected: RejectedRow[];
};

/** A tally of zeros. */
export const ZERO_TALLY: Tally = Object.freeze({ tp: 0, fp: 0, tn: 0, fn: 0, pu: 0, nu: 0 });

/** Reads one outcome of a tally (a switch keeps property loads monomorphic, unlike `tally[key]`). */
export function outcome(tally: Tally, key: OutcomeKey): number {
  switch (key) {
    case 'tp':
      return tally.tp;
    case 'fp':
      return tally.fp;
    case 'tn':
      return tally.tn;
    case 'fn':
      return tally.fn;
    case 'pu':
      return tally.pu;
    case 'nu':
      return tally.nu;
  }
}

/** Sums a tally over the given outcome kinds. */
export function sumOf(tally: Tally, keys: readonly OutcomeKey[]): number {
  let total = 0;
  for (const key of keys) total += outcome(tally, key);
  return total;
}

/** Sums a tally over all six outcome kinds. */
export function tallyTotal(tally: Tally): number {
  return tally.tp + tally.fp + tally.tn + tally.fn + tally.pu + tally.nu;
}

/** Parses a binary value (1/0, true/false, "1"/"0", "true"/"false", "yes"/"no"); null when missing, undefined when invalid. */
export function parseBinary(value: unknown): boolean | null | undefined {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value === 1 ? true : value === 0 ? false : undefined;
  if (typeof value === 'bigint') return value === 1n ? true : value === 0n ? false : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim().toLowerCase();
  if (text === '') return null;
  if (text === '1' || text === 'true' || text === 'yes') return true;
  if (text === '0' || text === 'false' || text === 'no') return false;
  return undefined;
}

/** Parses a finite number from a number or numeric string; null when missing, undefined when invalid. */
export function parseNumber(value: unknown): number | null | undefined {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (text === '') return null;
  const parsed = Number(text);
  return Number.isFinite(parsed) ? parsed : undefined;
}

/** Reads an attribute value: strings are kept verbatim, numbers and booleans stringified, missing values null. */
export function attributeValue(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return JSON.stringify(value);
}

/** A stable map key for a tuple of attribute values (null never collides with the string "null"). */
export function cellKey(values: readonly (string | null)[]): string {
  let key = '';
  // Length-prefixed, so no choice of characters inside values can make two tuples collide.
  for (const value of values) key += value === null ? '-|' : `${value.length}:${value}|`;
  return key;
}

/** Picks the outcome kind of one decision. */
export function outcomeOf(predicted: boolean, actual: boolean | null): OutcomeKey {
  if (actual === null) return predicted ? 'pu' : 'nu';
  if (predicted) return actual ? 'tp' : 'fp';
  return actual ? 'fn' : 'tn';
}

type MutableCell = {
  attributes: Record<string, string | null>;
  weighted: Record<OutcomeKey, number>;
  rows: Record<OutcomeKey, number>;
  squares: Record<OutcomeKey, number>;
  scoreSum: number | null;
};

function emptyMutableCell(attributes: Record<string, string | null>, scored: boolean): MutableCell {
  return {
    attributes,
    weighted: { ...ZERO_TALLY },
    rows: { ...ZERO_TALLY },
    squares: { ...ZERO_TALLY },
    scoreSum: scored ? 0 : null,
  };
}

/**
 * Reference in-memory aggregator: reads decision rows into one cell per observed combination of
 * the group columns. Bad rows are reported in `rejected` and never abort the good ones.
 */
export function cellsFromRows(
  rows: Iterable<Readonly<Record<string, unknown>>>,
  spec: RowSpec,
): CellsFromRows {
  const byKey = new Map<string, MutableCell>();
  const rejected: RejectedRow[] = [];
  const scored = spec.score !== undefined;
  let index = 0;
  for (const row of rows) {
    const rowNumber = index++;
    const read = readDecision(row, spec);
    if (!read.ok) {
      rejected.push({ row: rowNumber, column: read.column, reason: read.reason });
      continue;
    }
    const values = spec.groups.map((column) => attributeValue(row[column]));
    const key = cellKey(values);
    let cell = byKey.get(key);
    if (cell === undefined) {
      const attributes: Record<string, string | null> = {};
      spec.groups.forEach((column, i) => (attributes[column] = values[i] ?? null));
      cell = emptyMutableCell(attributes, scored);
      byKey.set(key, cell);
    }
    const outcome = outcomeOf(read.predicted, read.actual);
    cell.weighted[outcome] += read.weight;
    cell.rows[outcome] += 1;
    cell.squares[outcome] += read.weight * read.weight;
    if (cell.scoreSum !== null && read.score !== null) cell.scoreSum += read.weight * read.score;
  }
  return { cells: [...byKey.values()], rows: index, rejected };
}

type Decision =
  | { ok: true; predicted: boolean; actual: boolean | null; weight: number; score: number | null }
  | { ok: false; column: string; reason: string };

function readDecision(row: Readonly<Record<string, unknown>>, spec: RowSpec): Decision {
  const actual = parseBinary(row[spec.label]);
  if (actual === undefined) {
    return {
      ok: false,
      column: spec.label,
      reason: `label must be 0/1 or true/false, got ${show(row[spec.label])}`,
    };
  }
  let weight = 1;
  if (spec.weight !== undefined) {
    const parsed = parseNumber(row[spec.weight]);
    if (parsed === null || parsed === undefined || parsed < 0) {
      return {
        ok: false,
        column: spec.weight,
        reason: `weight must be a finite number >= 0, got ${show(row[spec.weight])}`,
      };
    }
    weight = parsed;
  }
  if (spec.score !== undefined) {
    const score = parseNumber(row[spec.score]);
    if (score === null || score === undefined) {
      return {
        ok: false,
        column: spec.score,
        reason: `score must be a finite number, got ${show(row[spec.score])}`,
      };
    }
    return { ok: true, predicted: score >= spec.threshold, actual, weight, score };
  }
  const predicted = parseBinary(row[spec.prediction]);
  if (predicted === null || predicted === undefined) {
    return {
      ok: false,
      column: spec.prediction,
      reason: `prediction must be 0/1 or true/false, got ${show(row[spec.prediction])}`,
    };
  }
  return { ok: true, predicted, actual, weight, score: null };
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value);
  if (
    typeof value === 'number' ||
    typeof value === 'boolean' ||
    typeof value === 'bigint' ||
    value === null
  ) {
    return String(value);
  }
  return typeof value;
}

/**
 * Sums cells into one cell per observed combination of `attributes` (the marginal a SQL
 * `GROUPING SETS` entry yields); the result's attribute maps hold exactly those keys, in that
 * order. `rollUp(cells, [])` is the single overall cell (absent when there are no cells).
 */
export function rollUp(cells: readonly Cell[], attributes: readonly string[]): Cell[] {
  const byKey = new Map<string, MutableCell>();
  const values: (string | null)[] = attributes.map(() => null);
  for (const cell of cells) {
    for (let i = 0; i < attributes.length; i++) values[i] = cellValue(cell, attributes[i] ?? '');
    const key = cellKey(values);
    let target = byKey.get(key);
    if (target === undefined) {
      const picked: Record<string, string | null> = {};
      attributes.forEach((name, i) => (picked[name] = values[i] ?? null));
      target = emptyMutableCell(picked, true);
      byKey.set(key, target);
    }
    addInto(target.weighted, cell.weighted);
    addInto(target.rows, cell.rows);
    addInto(target.squares, cell.squares);
    target.scoreSum =
      target.scoreSum === null || cell.scoreSum === null ? null : target.scoreSum + cell.scoreSum;
  }
  return [...byKey.values()];
}

function addInto(target: Record<OutcomeKey, number>, source: Tally): void {
  target.tp += source.tp;
  target.fp += source.fp;
  target.tn += source.tn;
  target.fn += source.fn;
  target.pu += source.pu;
  target.nu += source.nu;
}

/** The single cell summing every cell (zeros when there are none). */
export function totalCell(cells: readonly Cell[]): Cell {
  return (
    rollUp(cells, [])[0] ?? {
      attributes: {},
      weighted: ZERO_TALLY,
      rows: ZERO_TALLY,
      squares: ZERO_TALLY,
      scoreSum: null,
    }
  );
}

/** Reads one attribute of a cell, throwing when the cell does not carry it (a broken invariant). */
export function cellValue(cell: Cell, attribute: string): string | null {
  if (!Object.hasOwn(cell.attributes, attribute)) {
    throw new RangeError(
      `cell has no attribute "${attribute}" (it has ${Object.keys(cell.attributes).join(', ')})`,
    );
  }
  return cell.attributes[attribute] ?? null;
}

/** Compares attribute values for display order: strings by code unit, unknown (null) last. */
export function compareValues(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

/** Checks a cell's sums are finite, non-negative, and consistent (rows integral; zero rows means zero weight). */
export function checkCell(cell: Cell): string | null {
  for (const outcome of OUTCOME_KEYS) {
    const w = cell.weighted[outcome];
    const r = cell.rows[outcome];
    const q = cell.squares[outcome];
    if (!Number.isFinite(w) || !Number.isFinite(r) || !Number.isFinite(q) || w < 0 || r < 0 || q < 0) {
      return `${outcome}: sums must be finite and >= 0`;
    }
    if (!Number.isInteger(r)) return `${outcome}: row count must be an integer`;
    if (r === 0 && (w !== 0 || q !== 0)) return `${outcome}: weight without rows`;
  }
  if (cell.scoreSum !== null && !Number.isFinite(cell.scoreSum)) return 'scoreSum must be finite';
  return null;
}
