// Ed25519 signed notes (C2SP signed-note, https://c2sp.org/signed-note) and transparency
// log checkpoints (C2SP tlog-checkpoint, https://c2sp.org/tlog-checkpoint). Key strings
// follow the golang.org/x/mod/sumdb/note encodings so keys interoperate with Go tooling.
//
// Ed25519 verification is RFC 8032 strict (OpenSSL via node:crypto), checked against the
// Wycheproof vectors; base64 is decoded strictly (RFC 4648 §4, canonical padding bits) so a
// note has exactly one accepted encoding of each signature.

import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign as cryptoSign,
  verify as cryptoVerify,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';

/** Signature type identifier byte assigned to Ed25519 by the signed-note spec. */
export const SIGNATURE_TYPE_ED25519 = 0x01;

/** Upper bound on signature lines per note; the spec requires accepting at least 16. */
export const MAX_NOTE_SIGNATURES = 100;

/** Size in bytes of a checkpoint root hash (SHA-256, RFC 6962). */
export const CHECKPOINT_HASH_SIZE = 32;

const ED25519_PUBLIC_KEY_SIZE = 32;
const ED25519_SEED_SIZE = 32;
const ED25519_SIGNATURE_SIZE = 64;
const KEY_ID_SIZE = 4;
const SIGNATURE_PREFIX = '\u2014 ';
const SIGNER_KEY_PREFIX = 'PRIVATE+KEY+';

// DER headers for raw Ed25519 keys (RFC 8410); node:crypto has no raw-key import.
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const KEY_ID_HEX = /^[0-9a-fA-F]{8}$/;
const CANONICAL_DECIMAL = /^(?:0|[1-9][0-9]*)$/;
// With the u flag a surrogate pair is one code point, so this only matches lone halves.
const LONE_SURROGATE = /\p{Surrogate}/u;
// Go's unicode.IsSpace is exactly the Unicode White_Space property.
const WHITE_SPACE = /\p{White_Space}/u;

/** A failed parse or verification, with a human-readable reason. */
export type Failure = { ok: false; reason: string };

/** A trusted Ed25519 verifier key as named in signature lines. */
export type VerifierKey = { name: string; keyId: Uint8Array; publicKey: Uint8Array };

/** An Ed25519 signing key; `privateKey` is the 32-byte RFC 8032 seed. */
export type SignerKey = { name: string; publicKey: Uint8Array; privateKey: Uint8Array };

/** One signature line of a note, before any verification. */
export type NoteSignature = { name: string; keyId: Uint8Array; signature: Uint8Array };

/** The fields of a tlog-checkpoint note text. */
export type Checkpoint = {
  origin: string;
  size: number;
  rootHash: Uint8Array;
  extensions?: readonly string[];
};

// C2SP signed-note forbids ASCII control characters other than newline.
function hasForbiddenControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 && code !== 0x0a) return true;
  }
  return false;
}

function isWellFormed(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

function fail(reason: string): Failure {
  return { ok: false, reason };
}

function decodeBase64(text: string): Uint8Array | undefined {
  if (!BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  // Reject non-zero padding bits, which Buffer would otherwise silently discard.
  if (bytes.toString('base64') !== text) return undefined;
  return new Uint8Array(bytes);
}

function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a).equals(Buffer.from(b));
}

