import { gzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { z } from 'zod';
import { errorResponseSchema, pullResponseSchema, type PullResponse } from '#shared/sync/protocol';

const gzipAsync = promisify(gzip);

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
   */
  async page(
    path: string,
    options: { query: Record<string, string | number | undefined>; signal: AbortSignal },
  ): Promise<PulledPage> {
    const response = await this.#fetch(
      'GET',
      path,
      { accept: 'application/json', 'accept-encoding': 'gzip' },
      undefined,
      options,
    );
    const bytes = await this.#readBytes(response);
    const split =
      response.ok && /^application\/json\b/.test(response.headers.get('content-type') ?? '') ? splitPage(bytes) : null;
    if (!split) {
      const { rows, ...envelope } = shaped(
        pullResponseSchema,
        this.#parse(response, bytes.toString('utf8')),
        response,
        path,
      );
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

  /** Turns an answer into a value, or into the error it describes. */
  #parse(response: Response, text: string): unknown {
    const type = response.headers.get('content-type') ?? '';
    const isJson = /^application\/json\b/.test(type);
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
