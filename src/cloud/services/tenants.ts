import { enrolRequestSchema, GENESIS_HASH, type EnrolResponse } from '#shared/sync/protocol';
import { newEnrolmentCode, newId, newSecret, normalizeCode, sha256Hex } from '../auth';
import type { Queryable, Store } from '../db/store';
import { badRequest, conflict, describeIssues, HttpError, notFound } from '../errors';

/** A company as the OMS API sees it (from its API key). */
export type CompanyAuth = { companyId: string; keyId: string };

/** A station as the sync API sees it (from its token). */
export type StationAuth = {
  stationId: string;
  companyId: string;
  warehouseId: string;
  localId: string;
  name: string;
};

export type EnrolmentCode = { code: string; expiresAt: string; warehouseId: string };

/**
 * Companies, warehouses, API keys, stations and enrolment. A station enrols with a one-time code
 * (typed or scanned at the station) and receives a token; the code is spent in the same
 * transaction, so two stations racing with one code cannot both win.
 */
export class Tenants {
  readonly #store: Store;
  readonly #epoch: () => Promise<string>;

  constructor(store: Store, epoch: () => Promise<string>) {
    this.#store = store;
    this.#epoch = epoch;
  }

  async createCompany(name: string, id: string = newId('cmp')): Promise<{ id: string; name: string }> {
    await this.#store.query('INSERT INTO companies (id, name) VALUES ($1, $2)', [id, name]);
    return { id, name };
  }

