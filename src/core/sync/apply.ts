import type { Statement } from 'better-sqlite3';
import { hash32, mod32, type Checksum } from '#shared/sync/hash';
import {
  DOC_SCHEMAS,
  KIND_STREAM,
  RECORD_KINDS,
  productDocFast,
  type RecordKind,
  type StreamName,
} from '#shared/sync/records';
import { canonicalJson } from '#shared/util/canonical-json';
import type { Db } from '../db/connection';
import { KIND_SPECS, recordIdOf, type KindSpec, type SqlRow, type Value } from './kinds';

/** One row of a download page, as the cloud sent it. */
export type IncomingRow = { op: 'put' | 'del'; kind: string; id: string; hash: number; doc: unknown };

/** What applying rows to the live tables changed. */
export type LiveResult = { rowsDelta: number; sumDelta: number; operators: boolean; policies: boolean; parked: number };

export const STREAM_KINDS: Readonly<Record<StreamName, RecordKind[]>> = {
  config: ['policy'],
  operators: ['operator'],
  rmas: ['rma', 'rma_receipt'],
  orders: ['order'],
  catalog: ['brand', 'product'],
  customers: ['customer'],
};

type Generation = 'live' | 'stage';

/** A stage's checksum, with each kind's part of it. */
export type StagedChecksum = Checksum & { readonly kinds: ReadonlyMap<RecordKind, Checksum> };

/** A document to stage: its row's values (`sync_hash` last) and its children's. */
type StagedDoc = { id: string; values: Value[]; children: Value[][] };

const NO_CHILDREN: Value[][] = [];

/** Rows (and children) a multi-row staging statement writes. */
const STAGE_BATCH_ROWS = 50;

/** Statements that stage `STAGE_BATCH_ROWS` rows, or children, at once. */
type StageMany = { rows: Statement<Value[]>; children: Statement<Value[]> | null };

type Statements = {
  hashOf: Statement<Value[], { sync_hash: number | null }>;
  del: Statement<Value[]>;
  insert: Statement<Value[]>;
  conflicts: Map<string, Statement<Value[], SqlRow>>;
  delChildren: Statement<[Value]> | null;
  insertChild: Statement<Value[]> | null;
  stageInsert: Statement<Value[]>;
  /** Stages a row not staged yet; changes nothing (0 changes) when it is. */
  stageInsertNew: Statement<Value[]>;
  stageDel: Statement<Value[]>;
  stageDelChildren: Statement<[Value]> | null;
  stageInsertChild: Statement<Value[]> | null;
};

/**
 * Writes downloaded reference documents into the station's tables: to the live tables page by
 * page once a stream is live, or to the staging tables during a first download, swapped in at
 * the end in one transaction. Every method runs inside the caller's transaction (the page and
 * its cursor commit together). Never touches bench records.
 *
 * A document this station cannot store — a kind it does not know, a shape that does not parse —
 * is parked (kept aside with its reason), not dropped: the stream's checksum still adds up, and
 * nothing wedges. A newer document that takes a unique key (a SKU, an order number, a barcode)
 * from another one wins it; the cloud guarantees the final state has no such clash, so the loser's
 * own new version follows in the stream.
 */
