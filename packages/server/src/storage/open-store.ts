import { join } from 'node:path';
import pg from 'pg';
import { Kysely, Migrator, PostgresDialect } from 'kysely';
import { AppError } from '../shared/app-error.ts';
import type { Repositories, Store } from '../store.ts';
import type { Database } from './db-schema.ts';
import { migrationProvider, type SqlFlavour } from './migrations.ts';
import { createRepositories } from './repositories.ts';
import { createSqliteStore } from './sqlite/sqlite-store.ts';

export type StorageConfig =
  | { kind: 'sqlite'; path: string }
  | { kind: 'postgres'; url: string; schema?: string | undefined; poolSize?: number | undefined };

/** Where an embedded database file lives inside a data directory. */
export function sqlitePathFor(dataDir: string): string {
  return join(dataDir, 'oversight.sqlite');
}

/** Opens the configured database, without migrating it. */
export function openStore(config: StorageConfig): Store {
  if (config.kind === 'sqlite') return createSqliteStore(config.path, translateDriverError);
  const flavour: SqlFlavour = config.kind;
  const pool = new pg.Pool({
    connectionString: config.url,
    max: config.poolSize ?? 10,
    ...(config.schema ? { options: `-c search_path=${config.schema}` } : {}),
  });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const read = translatingErrors(createRepositories(db, flavour));
  return {
    flavour,
    read,
    async transaction(fn) {
      try {
        return await db.transaction().execute((trx) => fn(createRepositories(trx, flavour)));
      } catch (error) {
        throw translateDriverError(error);
      }
    },
    async migrate() {
      if (config.schema) {
        await db.schema.createSchema(config.schema).ifNotExists().execute();
      }
      // Kysely looks for its migration tables in every schema unless told which one: another
      // schema's tables (another deployment, a parallel test) would make it skip creating ours.
      const migrator = new Migrator({
        db,
        provider: migrationProvider(flavour),
        ...(config.schema ? { migrationTableSchema: config.schema } : {}),
      });
      const { error, results } = await migrator.migrateToLatest();
      if (error) throw error instanceof Error ? error : new Error('migration failed');
      return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    },
    async ping() {
      try {
        await db.selectFrom('organizations').select('id').limit(1).execute();
      } catch (error) {
        throw translateDriverError(error);
      }
    },
    async close() {
      await db.destroy();
    },
  };
}

/** Wraps every port method so failures outside a transaction are translated like those inside. */
function translatingErrors(repos: Repositories): Repositories {
  const wrap = <P extends object>(port: P): P =>
    Object.fromEntries(
      Object.entries(port as Record<string, (...a: unknown[]) => Promise<unknown>>).map(([name, fn]) => [
        name,
        async (...args: unknown[]) => {
          try {
            return await fn(...args);
          } catch (error) {
            throw translateDriverError(error);
          }
        },
      ]),
    ) as P;
  return Object.fromEntries(
    Object.entries(repos).map(([name, port]) => [name, wrap(port as object)]),
  ) as Repositories;
}

/** Translates driver failures once, here: uniqueness to CONFLICT, lost connections to UNAVAILABLE. */
export function translateDriverError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  const e = error as { code?: string; errcode?: number; message?: string };
  const message = e.message ?? '';
  if (e.code === '23505' || /UNIQUE constraint failed/.test(message))
    return new AppError('CONFLICT', 'a record with the same unique value already exists');
  if (
    e.code === 'ECONNREFUSED' ||
    e.code === '57P01' ||
    e.code === '08006' ||
    /SQLITE_BUSY|database is locked/.test(message)
  )
    return new AppError('UNAVAILABLE', 'the database is unavailable; retry later');
  return error;
}