function concatBytes(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

/** Returns true if `name` is a legal key name (non-empty, no Unicode spaces, no '+', no controls). */
export function isValidKeyName(name: string): boolean {
  return (
    name.length > 0 &&
    isWellFormed(name) &&
    !name.includes('+') &&
    !WHITE_SPACE.test(name) &&
    !hasForbiddenControl(name)
  );
}

function assertKeyName(name: string): void {
  if (!isValidKeyName(name)) throw new TypeError(`invalid key name ${JSON.stringify(name)}`);
}

function assertLength(bytes: Uint8Array, length: number, what: string): void {
  if (bytes.length !== length) {
    throw new TypeError(`${what} must be ${length} bytes, got ${bytes.length}`);
  }
}

/** Computes the 4-byte key ID SHA-256(name || 0x0A || 0x01 || publicKey)[:4]. */
export function keyIdFor(name: string, publicKey: Uint8Array): Uint8Array {
  const digest = createHash('sha256')
    .update(name, 'utf8')
    .update(Uint8Array.of(0x0a, SIGNATURE_TYPE_ED25519))
    .update(publicKey)
    .digest();
  return new Uint8Array(digest.subarray(0, KEY_ID_SIZE));
}

function publicKeyObject(publicKey: Uint8Array): KeyObject {
  return createPublicKey({
    key: Buffer.concat([ED25519_SPKI_PREFIX, publicKey]),
    format: 'der',
    type: 'spki',
  });
}

function privateKeyObject(seed: Uint8Array): KeyObject {
  return createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
}

function rawPublicKey(key: KeyObject): Uint8Array {
  const jwk = key.export({ format: 'jwk' });
  return new Uint8Array(Buffer.from(jwk.x ?? '', 'base64url'));
}

/** Derives the 32-byte Ed25519 public key from a 32-byte seed. */
export function publicKeyFromSeed(seed: Uint8Array): Uint8Array {
  assertLength(seed, ED25519_SEED_SIZE, 'Ed25519 seed');
  return rawPublicKey(createPublicKey(privateKeyObject(seed)));
}

/** Signs `message` with an Ed25519 seed, returning the 64-byte signature. */
export function signEd25519(seed: Uint8Array, message: Uint8Array): Uint8Array {
  assertLength(seed, ED25519_SEED_SIZE, 'Ed25519 seed');
  return new Uint8Array(cryptoSign(null, message, privateKeyObject(seed)));
}

/** RFC 8032 strict Ed25519 verification that returns false (never throws) on any malformed input. */
export function verifyEd25519(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== ED25519_PUBLIC_KEY_SIZE) return false;
  if (signature.length !== ED25519_SIGNATURE_SIZE) return false;
  try {
    return cryptoVerify(null, message, publicKeyObject(publicKey), signature);
  } catch {
    return false;
  }
}

/** Formats a verifier key as "name+hex(keyId)+base64(0x01 || publicKey)". */
export function formatVerifierKey(name: string, publicKey: Uint8Array): string {
  assertKeyName(name);
  assertLength(publicKey, ED25519_PUBLIC_KEY_SIZE, 'Ed25519 public key');
  const keyId = Buffer.from(keyIdFor(name, publicKey)).toString('hex');
  const encoded = encodeBase64(concatBytes(Uint8Array.of(SIGNATURE_TYPE_ED25519), publicKey));
  return `${name}+${keyId}+${encoded}`;
}

