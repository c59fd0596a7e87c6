import { randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';

/**
 * scrypt parameters: N=2^14, r=8, p=1 (about 16 MiB and tens of milliseconds). A 4-digit PIN has
 * only 10^4 values, so the hash alone cannot protect it against someone holding the database;
 * the lockout after five wrong PINs protects it at the bench, and the cost makes a stolen
 * database slower to walk.
 */
const N = 16_384;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;

/** Hashes a PIN into `scrypt$N$r$p$salt$hash` (base64 salt and hash). */
export function hashPinSync(pin: string, salt: Buffer = randomBytes(16)): string {
  const hash = scryptSync(pin, salt, KEY_LENGTH, { N, r: R, p: P });
  return ['scrypt', N, R, P, salt.toString('base64'), hash.toString('base64')].join('$');
}

/** Checks a PIN against its stored hash in constant time; off the event loop. */
export function verifyPin(pin: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return Promise.resolve(false);
  const [, n, r, p, saltText, hashText] = parts as [string, string, string, string, string, string];
  const salt = Buffer.from(saltText, 'base64');
  const expected = Buffer.from(hashText, 'base64');
  return new Promise((resolve) => {
    scrypt(pin, salt, expected.length, { N: Number(n), r: Number(r), p: Number(p) }, (error, derived) => {
      resolve(!error && derived.length === expected.length && timingSafeEqual(derived, expected));
    });
  });
}
