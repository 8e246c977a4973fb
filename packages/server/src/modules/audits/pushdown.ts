// Aggregation pushdown: the SQL that turns a file of decisions into per-cell sufficient
// statistics in one pass, and the mapping of its result rows to Cells. Pure: it builds SQL text
// and parameters and reads result rows; storage/duckdb/ runs them.
//
// One pass: every row is parsed, validated and classified into an outcome code (tp, fp, tn, fn,
// pu, nu) or a reject code (which column was bad), then grouped by the full combination of the
// group columns and that code. Each result row carries COUNT(*), Σw, Σw², Σw·score: the Cell's
// three tallies and score sum. The marginals (each attribute alone) are rolled up in TypeScript
// by computeAudit itself, which takes the finest cells: GROUPING SETS would make the engine
// aggregate every row once per set (1.15x the CPU time on 10^7 CSV rows, 1.7x on Parquet, where
// the scan is cheap) only to return marginals that rollUp recomputes from the full combination
// in microseconds (8 x 2 x 2 attributes are 32 cells).
//
// Parsing follows cellsFromRows (the in-memory reference) rule for rule, so both give the same
// cells: binary values are 1/0, true/false or yes/no (trimmed, any case; numbers must be exactly
// 0 or 1); numbers must be finite; an empty value is missing; a missing label is an unknown
// outcome, a missing prediction, score or weight rejects the row. Known differences, on unusual
// spellings only: numbers in text follow DuckDB's DOUBLE cast (it reads "1_000" and refuses
// "0x10", JavaScript's Number the other way round), and floating-point attribute values of typed
// sources print as DuckDB prints them ("1.0", where JavaScript prints "1").
//
// Safety: column names come from users and are only ever emitted through quoteIdentifier (or
// passed as parameter values); the file path and the threshold are parameters. Nothing a user
// typed is spliced into SQL text as a value.

import {
  type Cell,
  OUTCOME_KEYS,
  type OutcomeKey,
  type RowSpec,
  ZERO_TALLY,
  cellKey,
  compareValues,
} from './cells.ts';

/** The file formats a decision log is read from. */
export type DecisionFormat = 'csv' | 'ndjson' | 'parquet';

/** How a text file is compressed (Parquet compresses inside the file). */
export type Compression = 'none' | 'gzip' | 'zstd';

/** A column as the engine describes it: name and SQL type text (VARCHAR, BIGINT, DECIMAL(9,2), …). */
export type SourceColumn = { readonly name: string; readonly type: string };

/** A decision file: where it is, how it is stored, and (once described) its columns. */
export type DecisionSource = {
  readonly path: string;
  readonly format: DecisionFormat;
  readonly compression: Compression;
};

/** A parameter value: a scalar or a record of strings (bound as a STRUCT). */
export type SqlParam = string | number | boolean | Readonly<Record<string, string>>;

/** SQL text with `$name` parameters. */
export type SqlQuery = { readonly sql: string; readonly params: Readonly<Record<string, SqlParam>> };

/** How a column's values are parsed, from its SQL type. */
export type ColumnKind = 'varchar' | 'boolean' | 'integer' | 'decimal' | 'float' | 'json' | 'other';

/** The column of the spec each reject code blames, in the reference's order of checks. */
export type RejectedColumn = 'label' | 'weight' | 'score' | 'prediction';

/** Outcome codes 0-5 are OUTCOME_KEYS' positions; 6-9 mean the row was rejected, for this column. */
export const REJECT_CODES: Readonly<Record<RejectedColumn, number>> = {
  label: 6,
  weight: 7,
  score: 8,
  prediction: 9,
};

const REJECT_REASONS: Readonly<Record<RejectedColumn, string>> = {
  label: 'label must be 0/1 or true/false',
  weight: 'weight must be a finite number >= 0',
  score: 'score must be a finite number',
  prediction: 'prediction must be 0/1 or true/false',
};

/** The most cells (observed combinations of group values) an audit reads. */
export const MAX_CELLS = 100_000;

/** The most result rows a cells query may return: up to 10 outcome and reject codes per cell. */
export const MAX_CELL_ROWS = MAX_CELLS * 10;

// ---------------------------------------------------------------------------------------------
// Identifiers and types

