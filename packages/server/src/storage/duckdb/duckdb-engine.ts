// A small adapter over @duckdb/node-api: an in-process DuckDB that runs SQL with named
// parameters and returns plain rows. The only file that imports the driver; its errors are
// translated to AppError here, once.

import { DuckDBInstance, type DuckDBConnection, type DuckDBValue, structValue } from '@duckdb/node-api';
import { AppError } from '../../shared/app-error.ts';

/** A parameter value: a scalar, or a record of strings passed as a STRUCT (e.g. read_json's `columns`). */
export type SqlValue = string | number | boolean | null | Readonly<Record<string, string>>;

/** One result row: column name to a plain JavaScript value (integers as numbers when exact). */
export type SqlRow = Record<string, unknown>;

/** An open in-process DuckDB. */
export type DuckDbEngine = {
  /** Runs one statement with `$name` parameters and reads every row. */
  query(sql: string, params?: Readonly<Record<string, SqlValue>>): Promise<SqlRow[]>;
  /** Releases the connection and the instance. */
  close(): void;
};

/** Options of the embedded instance; DuckDB's defaults (all cores, 80% of RAM) when absent. */
export type DuckDbOptions = { readonly threads?: number; readonly memoryLimit?: string };

/** Opens an in-memory DuckDB instance with one connection. */
export async function openDuckDb(options: DuckDbOptions = {}): Promise<DuckDbEngine> {
  const settings: Record<string, string> = {};
  if (options.threads !== undefined) settings['threads'] = String(options.threads);
  if (options.memoryLimit !== undefined) settings['memory_limit'] = options.memoryLimit;
  let instance: DuckDBInstance;
  let connection: DuckDBConnection;
  try {
    instance = await DuckDBInstance.create(':memory:', settings);
    connection = await instance.connect();
  } catch (error) {
    throw translateDuckDbError(error);
  }
  let open = true;
  return {
    async query(sql, params) {
      try {
        const reader = await connection.runAndReadAll(sql, params ? toDuckDbValues(params) : undefined);
        return reader.getRowObjectsJS().map(plainRow);
      } catch (error) {
        throw translateDuckDbError(error);
      }
    },
    close() {
      if (!open) return;
      open = false;
      connection.closeSync();
      instance.closeSync();
    },
  };
}

function toDuckDbValues(params: Readonly<Record<string, SqlValue>>): Record<string, DuckDBValue> {
  const values: Record<string, DuckDBValue> = {};
  for (const [name, value] of Object.entries(params)) {
    values[name] = value !== null && typeof value === 'object' ? structValue({ ...value }) : value;
  }
  return values;
}

function plainRow(row: Record<string, unknown>): SqlRow {
  const plain: SqlRow = {};
  for (const [name, value] of Object.entries(row)) {
    plain[name] =
      typeof value === 'bigint'
        ? value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
          ? Number(value)
          : value.toString()
        : value;
  }
  return plain;
}

/**
 * DuckDB reports every failure as an Error whose message starts with its class ("IO Error: …").
 * Files that cannot be found are NOT_FOUND; unreadable input (bad CSV, bad JSON, not Parquet) is
 * BAD_REQUEST with DuckDB's own description, which names the line; memory exhaustion is
 * UNAVAILABLE; anything else (a SQL text this code built wrongly) is INTERNAL.
 */
export function translateDuckDbError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const raw = error instanceof Error ? error.message : String(error);
  // DuckDB appends the statement with a caret ("LINE 1: SELECT …"); the user needs neither.
  const message = raw.split(/\n\s*\nLINE \d+:/)[0]!.trim();
  if (/^IO Error: (No files found|Cannot open file|Could not open)/i.test(message))
    return new AppError('NOT_FOUND', message);
  if (/^Out of Memory Error/i.test(message)) return new AppError('UNAVAILABLE', message);
  if (
    /^(Invalid Input Error|Conversion Error|IO Error|Invalid Error|Parser Error: (Error|Malformed) JSON)/i.test(
      message,
    )
  )
    return new AppError('BAD_REQUEST', message);
  return new AppError('INTERNAL', message);
}
