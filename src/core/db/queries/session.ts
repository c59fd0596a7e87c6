import type { Db } from '../connection';

import type { Bench } from '#shared/domain/roles';

export type SessionRecord = {
  operatorId: string;
  startedAt: number;
  lastActivityAt: number;
  locked: boolean;
  /** The bench the operator is at; null on the bench chooser. Scans are routed by it. */
  bench: Bench | null;
};

type SessionRow = {
  operator_id: string;
  started_at: number;
  last_activity_at: number;
  locked: number;
  bench: Bench | null;
};

export type SessionQueries = ReturnType<typeof sessionQueries>;

/** The station's one session row: who is logged in, since when, locked or not. */
export function sessionQueries(db: Db) {
  const get = db.prepare<[], SessionRow>(
    'SELECT operator_id, started_at, last_activity_at, locked, bench FROM session',
  );
  const put = db.prepare(
    `INSERT INTO session (singleton, operator_id, started_at, last_activity_at, locked, bench) VALUES (1, ?, ?, ?, ?, ?)
     ON CONFLICT (singleton) DO UPDATE SET operator_id = excluded.operator_id, started_at = excluded.started_at,
       last_activity_at = excluded.last_activity_at, locked = excluded.locked, bench = excluded.bench`,
  );
  const clear = db.prepare('DELETE FROM session');
  return {
    get(): SessionRecord | null {
      const row = get.get();
      if (!row) return null;
      return {
        operatorId: row.operator_id,
        startedAt: row.started_at,
        lastActivityAt: row.last_activity_at,
        locked: row.locked === 1,
        bench: row.bench,
      };
    },
    put(session: SessionRecord): void {
      put.run(session.operatorId, session.startedAt, session.lastActivityAt, session.locked ? 1 : 0, session.bench);
    },
    clear(): void {
      clear.run();
    },
  };
}
