import type { z } from 'zod';
import type { Issue } from '../../../contract/src/errors.ts';
import { validationError } from './app-error.ts';

/** Turns zod issues into the contract's `Issue` list, with dotted paths such as `subProcessors.0.name`. */
export function toIssues(error: z.ZodError, prefix = ''): Issue[] {
  return error.issues.map((i) => {
    const keys = i.code === 'unrecognized_keys' ? i.keys : [];
    const base = [prefix, ...i.path.map(String)].filter((p) => p !== '').join('.');
    const path = keys.length === 1 ? [base, keys[0]].filter(Boolean).join('.') : base;
    return {
      path,
      code: i.code,
      message:
        i.code === 'unrecognized_keys'
          ? `unknown field${keys.length > 1 ? 's' : ''} ${keys.join(', ')}`
          : i.message,
    };
  });
}

/** Parses a value with a schema or throws VALIDATION_FAILED naming each bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, prefix = ''): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(toIssues(result.error, prefix));
  return result.data;
}
