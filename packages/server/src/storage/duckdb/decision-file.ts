// Reads a decision file (CSV, NDJSON or Parquet, detected from its bytes) into audit cells with
// DuckDB: one aggregation pass over the file, plus, only when rows were rejected, one more scan
// that locates the first few in file order. No row reaches JavaScript.

import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { constants as zlibConstants, gunzipSync, zstdDecompressSync } from 'node:zlib';
import type { Cell, RowSpec } from '../../modules/audits/cells.ts';
import {
  type Compression,
  type DecisionFormat,
  type DecisionSource,
  type RejectCount,
  type RejectedSample,
  type SourceColumn,
  type SqlQuery,
  MAX_CELLS,
  buildCellsQuery,
  buildRejectsQuery,
  cellsFromQueryRows,
  describeQuery,
  describeWithOrdinalityQuery,
  rejectedFromQueryRows,
  resolveColumns,
  scannedColumns,
  sniffCompression,
  sniffFormat,
} from '../../modules/audits/pushdown.ts';
import { AppError } from '../../shared/app-error.ts';
import { type DuckDbEngine, type DuckDbOptions, openDuckDb } from './duckdb-engine.ts';

/** Every row of the file accounted for: audited, or rejected with the reason. */
export type DecisionFileCells = {
  readonly format: DecisionFormat;
  readonly compression: Compression;
  /** The file's columns as the reader names them. */
  readonly columns: readonly SourceColumn[];
  /** The spec with column names as the file spells them. */
  readonly spec: RowSpec;
  readonly cells: Cell[];
  /** Data records read (accepted + rejected). */
  readonly rows: number;
  readonly accepted: number;
  readonly rejected: {
    readonly rows: number;
    /** Counts per column and reason; `column` is null for a malformed CSV line. */
    readonly reasons: { column: string | null; reason: string; rows: number }[];
    /** The first rejected rows in file order. */
    readonly sample: RejectedSample[];
  };
};

/** Options of readDecisionFile. */
export type ReadDecisionFileOptions = {
  /** How many rejected rows to locate (default 20). */
  readonly sampleLimit?: number;
  readonly duckdb?: DuckDbOptions;
};

const HEAD_BYTES = 64 * 1024;
const CELLS_REJECTS = 'oversight_cells_rejects';
const SAMPLE_REJECTS = 'oversight_sample_rejects';
const DESCRIBE_REJECTS = 'oversight_describe_rejects';
/** Malformed-line numbers fetched to correct later line numbers; beyond this, lines may read early. */
const MAX_SKIPPED_LINES = 100_000;

/** Reads a decision file into cells; throws AppError naming the file, column or line on bad input. */
export async function readDecisionFile(
  path: string,
  spec: RowSpec,
  options: ReadDecisionFileOptions = {},
): Promise<DecisionFileCells> {
  const source = detectSource(path);
  const engine = await openDuckDb(options.duckdb);
  try {
    const csv = source.format === 'csv';
    const columns = (
      await run(engine, describeQuery(source, csv ? { rejectsTable: DESCRIBE_REJECTS } : {}))
    ).map((row) => ({ name: String(row['column_name']), type: String(row['column_type']) }));
    const resolution = resolveColumns(spec, scannedColumns(source, columns));
    if (!resolution.ok) {
      const available = `its columns are: ${columns.map((c) => c.name).join(', ')}`;
      const issues = resolution.missing.map(({ role, column }) => ({
        path: role,
        code: 'unknown_column',
        message: `no column "${column}"`,
      }));
      const missing = resolution.missing.map(({ role, column }) => `"${column}" (${role})`).join(', ');
      throw new AppError('VALIDATION_FAILED', `no column ${missing} in ${path}; ${available}`, {
        issues,
        columns: columns.map((c) => c.name),
      });
    }
    const resolved = resolution.value;

    const cellsQuery = buildCellsQuery(source, resolved, csv ? { rejectsTable: CELLS_REJECTS } : {});
    const result = cellsFromQueryRows(await run(engine, cellsQuery), resolved.spec);
    if (result.truncated) {
      const message = `more than ${MAX_CELLS} observed combinations of ${resolved.spec.groups.join(', ')}`;
      throw new AppError(
        'VALIDATION_FAILED',
        `${message}: audits compare groups of people, so group by attributes, not by identifiers`,
        { issues: [{ path: 'group', code: 'too_many_groups', message }] },
      );
    }

    const malformed = csv ? await malformedLines(engine) : { rows: 0, lines: [], samples: [], reasons: [] };
    const limit = options.sampleLimit ?? 20;
    let samples: RejectedSample[] = [];
    if (result.rejected.length > 0) {
      const rejectsOptions = csv ? { rejectsTable: SAMPLE_REJECTS } : {};
      const described = await run(engine, describeWithOrdinalityQuery(source, resolved, rejectsOptions));
      const last = described.at(-1)?.['column_name'];
      const ordinality = typeof last === 'string' ? last : 'ordinality';
      const rows = await run(
        engine,
        buildRejectsQuery(source, resolved, { limit, ordinality, ...rejectsOptions }),
      );
      samples = rejectedFromQueryRows(rows, resolved, source.format, malformed.lines);
    }
    const sample = [...samples, ...malformed.samples]
      .sort((a, b) => (a.line ?? a.record ?? 0) - (b.line ?? b.record ?? 0))
      .slice(0, limit);
    const reasons = [
      ...result.rejected.map((r: RejectCount) => ({ column: r.column, reason: r.reason, rows: r.rows })),
      ...malformed.reasons,
    ];
    return {
      ...source,
      columns,
      spec: resolved.spec,
      cells: result.cells,
      rows: result.rows + malformed.rows,
      accepted: result.accepted,
      rejected: { rows: result.rows - result.accepted + malformed.rows, reasons, sample },
    };
  } finally {
    engine.close();
  }
}

