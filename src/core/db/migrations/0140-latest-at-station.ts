import type { Migration } from './types';

/**
 * The parcel or return case a bench shows when nothing is open is the station's latest one: every
 * view asks for it. Without an index that was a scan and a sort of every package (or case) the
 * station ever handled — months of work by the end of a season. With these, one index probe.
 */
export const m0140LatestAtStation: Migration = {
  version: 140,
  name: 'latest-at-station',
  up(db) {
    db.exec(`
      CREATE INDEX packages_station_latest ON packages (station_id, opened_at);
      CREATE INDEX return_cases_station_latest ON return_cases (station_id, opened_at);
    `);
  },
};
