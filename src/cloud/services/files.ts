import { createHash } from 'node:crypto';
import { LIMITS } from '#shared/sync/protocol';
import type { Store } from '../db/store';
import { badRequest, conflict, HttpError, notFound } from '../errors';
import type { StationAuth } from './tenants';

const SHA256 = /^[0-9a-f]{64}$/;

export type FileState = { sha256: string; size: number; offset: number; complete: boolean };

/**
 * Files (photos of defects and returns) uploaded by content hash, resumably: a station asks how
 * much the cloud has (`HEAD`), sends the rest in chunks at that offset (`PATCH`), and the cloud
 * checks the sha256 of the whole before it calls the file complete. Sending a complete file again
 * is a no-op; a chunk at the wrong offset is a 409 that says the right one. Stored in PostgreSQL,
 * so any instance behind a load balancer can take the next chunk.
 */
export class Files {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async state(station: StationAuth, sha256: string): Promise<FileState | null> {
    checkHash(sha256);
    const { rows } = await this.#store.query<{ size: number; received: number; complete: boolean }>(
      'SELECT size, received, complete FROM files WHERE company_id = $1 AND sha256 = $2',
      [station.companyId, sha256],
    );
    const row = rows[0];
    return row ? { sha256, size: Number(row.size), offset: Number(row.received), complete: row.complete } : null;
  }

  async append(
    station: StationAuth,
    sha256: string,
    offset: number,
    size: number,
    contentType: string | null,
    chunk: Buffer,
  ): Promise<FileState> {
    checkHash(sha256);
    if (!Number.isSafeInteger(size) || size < 1 || size > LIMITS.fileBytes)
      throw badRequest(`Upload-Length must be 1..${LIMITS.fileBytes} bytes.`);
    if (!Number.isSafeInteger(offset) || offset < 0) throw badRequest('Upload-Offset must be a whole number of bytes.');
    if (chunk.length === 0 || chunk.length > LIMITS.fileChunkBytes)
      throw badRequest(`A chunk is 1..${LIMITS.fileChunkBytes} bytes.`);
    if (offset + chunk.length > size) throw badRequest('The chunk goes past Upload-Length.');
    return this.#store.tx(async (q) => {
      await q.query(
        `INSERT INTO files (company_id, sha256, size, content_type, station_id) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (company_id, sha256) DO NOTHING`,
        [station.companyId, sha256, size, contentType, station.stationId],
      );
      const { rows } = await q.query<{ size: number; received: number; complete: boolean }>(
        'SELECT size, received, complete FROM files WHERE company_id = $1 AND sha256 = $2 FOR UPDATE',
        [station.companyId, sha256],
      );
      const file = rows[0]!;
      const held = { sha256, size: Number(file.size), offset: Number(file.received), complete: file.complete };
      if (held.complete) return held;
      if (held.size !== size) throw conflict('size_mismatch', `The cloud expects ${held.size} bytes for this file.`);
      if (offset !== held.offset)
        throw conflict('offset_mismatch', `The cloud has ${held.offset} bytes of this file; send from there.`, {
          offset: held.offset,
        });
      await q.query('INSERT INTO file_chunks (company_id, sha256, "offset", data) VALUES ($1, $2, $3, $4)', [
        station.companyId,
        sha256,
        offset,
        chunk,
      ]);
      const received = offset + chunk.length;
      if (received < size) {
        await q.query('UPDATE files SET received = $3 WHERE company_id = $1 AND sha256 = $2', [
          station.companyId,
          sha256,
          received,
        ]);
        return { ...held, offset: received };
      }
      const chunks = await q.query<{ data: Uint8Array }>(
        'SELECT data FROM file_chunks WHERE company_id = $1 AND sha256 = $2 ORDER BY "offset"',
        [station.companyId, sha256],
      );
      const hash = createHash('sha256');
      for (const c of chunks.rows) hash.update(c.data);
      if (hash.digest('hex') !== sha256) {
        // Start again from zero: what arrived is not the file it claims to be.
        await q.query('DELETE FROM file_chunks WHERE company_id = $1 AND sha256 = $2', [station.companyId, sha256]);
        await q.query('UPDATE files SET received = 0 WHERE company_id = $1 AND sha256 = $2', [
          station.companyId,
          sha256,
        ]);
        throw new HttpError(422, 'hash_mismatch', 'The bytes do not hash to the file name; the upload starts over.');
      }
      await q.query(
        'UPDATE files SET received = $3, complete = true, completed_at = now() WHERE company_id = $1 AND sha256 = $2',
        [station.companyId, sha256, received],
      );
      return { ...held, offset: received, complete: true };
    });
  }

  /** A complete file's bytes, for the OMS. */
  async read(companyId: string, sha256: string): Promise<{ data: Buffer; contentType: string }> {
    checkHash(sha256);
    const { rows } = await this.#store.query<{ complete: boolean; content_type: string | null }>(
      'SELECT complete, content_type FROM files WHERE company_id = $1 AND sha256 = $2',
      [companyId, sha256],
    );
    if (!rows[0]?.complete) throw notFound(`There is no complete file ${sha256}.`);
    const chunks = await this.#store.query<{ data: Uint8Array }>(
      'SELECT data FROM file_chunks WHERE company_id = $1 AND sha256 = $2 ORDER BY "offset"',
      [companyId, sha256],
    );
    return {
      data: Buffer.concat(chunks.rows.map((c) => Buffer.from(c.data))),
      contentType: rows[0].content_type ?? 'application/octet-stream',
    };
  }
}

function checkHash(sha256: string): void {
  if (!SHA256.test(sha256)) throw badRequest('A file is named by its sha256: 64 lowercase hex digits.');
}