/** Splits `text` on the first `count` '+' characters (base64 keys may contain more). */
function splitPlus(text: string, count: number): string[] | undefined {
  const parts: string[] = [];
  let rest = text;
  for (let i = 0; i < count; i++) {
    const at = rest.indexOf('+');
    if (at < 0) return undefined;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  parts.push(rest);
  return parts;
}

function decodeTypedKey(
  name: string,
  keyIdHex: string,
  keyBase64: string,
  what: string,
): { keyId: Uint8Array; material: Uint8Array } | Failure {
  if (!isValidKeyName(name)) return fail(`${what} has an invalid key name`);
  if (!KEY_ID_HEX.test(keyIdHex)) return fail(`${what} key id is not 8 hex digits`);
  const key = decodeBase64(keyBase64);
  if (key === undefined || key.length === 0) return fail(`${what} key is not valid base64`);
  if (key[0] !== SIGNATURE_TYPE_ED25519) {
    return fail(`${what} has unsupported signature type 0x${(key[0] ?? 0).toString(16)}`);
  }
  const material = key.subarray(1);
  if (material.length !== ED25519_PUBLIC_KEY_SIZE) {
    return fail(`${what} Ed25519 key must be 32 bytes, got ${material.length}`);
  }
  return { keyId: new Uint8Array(Buffer.from(keyIdHex, 'hex')), material };
}

/** Parses a "name+keyid+base64key" verifier key and checks that its key id matches. */
export function parseVerifierKey(vkey: string): ({ ok: true } & VerifierKey) | Failure {
  const parts = splitPlus(vkey, 2);
  if (parts === undefined) return fail('verifier key must have the form name+keyid+key');
  const [name = '', keyIdHex = '', keyBase64 = ''] = parts;
  const decoded = decodeTypedKey(name, keyIdHex, keyBase64, 'verifier key');
  if ('ok' in decoded) return decoded;
  if (!bytesEqual(decoded.keyId, keyIdFor(name, decoded.material))) {
    return fail('verifier key id does not match its name and public key');
  }
  return { ok: true, name, keyId: decoded.keyId, publicKey: decoded.material };
}

/** Generates a fresh Ed25519 signer key for `name`. */
export function generateSignerKey(name: string): SignerKey {
  assertKeyName(name);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  const seed = new Uint8Array(Buffer.from(jwk.d ?? '', 'base64url'));
  assertLength(seed, ED25519_SEED_SIZE, 'generated Ed25519 seed');
  return { name, publicKey: rawPublicKey(publicKey), privateKey: seed };
}

/** Formats a signer key in the Go note format "PRIVATE+KEY+name+hex(keyId)+base64(0x01 || seed)". */
export function formatSignerKey(key: { name: string; privateKey: Uint8Array }): string {
  assertKeyName(key.name);
  const publicKey = publicKeyFromSeed(key.privateKey);
  const keyId = Buffer.from(keyIdFor(key.name, publicKey)).toString('hex');
  const encoded = encodeBase64(concatBytes(Uint8Array.of(SIGNATURE_TYPE_ED25519), key.privateKey));
  return `${SIGNER_KEY_PREFIX}${key.name}+${keyId}+${encoded}`;
}

/** Parses a Go-format signer key and checks that its key id matches the derived public key. */
export function parseSignerKey(skey: string): ({ ok: true } & SignerKey) | Failure {
  if (!skey.startsWith(SIGNER_KEY_PREFIX)) return fail('signer key must start with PRIVATE+KEY+');
  const parts = splitPlus(skey.slice(SIGNER_KEY_PREFIX.length), 2);
  if (parts === undefined) return fail('signer key must have the form PRIVATE+KEY+name+keyid+key');
  const [name = '', keyIdHex = '', keyBase64 = ''] = parts;
  const decoded = decodeTypedKey(name, keyIdHex, keyBase64, 'signer key');
  if ('ok' in decoded) return decoded;
  const seed = new Uint8Array(decoded.material);
  const publicKey = publicKeyFromSeed(seed);
  if (!bytesEqual(decoded.keyId, keyIdFor(name, publicKey))) {
    return fail('signer key id does not match its name and public key');
  }
  return { ok: true, name, publicKey, privateKey: seed };
}

function checkNoteText(text: string): string | undefined {
  if (!isWellFormed(text)) return 'text is not valid Unicode';
  if (hasForbiddenControl(text)) return 'text contains an ASCII control character';
  if (!text.endsWith('\n')) return 'text must end with a newline';
  return undefined;
}

/** Signs note text (which must end in a newline) and returns the signed note. */
export function signNote(text: string, signer: { name: string; privateKey: Uint8Array }): string {
  const problem = checkNoteText(text);
  if (problem !== undefined) throw new TypeError(`cannot sign note: ${problem}`);
  assertKeyName(signer.name);
  const publicKey = publicKeyFromSeed(signer.privateKey);
  const signature = signEd25519(signer.privateKey, Buffer.from(text, 'utf8'));
  const encoded = encodeBase64(concatBytes(keyIdFor(signer.name, publicKey), signature));
  // The text is separated from signatures by the *last* blank line, and signature lines can
  // never be blank, so any newline-terminated text round-trips.
  return `${text}\n${SIGNATURE_PREFIX}${signer.name} ${encoded}\n`;
}

/** Splits a note into its text and signature lines without verifying anything; the text is untrusted. */
export function parseNoteUnverified(
  note: string,
): { ok: true; text: string; signatures: NoteSignature[] } | Failure {
  if (!isWellFormed(note)) return fail('note is not valid Unicode');
  if (hasForbiddenControl(note)) return fail('note contains an ASCII control character');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) return fail('note has no blank line before its signatures');
  const text = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  if (block.length === 0) return fail('note has no signature lines');
  if (!block.endsWith('\n')) return fail('signature block does not end with a newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) return fail('note has too many signatures');
  const signatures: NoteSignature[] = [];
  for (const [i, line] of lines.entries()) {
    const where = `signature line ${i + 1}`;
    if (!line.startsWith(SIGNATURE_PREFIX)) return fail(`${where} does not start with "— "`);
    const body = line.slice(SIGNATURE_PREFIX.length);
    const space = body.indexOf(' ');
    if (space < 0) return fail(`${where} has no signature after the key name`);
    const name = body.slice(0, space);
    if (!isValidKeyName(name)) return fail(`${where} has an invalid key name`);
    const decoded = decodeBase64(body.slice(space + 1));
    if (decoded === undefined) return fail(`${where} has malformed base64`);
    if (decoded.length <= KEY_ID_SIZE) return fail(`${where} is too short`);
    signatures.push({
      name,
      keyId: decoded.slice(0, KEY_ID_SIZE),
      signature: decoded.slice(KEY_ID_SIZE),
    });
  }
  return { ok: true, text, signatures };
}

/**
 * Opens a signed note: unknown keys are ignored, any failing signature from a known key
 * rejects the note, and at least one known key must have signed.
 */
export function openNote(
  note: string,
  verifiers: readonly VerifierKey[],
): { ok: true; text: string; verifiedBy: string[] } | Failure {
  const parsed = parseNoteUnverified(note);
  if (!parsed.ok) return parsed;
  const message = Buffer.from(parsed.text, 'utf8');
  const verifiedBy: string[] = [];
  for (const sig of parsed.signatures) {
    // The spec identifies a key by the (name, key ID) pair; sharing just one is "unknown".
    const key = verifiers.find((v) => v.name === sig.name && bytesEqual(v.keyId, sig.keyId));
    if (key === undefined) continue;
    if (!verifyEd25519(key.publicKey, message, sig.signature)) {
      return fail(`signature by ${sig.name} does not verify`);
    }
    if (!verifiedBy.includes(sig.name)) verifiedBy.push(sig.name);
  }
  if (verifiedBy.length === 0) return fail('note is not signed by any known key');
  return { ok: true, text: parsed.text, verifiedBy };
}

/** Formats checkpoint note text: origin, decimal size, base64 root hash, then extension lines. */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  const { origin, size, rootHash, extensions = [] } = checkpoint;
  const lines = [origin, ...extensions];
  if (origin.length === 0) throw new TypeError('checkpoint origin must be non-empty');
  for (const line of lines) {
    if (line.length === 0) throw new TypeError('checkpoint extension lines must be non-empty');
    if (line.includes('\n') || hasForbiddenControl(line) || !isWellFormed(line)) {
      throw new TypeError('checkpoint lines must be single lines of valid Unicode text');
    }
  }
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new RangeError(`checkpoint size must be a non-negative safe integer, got ${size}`);
  }
  assertLength(rootHash, CHECKPOINT_HASH_SIZE, 'checkpoint root hash');
  const body = [origin, String(size), encodeBase64(rootHash), ...extensions];
  return `${body.join('\n')}\n`;
}

