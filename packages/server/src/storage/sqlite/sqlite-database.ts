import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/**
 * Adapts node:sqlite's DatabaseSync to the structural `SqliteDatabase` Kysely's SQLite dialect
 * expects. Prepared statements are cached by SQL text: Kysely emits the same text for the same
 * query shape, so the hot paths prepare once.
 */
export function openSqlite(path: string): { raw: DatabaseSync; kysely: SqliteDatabase } {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const raw = new DatabaseSync(path, { enableForeignKeyConstraints: true, timeout: 5000 });
  // WAL lets readers proceed during a write; NORMAL sync keeps every commit atomic and durable
  // against a process crash (the WAL is fsynced at checkpoints), at a fraction of FULL's cost.
  raw.exec('PRAGMA journal_mode = WAL');
  raw.exec('PRAGMA synchronous = NORMAL');
  raw.exec('PRAGMA busy_timeout = 5000');
  // SQLite's built-in lower() folds ASCII only; searches lower-case both sides and must match
  // PostgreSQL's Unicode folding, so 'École' is found by 'école' on either store.
  raw.function('lower', { deterministic: true }, (v) => (typeof v === 'string' ? v.toLowerCase() : v));
  // Cached with whether the statement returns rows, which is fixed once it is prepared.
  const cache = new Map<string, { stmt: StatementSync; reader: boolean }>();
  const prepare = (sql: string) => {
    let entry = cache.get(sql);
    if (!entry) {
      const stmt = raw.prepare(sql);
      entry = { stmt, reader: stmt.columns().length > 0 };
      if (cache.size > 500) cache.clear();
      cache.set(sql, entry);
    }
    return entry;
  };
  const kysely: SqliteDatabase = {
    close: () => raw.close(),
    prepare(sql: string): SqliteStatement {
      const { stmt, reader } = prepare(sql);
      return {
        reader,
        all: (params) => stmt.all(...(params as SqlParam[])),
        run: (params) => {
          const r = stmt.run(...(params as SqlParam[]));
          return { changes: r.changes, lastInsertRowid: r.lastInsertRowid };
        },
        iterate: (params) => stmt.iterate(...(params as SqlParam[])) as IterableIterator<unknown>,
      };
    },
  };
  return { raw, kysely };
}

type SqlParam = null | number | bigint | string | NodeJS.ArrayBufferView;
