import { resolve } from 'node:path';
import { AppError } from './shared/app-error.ts';
import { sqlitePathFor, type StorageConfig } from './storage/open-store.ts';

export type Config = {
  development: boolean;
  dataDir: string;
  storage: StorageConfig;
  host: string;
  port: number;
  originHost: string;
  bodyLimitBytes: number;
  sessionTtlHours: number;
  env: Record<string, string | undefined>;
};

/** Reads configuration from the environment; every bad value is an error naming the variable. */
export function loadConfig(
  env: Record<string, string | undefined>,
  overrides: { development?: boolean } = {},
): Config {
  const development = overrides.development ?? env['OVERSIGHT_ENV'] === 'development';
  const dataDir = resolve(env['OVERSIGHT_DATA_DIR'] ?? './data');
  const url = env['DATABASE_URL'];
  if (url && !/^postgres(ql)?:\/\//.test(url))
    throw new AppError('VALIDATION_FAILED', 'DATABASE_URL must be a postgres:// URL');
  const schema = env['OVERSIGHT_PG_SCHEMA'];
  if (schema && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema))
    throw new AppError('VALIDATION_FAILED', 'OVERSIGHT_PG_SCHEMA must be a lower-case SQL identifier');
  const storage: StorageConfig = url
    ? { kind: 'postgres', url, schema }
    : { kind: 'sqlite', path: sqlitePathFor(dataDir) };
  return {
    development,
    dataDir,
    storage,
    host: env['HOST'] ?? '127.0.0.1',
    port: intVar(env, 'PORT', 3000, 0, 65535),
    originHost: env['OVERSIGHT_ORIGIN'] ?? 'oversight.local',
    bodyLimitBytes: intVar(env, 'OVERSIGHT_BODY_LIMIT', 1024 * 1024, 1024, 64 * 1024 * 1024),
    sessionTtlHours: intVar(env, 'OVERSIGHT_SESSION_HOURS', 12, 1, 24 * 30),
    env,
  };
}

function intVar(
  env: Record<string, string | undefined>,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new AppError('VALIDATION_FAILED', `${name} must be an integer in [${min}, ${max}]`);
  return n;
}
