import type { CloudMigration } from './types';

/**
 * The cloud's first schema.
 *
 * - Tenancy: companies, their warehouses, API keys (the OMS), stations and one-time enrolment codes.
 * - Upload: `station_incarnations` holds each incarnation's high-water mark (`last_seq`, and the hash
 *   of that event), updated in the transaction that stores the batch; `events` holds every event once
 *   (unique per company by id), refused and quarantined ones with their reason.
 * - Download: `records` is both the current state of every reference document and its change log:
 *   each write stamps the row with the writing transaction's id (`xid`, from pg_current_xact_id())
 *   and a sequence number `n`. A station pages by (xid, n) and is only ever served rows whose
 *   transaction is older than every transaction still running (the snapshot's xmin), so a row
 *   committed late by a long transaction can delay a page but never be skipped. Deletes stay as
 *   tombstones until they are older than the retention; `stream_stats.horizon` then says which
 *   cursors are too old (410). `stream_stats` also keeps each stream's row count and checksum, in
 *   the same transactions, so a page can say what the station must hold once it is up to date.
 * - Files by content hash, in chunks (resumable); webhooks and their deliveries (an outbox written
 *   in the upload transaction, delivered with retries).
 */
export const m0010Initial: CloudMigration = {
  version: 10,
  name: 'initial',
  sql: `
    CREATE TABLE server_meta (
      key text PRIMARY KEY,
      value text NOT NULL
    );
    INSERT INTO server_meta (key, value) VALUES ('epoch', gen_random_uuid()::text);

    CREATE TABLE companies (
      id text PRIMARY KEY,
      name text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE warehouses (
      company_id text NOT NULL REFERENCES companies (id),
      id text NOT NULL,
      name text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (company_id, id)
    );

    CREATE TABLE api_keys (
      id text PRIMARY KEY,
      company_id text NOT NULL REFERENCES companies (id),
      name text NOT NULL,
      key_hash text NOT NULL UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz,
      revoked_at timestamptz
    );

    CREATE TABLE stations (
      id text PRIMARY KEY,
      company_id text NOT NULL,
      warehouse_id text NOT NULL,
      name text NOT NULL,
      local_id text NOT NULL,
      token_hash text NOT NULL UNIQUE,
      app_version text,
      created_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz,
      last_seen_at timestamptz,
      FOREIGN KEY (company_id, warehouse_id) REFERENCES warehouses (company_id, id)
    );
    CREATE INDEX stations_company ON stations (company_id);

    CREATE TABLE enrolment_codes (
      code_hash text PRIMARY KEY,
      company_id text NOT NULL,
      warehouse_id text NOT NULL,
      station_name text,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      station_id text,
      FOREIGN KEY (company_id, warehouse_id) REFERENCES warehouses (company_id, id)
    );

    CREATE TABLE station_incarnations (
      station_id text NOT NULL REFERENCES stations (id),
      incarnation text NOT NULL,
      previous text,
      base_seq bigint NOT NULL,
      last_seq bigint NOT NULL,
      last_hash text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (station_id, incarnation)
    );

    CREATE SEQUENCE change_n;

    CREATE TABLE events (
      company_id text NOT NULL,
      station_id text NOT NULL,
      incarnation text NOT NULL,
      seq bigint NOT NULL,
      id text NOT NULL,
      type text,
      subject text,
      operator_id text,
      payload text,
      schema_version integer,
      created_at bigint,
      prev_hash text,
      hash text,
      status text NOT NULL CHECK (status IN ('applied', 'refused', 'quarantined')),
      reason text,
      received_at timestamptz NOT NULL DEFAULT now(),
      xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
      n bigint NOT NULL DEFAULT nextval('change_n'),
      PRIMARY KEY (station_id, incarnation, seq),
      UNIQUE (company_id, id)
    );
    -- The export feed: applied events of a company in commit-safe order.
    CREATE INDEX events_feed ON events (company_id, xid, n);
    CREATE INDEX events_refused ON events (company_id, received_at) WHERE status <> 'applied';

    CREATE TABLE records (
      company_id text NOT NULL,
      kind text NOT NULL,
      id text NOT NULL,
      stream text NOT NULL,
      body text,
      hash bigint NOT NULL DEFAULT 0,
      deleted boolean NOT NULL DEFAULT false,
      xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
      n bigint NOT NULL DEFAULT nextval('change_n'),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (company_id, kind, id)
    );
    CREATE INDEX records_changes ON records (company_id, stream, xid, n);
    CREATE INDEX records_tombstones ON records (updated_at) WHERE deleted;

    CREATE TABLE record_keys (
      company_id text NOT NULL,
      key_type text NOT NULL,
      value text NOT NULL,
      kind text NOT NULL,
      id text NOT NULL,
      PRIMARY KEY (company_id, key_type, value)
    );
    CREATE INDEX record_keys_owner ON record_keys (company_id, kind, id);

    CREATE TABLE stream_stats (
      company_id text NOT NULL,
      stream text NOT NULL,
      rows bigint NOT NULL DEFAULT 0,
      checksum bigint NOT NULL DEFAULT 0,
      horizon xid8 NOT NULL DEFAULT '0',
      PRIMARY KEY (company_id, stream)
    );

    CREATE TABLE files (
      company_id text NOT NULL,
      sha256 text NOT NULL,
      size bigint NOT NULL,
      received bigint NOT NULL DEFAULT 0,
      complete boolean NOT NULL DEFAULT false,
      content_type text,
      station_id text,
      created_at timestamptz NOT NULL DEFAULT now(),
      completed_at timestamptz,
      PRIMARY KEY (company_id, sha256)
    );

    CREATE TABLE file_chunks (
      company_id text NOT NULL,
      sha256 text NOT NULL,
      "offset" bigint NOT NULL,
      data bytea NOT NULL,
      PRIMARY KEY (company_id, sha256, "offset")
    );

    CREATE TABLE webhooks (
      id text PRIMARY KEY,
      company_id text NOT NULL REFERENCES companies (id),
      url text NOT NULL,
      secret text NOT NULL,
      topics text[] NOT NULL,
      active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE webhook_deliveries (
      id bigserial PRIMARY KEY,
      company_id text NOT NULL,
      webhook_id text NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
      topic text NOT NULL,
      event_id text NOT NULL,
      body text NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      last_status integer,
      last_error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      delivered_at timestamptz,
      UNIQUE (webhook_id, event_id, topic)
    );
    CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
  `,
};