  async createWarehouse(
    companyId: string,
    name: string,
    id: string = newId('wh'),
  ): Promise<{ id: string; name: string }> {
    const { rows } = await this.#store.query(
      'INSERT INTO warehouses (company_id, id, name) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING id',
      [companyId, id, name],
    );
    if (rows.length === 0) throw conflict('warehouse_exists', `The company already has a warehouse "${id}".`);
    return { id, name };
  }

  async warehouses(companyId: string): Promise<{ id: string; name: string }[]> {
    const { rows } = await this.#store.query<{ id: string; name: string }>(
      'SELECT id, name FROM warehouses WHERE company_id = $1 ORDER BY created_at, id',
      [companyId],
    );
    return rows;
  }

  /** A new API key for the company's OMS; the key itself is shown once. */
  async createApiKey(
    companyId: string,
    name: string,
    expiresAt: Date | null = null,
  ): Promise<{ id: string; key: string }> {
    const key = newSecret('blk');
    const id = newId('key');
    await this.#store.query(
      'INSERT INTO api_keys (id, company_id, name, key_hash, expires_at) VALUES ($1, $2, $3, $4, $5)',
      [id, companyId, name, sha256Hex(key), expiresAt],
    );
    return { id, key };
  }

  async revokeApiKey(companyId: string, id: string): Promise<void> {
    const { rowCount } = await this.#store.query(
      'UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE company_id = $1 AND id = $2',
      [companyId, id],
    );
    if (rowCount === 0) throw notFound(`There is no API key ${id} in this company.`);
  }

  /** The company an API key belongs to; a 401 for an unknown, revoked or expired key. */
  async authenticateApiKey(key: string): Promise<CompanyAuth> {
    const { rows } = await this.#store.query<{
      id: string;
      company_id: string;
      revoked: boolean;
      expired: boolean;
    }>(
      `SELECT id, company_id, revoked_at IS NOT NULL AS revoked, (expires_at IS NOT NULL AND expires_at <= now()) AS expired
         FROM api_keys WHERE key_hash = $1`,
      [sha256Hex(key)],
    );
    const row = rows[0];
    if (!row) throw new HttpError(401, 'unauthorized', 'Unknown API key.');
    if (row.revoked) throw new HttpError(401, 'key_revoked', 'This API key was revoked.');
    if (row.expired) throw new HttpError(401, 'key_expired', 'This API key has expired.');
    return { companyId: row.company_id, keyId: row.id };
  }

  /** A one-time code that enrols one station into a warehouse of the company. */
  async createEnrolmentCode(
    companyId: string,
    warehouseId: string,
    options: { stationName?: string | null; ttlMinutes?: number } = {},
  ): Promise<EnrolmentCode> {
    const warehouse = await this.#store.query('SELECT 1 FROM warehouses WHERE company_id = $1 AND id = $2', [
      companyId,
      warehouseId,
    ]);
    if (warehouse.rows.length === 0) throw notFound(`There is no warehouse ${warehouseId} in this company.`);
    const code = newEnrolmentCode();
    const ttl = options.ttlMinutes ?? 60 * 24;
    const { rows } = await this.#store.query<{ expires_at: Date }>(
      `INSERT INTO enrolment_codes (code_hash, company_id, warehouse_id, station_name, expires_at)
       VALUES ($1, $2, $3, $4, now() + make_interval(mins => $5)) RETURNING expires_at`,
      [sha256Hex(normalizeCode(code)), companyId, warehouseId, options.stationName ?? null, ttl],
    );
    return { code, expiresAt: new Date(rows[0]!.expires_at).toISOString(), warehouseId };
  }

  /** Spends an enrolment code: a new station, its first incarnation, and its token. */
  async enrol(body: unknown, appVersionHeader: string | undefined): Promise<EnrolResponse> {
    const parsed = enrolRequestSchema.safeParse(body);
    if (!parsed.success) throw badRequest(`Invalid enrolment request — ${describeIssues(parsed.error.issues)}`);
    const { code, station } = parsed.data;
    const token = newSecret('bls');
    const stationId = newId('st');
    const result = await this.#store.tx(async (q) => {
      const { rows } = await q.query<{
        company_id: string;
        warehouse_id: string;
        station_name: string | null;
        used: boolean;
        expired: boolean;
        company_name: string;
        warehouse_name: string;
      }>(
        `SELECT c.company_id, c.warehouse_id, c.station_name, c.used_at IS NOT NULL AS used, c.expires_at <= now() AS expired,
                co.name AS company_name, w.name AS warehouse_name
           FROM enrolment_codes c JOIN companies co ON co.id = c.company_id
           JOIN warehouses w ON w.company_id = c.company_id AND w.id = c.warehouse_id
          WHERE c.code_hash = $1 FOR UPDATE OF c`,
        [sha256Hex(normalizeCode(code))],
      );
      const row = rows[0];
      if (!row)
        throw new HttpError(401, 'code_unknown', 'This enrolment code is not known. Check it, or ask for a new one.');
      if (row.used) throw new HttpError(401, 'code_used', 'This enrolment code was already used. Ask for a new one.');
      if (row.expired) throw new HttpError(401, 'code_expired', 'This enrolment code has expired. Ask for a new one.');
      const name = row.station_name ?? station.name;
      await q.query(
        `INSERT INTO stations (id, company_id, warehouse_id, name, local_id, token_hash, app_version, last_seen_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, now())`,
        [
          stationId,
          row.company_id,
          row.warehouse_id,
          name,
          station.localId,
          sha256Hex(token),
          station.appVersion || appVersionHeader || null,
        ],
      );
      await q.query(
        `INSERT INTO station_incarnations (station_id, incarnation, previous, base_seq, last_seq, last_hash)
         VALUES ($1, $2, NULL, 0, 0, $3)`,
        [stationId, station.incarnation, GENESIS_HASH],
      );
      await q.query('UPDATE enrolment_codes SET used_at = now(), station_id = $1 WHERE code_hash = $2', [
        stationId,
        sha256Hex(normalizeCode(code)),
      ]);
      return row;
    });
    return {
      token,
      station: { id: stationId, name: result.station_name ?? station.name },
      company: { id: result.company_id, name: result.company_name },
      warehouse: { id: result.warehouse_id, name: result.warehouse_name },
      serverEpoch: await this.#epoch(),
    };
  }

  /** The station a token belongs to; a 401 for an unknown or revoked token. */
  async authenticateStation(token: string): Promise<StationAuth> {
    const { rows } = await this.#store.query<{
      id: string;
      company_id: string;
      warehouse_id: string;
      local_id: string;
      name: string;
      revoked: boolean;
    }>(
      `SELECT id, company_id, warehouse_id, local_id, name, revoked_at IS NOT NULL AS revoked
         FROM stations WHERE token_hash = $1`,
      [sha256Hex(token)],
    );
    const row = rows[0];
    if (!row) throw new HttpError(401, 'unauthorized', 'Unknown station token: enrol the station again.');
    if (row.revoked)
      throw new HttpError(401, 'station_revoked', 'This station was revoked by its company: enrol it again.');
    return {
      stationId: row.id,
      companyId: row.company_id,
      warehouseId: row.warehouse_id,
      localId: row.local_id,
      name: row.name,
    };
  }

  async revokeStation(companyId: string, stationId: string): Promise<void> {
    const { rowCount } = await this.#store.query(
      'UPDATE stations SET revoked_at = coalesce(revoked_at, now()) WHERE company_id = $1 AND id = $2',
      [companyId, stationId],
    );
    if (rowCount === 0) throw notFound(`There is no station ${stationId} in this company.`);
  }

  /** The company's stations with their upload high-water marks (the OMS's view of the fleet). */
  async stations(companyId: string): Promise<StationSummary[]> {
    const { rows } = await this.#store.query<{
      id: string;
      name: string;
      warehouse_id: string;
      local_id: string;
      created_at: Date;
      revoked_at: Date | null;
      last_seen_at: Date | null;
      app_version: string | null;
      incarnations: number;
      last_seq: number | null;
    }>(
      `SELECT s.id, s.name, s.warehouse_id, s.local_id, s.created_at, s.revoked_at, s.last_seen_at, s.app_version,
              (SELECT count(*)::int FROM station_incarnations i WHERE i.station_id = s.id) AS incarnations,
              (SELECT i.last_seq FROM station_incarnations i WHERE i.station_id = s.id ORDER BY i.created_at DESC LIMIT 1) AS last_seq
         FROM stations s WHERE s.company_id = $1 ORDER BY s.created_at, s.id`,
      [companyId],
    );
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      warehouseId: row.warehouse_id,
      localId: row.local_id,
      createdAt: new Date(row.created_at).toISOString(),
      revokedAt: row.revoked_at ? new Date(row.revoked_at).toISOString() : null,
      lastSeenAt: row.last_seen_at ? new Date(row.last_seen_at).toISOString() : null,
      appVersion: row.app_version,
      incarnations: row.incarnations,
      lastSeq: row.last_seq ?? 0,
    }));
  }

  /** Notes that the station was heard from (best effort, outside the request's transaction). */
  async seen(q: Queryable, stationId: string): Promise<void> {
    await q.query(
      "UPDATE stations SET last_seen_at = now() WHERE id = $1 AND (last_seen_at IS NULL OR last_seen_at < now() - interval '5 seconds')",
      [stationId],
    );
  }
}

export type StationSummary = {
  id: string;
  name: string;
  warehouseId: string;
  localId: string;
  createdAt: string;
  revokedAt: string | null;
  lastSeenAt: string | null;
  appVersion: string | null;
  incarnations: number;
  lastSeq: number;
};
