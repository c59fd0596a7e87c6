import type { Db } from '../connection';
import { m0010Initial } from './0010-initial';
import { m0050Packing } from './0050-packing';
import { m0060Returns } from './0060-returns';
import { m0070Review } from './0070-review';
import { m0080Printing } from './0080-printing';
import { m0110FraudReview } from './0110-fraud-review';
import { m0120OrderLookups } from './0120-order-lookups';
import { m0130Sync } from './0130-sync';
import { m0140LatestAtStation } from './0140-latest-at-station';
import { m0170FraudPeriod } from './0170-fraud-period';
import { m0180RmaReceipts } from './0180-rma-receipts';
import { m0200EventIndexes } from './0200-event-indexes';
import { m0210LogRestarts } from './0210-log-restarts';
import { m0220EventTypes } from './0220-event-types';
import { m0230StageProductsLiveShape } from './0230-stage-products-live-shape';
import { m0240CatalogTwinIndexNames } from './0240-catalog-twin-index-names';
import { m0250PrintDocumentsKept } from './0250-print-documents-kept';
import { m0260StageTally } from './0260-stage-tally';
import type { Migration } from './types';

/** Every migration, in order. Append only: never edit or reorder a released one. */
export const MIGRATIONS: readonly Migration[] = [
  m0010Initial,
  m0050Packing,
  m0060Returns,
  m0070Review,
  m0080Printing,
  m0110FraudReview,
  m0120OrderLookups,
  m0130Sync,
  m0140LatestAtStation,
  m0170FraudPeriod,
  m0180RmaReceipts,
  m0200EventIndexes,
  m0210LogRestarts,
  m0220EventTypes,
  m0230StageProductsLiveShape,
  m0240CatalogTwinIndexNames,
  m0250PrintDocumentsKept,
  m0260StageTally,
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

/** The database was written by a newer Benchline; opening it could corrupt it. */
export class DbFromFutureError extends Error {
  readonly dbVersion: number;
  readonly appVersion: number;

  constructor(dbVersion: number, appVersion: number) {
    super(
      `This station database was written by a newer Benchline (schema ${dbVersion}; this app knows ${appVersion}). ` +
        'Install the newer Benchline to open it; the data has not been touched.',
    );
    this.name = 'DbFromFutureError';
    this.dbVersion = dbVersion;
    this.appVersion = appVersion;
  }
}

/**
 * Brings the schema to the latest version: every pending migration and the new
 * `PRAGMA user_version` in one transaction, so a crash leaves the old schema intact.
 * A database newer than this app is refused before anything is written.
 */
export function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): { from: number; to: number } {
  assertMonotonic(migrations);
  const from = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  if (from > latest) throw new DbFromFutureError(from, latest);
  const pending = migrations.filter((m) => m.version > from);
  if (pending.length === 0) return { from, to: from };
  db.transaction(() => {
    for (const migration of pending) migration.up(db);
    db.pragma(`user_version = ${latest}`);
  })();
  return { from, to: latest };
}

function assertMonotonic(migrations: readonly Migration[]): void {
  for (let i = 1; i < migrations.length; i++) {
    const prev = migrations[i - 1]!.version;
    const next = migrations[i]!.version;
    if (prev >= next) throw new Error(`Migration versions are not monotonic: ${prev} >= ${next}`);
  }
}
