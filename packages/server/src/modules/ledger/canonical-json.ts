// RFC 8785 JSON Canonicalization Scheme (JCS).
//
// Ledger entries are hashed over their canonical form, so two parties holding the same
// data must produce identical bytes. JCS defers to ECMAScript for primitives, which is why
// strings and numbers go through JSON.stringify; the only work left is key ordering and
// refusing anything that is not I-JSON (RFC 7493), because a value that JSON cannot carry
// faithfully would hash differently after a round trip.

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
// Lone surrogates are not Unicode text (RFC 8785 §3.1 via I-JSON); other JCS
// implementations reject or replace them, so accepting them would break cross-verification.
const LONE_SURROGATE = /\p{Surrogate}/u;

function describeKey(path: string, key: string): string {
  return IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function serializeString(value: string, path: string): string {
  if (LONE_SURROGATE.test(value)) {
    throw new TypeError(`${path}: string contains a lone surrogate, which is not valid Unicode`);
  }
  return JSON.stringify(value);
}

function serializeNumber(value: number, path: string): string {
  if (!Number.isFinite(value)) {
    throw new TypeError(`${path}: ${String(value)} cannot be represented in JSON`);
  }
  // JSON.stringify applies ECMAScript Number::toString, which RFC 8785 §3.2.2.3 mandates
  // (and maps -0 to "0").
  return JSON.stringify(value);
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function describeObject(value: object): string {
  const name: unknown = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' && name !== 'Object'
    ? name
    : 'object with a custom prototype';
}

function serialize(value: unknown, path: string, ancestors: Set<object>): string {
  switch (typeof value) {
    case 'string':
      return serializeString(value, path);
    case 'number':
      return serializeNumber(value, path);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    default:
      throw new TypeError(`${path}: ${typeof value} is not a JSON value`);
  }
  if (value === null) return 'null';
  if (ancestors.has(value)) throw new TypeError(`${path}: cyclic structure`);
  ancestors.add(value);
  try {
    if (Array.isArray(value)) return serializeArray(value, path, ancestors);
    if (!isPlainObject(value)) {
      throw new TypeError(`${path}: ${describeObject(value)} is not a plain object or array`);
    }
    return serializeObject(value, path, ancestors);
  } finally {
    ancestors.delete(value);
  }
}

function serializeArray(value: readonly unknown[], path: string, ancestors: Set<object>): string {
  const parts: string[] = [];
  // Indexed loop rather than map(): map() skips holes, which would silently drop them.
  for (let i = 0; i < value.length; i++) {
    const itemPath = `${path}[${i}]`;
    if (!Object.hasOwn(value, i)) throw new TypeError(`${itemPath}: array hole`);
    parts.push(serialize(value[i], itemPath, ancestors));
  }
  return `[${parts.join(',')}]`;
}

function serializeObject(value: Record<string, unknown>, path: string, ancestors: Set<object>): string {
  if (Object.getOwnPropertySymbols(value).length > 0) {
    throw new TypeError(`${path}: symbol-keyed properties are not JSON`);
  }
  // Default sort compares UTF-16 code units, exactly the order RFC 8785 §3.2.3 requires.
  const keys = Object.keys(value).sort();
  const parts: string[] = [];
  for (const key of keys) {
    const memberPath = describeKey(path, key);
    parts.push(`${serializeString(key, memberPath)}:${serialize(value[key], memberPath, ancestors)}`);
  }
  return `{${parts.join(',')}}`;
}

/** Serialises a JSON-compatible value to its RFC 8785 canonical form, throwing a TypeError naming the offending path otherwise. */
export function canonicalize(value: unknown): string {
  return serialize(value, '$', new Set());
}
