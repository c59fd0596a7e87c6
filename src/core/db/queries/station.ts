import type { Db } from '../connection';

export type StationRecord = {
  id: string;
  name: string;
  warehouse: string;
  incarnation: string;
  demo: boolean;
  createdAt: number;
};

type StationRow = {
  id: string;
  name: string;
  warehouse: string;
  incarnation: string;
  demo: number;
  created_at: number;
};

/** The station's identity; one row, created on first start. */
export function getStation(db: Db): StationRecord | null {
  const row = db
    .prepare<[], StationRow>('SELECT id, name, warehouse, incarnation, demo, created_at FROM station')
    .get();
  if (!row) return null;
  return {
    id: row.id,
    name: row.name,
    warehouse: row.warehouse,
    incarnation: row.incarnation,
    demo: row.demo === 1,
    createdAt: row.created_at,
  };
}

export function insertStation(db: Db, station: StationRecord): void {
  db.prepare('INSERT INTO station (id, name, warehouse, incarnation, demo, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(
    station.id,
    station.name,
    station.warehouse,
    station.incarnation,
    station.demo ? 1 : 0,
    station.createdAt,
  );
}
