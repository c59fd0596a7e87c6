/**
 * The row hashes and stream checksums of the download streams. Pure TypeScript (no Node, no
 * DOM), so the cloud, the station and the tests compute the same numbers.
 *
 * A row's hash is a 32-bit hash of its document's canonical JSON; a stream's checksum is the sum
 * of its rows' hashes modulo 2^32 (order-independent, and updatable one row at a time: add the
 * new hash, subtract the old), with the row count beside it — PowerSync's per-bucket checksum.
 * It detects a missing, extra, duplicated or stale row; it is not a cryptographic seal.
 */

const MOD = 4_294_967_296;

/**
 * MurmurHash3 (x86, 32-bit) over the UTF-16 code units of a string. Code units, not UTF-8 bytes:
 * `shared` has no TextEncoder, and both sides hash the same JavaScript string.
 */
export function hash32(text: string, seed = 0x9747b28c): number {
  let h = seed >>> 0;
  const length = text.length;
  let i = 0;
  // Two code units (32 bits) per block.
  for (; i + 1 < length; i += 2) {
    let k = (text.charCodeAt(i) & 0xffff) | ((text.charCodeAt(i + 1) & 0xffff) << 16);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  if (i < length) {
    let k = text.charCodeAt(i) & 0xffff;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
  }
  h ^= length * 2;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A stream's checksum: how many rows, and the sum of their hashes modulo 2^32. */
export type Checksum = { rows: number; sum: number };

export const EMPTY_CHECKSUM: Checksum = { rows: 0, sum: 0 };

/** Adds (or, with `sign` -1, removes) one row's hash. */
export function checksumAdd(checksum: Checksum, hash: number, sign: 1 | -1 = 1): Checksum {
  return { rows: checksum.rows + sign, sum: mod32(checksum.sum + sign * hash) };
}

/** A sum modulo 2^32, always in [0, 2^32). */
export function mod32(value: number): number {
  return ((value % MOD) + MOD) % MOD;
}

export function sameChecksum(a: Checksum, b: Checksum): boolean {
  return a.rows === b.rows && mod32(a.sum) === mod32(b.sum);
}