export class ReferenceApplier {
  readonly #db: Db;
  readonly #st = new Map<RecordKind, Statements>();
  readonly #many = new Map<RecordKind, StageMany>();
  readonly #parked: {
    hash: Statement<[Generation, string, string, string], { hash: number }>;
    any: Statement<[Generation, string], { one: number }>;
    put: Statement<[Generation, string, string, string, number, string, string]>;
    del: Statement<[Generation, string, string, string]>;
  };
  readonly #operators: {
    freeBadge: Statement<[string, string]>;
    endSession: Statement<[string]>;
  };
  /** `sync_stage_tally` (migration 0260): what each kind's staging table holds, kept as it is written. */
  readonly #tally: {
    get: Statement<[string], { kind: string; rows: number; sum: number }>;
    set: Statement<[string, string, number, number]>;
    add: Statement<[number, number, string, string]>;
    forget: Statement<[string]>;
  };

  constructor(db: Db) {
    this.#db = db;
    for (const kind of RECORD_KINDS) this.#st.set(kind, prepareKind(db, KIND_SPECS[kind]));
    this.#parked = {
      hash: db.prepare('SELECT hash FROM sync_parked WHERE generation = ? AND stream = ? AND kind = ? AND id = ?'),
      any: db.prepare('SELECT 1 AS one FROM sync_parked WHERE generation = ? AND stream = ? LIMIT 1'),
      put: db.prepare(
        `INSERT OR REPLACE INTO sync_parked (generation, stream, kind, id, hash, doc, reason) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      del: db.prepare('DELETE FROM sync_parked WHERE generation = ? AND stream = ? AND kind = ? AND id = ?'),
    };
    this.#tally = {
      get: db.prepare('SELECT kind, rows, sum FROM sync_stage_tally WHERE stream = ?'),
      set: db.prepare('INSERT OR REPLACE INTO sync_stage_tally (stream, kind, rows, sum) VALUES (?, ?, ?, ?)'),
      add: db.prepare('UPDATE sync_stage_tally SET rows = rows + ?, sum = sum + ? WHERE stream = ? AND kind = ?'),
      forget: db.prepare('DELETE FROM sync_stage_tally WHERE stream = ?'),
    };
    this.#operators = {
      // The badge goes to the newer document; the other operator's own update follows.
      freeBadge: db.prepare("UPDATE operators SET badge_code = '~' || id WHERE badge_code = ? AND id <> ?"),
      endSession: db.prepare('DELETE FROM session WHERE operator_id = ?'),
    };
  }

  /** Applies rows to the live tables; returns the change to the stream's checksum. */
  applyLive(stream: StreamName, rows: readonly IncomingRow[]): LiveResult {
    this.#assertTx();
    const result: LiveResult = { rowsDelta: 0, sumDelta: 0, operators: false, policies: false, parked: 0 };
    const account = (hash: number | null | undefined, sign: 1 | -1): void => {
      if (hash === null || hash === undefined) return;
      result.rowsDelta += sign;
      result.sumDelta += sign * hash;
    };
    for (const row of rows) {
      const checked = check(stream, row);
      const parkedOld = this.#parked.hash.get('live', stream, row.kind, row.id)?.hash;
      if (parkedOld !== undefined) {
        this.#parked.del.run('live', stream, row.kind, row.id);
        account(parkedOld, -1);
      }
      if (checked.kind !== null) {
        const kind = checked.kind;
        const spec = KIND_SPECS[kind];
        const st = this.#st.get(kind)!;
        const key = spec.keyOf(row.id);
        const old = st.hashOf.get(...key);
        if (old) {
          account(old.sync_hash, -1);
          if (kind === 'operator' && (row.op === 'del' || checked.doc === null)) {
            this.#operators.endSession.run(row.id);
          }
          if (row.op === 'del' || checked.doc === null) st.del.run(...key);
        }
        if (kind === 'operator') result.operators = true;
        if (kind === 'policy') result.policies = true;
        if (row.op === 'put' && checked.doc !== null) {
          const values = spec.row(checked.doc as never);
          // A unique key this document takes from another one.
          for (const [column, statement] of st.conflicts) {
            const value = values[spec.columns.indexOf(column)]!;
            for (const other of statement.all(value, ...key)) {
              account(other['sync_hash'] as number | null, -1);
              st.del.run(...spec.pk.map((c) => other[c] ?? null));
            }
          }
          if (kind === 'operator') this.#operators.freeBadge.run(String(values[3]), row.id);
          if (st.delChildren) st.delChildren.run(row.id);
          st.insert.run(...values, row.hash);
          if (spec.child && st.insertChild) {
            for (const child of spec.child.rows(checked.doc as never)) st.insertChild.run(...child);
          }
          account(row.hash, 1);
          continue;
        }
      }
      if (row.op === 'put') {
        this.#parked.put.run('live', stream, row.kind, row.id, row.hash, JSON.stringify(row.doc), checked.reason ?? '');
        account(row.hash, 1);
        result.parked++;
      }
    }
    result.sumDelta = mod32(result.sumDelta);
    return result;
  }

  /** Writes rows into the staging tables (a first download in progress). */
  applyStage(stream: StreamName, rows: readonly IncomingRow[]): number {
    this.#assertTx();
    // The staged rows' tally is kept while every row written is a new one (a first download's
    // common case); a row replaced or deleted makes it unknown, and the stage is counted instead.
    const tally = this.#tallyOf(stream) ?? (this.#stageIsEmpty(stream) ? this.#zeroTally(stream) : null);
    const added = new Map<RecordKind, Checksum>();
    let exact = true;
    let parked = 0;
    // A row staged again (a page fetched again after a crash, a document changed during the
    // download) replaces what was staged, parked or not; the first time — nearly every row of a
    // first download — there is nothing to replace, and nothing is looked up.
    let anyParked = this.#parked.any.get('stage', stream) !== undefined;
    // Documents to stage, in page order, written a batch at a time (`#stageBatch`).
    const batch: StagedDoc[] = [];
    let batchKind: RecordKind | null = null;
    const flush = (): void => {
      if (batchKind !== null && batch.length > 0) {
        if (this.#stageBatch(batchKind, batch)) {
          const sum = added.get(batchKind) ?? { rows: 0, sum: 0 };
          for (const doc of batch) {
            sum.rows++;
            sum.sum += doc.values[doc.values.length - 1] as number;
          }
          added.set(batchKind, sum);
        } else {
          exact = false;
        }
      }
      batch.length = 0;
    };
    for (const row of rows) {
      const checked = check(stream, row);
      if (anyParked) this.#parked.del.run('stage', stream, row.kind, row.id);
      if (checked.kind !== null && row.op === 'put' && checked.doc !== null) {
        if (checked.kind !== batchKind || batch.length === STAGE_BATCH_ROWS) {
          flush();
          batchKind = checked.kind;
        }
        const spec = KIND_SPECS[checked.kind];
        batch.push({
          id: row.id,
          values: [...spec.row(checked.doc as never), row.hash],
          children: spec.child ? spec.child.rows(checked.doc as never) : NO_CHILDREN,
        });
        continue;
      }
      // Anything else keeps its place in the page: the documents before it are written first.
      flush();
      if (checked.kind !== null) {
        const st = this.#st.get(checked.kind)!;
        if (st.stageDelChildren) st.stageDelChildren.run(row.id);
        if (st.stageDel.run(...KIND_SPECS[checked.kind].keyOf(row.id)).changes > 0) exact = false;
      }
      if (row.op === 'put') {
        anyParked = true;
        this.#parked.put.run(
          'stage',
          stream,
          row.kind,
          row.id,
          row.hash,
          JSON.stringify(row.doc),
          checked.reason ?? '',
        );
        parked++;
      }
    }
    flush();
    if (tally && exact) {
      for (const [kind, sum] of added) this.#tally.add.run(sum.rows, sum.sum, stream, kind);
    } else if (tally) {
      this.#tally.forget.run(stream);
    }
    return parked;
  }

  /**
   * Stages documents of one kind, as if one by one in their order: each row is inserted unless
   * already staged, in which case its children go and the row is replaced; then its children.
   * A full batch is one multi-row statement for the rows and a few for their children — a first
   * download's common case, where nothing is staged yet. A statement per row cost ≈ 3.5 µs a row
   * more (better-sqlite3's call and SQLite's statement setup, per row: 10.7 against 7.1 µs a
   * product with its barcode, in chunks of 600 rows). When the batch insert skips a row (staged
   * before, or a document twice in the batch), the batch is written again row by row, replacing:
   * rows it had just inserted are replaced by themselves, so the end state is the one-by-one one.
   * Returns whether every document was new to the stage (none replaced).
   */
  #stageBatch(kind: RecordKind, batch: readonly StagedDoc[]): boolean {
    const st = this.#st.get(kind)!;
    if (batch.length === STAGE_BATCH_ROWS) {
      const many = this.#stageMany(kind);
      if (many.rows.run(...flatten(batch, (doc) => doc.values)).changes === batch.length) {
        const children: Value[][] = [];
        for (const doc of batch) for (const child of doc.children) children.push(child);
        let from = 0;
        if (many.children) {
          for (; children.length - from >= STAGE_BATCH_ROWS; from += STAGE_BATCH_ROWS) {
            many.children.run(...flatten(children.slice(from, from + STAGE_BATCH_ROWS), (child) => child));
          }
        }
        for (; from < children.length; from++) st.stageInsertChild!.run(...children[from]!);
        return true;
      }
      for (const doc of batch) replaceStaged(st, doc);
      return false;
    }
    let allNew = true;
    for (const doc of batch) {
      if (st.stageInsertNew.run(...doc.values).changes === 1) {
        for (const child of doc.children) st.stageInsertChild!.run(...child);
      } else {
        replaceStaged(st, doc);
        allNew = false;
      }
    }
    return allNew;
  }

  /** The multi-row staging statements of a kind (prepared when first needed). */
  #stageMany(kind: RecordKind): StageMany {
    let many = this.#many.get(kind);
    if (!many) {
      many = prepareStageMany(this.#db, KIND_SPECS[kind]);
      this.#many.set(kind, many);
    }
    return many;
  }

  /**
   * The checksum of what is staged for a stream: the kinds' tally where it is known (else their
   * rows counted, and the tally kept from then on), the parked documents counted. `fresh`: every
   * row counted, whatever the tally says.
   */
  stageChecksum(stream: StreamName, fresh = false): StagedChecksum {
    const known = fresh ? null : this.#tallyOf(stream);
    const kinds = new Map<RecordKind, Checksum>();
    const checksum = this.#count(stream, 'stage', kinds, known ?? undefined);
    if (!known && !fresh && this.#db.inTransaction) {
      for (const [kind, sum] of kinds) this.#tally.set.run(stream, kind, sum.rows, sum.sum);
    }
    return { ...checksum, kinds };
  }

  /** The stream's staged tally by kind, or null where it is not known. */
  #tallyOf(stream: StreamName): Map<RecordKind, Checksum> | null {
    const rows = this.#tally.get.all(stream);
    const kinds = STREAM_KINDS[stream];
    if (rows.length !== kinds.length) return null;
    const tally = new Map<RecordKind, Checksum>();
    for (const row of rows) {
      if (!(kinds as readonly string[]).includes(row.kind)) return null;
      tally.set(row.kind as RecordKind, { rows: row.rows, sum: row.sum });
    }
    return tally;
  }

  /** Records an empty stage's tally: nothing of any kind. */
  #zeroTally(stream: StreamName): Map<RecordKind, Checksum> {
    const tally = new Map<RecordKind, Checksum>();
    for (const kind of STREAM_KINDS[stream]) {
      this.#tally.set.run(stream, kind, 0, 0);
      tally.set(kind, { rows: 0, sum: 0 });
    }
    return tally;
  }

  #stageIsEmpty(stream: StreamName): boolean {
    return STREAM_KINDS[stream].every((kind) => isEmpty(this.#db, KIND_SPECS[kind].stage));
  }

  /** The checksum of the live tables, counted from the rows (the bookkeeping's check). */
  liveChecksum(stream: StreamName): Checksum {
    return this.#count(stream, 'live');
  }

  /**
   * Replaces a stream's live rows with the staged ones, in the caller's transaction: rows the
   * snapshot does not have (or has in another version) go, the snapshot's new rows come, unchanged
   * rows stay untouched — or, `force`d (the live rows were found wrong), every row is rewritten.
   * Returns the live checksum afterwards. `staged`, the stage's checksum (`stageChecksum`) taken in
   * this same transaction (the download checks it against the cloud's first), spares counting the
   * rows of a kind whose tables are exchanged — a scan of the whole table, ≈ 0.16 s a million rows.
   */
  swap(stream: StreamName, force = false, staged?: StagedChecksum): { checksum: Checksum; operators: boolean } {
    this.#assertTx();
    const db = this.#db;
    let operators = false;
    // Kinds whose live rows are now exactly the rows the staged checksum describes.
    const exchanged = new Map<RecordKind, Checksum>();
    db.exec('CREATE TEMP TABLE IF NOT EXISTS sync_swap_ids (id TEXT PRIMARY KEY) WITHOUT ROWID');
    for (const kind of STREAM_KINDS[stream]) {
      const spec = KIND_SPECS[kind];
      const columns = spec.columns.join(', ');
      const pkMatch = (a: string, b: string): string => spec.pk.map((c) => `${a}.${c} = ${b}.${c}`).join(' AND ');
      if (kind === 'operator') {
        operators = true;
        // Forced (the live rows were found wrong): every operator counts as changed.
        if (force) db.exec('UPDATE operators SET sync_hash = NULL');
        const sets = spec.columns
          .filter((c) => c !== 'id')
          .map((c) => `${c} = s.${c}`)
          .join(', ');
        db.exec(`
          DELETE FROM session WHERE operator_id NOT IN (SELECT id FROM sync_stage_operators WHERE active = 1);
          DELETE FROM operators WHERE id NOT IN (SELECT id FROM sync_stage_operators);
          UPDATE operators SET badge_code = '~' || id WHERE id IN (
            SELECT s.id FROM sync_stage_operators s JOIN operators o ON o.id = s.id WHERE o.sync_hash IS NOT s.sync_hash);
          UPDATE operators SET ${sets}, sync_hash = s.sync_hash FROM sync_stage_operators s
            WHERE s.id = operators.id AND operators.sync_hash IS NOT s.sync_hash;
          INSERT INTO operators (${columns}, sync_hash) SELECT ${columns}, sync_hash FROM sync_stage_operators s
            WHERE NOT EXISTS (SELECT 1 FROM operators o WHERE o.id = s.id);
        `);
        continue;
      }
      if (spec.stageLikeLive && (force || !hasSyncedRows(db, spec.table))) {
        // Every live row would go (a first download: none came from the cloud, only a demo's
        // seed; or a forced rewrite): the staged tables become the live ones, and the former
        // live rows, now in the staging tables, are cleared with the stage below.
        exchangeTables(db, [
          [spec.table, spec.stage],
          ...(spec.child ? [[spec.child.table, spec.child.stage] as const] : []),
        ]);
        const counted = staged?.kinds.get(kind);
        if (counted) exchanged.set(kind, counted);
        continue;
      }
      if (isEmpty(db, spec.table)) {
        // Nothing live yet (a station's first download): every staged row goes in as it is.
        db.exec(
          `INSERT OR REPLACE INTO ${spec.table} (${columns}, sync_hash) SELECT ${columns}, sync_hash FROM ${spec.stage}`,
        );
        if (spec.child) {
          const childColumns = spec.child.columns.join(', ');
          db.exec(
            `INSERT OR REPLACE INTO ${spec.child.table} (${childColumns}) SELECT ${childColumns} FROM ${spec.child.stage}`,
          );
        }
        continue;
      }
      db.exec(
        force
          ? `DELETE FROM ${spec.table}`
          : `DELETE FROM ${spec.table} WHERE sync_hash IS NULL OR NOT EXISTS (
               SELECT 1 FROM ${spec.stage} s WHERE ${pkMatch('s', spec.table)} AND s.sync_hash = ${spec.table}.sync_hash)`,
      );
      if (spec.child) {
        db.exec(`
          DELETE FROM temp.sync_swap_ids;
          INSERT INTO temp.sync_swap_ids SELECT id FROM ${spec.stage} s WHERE NOT EXISTS (SELECT 1 FROM ${spec.table} l WHERE l.id = s.id);
        `);
      }
      db.exec(`
        INSERT OR REPLACE INTO ${spec.table} (${columns}, sync_hash) SELECT ${columns}, sync_hash FROM ${spec.stage} s
          WHERE NOT EXISTS (SELECT 1 FROM ${spec.table} l WHERE ${pkMatch('l', 's')});
      `);
      if (spec.child) {
        const childColumns = spec.child.columns.join(', ');
        db.exec(`
          INSERT OR REPLACE INTO ${spec.child.table} (${childColumns}) SELECT ${childColumns} FROM ${spec.child.stage} c
            WHERE c.${spec.child.parent} IN (SELECT id FROM temp.sync_swap_ids);
          DELETE FROM temp.sync_swap_ids;
        `);
      }
    }
    db.prepare("DELETE FROM sync_parked WHERE generation = 'live' AND stream = ?").run(stream);
    db.prepare("UPDATE sync_parked SET generation = 'live' WHERE generation = 'stage' AND stream = ?").run(stream);
    this.clearStage(stream);
    return { checksum: this.#count(stream, 'live', undefined, exchanged), operators };
  }

  /** Empties a stream's staging tables. */
  clearStage(stream: StreamName): void {
    for (const kind of STREAM_KINDS[stream]) {
      const spec = KIND_SPECS[kind];
      // Children first: a staged parent may own its children (a foreign key), nothing to cascade.
      if (spec.child) this.#db.exec(`DELETE FROM ${spec.child.stage}`);
      this.#db.exec(`DELETE FROM ${spec.stage}`);
    }
    this.#db.prepare("DELETE FROM sync_parked WHERE generation = 'stage' AND stream = ?").run(stream);
    this.#zeroTally(stream);
  }

  /**
   * Every document of a stream rebuilt from the live tables, by `kind/id`, as canonical JSON —
   * what the cloud holds if the station is right. Parked documents as they were received.
   */
  documents(stream: StreamName): Map<string, string> {
    const docs = new Map<string, string>();
    for (const kind of STREAM_KINDS[stream]) {
      const spec = KIND_SPECS[kind];
      const children = new Map<string, SqlRow[]>();
      if (spec.child) {
        const rows = this.#db
          .prepare<[], SqlRow>(`SELECT * FROM ${spec.child.table} ORDER BY ${spec.child.parent}, ${spec.child.order}`)
          .all();
        for (const child of rows) {
          const parent = String(child[spec.child.parent]);
          const list = children.get(parent);
          if (list) list.push(child);
          else children.set(parent, [child]);
        }
      }
      for (const row of this.#db
        .prepare<[], SqlRow>(`SELECT * FROM ${spec.table} WHERE sync_hash IS NOT NULL`)
        .iterate()) {
        const id = recordIdOf(spec, row);
        docs.set(`${kind}/${id}`, canonicalJson(spec.toDoc(row, children.get(String(row['id'])) ?? [])));
      }
    }
    const parked = this.#db
      .prepare<[string], { kind: string; id: string; doc: string }>(
        "SELECT kind, id, doc FROM sync_parked WHERE generation = 'live' AND stream = ?",
      )
      .all(stream);
    for (const p of parked) docs.set(`${p.kind}/${p.id}`, canonicalJson(JSON.parse(p.doc)));
    return docs;
  }

  /**
   * Rebuilds every document of a stream from the tables and checks it against the hash the cloud
   * sent with it: a row edited, a line lost or a barcode stolen shows up here. Returns the keys
   * that do not match (at most 100) and the checksum counted from the rebuilt documents.
   */
  verify(stream: StreamName): { ok: boolean; checked: number; mismatched: string[]; checksum: Checksum } {
    const docs = this.documents(stream);
    const mismatched: string[] = [];
    let sum = 0;
    for (const kind of STREAM_KINDS[stream]) {
      const spec = KIND_SPECS[kind];
      for (const row of this.#db
        .prepare<[], SqlRow>(`SELECT ${spec.pk.join(', ')}, sync_hash FROM ${spec.table} WHERE sync_hash IS NOT NULL`)
        .iterate()) {
        const key = `${kind}/${recordIdOf(spec, row)}`;
        const rebuilt = hash32(docs.get(key) ?? '');
        sum += rebuilt;
        if (rebuilt !== row['sync_hash'] && mismatched.length < 100) mismatched.push(key);
      }
    }
    const parked = this.#db
      .prepare<[string], { hash: number }>("SELECT hash FROM sync_parked WHERE generation = 'live' AND stream = ?")
      .all(stream);
    for (const p of parked) sum += p.hash;
    return {
      ok: mismatched.length === 0,
      checked: docs.size,
      mismatched,
      checksum: { rows: docs.size, sum: mod32(sum) },
    };
  }

  /**
   * Counts a generation's rows and the sum of their hashes, parked documents included. `byKind`
   * receives each kind's part; `known` holds kinds whose part is already known.
   */
  #count(
    stream: StreamName,
    generation: Generation,
    byKind?: Map<RecordKind, Checksum>,
    known?: ReadonlyMap<RecordKind, Checksum>,
  ): Checksum {
    let rows = 0;
    let sum = 0;
    for (const kind of STREAM_KINDS[stream]) {
      const spec = KIND_SPECS[kind];
      const table = generation === 'live' ? spec.table : spec.stage;
      const counted =
        known?.get(kind) ??
        this.#db
          .prepare<[], Checksum>(
            `SELECT count(*) AS rows, coalesce(sum(sync_hash), 0) AS sum FROM ${table} WHERE sync_hash IS NOT NULL`,
          )
          .get()!;
      byKind?.set(kind, counted);
      rows += counted.rows;
      sum += counted.sum;
    }
    const parked = this.#db
      .prepare<[Generation, string], { n: number; s: number }>(
        'SELECT count(*) AS n, coalesce(sum(hash), 0) AS s FROM sync_parked WHERE generation = ? AND stream = ?',
      )
      .get(generation, stream)!;
    return { rows: rows + parked.n, sum: mod32(sum + parked.s) };
  }

  #assertTx(): void {
    if (!this.#db.inTransaction) throw new Error('ReferenceApplier writes must run inside a transaction');
  }
}

