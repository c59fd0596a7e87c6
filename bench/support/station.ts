import { join } from 'node:path';
import pino from 'pino';
import { Core } from '../../src/core/app';
import { openDatabase, type Db } from '../../src/core/db/connection';

/** Creates a demo station (schema, products, policies, operators) in `dataDir`, closed again. */
export function seedDemoStation(dataDir: string): void {
  const core = new Core({ dataDir, demo: true, version: 'bench', log: pino({ level: 'silent' }) });
  core.close();
}

/** The station database of `dataDir`, opened as the core opens it. */
export function openStationDb(dataDir: string): Db {
  return openDatabase(join(dataDir, 'station.db'));
}

/** A small deterministic generator (mulberry32), so every run builds the same data. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
