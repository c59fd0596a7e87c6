import { describe, expect, it } from 'vitest';
import { ulid } from '../../../src/core/util/ulid';

describe('ulid', () => {
  it('is 26 Crockford base32 characters, time first', () => {
    const id = ulid(Date.UTC(2026, 10, 30));
    expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(ulid(Date.UTC(2026, 10, 30) + 1) > id).toBe(true);
  });

  it('sorts in creation order within one millisecond', () => {
    const ids = Array.from({ length: 500 }, () => ulid(1_700_000_000_000));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('draws a fresh random part for each millisecond, across many refills of its random pool', () => {
    // 4 KiB of random bytes make 256 random parts: 3000 ids go through the pool about twelve times.
    const parts = Array.from({ length: 3000 }, (_, i) => ulid(1_800_000_000_000 + i).slice(10));
    expect(new Set(parts).size).toBe(parts.length);
    // Every base32 digit turns up in the random parts (a stuck or zeroed pool would not give that).
    expect(new Set(parts.join('')).size).toBe(32);
  });
});
