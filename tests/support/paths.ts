import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..');
export const STANDALONE = join(ROOT, 'out', 'main', 'standalone.js');
export const RENDERER_DIR = join(ROOT, 'out', 'renderer');

/** A fresh data folder, removed by the returned function. */
export function tempDir(prefix = 'benchline-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
