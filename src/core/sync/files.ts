import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { LIMITS } from '#shared/sync/protocol';
import type { PhotoStore } from '../photos';
import type { Logger } from '../util/log';
import { SyncHttpError, type SyncClient } from './client';
import type { SyncState } from './state';

const EXT: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' };

/**
 * Uploads the photos the events cite, by content hash, resumably: the cloud says how many bytes
 * of a file it has (HEAD), the rest goes in chunks from there (PATCH), and the cloud checks the
 * sha256 of the whole. A photo the cloud already has costs one HEAD.
 */
export class FileUploader {
  readonly #state: SyncState;
  readonly #photos: PhotoStore;
  readonly #clock: () => number;
  readonly #log: Logger;

  constructor(deps: { state: SyncState; photos: PhotoStore; clock: () => number; log: Logger }) {
    this.#state = deps.state;
    this.#photos = deps.photos;
    this.#clock = deps.clock;
    this.#log = deps.log;
  }

  async run(client: SyncClient, signal: AbortSignal): Promise<number> {
    let uploaded = 0;
    for (;;) {
      const pending = this.#state.pendingFiles(20);
      if (pending.length === 0) return uploaded;
      for (const file of pending) {
        signal.throwIfAborted();
        let bytes: Buffer;
        try {
          bytes = await readFile(this.#photos.path(file.sha256, EXT[file.mime] ?? 'bin'));
        } catch {
          this.#state.fileFailed(file.sha256, 'missing: the photo file is not at the station');
          this.#log.error({ sha256: file.sha256 }, 'photo file missing: it cannot be uploaded');
          continue;
        }
        if (createHash('sha256').update(bytes).digest('hex') !== file.sha256) {
          this.#state.fileFailed(file.sha256, 'missing: the photo file does not match its hash');
          this.#log.error({ sha256: file.sha256 }, 'photo file corrupt: it cannot be uploaded');
          continue;
        }
        await this.#upload(client, file.sha256, file.mime, bytes, signal);
        this.#state.fileUploaded(file.sha256, this.#clock());
        uploaded++;
      }
    }
  }

  async #upload(client: SyncClient, sha256: string, mime: string, bytes: Buffer, signal: AbortSignal): Promise<void> {
    const path = `/v1/files/${sha256}`;
    const head = await client.raw('HEAD', path, {}, undefined, signal);
    if (head.status === 200 && head.headers.get('upload-complete') === '1') return;
    let offset = head.status === 200 ? Number(head.headers.get('upload-offset') ?? 0) : 0;
    while (offset < bytes.length) {
      signal.throwIfAborted();
      const chunk = bytes.subarray(offset, offset + LIMITS.fileChunkBytes);
      try {
        const answer = await client.raw(
          'PATCH',
          path,
          {
            'content-type': 'application/offset+octet-stream',
            'upload-offset': String(offset),
            'upload-length': String(bytes.length),
            'upload-content-type': mime,
          },
          chunk,
          signal,
        );
        if (answer.headers.get('upload-complete') === '1') return;
        offset = Number(answer.headers.get('upload-offset') ?? offset + chunk.length);
      } catch (error) {
        // The cloud has another offset (a chunk that arrived though its answer was lost): go on from there.
        if (
          error instanceof SyncHttpError &&
          error.code === 'offset_mismatch' &&
          typeof error.details?.['offset'] === 'number'
        ) {
          offset = Number(error.details['offset']);
          continue;
        }
        throw error;
      }
    }
  }
}
