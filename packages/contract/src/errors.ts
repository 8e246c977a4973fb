/**
 * The one closed table of error codes. Every failure that leaves the server, over HTTP or
 * from the CLI, carries exactly one of these codes; the HTTP status and CLI exit code follow
 * from the code and nothing else.
 */
export const ERROR_CODES = {
  BAD_REQUEST: {
    status: 400,
    exitCode: 2,
    summary: 'The request could not be read (malformed JSON, bad encoding, bad query string).',
  },
  VALIDATION_FAILED: {
    status: 422,
    exitCode: 2,
    summary:
      'The request was read but a field is missing, of the wrong type, unknown or out of range; `details.issues` names each field.',
  },
  UNAUTHENTICATED: { status: 401, exitCode: 3, summary: 'No valid API key or session was presented.' },
  FORBIDDEN: {
    status: 403,
    exitCode: 3,
    summary: 'The caller is authenticated but its role may not perform this action.',
  },
  NOT_FOUND: {
    status: 404,
    exitCode: 4,
    summary:
      "No such resource in the caller's organisation (other organisations' ids are reported the same way).",
  },
  METHOD_NOT_ALLOWED: {
    status: 405,
    exitCode: 2,
    summary: 'The route exists but not with this HTTP method.',
  },
  CONFLICT: {
    status: 409,
    exitCode: 5,
    summary:
      'The request conflicts with the current state (duplicate, owner still owns items, wrong lifecycle state).',
  },
  PAYLOAD_TOO_LARGE: { status: 413, exitCode: 2, summary: 'The request body exceeds the configured limit.' },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    exitCode: 2,
    summary: 'The request body is not `application/json`.',
  },
  RATE_LIMITED: {
    status: 429,
    exitCode: 6,
    summary: 'Too many requests; retry after the time in `Retry-After`.',
  },
  INTERNAL: {
    status: 500,
    exitCode: 1,
    summary: 'An unexpected failure; nothing was changed and the request id identifies it in the server log.',
  },
  UNAVAILABLE: { status: 503, exitCode: 7, summary: 'A dependency (database) is unavailable; retry later.' },
  LEDGER_INVALID: {
    status: 409,
    exitCode: 8,
    summary: 'Ledger verification found a changed, missing, inserted or reordered entry or a bad checkpoint.',
  },
} as const satisfies Record<string, { status: number; exitCode: number; summary: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** One problem with one field of the input, named by its path. */
export type Issue = { path: string; code: string; message: string };

/** The body of every error response. */
export type ErrorBody = {
  error: { code: ErrorCode; message: string; requestId: string; details?: Record<string, unknown> };
};

/** True when a string is one of the closed error codes. */
export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(ERROR_CODES, value);
}