/**
 * Quotes a column name as a SQL identifier: wrapped in double quotes, inner double quotes
 * doubled (SQL:2016 5.2, DuckDB and PostgreSQL alike). NUL cannot appear in an identifier.
 */
export function quoteIdentifier(name: string): string {
  if (name.includes('\u0000')) throw new RangeError('a column name cannot contain NUL');
  return `"${name.replaceAll('"', '""')}"`;
}

/** Classifies a SQL type name into the parsing rules that apply to its values. */
export function columnKind(type: string): ColumnKind {
  const base = type.trim().toUpperCase();
  if (base === 'VARCHAR' || base.startsWith('VARCHAR(') || base === 'TEXT' || base === 'STRING')
    return 'varchar';
  if (base === 'BOOLEAN' || base === 'BOOL') return 'boolean';
  if (/^(U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)|INT[1248]?|UHUGEINT|VARINT|BIGNUM)$/.test(base))
    return 'integer';
  if (base.startsWith('DECIMAL') || base.startsWith('NUMERIC')) return 'decimal';
  if (base === 'DOUBLE' || base === 'FLOAT' || base === 'REAL' || base === 'FLOAT4' || base === 'FLOAT8')
    return 'float';
  if (base === 'JSON') return 'json';
  return 'other';
}

// ---------------------------------------------------------------------------------------------
// Format detection

const GZIP_MAGIC = [0x1f, 0x8b];
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];
const PARQUET_MAGIC = [0x50, 0x41, 0x52, 0x31]; // "PAR1"

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return magic.every((byte, i) => bytes[i] === byte);
}

/** Tells the compression of a file from its first bytes. */
export function sniffCompression(head: Uint8Array): Compression {
  if (startsWith(head, GZIP_MAGIC)) return 'gzip';
  if (startsWith(head, ZSTD_MAGIC)) return 'zstd';
  return 'none';
}

/**
 * Tells the format of a file from its first (decompressed) bytes: Parquet by its magic number,
 * NDJSON when the first character after a byte-order mark and whitespace is `{`, a JSON array
 * (not supported, but worth naming) when it is `[`, else CSV. Null when the file is empty.
 */
export function sniffFormat(head: Uint8Array): DecisionFormat | 'json_array' | null {
  if (startsWith(head, PARQUET_MAGIC)) return 'parquet';
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d))
    i++;
  if (i >= head.length) return null;
  return head[i] === 0x7b ? 'ndjson' : head[i] === 0x5b ? 'json_array' : 'csv';
}

// ---------------------------------------------------------------------------------------------
// The source relation

/**
 * The table function that reads the file. CSV: the header is the first line, every column is
 * read as text (all_varchar: values are validated by the query, so a bad value is a counted,
 * located reject and never a cast error that aborts the scan), the dialect is sniffed, and a
 * malformed line (wrong number of fields, bad quoting) is skipped and recorded in `rejectsTable`.
 * NDJSON: the given columns are read as JSON values, so any mix of types per key is accepted and
 * classified by the query. Parquet: the file's own types.
 */
export function sourceRelation(
  source: DecisionSource,
  options: { readonly ndjsonColumns?: readonly string[]; readonly rejectsTable?: string } = {},
): SqlQuery {
  const compression = source.compression === 'none' ? '' : `, compression = '${source.compression}'`;
  switch (source.format) {
    case 'csv': {
      const table = options.rejectsTable;
      if (table !== undefined && !/^[a-z_][a-z0-9_]*$/.test(table))
        throw new RangeError('bad rejects table name');
      const rejects =
        table === undefined
          ? ''
          : `, store_rejects = true, rejects_table = '${table}', rejects_scan = '${table}_scans'`;
      return {
        sql: `read_csv($path, header = true, all_varchar = true, auto_detect = true${compression}${rejects})`,
        params: { path: source.path },
      };
    }
    case 'ndjson': {
      if (options.ndjsonColumns === undefined) {
        return {
          sql: `read_json($path, format = 'newline_delimited'${compression})`,
          params: { path: source.path },
        };
      }
      const columns: Record<string, string> = {};
      for (const name of options.ndjsonColumns) columns[name] = 'JSON';
      return {
        sql: `read_json($path, format = 'newline_delimited', columns = $columns${compression})`,
        params: { path: source.path, columns },
      };
    }
    case 'parquet':
      return { sql: 'read_parquet($path)', params: { path: source.path } };
  }
}

