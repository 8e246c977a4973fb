/**
 * Ledger entries. An entry records who did what to which resource and when, plus a SHA-256
 * digest of the change; it never carries the change itself, so personal data cannot enter the
 * immutable log and crypto-shredding never conflicts with it. The leaf bytes are the UTF-8 of
 * the entry in RFC 8785 canonical JSON, so any verifier can re-derive them exactly.
 */
import { hash } from 'node:crypto';
import type { LedgerEvent } from '../../../../contract/src/ledger.ts';
import { LEDGER_EVENTS } from '../../../../contract/src/ledger.ts';
import { canonicalize } from './canonical-json.ts';

export const ENTRY_VERSION = 1;

export type LedgerActor = { type: 'user' | 'system' | 'customer' | 'vendor'; id: string };
export type LedgerSubject = { type: string; id: string };

/** What a service hands to the ledger: the digest is computed here from `change`. */
export type LedgerEventInput = {
  type: LedgerEvent;
  actor: LedgerActor;
  subject: LedgerSubject;
  change: unknown;
};

export type LedgerEntry = {
  v: typeof ENTRY_VERSION;
  index: number;
  org: string;
  at: string;
  type: LedgerEvent;
  actor: LedgerActor;
  subject: LedgerSubject;
  digest: string;
};

/** `sha256:<hex>` of the canonical JSON of a change. */
export function digestOf(change: unknown): string {
  return `sha256:${hash('sha256', canonicalize(change ?? null), 'hex')}`;
}

/** The canonical JSON leaf for one event at one position of one organisation's log. */
export function buildLeaf(
  organizationId: string,
  index: number,
  at: string,
  event: LedgerEventInput,
): string {
  if (!Number.isSafeInteger(index) || index < 0)
    throw new RangeError(`ledger index ${index} is not a non-negative safe integer`);
  return writeEntry({
    v: ENTRY_VERSION,
    index,
    org: organizationId,
    at,
    type: event.type,
    actor: event.actor,
    subject: event.subject,
    digest: digestOf(event.change),
  });
}

/** The RFC 8785 form of a v1 entry, written field by field in canonical key order. */
function writeEntry(e: LedgerEntry): string {
  const s = JSON.stringify;
  return (
    `{"actor":{"id":${s(e.actor.id)},"type":${s(e.actor.type)}},"at":${s(e.at)},"digest":${s(e.digest)},` +
    `"index":${e.index},"org":${s(e.org)},"subject":{"id":${s(e.subject.id)},"type":${s(e.subject.type)}},` +
    `"type":${s(e.type)},"v":${e.v}}`
  );
}

const EVENT_SET = new Set<string>(LEDGER_EVENTS);

/** Parses a stored leaf back into an entry; a leaf that is not canonical or not well-formed is a "no". */
export function parseLeaf(leaf: string): { ok: true; entry: LedgerEntry } | { ok: false; reason: string } {
  let value: unknown;
  try {
    value = JSON.parse(leaf);
  } catch {
    return { ok: false, reason: 'leaf is not JSON' };
  }
  const e = value as Partial<LedgerEntry> | null;
  if (!e || typeof e !== 'object' || Array.isArray(e))
    return { ok: false, reason: 'leaf is not a JSON object' };
  if (e.v !== ENTRY_VERSION) return { ok: false, reason: `unknown entry version ${String(e.v)}` };
  if (!Number.isSafeInteger(e.index)) return { ok: false, reason: 'leaf has no integer index' };
  if (typeof e.org !== 'string' || typeof e.at !== 'string')
    return { ok: false, reason: 'leaf lacks org or at' };
  if (typeof e.type !== 'string' || !EVENT_SET.has(e.type))
    return { ok: false, reason: `unknown event type ${String(e.type)}` };
  if (typeof e.digest !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(e.digest))
    return { ok: false, reason: 'bad digest' };
  const isRef = (r: unknown) =>
    typeof r === 'object' &&
    r !== null &&
    typeof (r as LedgerSubject).id === 'string' &&
    typeof (r as LedgerSubject).type === 'string';
  if (!isRef(e.actor) || !isRef(e.subject)) return { ok: false, reason: 'leaf lacks actor or subject' };
  // Re-writing the parsed fields must give back the exact bytes: this rejects extra fields,
  // other key orders, whitespace and non-canonical number or string forms in one comparison.
  if (writeEntry(e as LedgerEntry) !== leaf)
    return { ok: false, reason: 'leaf is not a v1 entry in canonical JSON form' };
  return { ok: true, entry: e as LedgerEntry };
}
