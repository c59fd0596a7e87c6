import { gunzip, gzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { z } from 'zod';
import { errorResponseSchema, pullResponseSchema, type PullResponse } from '#shared/sync/protocol';

const gzipAsync = promisify(gzip);

/** What a page may inflate to: far above any real page (5000 rows), a bound on a gzip bomb. */
const PAGE_MAX_BYTES = 256 * 1024 * 1024;
/** The form of page the station asks for first: the page's JSON as a gzip file (docs/sync-protocol.md). */
const GZIP_PAGE = /^application\/gzip\b/;
const JSON_TYPE = /^application\/json\b/;

/**
 * Why a request to the cloud failed, and what to do about it:
 * - `network`: no answer, a cut connection, a timeout, a truncated or corrupt body — retry later;
 * - `server`: 5xx, 429, 408 — retry later;
 * - `bad_response`: an answer that is not the cloud's (a captive portal's HTML, a proxy's page) — retry later;
 * - anything else: the cloud's own error code (`station_revoked`, `must_refetch`, `gap`, …).
 */
export class SyncHttpError extends Error {
  readonly status: number | null;
  readonly code: string;
  readonly retryable: boolean;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    status: number | null,
    code: string,
    message: string,
    retryable: boolean,
    details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'SyncHttpError';
    this.status = status;
    this.code = code;
    this.retryable = retryable;
    this.details = details;
  }
}

export type ClientOptions = {
  baseUrl: string;
  token: string | null;
  /** The whole request, headers and body, must finish within this. */
  timeoutMs: number;
  userAgent: string;
};

type RequestOptions = {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  signal?: AbortSignal;
};

/**
 * The station's HTTP link to the cloud: JSON both ways, request bodies gzipped, gzip answers
 * accepted, a deadline on every request (a half-open socket or a long-poll that never returns
 * ends as a timeout), and every answer checked against its schema before anyone uses it.
 */
export class SyncClient {
  readonly #options: ClientOptions;

  constructor(options: ClientOptions) {
    this.#options = { ...options, baseUrl: options.baseUrl.replace(/\/+$/, '') };
  }

  get baseUrl(): string {
    return this.#options.baseUrl;
  }