function isEmpty(db: Db, table: string): boolean {
  return db.prepare(`SELECT 1 FROM ${table} LIMIT 1`).get() === undefined;
}

/** True when some row of `table` came from the cloud (local seeds have no hash). */
function hasSyncedRows(db: Db, table: string): boolean {
  return db.prepare(`SELECT 1 FROM ${table} WHERE sync_hash IS NOT NULL LIMIT 1`).get() !== undefined;
}

/**
 * Exchanges the names of live tables and their staging twins, in the caller's transaction: the
 * live names then hold the staged rows, the staging names the former live ones. Foreign keys
 * follow the renames (each table keeps pointing at its own twin set), and so do indexes — which is
 * why the twins' explicit indexes have names that name no table (migration 0240): nothing reads
 * the rows here.
 */
function exchangeTables(db: Db, pairs: ReadonlyArray<readonly [live: string, stage: string]>): void {
  for (const [live, stage] of pairs) {
    db.exec(`ALTER TABLE "${live}" RENAME TO "${live}__exchange"`);
    db.exec(`ALTER TABLE "${stage}" RENAME TO "${live}"`);
    db.exec(`ALTER TABLE "${live}__exchange" RENAME TO "${stage}"`);
  }
}

/** Replaces a staged document's row and children with this version. */
function replaceStaged(st: Statements, doc: StagedDoc): void {
  if (st.stageDelChildren) st.stageDelChildren.run(doc.id);
  st.stageInsert.run(...doc.values);
  for (const child of doc.children) st.stageInsertChild!.run(...child);
}

