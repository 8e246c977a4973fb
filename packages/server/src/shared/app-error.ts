import type { ErrorCode, Issue } from '../../../contract/src/errors.ts';

/**
 * The one error class. Pure code returns `{ ok: false }` values for expected "no" answers;
 * services throw AppError for refusals and broken invariants, and each boundary (HTTP, CLI)
 * translates it once.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }
}

/** A VALIDATION_FAILED error naming each field that is wrong. */
export function validationError(issues: Issue[]): AppError {
  const first = issues[0];
  const message = first ? `${first.path || 'body'}: ${first.message}` : 'invalid input';
  return new AppError('VALIDATION_FAILED', message, { issues });
}

/** A VALIDATION_FAILED error for one field. */
export function fieldError(path: string, message: string, code = 'invalid'): AppError {
  return validationError([{ path, code, message }]);
}

export function notFound(what: string, id: string): AppError {
  return new AppError('NOT_FOUND', `${what} ${id} not found`);
}