/**
 * Lists the file's columns and types (binds the reader; reads no more than the sniffer's sample).
 * A CSV is described with the same options it is scanned with (`rejectsTable` included: the
 * dialect sniffer tolerates malformed lines only when they are to be skipped).
 */
export function describeQuery(
  source: DecisionSource,
  options: { readonly rejectsTable?: string } = {},
): SqlQuery {
  const relation = sourceRelation(source, options);
  return { sql: `DESCRIBE SELECT * FROM ${relation.sql}`, params: relation.params };
}

/**
 * The columns as the scan reads them, from the described ones: NDJSON is described with sniffed
 * types but scanned with every used column as JSON (see sourceRelation).
 */
export function scannedColumns(
  source: Pick<DecisionSource, 'format'>,
  described: readonly SourceColumn[],
): SourceColumn[] {
  return described.map((column) =>
    source.format === 'ndjson' ? { name: column.name, type: 'JSON' } : column,
  );
}

// ---------------------------------------------------------------------------------------------
// Column resolution

/** A spec column the file lacks. */
export type MissingColumn = {
  readonly role: 'label' | 'prediction' | 'score' | 'weight' | 'group';
  readonly column: string;
};

/** The spec with every column resolved to a name the file has, and each column's parsing kind. */
export type ResolvedSpec = { readonly spec: RowSpec; readonly kinds: ReadonlyMap<string, ColumnKind> };

/**
 * Resolves the spec's columns against the file's: an exact name first, else the one column
 * whose name matches after trimming surrounding spaces, else the one matching without regard to
 * case (engines compare identifiers case-insensitively). Returns every column not found.
 */
export function resolveColumns(
  spec: RowSpec,
  columns: readonly SourceColumn[],
): { ok: true; value: ResolvedSpec } | { ok: false; missing: MissingColumn[] } {
  const missing: MissingColumn[] = [];
  const kinds = new Map<string, ColumnKind>();
  const find = (role: MissingColumn['role'], wanted: string): string => {
    const candidates = [
      columns.filter((c) => c.name === wanted),
      columns.filter((c) => c.name.trim() === wanted.trim()),
      columns.filter((c) => c.name.trim().toLowerCase() === wanted.trim().toLowerCase()),
    ];
    const match = candidates.find((found) => found.length === 1)?.[0];
    if (match === undefined) {
      missing.push({ role, column: wanted });
      return wanted;
    }
    kinds.set(match.name, columnKind(match.type));
    return match.name;
  };
  const label = find('label', spec.label);
  const groups = spec.groups.map((group) => find('group', group));
  const weight = spec.weight === undefined ? undefined : find('weight', spec.weight);
  const decision =
    spec.score !== undefined
      ? { score: find('score', spec.score), threshold: spec.threshold }
      : { prediction: find('prediction', spec.prediction) };
  if (missing.length > 0) return { ok: false, missing };
  return {
    ok: true,
    value: { spec: { label, groups, ...(weight === undefined ? {} : { weight }), ...decision }, kinds },
  };
}

/** The distinct columns a spec reads, in a stable order. */
export function columnsOf(spec: RowSpec): string[] {
  const names = [spec.label, ...spec.groups];
  if (spec.weight !== undefined) names.push(spec.weight);
  names.push(spec.score ?? spec.prediction);
  return [...new Set(names)];
}

// ---------------------------------------------------------------------------------------------
// Per-value expressions

// JavaScript's String.prototype.trim set (WhiteSpace and LineTerminator), as the reference trims;
// spelled with chr() so the SQL text stays printable (the engine folds it to one constant).
const TRIM_CODE_POINTS = [
  0x20, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006,
  0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff,
];
const TRIM_LITERAL = `(${TRIM_CODE_POINTS.map((code) => `chr(${code})`).join(' || ')})`;

