import Database from 'better-sqlite3';
import { join } from 'node:path';

/** Opens a station database read-only, as an auditor would, to check what the core wrote. */
export function inspectStation(dataDir: string): Database.Database {
  return new Database(join(dataDir, 'station.db'), { readonly: true, fileMustExist: true });
}

export function eventTypes(db: Database.Database): string[] {
  return db
    .prepare<[], { type: string }>('SELECT type FROM events ORDER BY seq')
    .all()
    .map((row) => row.type);
}