function run(engine: DuckDbEngine, query: SqlQuery) {
  return engine.query(query.sql, query.params);
}

/** Lines the CSV reader skipped as malformed during the cells scan (wrong field count, bad quoting). */
async function malformedLines(engine: DuckDbEngine): Promise<{
  rows: number;
  lines: number[];
  samples: RejectedSample[];
  reasons: { column: string | null; reason: string; rows: number }[];
}> {
  const counts = await engine.query(
    `SELECT error_type, count(DISTINCT line) AS n FROM ${CELLS_REJECTS} GROUP BY error_type ORDER BY error_type`,
  );
  const reasons = counts.map((row) => ({
    column: null,
    reason: `malformed CSV line (${String(row['error_type']).toLowerCase()})`,
    rows: Number(row['n']),
  }));
  const rows = reasons.reduce((sum, r) => sum + r.rows, 0);
  if (rows === 0) return { rows, lines: [], samples: [], reasons };
  const lines = (
    await engine.query(`SELECT DISTINCT line FROM ${CELLS_REJECTS} ORDER BY line LIMIT ${MAX_SKIPPED_LINES}`)
  ).map((row) => Number(row['line']));
  const first = await engine.query(
    `SELECT line, min(error_message) AS message FROM ${CELLS_REJECTS} GROUP BY line ORDER BY line LIMIT 20`,
  );
  const samples = first.map((row): RejectedSample => ({
    record: null,
    line: Number(row['line']),
    column: null,
    value: null,
    reason: `malformed CSV line: ${String(row['message'])}`,
  }));
  return { rows, lines, samples, reasons };
}

/** Finds the file and tells its format and compression from its first bytes. */
function detectSource(path: string): DecisionSource {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new AppError('NOT_FOUND', `no file ${path}`);
  }
  if (!stat.isFile()) throw new AppError('BAD_REQUEST', `${path} is not a file`);
  const head = readHead(path);
  const compression = sniffCompression(head);
  const format = sniffFormat(decompressHead(head, compression, path));
  if (format === null)
    throw new AppError('VALIDATION_FAILED', `${path} is empty: no header and no decisions`);
  if (format === 'json_array')
    throw new AppError('BAD_REQUEST', `${path} is a JSON array: write one JSON object per line (NDJSON)`);
  if (format === 'parquet' && compression !== 'none')
    throw new AppError(
      'BAD_REQUEST',
      `${path}: a compressed Parquet file cannot be read; Parquet compresses inside`,
    );
  return { path, format, compression };
}

function readHead(path: string): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const read = readSync(fd, buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, read);
  } catch (error) {
    throw new AppError('BAD_REQUEST', `cannot read ${path}: ${(error as Error).message}`);
  } finally {
    closeSync(fd);
  }
}

/** The start of a compressed file, decompressed as far as the bytes read allow. */
function decompressHead(head: Uint8Array, compression: Compression, path: string): Uint8Array {
  try {
    if (compression === 'gzip') return gunzipSync(head, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
    if (compression === 'zstd') return zstdDecompressSync(head, { finishFlush: zlibConstants.ZSTD_e_flush });
    return head;
  } catch (error) {
    throw new AppError(
      'BAD_REQUEST',
      `${path}: cannot decompress (${compression}): ${(error as Error).message}`,
    );
  }
}
