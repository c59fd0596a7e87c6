import type { Role } from '#shared/domain/roles';
import type { Db } from '../connection';

export type OperatorRecord = {
  id: string;
  name: string;
  role: Role;
  badge: string;
  pinHash: string;
  active: boolean;
};

type OperatorRow = { id: string; name: string; role: Role; badge_code: string; pin_hash: string; active: number };

function rowToOperator(row: OperatorRow): OperatorRecord {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    badge: row.badge_code,
    pinHash: row.pin_hash,
    active: row.active === 1,
  };
}

export type OperatorQueries = ReturnType<typeof operatorQueries>;

export function operatorQueries(db: Db) {
  const byBadge = db.prepare<[string], OperatorRow>('SELECT * FROM operators WHERE badge_code = ?');
  const byId = db.prepare<[string], OperatorRow>('SELECT * FROM operators WHERE id = ?');
  const all = db.prepare<[], OperatorRow>('SELECT * FROM operators ORDER BY role, name');
  const upsert = db.prepare(
    `INSERT INTO operators (id, name, role, badge_code, pin_hash, active) VALUES (@id, @name, @role, @badge, @pinHash, @active)
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, role = excluded.role, badge_code = excluded.badge_code,
       pin_hash = excluded.pin_hash, active = excluded.active`,
  );
  const lockout = db.prepare<[string], { failed_count: number; locked_until: number | null }>(
    'SELECT failed_count, locked_until FROM badge_lockouts WHERE badge_code = ?',
  );
  const setLockout = db.prepare(
    `INSERT INTO badge_lockouts (badge_code, failed_count, locked_until) VALUES (?, ?, ?)
     ON CONFLICT (badge_code) DO UPDATE SET failed_count = excluded.failed_count, locked_until = excluded.locked_until`,
  );
  const clearLockout = db.prepare('DELETE FROM badge_lockouts WHERE badge_code = ?');

  return {
    byBadge(badge: string): OperatorRecord | null {
      const row = byBadge.get(badge);
      return row ? rowToOperator(row) : null;
    },
    byId(id: string): OperatorRecord | null {
      const row = byId.get(id);
      return row ? rowToOperator(row) : null;
    },
    all(): OperatorRecord[] {
      return all.all().map(rowToOperator);
    },
    upsert(operator: OperatorRecord): void {
      upsert.run({ ...operator, active: operator.active ? 1 : 0 });
    },
    /** Failed PIN attempts of a badge and the time its lock ends, if locked. */
    lockout(badge: string): { failedCount: number; lockedUntil: number | null } {
      const row = lockout.get(badge);
      return { failedCount: row?.failed_count ?? 0, lockedUntil: row?.locked_until ?? null };
    },
    setLockout(badge: string, failedCount: number, lockedUntil: number | null): void {
      setLockout.run(badge, failedCount, lockedUntil);
    },
    clearLockout(badge: string): void {
      clearLockout.run(badge);
    },
  };
}
