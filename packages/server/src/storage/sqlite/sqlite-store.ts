import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { AppError } from '../../shared/app-error.ts';
import type { Repositories, Store } from '../../store.ts';
import type { Database } from '../db-schema.ts';
import { migrationProvider } from '../migrations.ts';
import { createRepositories } from '../repositories.ts';
import { openSqlite } from './sqlite-database.ts';
import { sqliteLedgerFastPath } from './sqlite-ledger.ts';

type Job = {
  kind: 'read' | 'write';
  run: () => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
};

const MAX_GROUP = 256;

/**
 * The embedded store. SQLite has one connection per process, so every operation goes through one
 * queue, which gives three properties:
 * - no dirty reads: a read never runs while a write transaction is open;
 * - group commit: write transactions that queue up while one runs join the same physical
 *   transaction, each inside its own SAVEPOINT. A failing one rolls back to its savepoint alone;
 *   every caller is answered only after the physical COMMIT, so an acknowledged write is a
 *   committed write, exactly as with one transaction each;
 * - writes take the write lock up front (BEGIN IMMEDIATE), so a CLI process sharing the file
 *   waits (busy_timeout) instead of failing on lock upgrade.
 */
export function createSqliteStore(path: string, translate: (e: unknown) => unknown): Store {
  const { raw, kysely } = openSqlite(path);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: kysely }) });
  const base = createRepositories(db, 'sqlite');
  const ledger = sqliteLedgerFastPath(raw, base.ledger);
  const repos: Repositories = { ...base, ledger };
  const stmt = {
    begin: raw.prepare('begin immediate'),
    commit: raw.prepare('commit'),
    rollback: raw.prepare('rollback'),
    savepoint: raw.prepare('savepoint tx'),
    release: raw.prepare('release tx'),
    rollbackTo: raw.prepare('rollback to tx'),
  };

  const queue: Job[] = [];
  let draining = false;
  let closed = false;

  function enqueue<T>(kind: Job['kind'], run: () => Promise<T>): Promise<T> {
    if (closed) return Promise.reject(new AppError('UNAVAILABLE', 'the store is closed'));
    return new Promise<T>((resolve, reject) => {
      queue.push({ kind, run, resolve: resolve as (v: unknown) => void, reject });
      if (!draining) void drain();
    });
  }

  async function runGroup(): Promise<void> {
    try {
      stmt.begin.run();
    } catch (error) {
      queue.shift()?.reject(translate(error));
      return;
    }
    const done: { job: Job; value: unknown }[] = [];
    try {
      while (queue[0]?.kind === 'write' && done.length < MAX_GROUP) {
        const job = queue.shift() as Job;
        stmt.savepoint.run();
        try {
          const value = await job.run();
          stmt.release.run();
          done.push({ job, value });
        } catch (error) {
          ledger.forgetHeads();
          stmt.rollbackTo.run();
          stmt.release.run();
          job.reject(translate(error));
        }
      }
      stmt.commit.run();
    } catch (error) {
      // The physical transaction failed (I/O, disk full): nothing in it happened.
      ledger.forgetHeads();
      try {
        stmt.rollback.run();
      } catch {
        /* already rolled back by SQLite */
      }
      for (const d of done) d.job.reject(translate(error));
      return;
    }
    for (const d of done) d.job.resolve(d.value);
  }

  async function drain(): Promise<void> {
    draining = true;
    try {
      while (queue.length > 0) {
        const head = queue[0] as Job;
        if (head.kind === 'write') await runGroup();
        else {
          queue.shift();
          try {
            head.resolve(await head.run());
          } catch (error) {
            head.reject(translate(error));
          }
        }
      }
    } finally {
      draining = false;
    }
  }

  /** Every method of `read` waits its turn in the queue. */
  const read = Object.fromEntries(
    Object.entries(repos).map(([name, port]) => [
      name,
      Object.fromEntries(
        Object.entries(port as Record<string, (...a: unknown[]) => Promise<unknown>>).map(([m, fn]) => [
          m,
          (...args: unknown[]) => enqueue('read', () => fn(...args)),
        ]),
      ),
    ]),
  ) as Repositories;

  return {
    flavour: 'sqlite',
    read,
    transaction: (fn) => enqueue('write', () => fn(repos)),
    async migrate() {
      return enqueue('read', async () => {
        const { error, results } = await new Migrator({
          db,
          provider: migrationProvider('sqlite'),
        }).migrateToLatest();
        if (error) throw error instanceof Error ? error : new Error('migration failed');
        return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
      });
    },
    async ping() {
      await enqueue('read', async () => raw.prepare('select 1').get());
    },
    async close() {
      await enqueue('read', async () => undefined);
      closed = true;
      await db.destroy();
    },
  };
}
