import type { Store } from '../store';
import { m0010Initial } from './0010-initial';
import type { CloudMigration } from './types';

/** Every migration of the cloud schema, in order. Append only. */
export const CLOUD_MIGRATIONS: readonly CloudMigration[] = [m0010Initial];

/** The database was migrated by a newer cloud service: refuse to run against it. */
export class CloudSchemaFromFutureError extends Error {
  constructor(dbVersion: number, appVersion: number) {
    super(
      `The cloud database has schema ${dbVersion}; this service knows ${appVersion}. Run the newer service (or restore a backup).`,
    );
    this.name = 'CloudSchemaFromFutureError';
  }
}

/**
 * Brings the schema up to date: every pending migration in one transaction, under an advisory
 * lock, so several instances starting at once against one database migrate it once.
 */
export async function migrateCloud(
  store: Store,
  migrations: readonly CloudMigration[] = CLOUD_MIGRATIONS,
): Promise<{ from: number; to: number }> {
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  return store.tx(async (q) => {
    // An arbitrary constant: the lock key of "benchline cloud migrations".
    await q.query('SELECT pg_advisory_xact_lock(7407150301)');
    await q.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const { rows } = await q.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_migrations');
    const from = rows[0]?.version ?? 0;
    if (from > latest) throw new CloudSchemaFromFutureError(from, latest);
    for (const migration of migrations) {
      if (migration.version <= from) continue;
      await q.query(migration.sql);
      await q.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
    }
    return { from, to: Math.max(from, latest) };
  });
}
