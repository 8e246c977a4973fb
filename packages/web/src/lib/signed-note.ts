// C2SP signed notes (https://c2sp.org/signed-note) and tlog checkpoints
// (https://c2sp.org/tlog-checkpoint), verified in the browser with WebCrypto Ed25519.
// Threat: a checkpoint whose size or root was altered in transit or by the server after signing;
// only a signature by the organisation's published verifier key makes the root trustworthy.

import { bytesEqual, concatBytes, decodeBase64, fromHex } from './base64.ts';

/** Signature type byte of Ed25519 in the signed-note spec. */
const ED25519 = 0x01;
const SIGNATURE_PREFIX = '\u2014 ';
const utf8 = new TextEncoder();

export type VerifierKey = { name: string; keyId: Uint8Array; publicKey: Uint8Array };
export type NoteSignature = { name: string; keyId: Uint8Array; signature: Uint8Array; line: string };
export type Checkpoint = { origin: string; size: number; rootHash: Uint8Array; extensions: string[] };
export type Failure = { ok: false; reason: string };

/** Key ID of the signed-note spec: SHA-256(name || 0x0A || 0x01 || public key)[:4]. */
export async function keyIdFor(name: string, publicKey: Uint8Array): Promise<Uint8Array> {
  const input = concatBytes(utf8.encode(name), Uint8Array.of(0x0a, ED25519), publicKey);
  return new Uint8Array(await crypto.subtle.digest('SHA-256', input)).slice(0, 4);
}

/** Splits on the first `count` '+' only: base64 keys may themselves contain '+'. */
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

/** Parses a verifier key `name+keyid+base64(0x01 || key)` and checks its key ID. */
export async function parseVerifierKey(text: string): Promise<({ ok: true } & VerifierKey) | Failure> {
  const parts = splitPlus(text.trim(), 2);
  if (parts === undefined) return { ok: false, reason: 'a verifier key has the form name+keyid+key' };
  const [name = '', idHex = '', keyB64 = ''] = parts;
  const keyId = /^[0-9a-fA-F]{8}$/.test(idHex) ? fromHex(idHex) : undefined;
  const typed = decodeBase64(keyB64);
  if (name === '' || keyId === undefined || typed === undefined)
    return { ok: false, reason: 'the verifier key is malformed' };
  if (typed.length !== 33 || typed[0] !== ED25519)
    return { ok: false, reason: 'the verifier key is not an Ed25519 key' };
  const publicKey = typed.slice(1);
  if (!bytesEqual(keyId, await keyIdFor(name, publicKey)))
    return { ok: false, reason: 'the verifier key id does not match its name and public key' };
  return { ok: true, name, keyId, publicKey };
}

/** Splits a note into its signed text and its signature lines, without verifying anything. */
export function parseNote(note: string): { ok: true; text: string; signatures: NoteSignature[] } | Failure {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) return { ok: false, reason: 'the note has no signature block' };
  const text = note.slice(0, split + 1);
  const signatures: NoteSignature[] = [];
  for (const line of note.slice(split + 2, -1).split('\n')) {
    if (!line.startsWith(SIGNATURE_PREFIX))
      return { ok: false, reason: `malformed signature line "${line}"` };
    const rest = line.slice(SIGNATURE_PREFIX.length);
    const space = rest.lastIndexOf(' ');
    const bytes = space > 0 ? decodeBase64(rest.slice(space + 1)) : undefined;
    if (bytes === undefined || bytes.length < 5)
      return { ok: false, reason: `malformed signature line "${line}"` };
    signatures.push({
      name: rest.slice(0, space),
      keyId: bytes.slice(0, 4),
      signature: bytes.slice(4),
      line,
    });
  }
  if (signatures.length === 0) return { ok: false, reason: 'the note has no signatures' };
  return { ok: true, text, signatures };
}

/** Parses a checkpoint body: origin, decimal tree size, base64 root hash, optional extension lines. */
export function parseCheckpointText(text: string): ({ ok: true } & Checkpoint) | Failure {
  const lines = text.split('\n');
  if (lines.pop() !== '') return { ok: false, reason: 'the checkpoint must end with a newline' };
  const [origin, sizeText, rootText, ...extensions] = lines;
  if (!origin || sizeText === undefined || rootText === undefined)
    return { ok: false, reason: 'a checkpoint has an origin, a size and a root hash' };
  if (!/^(?:0|[1-9][0-9]*)$/.test(sizeText) || !Number.isSafeInteger(Number(sizeText)))
    return { ok: false, reason: `the tree size "${sizeText}" is not a decimal number` };
  const rootHash = decodeBase64(rootText);
  if (rootHash === undefined || rootHash.length !== 32)
    return { ok: false, reason: 'the root hash is not 32 bytes of base64' };
  return { ok: true, origin, size: Number(sizeText), rootHash, extensions };
}

/** Verifies an Ed25519 signature with WebCrypto; undefined when the browser lacks Ed25519. */
async function verifyEd25519(
  publicKey: Uint8Array<ArrayBuffer>,
  message: Uint8Array<ArrayBuffer>,
  signature: Uint8Array<ArrayBuffer>,
): Promise<boolean | undefined> {
  let key: CryptoKey;
  try {
    key = await crypto.subtle.importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify']);
  } catch {
    return undefined;
  }
  return crypto.subtle.verify({ name: 'Ed25519' }, key, signature, message);
}

export type OpenedNote =
  | { ok: true; text: string; signatureLine: string; keyName: string }
  | { ok: false; reason: string; unsupported?: true };

/**
 * Verifies a signed note: it is accepted only when a signature by the given verifier key (same
 * name and key ID) verifies over the exact note text and no signature by that key fails.
 */
export async function openNote(note: string, verifierKey: string): Promise<OpenedNote> {
  const key = await parseVerifierKey(verifierKey);
  if (!key.ok) return key;
  const parsed = parseNote(note);
  if (!parsed.ok) return parsed;
  const message = utf8.encode(parsed.text);
  let signatureLine: string | undefined;
  for (const sig of parsed.signatures) {
    // The spec identifies a key by the (name, key ID) pair; other signatures are ignored.
    if (sig.name !== key.name || !bytesEqual(sig.keyId, key.keyId)) continue;
    if (sig.signature.length !== 64) return { ok: false, reason: 'the signature is not 64 bytes' };
    const valid = await verifyEd25519(new Uint8Array(key.publicKey), message, new Uint8Array(sig.signature));
    if (valid === undefined)
      return { ok: false, reason: 'this browser cannot verify Ed25519 signatures', unsupported: true };
    if (!valid) return { ok: false, reason: `the signature by ${sig.name} does not verify` };
    signatureLine ??= sig.line;
  }
  if (signatureLine === undefined) return { ok: false, reason: 'the note is not signed by the verifier key' };
  return { ok: true, text: parsed.text, signatureLine, keyName: key.name };
}

export type OpenedCheckpoint =
  | { ok: true; checkpoint: Checkpoint; text: string; signatureLine: string; keyName: string }
  | { ok: false; reason: string; unsupported?: true };

/** Opens a signed checkpoint: a verified note whose text is a well-formed checkpoint. */
export async function openCheckpoint(note: string, verifierKey: string): Promise<OpenedCheckpoint> {
  const opened = await openNote(note, verifierKey);
  if (!opened.ok) return opened;
  const checkpoint = parseCheckpointText(opened.text);
  if (!checkpoint.ok) return checkpoint;
  const { ok: _ok, ...fields } = checkpoint;
  return { ...opened, checkpoint: fields };
}