/**
 * The values of many rows in one list, a multi-row statement's parameters. A plain loop:
 * `flat()` and `flatMap()` cost ≈ 2 µs a product staged (`sync.pull`, batches of 50 rows of 12
 * values), more than SQLite's own insert of the row. The list is spread into the call: binding an
 * array instead is slower (≈ 1.6 against 1.3 µs a row of 12 values, in memory).
 */
function flatten<T>(items: readonly T[], valuesOf: (item: T) => readonly Value[]): Value[] {
  const all: Value[] = [];
  for (const item of items) {
    const values = valuesOf(item);
    for (let i = 0; i < values.length; i++) all.push(values[i]!);
  }
  return all;
}

function prepareStageMany(db: Db, spec: KindSpec): StageMany {
  const columns = [...spec.columns, 'sync_hash'];
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const child = spec.child;
  return {
    rows: db.prepare<Value[]>(
      `INSERT INTO ${spec.stage} (${columns.join(', ')}) VALUES ${Array(STAGE_BATCH_ROWS).fill(tuple).join(', ')}
       ON CONFLICT DO NOTHING`,
    ),
    children: child
      ? db.prepare<Value[]>(
          `INSERT OR REPLACE INTO ${child.stage} (${child.columns.join(', ')})
           VALUES ${Array(STAGE_BATCH_ROWS)
             .fill(`(${child.columns.map(() => '?').join(', ')})`)
             .join(', ')}`,
        )
      : null,
  };
}