/** 1 / 0 for a binary value, NULL when missing, -1 when present but not binary. */
function binaryExpression(column: string, kind: ColumnKind): string {
  const x = quoteIdentifier(column);
  const fromText = (text: string) => {
    // Exact common spellings first: the trim/lower path runs only for the rest.
    const folded = `lower(trim(${text}, ${TRIM_LITERAL}))`;
    return (
      `CASE WHEN ${text} IS NULL THEN NULL WHEN ${text} = '1' THEN 1 WHEN ${text} = '0' THEN 0 ` +
      `WHEN ${text} = 'true' THEN 1 WHEN ${text} = 'false' THEN 0 ` +
      `WHEN ${folded} IN ('1', 'true', 'yes') THEN 1 WHEN ${folded} IN ('0', 'false', 'no') THEN 0 ` +
      `WHEN ${folded} = '' THEN NULL ELSE -1 END`
    );
  };
  const fromNumber = (number: string) =>
    `CASE WHEN ${number} IS NULL THEN NULL WHEN ${number} = 1 THEN 1 WHEN ${number} = 0 THEN 0 ELSE -1 END`;
  switch (kind) {
    case 'varchar':
      return fromText(x);
    case 'boolean':
      return `CASE WHEN ${x} THEN 1 WHEN NOT ${x} THEN 0 END`;
    case 'integer':
    case 'decimal':
    case 'float':
      return fromNumber(x);
    case 'json':
      return (
        `CASE WHEN json_type(${x}) IN ('UBIGINT', 'BIGINT', 'DOUBLE') THEN ${fromNumber(`CAST(${x} AS DOUBLE)`)} ` +
        `ELSE ${fromText(`json_extract_string(${x}, '$')`)} END`
      );
    case 'other':
      return `CASE WHEN ${x} IS NULL THEN NULL ELSE -1 END`;
  }
}

/** A DOUBLE for a numeric value; NULL when missing or not a number (the caller also checks finiteness). */
function numberExpression(column: string, kind: ColumnKind): string {
  const x = quoteIdentifier(column);
  switch (kind) {
    case 'varchar':
      // DuckDB's cast skips surrounding ASCII spaces itself; the trim covers the rest of JavaScript's set.
      return `coalesce(TRY_CAST(${x} AS DOUBLE), TRY_CAST(trim(${x}, ${TRIM_LITERAL}) AS DOUBLE))`;
    case 'integer':
    case 'decimal':
    case 'float':
      return `CAST(${x} AS DOUBLE)`;
    case 'json':
      return (
        `CASE WHEN json_type(${x}) IN ('UBIGINT', 'BIGINT', 'DOUBLE') THEN CAST(${x} AS DOUBLE) ` +
        `WHEN json_type(${x}) = 'VARCHAR' THEN TRY_CAST(trim(json_extract_string(${x}, '$'), ${TRIM_LITERAL}) AS DOUBLE) END`
      );
    case 'boolean':
    case 'other':
      return 'CAST(NULL AS DOUBLE)';
  }
}

/** An attribute value as text: strings verbatim, the empty string missing, other types printed. */
function attributeExpression(column: string, kind: ColumnKind): string {
  const x = quoteIdentifier(column);
  switch (kind) {
    case 'varchar':
      return `NULLIF(${x}, '')`;
    case 'json':
      return `NULLIF(json_extract_string(${x}, '$'), '')`;
    default:
      return `CAST(${x} AS VARCHAR)`;
  }
}

function kindOf(resolved: ResolvedSpec, column: string): ColumnKind {
  return resolved.kinds.get(column) ?? 'varchar';
}

/**
 * The three nested SELECT lists that parse and classify each row: `g0…gN` attribute values,
 * `k` the outcome or reject code, `w` the weight and `s` the score (when used). `extra` columns
 * of the innermost level are carried through unchanged.
 */