/** Parses checkpoint note text, requiring a canonical decimal size and a 32-byte root hash. */
export function parseCheckpoint(
  text: string,
): ({ ok: true } & Required<Checkpoint> & { extensions: string[] }) | Failure {
  if (!isWellFormed(text)) return fail('checkpoint is not valid Unicode');
  if (hasForbiddenControl(text)) return fail('checkpoint contains an ASCII control character');
  if (!text.endsWith('\n')) return fail('checkpoint must end with a newline');
  const [origin = '', sizeLine, rootLine, ...extensions] = text.slice(0, -1).split('\n');
  if (sizeLine === undefined || rootLine === undefined) {
    return fail('checkpoint has fewer than three lines');
  }
  if (origin.length === 0) return fail('checkpoint origin is empty');
  if (!CANONICAL_DECIMAL.test(sizeLine)) {
    return fail('checkpoint size is not a decimal integer without leading zeros');
  }
  const size = Number(sizeLine);
  if (!Number.isSafeInteger(size)) return fail('checkpoint size exceeds 2^53 - 1');
  const rootHash = decodeBase64(rootLine);
  if (rootHash === undefined) return fail('checkpoint root hash is not valid base64');
  if (rootHash.length !== CHECKPOINT_HASH_SIZE) {
    return fail(`checkpoint root hash is ${rootHash.length} bytes, expected 32`);
  }
  const empty = extensions.findIndex((line) => line.length === 0);
  if (empty >= 0) return fail(`checkpoint extension line ${empty + 1} is empty`);
  return { ok: true, origin, size, rootHash, extensions };
}

/** Opens a signed checkpoint note and checks that it comes from the expected origin. */
export function openCheckpoint(
  note: string,
  verifiers: readonly VerifierKey[],
  expectedOrigin: string,
): ({ ok: true; verifiedBy: string[] } & Required<Checkpoint> & { extensions: string[] }) | Failure {
  const opened = openNote(note, verifiers);
  if (!opened.ok) return opened;
  const checkpoint = parseCheckpoint(opened.text);
  if (!checkpoint.ok) return checkpoint;
  // tlog-checkpoint: the origin, not the signing key name, identifies the log.
  if (checkpoint.origin !== expectedOrigin) {
    return fail(`checkpoint origin ${JSON.stringify(checkpoint.origin)} is not the expected log`);
  }
  return { ...checkpoint, verifiedBy: opened.verifiedBy };
}