/** The document, validated for this station; or why it must be parked. */
function check(
  stream: StreamName,
  row: IncomingRow,
):
  | { kind: RecordKind; doc: unknown; reason: null }
  | { kind: RecordKind; doc: null; reason: string }
  | { kind: null; doc: null; reason: string } {
  const kind = (RECORD_KINDS as readonly string[]).includes(row.kind) ? (row.kind as RecordKind) : null;
  if (kind === null || KIND_STREAM[kind] !== stream)
    return { kind: null, doc: null, reason: `this station does not know documents of kind "${row.kind}" in ${stream}` };
  if (row.op === 'del') return { kind, doc: null, reason: '' };
  // Products are most of a catalog: one already in the schema's own form skips the schema.
  const fast = kind === 'product' ? productDocFast(row.doc) : null;
  if (fast) return { kind, doc: fast, reason: null };
  const parsed = DOC_SCHEMAS[kind].safeParse(row.doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      kind,
      doc: null,
      reason: `does not fit this station's ${kind}: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}`,
    };
  }
  return { kind, doc: parsed.data, reason: null };
}

function prepareKind(db: Db, spec: KindSpec): Statements {
  const where = spec.pk.map((c) => `${c} = ?`).join(' AND ');
  const columns = [...spec.columns, 'sync_hash'];
  const placeholders = columns.map(() => '?').join(', ');
  const insert =
    spec.kind === 'operator'
      ? `INSERT INTO ${spec.table} (${columns.join(', ')}) VALUES (${placeholders})
         ON CONFLICT (id) DO UPDATE SET ${columns
           .filter((c) => c !== 'id')
           .map((c) => `${c} = excluded.${c}`)
           .join(', ')}`
      : `INSERT OR REPLACE INTO ${spec.table} (${columns.join(', ')}) VALUES (${placeholders})`;
  const conflicts = new Map<string, Statement<Value[], SqlRow>>();
  for (const column of spec.unique) {
    conflicts.set(
      column,
      db.prepare<Value[], SqlRow>(
        `SELECT ${spec.pk.join(', ')}, sync_hash FROM ${spec.table} WHERE ${column} = ? AND NOT (${where})`,
      ),
    );
  }
  const child = spec.child;
  return {
    hashOf: db.prepare<Value[], { sync_hash: number | null }>(`SELECT sync_hash FROM ${spec.table} WHERE ${where}`),
    del: db.prepare<Value[]>(`DELETE FROM ${spec.table} WHERE ${where}`),
    insert: db.prepare<Value[]>(insert),
    conflicts,
    delChildren: child ? db.prepare<[Value]>(`DELETE FROM ${child.table} WHERE ${child.parent} = ?`) : null,
    insertChild: child
      ? db.prepare<Value[]>(
          `INSERT OR REPLACE INTO ${child.table} (${child.columns.join(', ')}) VALUES (${child.columns.map(() => '?').join(', ')})`,
        )
      : null,
    stageInsert: db.prepare<Value[]>(
      `INSERT OR REPLACE INTO ${spec.stage} (${columns.join(', ')}) VALUES (${placeholders})`,
    ),
    stageInsertNew: db.prepare<Value[]>(
      `INSERT INTO ${spec.stage} (${columns.join(', ')}) VALUES (${placeholders}) ON CONFLICT DO NOTHING`,
    ),
    stageDel: db.prepare<Value[]>(`DELETE FROM ${spec.stage} WHERE ${where}`),
    stageDelChildren: child ? db.prepare<[Value]>(`DELETE FROM ${child.stage} WHERE ${child.parent} = ?`) : null,
    // A child key staged for another parent (a barcode that moved) moves with the newer document.
    stageInsertChild: child
      ? db.prepare<Value[]>(
          `INSERT OR REPLACE INTO ${child.stage} (${child.columns.join(', ')}) VALUES (${child.columns.map(() => '?').join(', ')})`,
        )
      : null,
  };
}
