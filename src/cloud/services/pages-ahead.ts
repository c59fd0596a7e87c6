import type { StreamName } from '#shared/sync/records';

/** A page's answer ready to send: its body as the station asked for it, and the cursor after it. */
export type ReadyPage = { body: Buffer; gzip: boolean; next: string | null };

/** Which page: a station asks again for exactly this when it goes on. */
export type PageKey = { stream: StreamName; cursor: string | null; limit: number; gzip: boolean };

type Entry = PageKey & { page: Promise<ReadyPage>; at: number };

/**
 * The next page of each station that is downloading, made while the station writes the page it
 * has. A station asks for page k+1 as soon as page k has arrived, and writes page k meanwhile; the
 * cloud, which read, built and compressed page k alone, would otherwise wait for that request
 * before it starts on k+1 (the station's first sync was half idle on both sides: `sync.pull`).
 *
 * A page made ahead is read in its own snapshot, like any page: it is exactly what the station
 * would have had if its request had come a moment earlier, so serving it changes nothing the
 * station can tell. It is served once, only for the very request it was made for (stream, cursor,
 * limit, encoding), and forgotten after `ttlMs`; a failure while making it is forgotten too (the
 * request then reads its page itself). At most `max` stations have a page ahead at a time (about
 * 2 MB each); the oldest goes first. Several instances behind a load balancer each keep their own:
 * a request that reaches another instance simply reads its page there.
 */
export class PagesAhead {
  readonly #entries = new Map<string, Entry>();
  readonly #max: number;
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(options: { max?: number; ttlMs?: number; now?: () => number } = {}) {
    this.#max = options.max ?? 32;
    this.#ttlMs = options.ttlMs ?? 20_000;
    this.#now = options.now ?? Date.now;
  }

  /** How many stations have a page ahead (for tests). */
  get size(): number {
    return this.#entries.size;
  }

  /** The page made ahead for exactly this request, or null. Taken: it is served once. */
  take(stationId: string, key: PageKey): Promise<ReadyPage> | null {
    const entry = this.#entries.get(stationId);
    if (!entry) return null;
    this.#entries.delete(stationId);
    if (this.#now() - entry.at > this.#ttlMs) return null;
    if (entry.stream !== key.stream || entry.cursor !== key.cursor) return null;
    if (entry.limit !== key.limit || entry.gzip !== key.gzip) return null;
    return entry.page;
  }

  /** Starts making the page the station will ask for next (replacing any it had). */
  start(stationId: string, key: PageKey, make: () => Promise<ReadyPage>): void {
    this.#entries.delete(stationId);
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size < this.#max) break;
      this.#entries.delete(oldest);
    }
    const page = make();
    page.catch(() => {
      if (this.#entries.get(stationId)?.page === page) this.#entries.delete(stationId);
    });
    this.#entries.set(stationId, { ...key, page, at: this.#now() });
  }
}

/**
 * The cursor after a page, read from its envelope (written first: `{"stream":…,"cursor":…,
 * "more":…,…,"rows":[`), or null when the page was the last one for now.
 */
export function nextCursor(page: string | Buffer): string | null {
  const text = typeof page === 'string' ? page : page.toString('utf8', 0, Math.min(page.length, 4096));
  const at = text.indexOf('"rows":[');
  if (at < 0) return null;
  const envelope = JSON.parse(`${text.slice(0, at)}"rows":[]}`) as { cursor?: unknown; more?: unknown };
  return envelope.more === true && typeof envelope.cursor === 'string' ? envelope.cursor : null;
}