function classifiedRows(
  resolved: ResolvedSpec,
  from: string,
  extra: readonly { readonly expression: string; readonly alias: string }[] = [],
): string {
  const { spec } = resolved;
  const groups = spec.groups.map(
    (column, i) => `${attributeExpression(column, kindOf(resolved, column))} AS g${i}`,
  );
  const groupRefs = spec.groups.map((_, i) => `g${i}`);
  const weighted = spec.weight !== undefined;
  const scored = spec.score !== undefined;
  const parsed = [
    ...groups,
    `${binaryExpression(spec.label, kindOf(resolved, spec.label))} AS y`,
    scored
      ? `${numberExpression(spec.score, kindOf(resolved, spec.score))} AS s`
      : `${binaryExpression(spec.prediction, kindOf(resolved, spec.prediction))} AS p`,
    ...(weighted ? [`${numberExpression(spec.weight, kindOf(resolved, spec.weight))} AS w`] : []),
    ...extra.map(({ expression, alias }) => `${expression} AS ${alias}`),
  ];
  const extraRefs = extra.map(({ alias }) => alias);
  // The order of checks is the reference's: label, then weight, then score or prediction.
  const checks = [`WHEN y = -1 THEN ${REJECT_CODES.label}`];
  if (weighted) checks.push(`WHEN w IS NULL OR NOT isfinite(w) OR w < 0 THEN ${REJECT_CODES.weight}`);
  checks.push(
    scored
      ? `WHEN s IS NULL OR NOT isfinite(s) THEN ${REJECT_CODES.score}`
      : `WHEN p IS NULL OR p = -1 THEN ${REJECT_CODES.prediction}`,
  );
  const predicted = scored ? '(s >= $threshold)' : '(p = 1)';
  const code =
    `CASE ${checks.join(' ')} ` +
    `WHEN y IS NULL THEN CASE WHEN ${predicted} THEN ${OUTCOME_KEYS.indexOf('pu')} ELSE ${OUTCOME_KEYS.indexOf('nu')} END ` +
    `WHEN ${predicted} THEN CASE WHEN y = 1 THEN ${OUTCOME_KEYS.indexOf('tp')} ELSE ${OUTCOME_KEYS.indexOf('fp')} END ` +
    `ELSE CASE WHEN y = 1 THEN ${OUTCOME_KEYS.indexOf('fn')} ELSE ${OUTCOME_KEYS.indexOf('tn')} END END`;
  const carried = [...groupRefs, ...(weighted ? ['w'] : []), ...(scored ? ['s'] : []), ...extraRefs];
  return (
    `SELECT ${[...carried, `${code} AS k`].join(', ')}\n` +
    `  FROM (SELECT ${parsed.join(',\n          ')}\n        FROM ${from}) AS parsed`
  );
}

// ---------------------------------------------------------------------------------------------
// The queries

/**
 * The one-pass cells query: per combination of group values and outcome/reject code, the row
 * count, and when weighted Σw and Σw², and when scored Σw·score. At most `maxRows` + 1 rows come
 * back, so a group column with a value per row (an id) is detected instead of flooding memory.
 */
export function buildCellsQuery(
  source: DecisionSource,
  resolved: ResolvedSpec,
  options: { readonly maxRows?: number; readonly rejectsTable?: string } = {},
): SqlQuery {
  const { spec } = resolved;
  const relation = sourceRelation(source, {
    ndjsonColumns: columnsOf(spec),
    ...(options.rejectsTable === undefined ? {} : { rejectsTable: options.rejectsTable }),
  });
  const groupRefs = spec.groups.map((_, i) => `g${i}`);
  const weighted = spec.weight !== undefined;
  const scored = spec.score !== undefined;
  const sums = ['count(*) AS n'];
  // fsum: compensated (Kahan-Babuska) summation, at no measurable cost. Counts and dyadic
  // weights (0.5, 1.5, …) sum exactly; other weights and scores can still differ in the last
  // bit from run to run, as the engine's threads split the rows differently.
  if (weighted) sums.push('fsum(w) AS w', 'fsum(w * w) AS w2');
  if (scored) sums.push(weighted ? 'fsum(w * s) AS ws' : 'fsum(s) AS ws');
  const maxRows = options.maxRows ?? MAX_CELL_ROWS;
  if (!Number.isSafeInteger(maxRows) || maxRows < 1)
    throw new RangeError('maxRows must be a positive integer');
  const sql =
    `SELECT ${[...groupRefs, 'k', ...sums].join(', ')}\n` +
    `FROM (${classifiedRows(resolved, relation.sql)}) AS classified\n` +
    `GROUP BY ${[...groupRefs, 'k'].join(', ')}\n` +
    `LIMIT ${maxRows + 1}`;
  return { sql, params: { ...relation.params, ...(scored ? { threshold: spec.threshold } : {}) } };
}

/**
 * The rejected rows in file order, up to `limit`, each with its record number (1-based, from
 * WITH ORDINALITY over the scan; `ordinality` names that column as the engine called it) and
 * the offending raw values as text.
 */
