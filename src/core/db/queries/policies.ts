import { POLICY_SCHEMAS, type PolicyDocument, type PolicyKind } from '#shared/policy/index';
import type { Db } from '../connection';
import type { Logger } from '../../util/log';

/**
 * The active policy documents, parsed and cached. Policies change only when sync brings new ones
 * (it calls `invalidate`), while the scan path asks for them on every scan. A document that does
 * not parse is skipped and logged — one bad document from the cloud must not stop the bench.
 */
export class PolicyStore {
  readonly #db: Db;
  readonly #log: Logger | null;
  readonly #cache = new Map<PolicyKind, unknown[]>();
  /** Exact versions: a (kind, id, version) never changes once written, so it is parsed once. */
  readonly #exact = new Map<string, unknown>();

  constructor(db: Db, log: Logger | null = null) {
    this.#db = db;
    this.#log = log;
  }

  /** Every active document of a kind. */
  all<K extends PolicyKind>(kind: K): PolicyDocument<K>[] {
    const cached = this.#cache.get(kind);
    if (cached) return cached as PolicyDocument<K>[];
    const rows = this.#db
      .prepare<[string], { id: string; version: number; document: string }>(
        'SELECT id, version, document FROM policies WHERE kind = ? AND active = 1 ORDER BY id, version',
      )
      .all(kind);
    const documents: PolicyDocument<K>[] = [];
    for (const row of rows) {
      const parsed = POLICY_SCHEMAS[kind].safeParse(JSON.parse(row.document));
      if (parsed.success) documents.push(parsed.data as PolicyDocument<K>);
      else
        this.#log?.error(
          { kind, id: row.id, version: row.version, issues: parsed.error.issues },
          'policy document refused',
        );
    }
    this.#cache.set(kind, documents);
    return documents;
  }

  /** The newest active document of a kind with this id, or of the kind when there is one. */
  one<K extends PolicyKind>(kind: K, id?: string): PolicyDocument<K> | null {
    const matching = this.all(kind).filter((doc) => id === undefined || doc.id === id);
    return matching.sort((a, b) => b.version - a.version)[0] ?? null;
  }

  /**
   * One exact version of a document, active or not: a decision made under version 3 is
   * re-read under version 3 even after version 4 arrived.
   */
  exact<K extends PolicyKind>(kind: K, id: string, version: number): PolicyDocument<K> | null {
    const key = `${kind}\u0000${id}\u0000${version}`;
    if (this.#exact.has(key)) return this.#exact.get(key) as PolicyDocument<K> | null;
    const row = this.#db
      .prepare<[string, string, number], { document: string }>(
        'SELECT document FROM policies WHERE kind = ? AND id = ? AND version = ?',
      )
      .get(kind, id, version);
    const parsed = row ? POLICY_SCHEMAS[kind].safeParse(JSON.parse(row.document)) : null;
    const document = parsed?.success ? (parsed.data as PolicyDocument<K>) : null;
    // A version not there yet may arrive with the next sync: only what was found is kept.
    if (document) this.#exact.set(key, document);
    return document;
  }

  invalidate(): void {
    this.#cache.clear();
    this.#exact.clear();
  }
}
