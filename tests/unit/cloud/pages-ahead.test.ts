import { describe, expect, it } from 'vitest';
import { nextCursor, PagesAhead, type PageKey, type ReadyPage } from '../../../src/cloud/services/pages-ahead';

const key = (cursor: string | null, overrides: Partial<PageKey> = {}): PageKey => ({
  stream: 'catalog',
  cursor,
  limit: 5000,
  gzip: true,
  ...overrides,
});
const ready = (next: string | null): Promise<ReadyPage> =>
  Promise.resolve({ body: Buffer.from('page'), gzip: false, next });

describe('pages read ahead', () => {
  it('serves a page made ahead once, and only for the very request it was made for', async () => {
    const ahead = new PagesAhead();
    ahead.start('s1', key('c2'), () => ready('c3'));
    expect(ahead.take('s1', key('c1'))).toBeNull();
    // A request for another page drops it: it is not served later either.
    expect(ahead.take('s1', key('c2'))).toBeNull();
    ahead.start('s1', key('c2'), () => ready('c3'));
    expect(ahead.take('s1', key('c2', { limit: 1000 }))).toBeNull();
    ahead.start('s1', key('c2'), () => ready('c3'));
    expect(ahead.take('s1', key('c2', { gzip: false }))).toBeNull();
    ahead.start('s1', key('c2'), () => ready('c3'));
    expect(ahead.take('s2', key('c2'))).toBeNull();
    expect(await ahead.take('s1', key('c2'))).toMatchObject({ next: 'c3' });
    expect(ahead.take('s1', key('c2'))).toBeNull();
  });

  it('forgets a page after its time, a page that failed, and the oldest station beyond its room', async () => {
    let now = 0;
    const ahead = new PagesAhead({ max: 2, ttlMs: 1000, now: () => now });
    ahead.start('s1', key('c2'), () => ready(null));
    now = 1001;
    expect(ahead.take('s1', key('c2'))).toBeNull();

    ahead.start('s1', key('c2'), () => Promise.reject(new Error('database gone')));
    await new Promise((resolve) => setImmediate(resolve));
    expect(ahead.size).toBe(0);

    ahead.start('s1', key('a'), () => ready(null));
    ahead.start('s2', key('b'), () => ready(null));
    ahead.start('s3', key('c'), () => ready(null));
    expect(ahead.size).toBe(2);
    expect(ahead.take('s1', key('a'))).toBeNull();
    expect(ahead.take('s3', key('c'))).not.toBeNull();
  });

  it('reads the next cursor from a page’s envelope, none when the page was the last', () => {
    const page = (more: boolean): string =>
      `{"stream":"catalog","cursor":"v1.e.9.3","more":${more},"upToDate":false,"checksum":null,"total":null,"rows":[\n["put","brand","b",1,{}]\n]}`;
    expect(nextCursor(page(true))).toBe('v1.e.9.3');
    expect(nextCursor(Buffer.from(page(true)))).toBe('v1.e.9.3');
    expect(nextCursor(page(false))).toBeNull();
  });
});