export function buildRejectsQuery(
  source: DecisionSource,
  resolved: ResolvedSpec,
  options: { readonly limit: number; readonly ordinality: string; readonly rejectsTable?: string },
): SqlQuery {
  const { spec } = resolved;
  const relation = sourceRelation(source, {
    ndjsonColumns: columnsOf(spec),
    ...(options.rejectsTable === undefined ? {} : { rejectsTable: options.rejectsTable }),
  });
  if (!Number.isSafeInteger(options.limit) || options.limit < 1)
    throw new RangeError('limit must be a positive integer');
  const raw = (column: string, alias: string) => ({
    expression: `CAST(${quoteIdentifier(column)} AS VARCHAR)`,
    alias,
  });
  const extra = [
    { expression: quoteIdentifier(options.ordinality), alias: 'record' },
    raw(spec.label, 'raw_label'),
    ...(spec.weight === undefined ? [] : [raw(spec.weight, 'raw_weight')]),
    raw(spec.score ?? spec.prediction, 'raw_decision'),
  ];
  const sql =
    `SELECT record, k, raw_label, ${spec.weight === undefined ? 'NULL AS raw_weight' : 'raw_weight'}, raw_decision\n` +
    `FROM (${classifiedRows(resolved, `${relation.sql} WITH ORDINALITY`, extra)}) AS classified\n` +
    `WHERE k >= ${REJECT_CODES.label}\n` +
    `ORDER BY record\n` +
    `LIMIT ${options.limit}`;
  return {
    sql,
    params: { ...relation.params, ...(spec.score !== undefined ? { threshold: spec.threshold } : {}) },
  };
}

/** Lists the rejects scan's columns with its ordinality column last (whose name avoids the file's). */
export function describeWithOrdinalityQuery(
  source: DecisionSource,
  resolved: ResolvedSpec,
  options: { readonly rejectsTable?: string } = {},
): SqlQuery {
  const relation = sourceRelation(source, { ndjsonColumns: columnsOf(resolved.spec), ...options });
  return { sql: `DESCRIBE SELECT * FROM ${relation.sql} WITH ORDINALITY`, params: relation.params };
}

// ---------------------------------------------------------------------------------------------
// Results to cells

/** How many rows were rejected for one column, and why. */
export type RejectCount = { readonly column: string; readonly reason: string; readonly rows: number };

/** Cells read from a cells query, with every row accounted for. */
export type PushdownCells = {
  /** One cell per observed combination of group values, sorted by those values. */
  readonly cells: Cell[];
  /** Rows the query saw: accepted plus rejected. */
  readonly rows: number;
  /** Rows in cells. */
  readonly accepted: number;
  readonly rejected: RejectCount[];
  /** True when the result hit the row cap: there were more combinations than can be audited. */
  readonly truncated: boolean;
};

type MutableTally = Record<OutcomeKey, number>;
type Building = {
  attributes: Record<string, string | null>;
  values: (string | null)[];
  weighted: MutableTally;
  rows: MutableTally;
  squares: MutableTally;
  scoreSum: number | null;
};

function numeric(value: unknown, what: string): number {
  const number =
    typeof value === 'bigint' ? Number(value) : typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number))
    throw new RangeError(`${what} is not a finite number`);
  return number;
}

function text(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return JSON.stringify(value);
}

