import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from './db/connection';
import { BenchError } from './util/errors';

const MAX_BYTES = 6 * 1024 * 1024;

/** What the first bytes of each accepted image format are. */
const FORMATS: { mime: string; ext: string; magic: number[] }[] = [
  { mime: 'image/jpeg', ext: 'jpg', magic: [0xff, 0xd8, 0xff] },
  { mime: 'image/png', ext: 'png', magic: [0x89, 0x50, 0x4e, 0x47] },
  { mime: 'image/webp', ext: 'webp', magic: [0x52, 0x49, 0x46, 0x46] },
];

/**
 * Photos as evidence, stored by content: the file name is the sha256 of the bytes, so a photo is
 * stored once however many events cite it, and anyone can check a photo against its hash (the
 * evidence bundle and the cloud upload do). Written to a temporary name and renamed, so a crash
 * never leaves half a photo under a valid hash.
 */
export class PhotoStore {
  readonly #db: Db;
  readonly #dir: string;

  constructor(db: Db, dataDir: string) {
    this.#db = db;
    this.#dir = join(dataDir, 'photos');
  }

  /** Stores a photo and returns its sha256. Refuses what is not a JPEG, PNG or WebP image. */
  put(bytes: Buffer, now: number): { sha256: string; mime: string } {
    if (bytes.length === 0 || bytes.length > MAX_BYTES)
      throw new BenchError('BAD_INPUT', 'A photo must be between 1 byte and 6 MB.');
    const format = FORMATS.find((f) => f.magic.every((byte, i) => bytes[i] === byte));
    if (!format) throw new BenchError('BAD_INPUT', 'A photo must be a JPEG, PNG or WebP image.');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const path = this.path(sha256, format.ext);
    if (!existsSync(path)) {
      mkdirSync(join(this.#dir, sha256.slice(0, 2)), { recursive: true });
      const temporary = `${path}.${process.pid}.tmp`;
      writeFileSync(temporary, bytes, { flush: true });
      renameSync(temporary, path);
    }
    this.#db
      .prepare(
        'INSERT INTO photos (sha256, mime, bytes, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING',
      )
      .run(sha256, format.mime, bytes.length, now);
    return { sha256, mime: format.mime };
  }

  /** Whether a photo is stored here (recorded and its file present), so a record may cite it. */
  has(sha256: string): boolean {
    const row = this.#db.prepare<[string], { mime: string }>('SELECT mime FROM photos WHERE sha256 = ?').get(sha256);
    const ext = row ? FORMATS.find((f) => f.mime === row.mime)?.ext : undefined;
    return ext !== undefined && existsSync(this.path(sha256, ext));
  }

  /** Where a photo's file lives. */
  path(sha256: string, ext: string): string {
    return join(this.#dir, sha256.slice(0, 2), `${sha256}.${ext}`);
  }
}
