import type { z } from 'zod';
import type { Issue } from '../../../contract/src/errors.ts';
import { validationError } from './app-error.ts';

/** Turns zod issues into the contract's `Issue` list, with dotted paths such as `subProcessors.0.name`. */
export function toIssues(error: z.ZodError, prefix = ''): Issue[] {
  return error.issues.flatMap((i): Issue[] => {
    const base = [prefix, ...i.path.map(String)].filter((p) => p !== '').join('.');
    // One issue per unknown field, each named by its own path.
    if (i.code === 'unrecognized_keys')
      return i.keys.map((k) => ({
        path: [base, k].filter(Boolean).join('.'),
        code: i.code,
        message: 'is not a known field',
      }));
    // zod words a missing field as a type error ("expected string, received undefined").
    const missing = i.code === 'invalid_type' && / received undefined$/.test(i.message);
    return [{ path: base, code: missing ? 'required' : i.code, message: missing ? 'is required' : i.message }];
  });
}

/** Issues for every string (or key) that contains U+0000, which no field accepts and PostgreSQL cannot store. */
export function nulIssues(value: unknown, path = ''): Issue[] {
  const issues: Issue[] = [];
  const issue = (p: string) => issues.push({ path: p, code: 'invalid_string', message: 'must not contain the NUL character' });
  const join = (a: string, b: string) => (a ? `${a}.${b}` : b);
  // Iterative, so hostile nesting depth cannot overflow the stack.
  const stack: [unknown, string][] = [[value, path]];
  while (stack.length > 0 && issues.length < 20) {
    const [v, p] = stack.pop() as [unknown, string];
    if (typeof v === 'string') {
      if (v.includes('\u0000')) issue(p);
    } else if (Array.isArray(v)) v.forEach((x, i) => stack.push([x, join(p, String(i))]));
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) {
        if (k.includes('\u0000')) issue(join(p, k));
        else stack.push([x, join(p, k)]);
      }
  }
  return issues;
}

/** Parses a value with a schema or throws VALIDATION_FAILED naming each bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, prefix = ''): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(toIssues(result.error, prefix));
  return result.data;
}