/** Maps the rows of buildCellsQuery to cells and reject counts. */
export function cellsFromQueryRows(
  resultRows: readonly Readonly<Record<string, unknown>>[],
  spec: RowSpec,
  options: { readonly maxRows?: number; readonly maxCells?: number } = {},
): PushdownCells {
  const maxRows = options.maxRows ?? MAX_CELL_ROWS;
  const maxCells = options.maxCells ?? MAX_CELLS;
  const weighted = spec.weight !== undefined;
  const scored = spec.score !== undefined;
  const byKey = new Map<string, Building>();
  const rejectedBy = new Map<RejectedColumn, number>();
  let rows = 0;
  let accepted = 0;
  for (const row of resultRows.slice(0, maxRows)) {
    const code = numeric(row['k'], 'k');
    const n = numeric(row['n'], 'n');
    rows += n;
    const outcome = OUTCOME_KEYS[code];
    if (outcome === undefined) {
      const column = (Object.keys(REJECT_CODES) as RejectedColumn[]).find((c) => REJECT_CODES[c] === code);
      if (column === undefined) throw new RangeError(`unknown outcome code ${code}`);
      rejectedBy.set(column, (rejectedBy.get(column) ?? 0) + n);
      continue;
    }
    accepted += n;
    const values = spec.groups.map((_, i) => text(row[`g${i}`]));
    const key = cellKey(values);
    let cell = byKey.get(key);
    if (cell === undefined) {
      const attributes: Record<string, string | null> = {};
      spec.groups.forEach((name, i) => (attributes[name] = values[i] ?? null));
      cell = {
        attributes,
        values,
        weighted: { ...ZERO_TALLY },
        rows: { ...ZERO_TALLY },
        squares: { ...ZERO_TALLY },
        scoreSum: scored ? 0 : null,
      };
      byKey.set(key, cell);
    }
    cell.rows[outcome] += n;
    cell.weighted[outcome] += weighted ? numeric(row['w'], 'w') : n;
    cell.squares[outcome] += weighted ? numeric(row['w2'], 'w2') : n;
    if (cell.scoreSum !== null) cell.scoreSum += numeric(row['ws'], 'ws');
  }
  const cells = [...byKey.values()]
    .sort((a, b) => {
      for (let i = 0; i < a.values.length; i++) {
        const order = compareValues(a.values[i] ?? null, b.values[i] ?? null);
        if (order !== 0) return order;
      }
      return 0;
    })
    .map(({ attributes, weighted: w, rows: r, squares, scoreSum }): Cell => ({
      attributes,
      weighted: w,
      rows: r,
      squares: squares,
      scoreSum,
    }));
  const rejected = (Object.keys(REJECT_CODES) as RejectedColumn[])
    .filter((column) => (rejectedBy.get(column) ?? 0) > 0)
    .map((column) => ({
      column: columnOfSpec(spec, column),
      reason: REJECT_REASONS[column],
      rows: rejectedBy.get(column) ?? 0,
    }));
  return {
    cells,
    rows,
    accepted,
    rejected,
    truncated: resultRows.length > maxRows || cells.length > maxCells,
  };
}

function columnOfSpec(spec: RowSpec, column: RejectedColumn): string {
  switch (column) {
    case 'label':
      return spec.label;
    case 'weight':
      return spec.weight ?? '';
    case 'score':
      return spec.score ?? '';
    case 'prediction':
      return spec.prediction ?? '';
  }
}

/** One rejected row, located in the file. */
export type RejectedSample = {
  /** 1-based data record number in file order (null for a CSV line too malformed to be a record). */
  readonly record: number | null;
  /** The line of the file (CSV: the header is line 1; NDJSON: one record a line); null for Parquet. */
  readonly line: number | null;
  /** The offending column (null when the line as a whole is malformed). */
  readonly column: string | null;
  /** The raw value as text, or null when it was empty. */
  readonly value: string | null;
  readonly reason: string;
};

/**
 * Maps the rows of buildRejectsQuery to located rejects. `skippedLines` are the file lines the
 * CSV reader skipped as malformed (sorted): records after them sit that many lines further down.
 * Line numbers assume no quoted field spans several lines (then the record number still holds).
 */
export function rejectedFromQueryRows(
  resultRows: readonly Readonly<Record<string, unknown>>[],
  resolved: ResolvedSpec,
  format: DecisionFormat,
  skippedLines: readonly number[] = [],
): RejectedSample[] {
  const { spec } = resolved;
  return resultRows.map((row) => {
    const record = numeric(row['record'], 'record');
    const code = numeric(row['k'], 'k');
    const column = (Object.keys(REJECT_CODES) as RejectedColumn[]).find((c) => REJECT_CODES[c] === code);
    if (column === undefined) throw new RangeError(`not a reject code: ${code}`);
    const value = text(
      column === 'label' ? row['raw_label'] : column === 'weight' ? row['raw_weight'] : row['raw_decision'],
    );
    const name = columnOfSpec(spec, column);
    // Text is shown quoted; JSON values and typed values are shown as they are written.
    const shown =
      value === null
        ? 'an empty value'
        : kindOf(resolved, name) === 'varchar'
          ? JSON.stringify(value)
          : value;
    return {
      record,
      line: format === 'parquet' ? null : lineOf(record, format, skippedLines),
      column: name,
      value,
      reason: `${REJECT_REASONS[column]}, got ${shown}`,
    };
  });
}

function lineOf(record: number, format: DecisionFormat, skippedLines: readonly number[]): number {
  let line = format === 'csv' ? record + 1 : record;
  for (const skipped of skippedLines) if (skipped <= line) line++;
  return line;
}
