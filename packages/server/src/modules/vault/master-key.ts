/**
 * The master key (KEK) and the one sealing primitive built on it.
 *
 * Invariants (docs/vault.md):
 * - There is no built-in key. Outside development the server refuses to start without
 *   OVERSIGHT_MASTER_KEY or OVERSIGHT_MASTER_KEY_FILE; in development a random key is created
 *   once in the data directory (mode 0600) and reused by every command on that directory.
 * - Every sealed value binds its purpose and owner as AES-GCM associated data, so a value
 *   copied to another row or purpose fails to open (NIST SP 800-38D; the tag is pinned to
 *   16 bytes because node:crypto otherwise accepts truncated tags).
 * - Purpose keys are derived with HKDF-SHA256 (RFC 5869), never used raw, so a key for one
 *   purpose reveals nothing about another.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { AppError } from '../../shared/app-error.ts';

export type MasterKey = { version: number; key: Uint8Array };

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT = 1;

/** Decodes a 32-byte key written as base64 or hex; a wrong length is an error, never padded. */
export function parseMasterKey(text: string, source: string): MasterKey {
  const t = text.trim();
  const buf = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (buf.length !== KEY_BYTES)
    throw new AppError(
      'VALIDATION_FAILED',
      `${source} must be 32 bytes in base64 or hex (got ${buf.length} bytes)`,
    );
  return { version: 1, key: new Uint8Array(buf) };
}

export type MasterKeySource = {
  env: Record<string, string | undefined>;
  development: boolean;
  devKeyPath: string;
};

/** Loads the KEK from the environment or a key file; creates a random one only in development. */
export function loadMasterKey(src: MasterKeySource): { key: MasterKey; origin: string } {
  const inline = src.env['OVERSIGHT_MASTER_KEY'];
  if (inline) return { key: parseMasterKey(inline, 'OVERSIGHT_MASTER_KEY'), origin: 'OVERSIGHT_MASTER_KEY' };
  const file = src.env['OVERSIGHT_MASTER_KEY_FILE'];
  if (file) return { key: parseMasterKey(readFileSync(file, 'utf8'), `key file ${file}`), origin: file };
  // A key created earlier by a development server for this data directory belongs to its data.
  if (existsSync(src.devKeyPath))
    return {
      key: parseMasterKey(readFileSync(src.devKeyPath, 'utf8'), src.devKeyPath),
      origin: src.devKeyPath,
    };
  if (!src.development)
    throw new AppError(
      'VALIDATION_FAILED',
      'no master key: set OVERSIGHT_MASTER_KEY (32 bytes, base64) or OVERSIGHT_MASTER_KEY_FILE; ' +
        'only development mode (OVERSIGHT_ENV=development) may create one',
    );
  mkdirSync(dirname(src.devKeyPath), { recursive: true });
  writeFileSync(src.devKeyPath, randomBytes(KEY_BYTES).toString('base64') + '\n', {
    mode: 0o600,
    flag: 'wx',
  });
  return {
    key: parseMasterKey(readFileSync(src.devKeyPath, 'utf8'), src.devKeyPath),
    origin: src.devKeyPath,
  };
}

/** Derives a purpose-specific 32-byte key from the KEK (HKDF-SHA256, info names the purpose). */
export function derivePurposeKey(master: MasterKey, purpose: string): Uint8Array {
  return new Uint8Array(
    hkdfSync('sha256', master.key, new Uint8Array(0), `oversight/v1/${purpose}`, KEY_BYTES),
  );
}

/** Seals bytes under the KEK for one purpose, binding `context` as associated data. */
export function sealWithMasterKey(
  master: MasterKey,
  purpose: string,
  context: string,
  plaintext: Uint8Array,
): Uint8Array {
  const key = derivePurposeKey(master, purpose);
  const iv = randomBytes(IV_BYTES);
  const header = Buffer.from([FORMAT, master.version]);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.concat([header, Buffer.from(`${purpose}\n${context}`, 'utf8')]));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return new Uint8Array(Buffer.concat([header, iv, body, cipher.getAuthTag()]));
}

/** Opens a sealed value; fails for another key, purpose or context, or any changed byte. */
export function openWithMasterKey(
  master: MasterKey,
  purpose: string,
  context: string,
  sealed: Uint8Array,
): Uint8Array {
  const buf = Buffer.from(sealed);
  if (buf.length < 2 + IV_BYTES + TAG_BYTES || buf[0] !== FORMAT)
    throw new AppError('INTERNAL', 'sealed value has an unknown format');
  if (buf[1] !== master.version) throw new AppError('INTERNAL', `sealed under master key version ${buf[1]}`);
  const header = buf.subarray(0, 2);
  const iv = buf.subarray(2, 2 + IV_BYTES);
  const tag = buf.subarray(buf.length - TAG_BYTES);
  const body = buf.subarray(2 + IV_BYTES, buf.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', derivePurposeKey(master, purpose), iv, {
    authTagLength: TAG_BYTES,
  });
  decipher.setAAD(Buffer.concat([header, Buffer.from(`${purpose}\n${context}`, 'utf8')]));
  decipher.setAuthTag(tag);
  try {
    return new Uint8Array(Buffer.concat([decipher.update(body), decipher.final()]));
  } catch {
    throw new AppError('INTERNAL', 'sealed value failed authentication (wrong key, context or tampered)');
  }
}
