/**
 * Passwords, API keys and session tokens.
 *
 * Invariants (docs/security.md):
 * - Passwords are stored only as scrypt hashes (RFC 7914; N=2^15, r=8, p=1, 16-byte salt) and
 *   compared in constant time.
 * - API keys and session tokens carry 256 bits of randomness, so a single SHA-256 is a sufficient
 *   one-way storage form; only the hash is stored, and the secret is shown once.
 * - A key is found by its public prefix and then compared in constant time, so lookups leak
 *   nothing about the secret part.
 */
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const SCRYPT = { N: 2 ** 15, r: 8, p: 1, keylen: 32, maxmem: 64 * 1024 * 1024 };

function scryptAsync(
  password: string,
  salt: Buffer,
  params: { N: number; r: number; p: number },
): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(
      password.normalize('NFKC'),
      salt,
      SCRYPT.keylen,
      { ...params, maxmem: SCRYPT.maxmem },
      (err, key) => (err ? reject(err) : resolve(key)),
    ),
  );
}

/** An scrypt hash in the self-describing form `scrypt$N$r$p$salt$hash`. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, SCRYPT);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** True when the password matches the stored hash; malformed hashes never match. */
export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const parts = (stored ?? '').split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') {
    // Spend comparable time so a missing account is not distinguishable by timing.
    await scryptAsync(password, randomBytes(16), SCRYPT);
    return false;
  }
  const [, n, r, p, salt, hash] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(hash, 'base64');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

const KEY_PATTERN = /^ovs_([0-9a-z]{12})_([A-Za-z0-9_-]{43})$/;

/** A new API key: the full secret (shown once), its public prefix and the hash to store. */
export function generateApiKey(): { secret: string; prefix: string; secretHash: string } {
  const prefix = randomBytes(12)
    .toString('base64url')
    .toLowerCase()
    .replace(/[^0-9a-z]/g, '0')
    .slice(0, 12);
  const secret = `ovs_${prefix}_${randomBytes(32).toString('base64url')}`;
  return { secret, prefix, secretHash: sha256Hex(secret) };
}

/** The prefix of a well-formed key, or null for anything else. */
export function apiKeyPrefix(secret: string): string | null {
  const m = KEY_PATTERN.exec(secret);
  return m ? (m[1] as string) : null;
}

/** Constant-time comparison of a presented secret with a stored hash. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(sha256Hex(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A new opaque token (session, CSRF). */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
