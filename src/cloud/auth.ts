import { createHash, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

/**
 * Secrets of the cloud: station tokens, OMS API keys and one-time enrolment codes are stored as
 * their sha256 only, so a copy of the database grants nothing. Webhook secrets are the exception:
 * the cloud signs with them, so it keeps them as they are.
 */

export function sha256Hex(value: string | Buffer): string {
  return createHash('sha256').update(value).digest('hex');
}

/** A new random secret with a recognisable prefix (`bls_` station token, `blk_` API key, `whs_` webhook). */
export function newSecret(prefix: 'bls' | 'blk' | 'whs'): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

/** A new id with a prefix: `cmp_`, `wh_`, `st_`, `key_`, `hook_`. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(9).toString('base64url').replace(/[-_]/g, 'x')}`;
}

// Crockford's base32: no I, L, O or U, so a code read aloud or typed from paper survives.
const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A one-time enrolment code, 10 characters (50 bits) shown as `XXXXX-XXXXX`. */
export function newEnrolmentCode(): string {
  const bytes = randomBytes(10);
  let code = '';
  for (const byte of bytes) code += CODE_ALPHABET[byte & 31];
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/** The form a code is stored and compared in: capitals, no dashes or spaces, I/L→1 and O→0. */
export function normalizeCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
}

/** The bearer token of an Authorization header, or null. */
export function bearer(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+([A-Za-z0-9._~+/=-]{8,200})$/.exec(header.trim());
  return match?.[1] ?? null;
}

export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * A PIN hashed as the station stores it (core/auth/pin.ts): `scrypt$N$r$p$salt$hash`, N=2^14,
 * r=8, p=1, 16-byte salt, 32-byte key. The OMS may send `pin` instead of `pinHash`; it is hashed
 * here and never stored in clear.
 */
export function hashPin(pin: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(pin, salt, 32, { N: 16_384, r: 8, p: 1 });
  return ['scrypt', 16_384, 8, 1, salt.toString('base64'), hash.toString('base64')].join('$');
}
