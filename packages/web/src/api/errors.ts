// Turns any failed response into one ApiError, and the API's `details.issues` into messages
// keyed by field path, so a form can show each message next to the field it names.
import type { ErrorCode, Issue } from '@oversight/contract';

/** Field path -> message; the empty path '' holds problems with the request as a whole. */
export type FieldErrors = Record<string, string>;

/** A failed API call, carrying the server's error code, message, request id and field issues. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode | 'NETWORK' | 'UNEXPECTED_RESPONSE';
  readonly requestId: string | undefined;
  readonly issues: Issue[];
  readonly details: Record<string, unknown>;

  constructor(init: {
    status: number;
    code: ApiError['code'];
    message: string;
    requestId?: string | undefined;
    issues?: Issue[];
    details?: Record<string, unknown>;
  }) {
    super(init.message);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.requestId = init.requestId;
    this.issues = init.issues ?? [];
    this.details = init.details ?? {};
  }

  /** Messages keyed by field path, see `fieldErrorsOf`. */
  fieldErrors(prefix = ''): FieldErrors {
    return fieldErrorsOf(this, prefix);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readIssues(details: Record<string, unknown>): Issue[] {
  const raw = details['issues'];
  if (!Array.isArray(raw)) return [];
  return raw.filter(isRecord).map((i) => ({
    path: typeof i['path'] === 'string' ? i['path'] : '',
    code: typeof i['code'] === 'string' ? i['code'] : 'invalid',
    message: typeof i['message'] === 'string' ? i['message'] : 'is invalid',
  }));
}

const KNOWN_CODES = new Set<string>([
  'BAD_REQUEST',
  'VALIDATION_FAILED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'RATE_LIMITED',
  'INTERNAL',
  'UNAVAILABLE',
  'LEDGER_INVALID',
] satisfies ErrorCode[]);

/**
 * Builds the ApiError for a non-2xx response from its status and parsed body. A body that is
 * not the documented `{ error: { code, message, requestId, details } }` still yields an error
 * with the HTTP status, so callers never have to handle a second shape.
 */
export function toApiError(status: number, body: unknown, requestIdHeader?: string | null): ApiError {
  const error = isRecord(body) && isRecord(body['error']) ? body['error'] : undefined;
  if (error === undefined || typeof error['code'] !== 'string' || !KNOWN_CODES.has(error['code'])) {
    return new ApiError({
      status,
      code: 'UNEXPECTED_RESPONSE',
      message: `The server answered ${status} without an error description.`,
      requestId: requestIdHeader ?? undefined,
    });
  }
  const details = isRecord(error['details']) ? error['details'] : {};
  return new ApiError({
    status,
    code: error['code'] as ErrorCode,
    message: typeof error['message'] === 'string' ? error['message'] : 'The request failed.',
    requestId: typeof error['requestId'] === 'string' ? error['requestId'] : (requestIdHeader ?? undefined),
    issues: readIssues(details),
    details,
  });
}

/**
 * Messages keyed by field path relative to `prefix` (e.g. 'answers' turns 'answers.social_scoring'
 * into 'social_scoring'). The first message for a path wins. Query-parameter issues ('query.x')
 * and issues without a path go to '' (the whole form). A CONFLICT naming `details.field` (such as
 * a duplicate e-mail) is attached to that field.
 */
export function fieldErrorsOf(error: ApiError, prefix = ''): FieldErrors {
  const out: FieldErrors = {};
  const add = (path: string, message: string) => {
    if (!(path in out)) out[path] = message;
  };
  const lead = prefix === '' ? '' : `${prefix}.`;
  for (const issue of error.issues) {
    if (
      issue.path === prefix ||
      issue.path === '' ||
      issue.path.startsWith('query.') ||
      issue.path.startsWith('params.')
    )
      add('', issue.path === '' || issue.path === prefix ? issue.message : `${issue.path}: ${issue.message}`);
    else if (lead === '' || issue.path.startsWith(lead)) add(issue.path.slice(lead.length), issue.message);
    else add('', `${issue.path}: ${issue.message}`);
  }
  const field = error.details['field'];
  if (error.issues.length === 0 && typeof field === 'string') add(field, error.message);
  return out;
}

/** The message for a field or any of its nested paths ('tags' also matches 'tags.3'). */
export function messageFor(errors: FieldErrors, path: string): string | undefined {
  if (errors[path] !== undefined) return errors[path];
  const nested = Object.keys(errors).find((k) => k.startsWith(`${path}.`));
  return nested === undefined ? undefined : errors[nested];
}

/** Form-level messages: errors for no field, or for fields the form does not show. */
export function unclaimedErrors(errors: FieldErrors, shownFields: readonly string[]): string[] {
  return Object.entries(errors)
    .filter(([path]) => path === '' || !shownFields.some((f) => path === f || path.startsWith(`${f}.`)))
    .map(([path, message]) => (path === '' ? message : `${path}: ${message}`));
}

/** A sentence for people; server-side failures carry the request id to quote to support. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    const serverSide = error.status >= 500 || error.code === 'UNEXPECTED_RESPONSE';
    const id = serverSide && error.requestId ? ` (request ${error.requestId})` : '';
    return `${capitalise(error.message)}${id}`;
  }
  return error instanceof Error ? error.message : 'Something went wrong.';
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