  /** A JSON request whose JSON answer must match `schema`. */
  async json<S extends z.ZodType>(
    method: 'GET' | 'POST',
    path: string,
    schema: S,
    options: RequestOptions = {},
  ): Promise<z.output<S>> {
    const headers: Record<string, string> = { accept: 'application/json', 'accept-encoding': 'gzip' };
    let body: Buffer | undefined;
    if (options.body !== undefined) {
      const text = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
      if (text.length > 1024) {
        body = await gzipAsync(text, { level: 1 });
        headers['content-encoding'] = 'gzip';
      } else {
        body = Buffer.from(text);
      }
    }
    const response = await this.#fetch(method, path, headers, body, options);
    const text = await this.#read(response);
    return shaped(schema, this.#parse(response, text), response, path);
  }

  /**
   * A page of a stream. The cloud writes a page's rows last, one to a line: the envelope is read
   * and checked here, and each row is parsed only when it is written (`PulledPage.row`), a chunk
   * at a time — so a page of thousands of rows never holds the core's thread for one long
   * `JSON.parse`, and a row's objects live only as long as its chunk's transaction (they die
   * young, instead of all of a page's outliving the collector's first passes). An answer laid
   * out otherwise is parsed whole.
   *
   * The page is asked for as a gzip file (`application/gzip`) and inflated here in one pass on
   * the thread pool. With gzip as the transfer's content-encoding, `fetch` inflates the body as a
   * stream, 16 KiB at a time, one turn of the event loop each — and the loop turns only between
   * the chunks of the page being written, so the next page's body was still being inflated when
   * the station wanted it: 2.6–2.9 s of waiting in a 15 s first sync of 1M rows (`sync.pull`). A
   * cloud that only knows content-encoding (or a small page, sent as it is) is read as before.
   */
  async page(
    path: string,
    options: { query: Record<string, string | number | undefined>; signal: AbortSignal },
  ): Promise<PulledPage> {
    const response = await this.#fetch(
      'GET',
      path,
      { accept: 'application/gzip, application/json;q=0.9', 'accept-encoding': 'gzip' },
      undefined,
      options,
    );
    const type = response.headers.get('content-type') ?? '';
    const received = await this.#readBytes(response);
    const zipped = response.ok && GZIP_PAGE.test(type);
    const bytes = zipped ? await inflatePage(received) : received;
    const split = response.ok && (zipped || JSON_TYPE.test(type)) ? splitPage(bytes) : null;
    if (!split) {
      const text = bytes.toString('utf8');
      const { rows, ...envelope } = shaped(pullResponseSchema, this.#parse(response, text, zipped), response, path);
      return { ...envelope, length: rows.length, row: (i) => rows[i] };
    }
    const { rows: _none, ...envelope } = shaped(pullResponseSchema, { ...split.envelope, rows: [] }, response, path);
    return {
      ...envelope,
      length: split.length,
      row: (i) => {
        try {
          return JSON.parse(split.line(i)) as unknown;
        } catch {
          throw new SyncHttpError(
            response.status,
            'bad_response',
            'A row of the page is not valid JSON (cut off?).',
            true,
          );
        }
      },
    };
  }

  /** A raw request (file chunks); the answer's status and headers, its body read and dropped. */
  async raw(
    method: 'HEAD' | 'PATCH',
    path: string,
    headers: Record<string, string>,
    body: Buffer | undefined,
    signal?: AbortSignal,
  ): Promise<{ status: number; headers: Headers }> {
    const response = await this.#fetch(method, path, headers, body, signal ? { signal } : {});
    const text = await this.#read(response);
    if (response.status >= 400 && response.status !== 404) this.#parse(response, text);
    return { status: response.status, headers: response.headers };
  }

  async #fetch(
    method: string,
    path: string,
    headers: Record<string, string>,
    body: Buffer | undefined,
    options: RequestOptions,
  ): Promise<Response> {
    const url = new URL(this.#options.baseUrl + path);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const all: Record<string, string> = { 'user-agent': this.#options.userAgent, ...headers };
    if (this.#options.token) all['authorization'] = `Bearer ${this.#options.token}`;
    const deadline = AbortSignal.timeout(this.#options.timeoutMs);
    const signal = options.signal ? AbortSignal.any([deadline, options.signal]) : deadline;
    try {
      return await fetch(url, {
        method,
        headers: all,
        ...(body === undefined ? {} : { body: new Uint8Array(body) }),
        signal,
      });
    } catch (error) {
      throw networkError(error, url, deadline);
    }
  }

  async #read(response: Response): Promise<string> {
    return (await this.#readBytes(response)).toString('utf8');
  }

  async #readBytes(response: Response): Promise<Buffer> {
    try {
      return Buffer.from(await response.arrayBuffer());
    } catch (error) {
      // A connection cut in the middle of the body, or a gzip stream that ends early.
      throw new SyncHttpError(null, 'network', `The answer was cut off: ${(error as Error).message}`, true);
    }
  }

  /** Turns an answer into a value, or into the error it describes (`inflated`: a gzip page's JSON). */
  #parse(response: Response, text: string, inflated = false): unknown {
    const type = response.headers.get('content-type') ?? '';
    const isJson = inflated || JSON_TYPE.test(type);
    let value: unknown = undefined;
    if (isJson) {
      try {
        value = JSON.parse(text);
      } catch {
        throw new SyncHttpError(response.status, 'bad_response', 'The answer is not valid JSON (cut off?).', true);
      }
    }
    if (response.ok) {
      if (!isJson)
        throw new SyncHttpError(
          response.status,
          'bad_response',
          `The answer is ${type || 'untyped'}, not JSON: a captive portal or a proxy answered instead of the cloud.`,
          true,
        );
      return value;
    }
    const error = errorResponseSchema.safeParse(value);
    const retryable = response.status >= 500 || response.status === 429 || response.status === 408;
    if (!error.success) {
      throw new SyncHttpError(response.status, retryable ? 'server' : 'bad_response', `HTTP ${response.status}`, true);
    }
    return rethrow(response.status, error.data, retryable);
  }
}

/**
 * A page sent as a gzip file, inflated in one pass on the thread pool: the output buffer is sized
 * from the size gzip records at the end of its stream (so zlib does not hand it back 16 KiB at a
 * time), and bounded. A stream cut short or corrupt is a retryable `network` failure, like a body
 * cut in the middle.
 */
export function inflatePage(bytes: Buffer): Promise<Buffer> {
  // ISIZE: the last four bytes, the inflated size modulo 2^32 (RFC 1952 §2.3.1).
  const size = bytes.length >= 18 ? bytes.readUInt32LE(bytes.length - 4) : 0;
  const chunkSize = Math.min(Math.max(size + 1024, 64 * 1024), 64 * 1024 * 1024);
  return new Promise((resolve, reject) => {
    gunzip(bytes, { chunkSize, maxOutputLength: PAGE_MAX_BYTES }, (error, inflated) => {
      if (error)
        reject(new SyncHttpError(null, 'network', `The page was cut off or is corrupt: ${error.message}`, true));
      else resolve(inflated);
    });
  });
}

/**
 * A downloaded page: the envelope checked, the rows still text. `row(i)` parses row i as the cloud
 * sent it (`[op, kind, id, hash, doc]`, not checked yet); a row that is not JSON throws a
 * retryable `bad_response`.
 */
export type PulledPage = Omit<PullResponse, 'rows'> & { readonly length: number; row(i: number): unknown };

const ROWS_OPEN = Buffer.from('"rows":[');
const ROWS_CLOSE = Buffer.from('\n]}');
const NEWLINE = 10;
const COMMA = 44;

/** A page split into its envelope and its rows' texts, each decoded when it is read. */
export type SplitPage = { envelope: Record<string, unknown>; length: number; line: (i: number) => string };

/**
 * A page laid out as the cloud writes it — `{…envelope…,"rows":[` then `\n<row>,` per row, the
 * last row without its comma, then `\n]}` — as its envelope and the JSON text of each row; null
 * for any other layout (parsed whole instead). A line break can only be whitespace between JSON
 * tokens (never inside a string), so a line is a whole row; a page cut off loses its closing
 * `\n]}` and is refused. Split on the bytes (a newline or a comma byte is never part of a UTF-8
 * multi-byte character) and each row decoded on its own: no string of the whole page is made.
 */
export function splitPage(page: Uint8Array | string): SplitPage | null {
  const bytes = typeof page === 'string' ? Buffer.from(page) : Buffer.from(page.buffer, page.byteOffset, page.length);
  const open = bytes.indexOf(ROWS_OPEN);
  const first = open + ROWS_OPEN.length;
  const last = bytes.length - ROWS_CLOSE.length;
  if (open < 0 || bytes[first] !== NEWLINE || last < first || !bytes.subarray(last).equals(ROWS_CLOSE)) return null;
  let envelope: unknown;
  try {
    envelope = JSON.parse(`${bytes.toString('utf8', 0, open)}"rows":[]}`);
  } catch {
    return null;
  }
  if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope)) return null;
  // Line i is bytes [starts[i], ends[i]): after its newline, before its comma (or the closing newline).
  const starts: number[] = [];
  const ends: number[] = [];
  for (let at = first; at < last;) {
    const next = bytes.indexOf(NEWLINE, at + 1);
    if (next < 0 || next > last) return null;
    const isLast = next === last;
    if (!isLast && bytes[next - 1] !== COMMA) return null;
    starts.push(at + 1);
    ends.push(isLast ? next : next - 1);
    at = next;
  }
  return {
    envelope: envelope as Record<string, unknown>,
    length: starts.length,
    line: (i) => bytes.toString('utf8', starts[i], ends[i]),
  };
}

/** The answer's value in the shape `schema` says, or a retryable bad_response. */
function shaped<S extends z.ZodType>(schema: S, value: unknown, response: Response, path: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new SyncHttpError(
      response.status,
      'bad_response',
      `The cloud's answer to ${path} has an unexpected shape.`,
      true,
    );
  return parsed.data;
}

function rethrow(
  status: number,
  error: { error: string; message: string; details?: Record<string, unknown> | undefined },
  retryable: boolean,
): never {
  throw new SyncHttpError(status, retryable ? 'server' : error.error, error.message, retryable, error.details);
}

function networkError(error: unknown, url: URL, deadline: AbortSignal): SyncHttpError {
  if (deadline.aborted) {
    return new SyncHttpError(null, 'network', `No answer from ${url.host} in time.`, true);
  }
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.code ?? cause?.message ?? (error as Error).message;
  if ((error as Error).name === 'AbortError') return new SyncHttpError(null, 'aborted', 'Sync was stopped.', true);
  return new SyncHttpError(null, 'network', `Cannot reach ${url.host}: ${detail}`, true);
}
