import type { SessionView } from '#shared/contract/common';
import { benchesForRole, roleMayOpen, type Bench } from '#shared/domain/roles';
import type { Settings } from '#shared/domain/settings';
import { verifyPin } from '../auth/pin';
import type { Db } from '../db/connection';
import { operatorQueries, type OperatorQueries, type OperatorRecord } from '../db/queries/operators';
import { sessionQueries, type SessionQueries, type SessionRecord } from '../db/queries/session';
import type { EventLog } from '../events/log';
import { BenchError } from '../util/errors';

/** Wrong PINs in a row before a badge is locked. */
export const MAX_PIN_ATTEMPTS = 5;
/** How long a badge stays locked after too many wrong PINs. */
export const BADGE_LOCK_MS = 5 * 60_000;
/** How long a scanned badge waits for its PIN. */
const PENDING_PIN_MS = 60_000;
/** Activity is written to the database at most this often (each write is an fsync). */
const ACTIVITY_PERSIST_MS = 15_000;

export type ActiveSession = { operator: OperatorRecord; locked: boolean; startedAt: number; bench: Bench | null };

type Pending = { operator: OperatorRecord; purpose: 'login' | 'unlock'; expiresAt: number };

export type SessionDeps = {
  db: Db;
  events: EventLog;
  settings: () => Settings;
  clock: () => number;
  /** Called after every change, with the new view, to tell every window. */
  changed: (view: SessionView) => void;
};

/**
 * The station session: one operator at a time, logged in by badge and PIN, locked after idle
 * time, and persisted so a core restart does not log the operator out. Every login, logout,
 * lock, unlock and failed PIN is an event.
 */
export class SessionService {
  readonly #deps: SessionDeps;
  readonly #operators: OperatorQueries;
  readonly #sessions: SessionQueries;
  #session: SessionRecord | null;
  #operator: OperatorRecord | null = null;
  #pending: Pending | null = null;
  #persistedActivityAt = 0;
  #timer: ReturnType<typeof setInterval> | null = null;

  constructor(deps: SessionDeps) {
    this.#deps = deps;
    this.#operators = operatorQueries(deps.db);
    this.#sessions = sessionQueries(deps.db);
    this.#session = this.#sessions.get();
    if (this.#session) {
      this.#operator = this.#operators.byId(this.#session.operatorId);
      this.#persistedActivityAt = this.#session.lastActivityAt;
      if (!this.#operator || !this.#operator.active) this.#end('operator_inactive');
    }
  }

  /**
   * The operator records changed under the session (sync brought new operator documents): the
   * session follows its operator's new name and role, and ends if the operator is gone or was
   * made inactive. Sync calls it after committing an operators download.
   */
  operatorsChanged(): void {
    if (!this.#session) return;
    const operator = this.#operators.byId(this.#session.operatorId);
    if (!operator || !operator.active) this.#end('operator_inactive');
    else this.#operator = operator;
    this.#notify();
  }

  /** Starts the idle-lock watchdog; it checks once a second. */
  start(): void {
    this.checkIdle();
    this.#timer = setInterval(() => this.checkIdle(), 1000);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.#persistActivity(true);
  }

  /** The logged-in operator and lock state, or null. Read from memory: every call asks. */
  active(): ActiveSession | null {
    if (!this.#session || !this.#operator) return null;
    return {
      operator: this.#operator,
      locked: this.#session.locked,
      startedAt: this.#session.startedAt,
      bench: this.#session.bench,
    };
  }

  view(): SessionView {
    const active = this.active();
    const pending = this.#livePending();
    return {
      operator: active ? { id: active.operator.id, name: active.operator.name, role: active.operator.role } : null,
      locked: active?.locked ?? false,
      benches: active && !active.locked ? [...benchesForRole(active.operator.role)] : [],
      bench: active?.bench ?? null,
      startedAt: active?.startedAt ?? null,
      idleLockSeconds: this.#deps.settings().idleLockSeconds,
      pending: pending ? { operatorName: pending.operator.name, purpose: pending.purpose } : null,
    };
  }

  /** Finds the operator of a badge for the keyboard login; refuses unknown and locked badges. */
  identify(badge: string): OperatorRecord {
    const operator = this.#operators.byBadge(badge);
    if (!operator || !operator.active)
      throw new BenchError('UNKNOWN_BADGE', 'This badge is not known at this station.');
    this.#assertNotLockedOut(operator);
    return operator;
  }

  /** A badge was scanned: remember it and wait for its PIN (login, or unlock of the same operator). */
  expectPin(operator: OperatorRecord): Pending {
    this.#assertNotLockedOut(operator);
    const active = this.active();
    const purpose = active?.locked && active.operator.id === operator.id ? 'unlock' : 'login';
    this.#pending = { operator, purpose, expiresAt: this.#deps.clock() + PENDING_PIN_MS };
    this.#notify();
    return this.#pending;
  }

  /** The badge waiting for its PIN, if it has not expired. */
  pending(): Pending | null {
    return this.#livePending();
  }

  cancelPending(): void {
    if (this.#pending) {
      this.#pending = null;
      this.#notify();
    }
  }

  /** Completes the pending badge with a scanned PIN. */
  async completePending(pin: string, method: 'scan' | 'keyboard'): Promise<{ purpose: 'login' | 'unlock' }> {
    const pending = this.#livePending();
    if (!pending) throw new BenchError('UNAUTHENTICATED', 'Scan a badge first.');
    if (pending.purpose === 'unlock') {
      await this.unlock(pin);
      return { purpose: 'unlock' };
    }
    await this.login(pending.operator.badge, pin, method);
    return { purpose: 'login' };
  }

  /** Logs in with badge and PIN; replaces the session of another operator. */
  async login(badge: string, pin: string, method: 'scan' | 'keyboard'): Promise<SessionView> {
    const operator = this.identify(badge);
    await this.#checkPin(operator, pin, 'login');
    const now = this.#deps.clock();
    const { db, events } = this.#deps;
    db.transaction(() => {
      const previous = this.active();
      if (previous) {
        events.append({
          type: 'session.logout',
          operatorId: previous.operator.id,
          subject: previous.operator.id,
          payload: { reason: 'replaced', by: operator.id },
        });
      }
      const session: SessionRecord = {
        operatorId: operator.id,
        startedAt: now,
        lastActivityAt: now,
        locked: false,
        bench: null,
      };
      this.#sessions.put(session);
      events.append({
        type: 'session.login',
        operatorId: operator.id,
        subject: operator.id,
        payload: { role: operator.role, method },
      });
      this.#session = session;
      this.#operator = operator;
      this.#persistedActivityAt = now;
    })();
    this.#pending = null;
    this.#notify();
    return this.view();
  }

  /**
   * Puts the operator at a bench (null: the bench chooser). Scans are routed by it, and it
   * survives a restart, so a crash returns the operator to the bench they were at.
   */
  setBench(bench: Bench | null): SessionView {
    const active = this.active();
    if (!active || !this.#session) throw new BenchError('UNAUTHENTICATED', 'Log in first: scan your badge.');
    if (bench !== null && !roleMayOpen(active.operator.role, bench)) {
      this.#deps.events.record({
        type: 'security.bench_refused',
        operatorId: active.operator.id,
        subject: active.operator.id,
        payload: { bench, role: active.operator.role },
      });
      throw new BenchError(
        'FORBIDDEN',
        `The ${bench} bench is not open to ${active.operator.role}. The attempt was recorded.`,
        {
          bench,
          role: active.operator.role,
        },
      );
    }
    if (this.#session.bench !== bench) {
      this.#session = { ...this.#session, bench };
      this.#sessions.put(this.#session);
      this.#notify();
    }
    return this.view();
  }

  /**
   * Checks another operator's badge and PIN at this bench — a supervisor approving an override —
   * with the same lockout as a login. Does not change the session.
   */
  async verifyOperator(badge: string, pin: string): Promise<OperatorRecord> {
    const operator = this.identify(badge);
    await this.#checkPin(operator, pin, 'approval');
    return operator;
  }

  /** The operator of a badge, if active (no lockout check). */
  operatorByBadge(badge: string): OperatorRecord | null {
    const operator = this.#operators.byBadge(badge);
    return operator?.active ? operator : null;
  }

  /** Ends the session. */
  logout(reason: 'manual' | 'command'): SessionView {
    this.#end(reason);
    this.#notify();
    return this.view();
  }

  /** Locks the station; the operator's PIN unlocks it. */
  lock(reason: 'manual' | 'command' | 'idle'): SessionView {
    const active = this.active();
    if (active && !active.locked && this.#session) {
      const locked: SessionRecord = { ...this.#session, locked: true };
      this.#deps.db.transaction(() => {
        this.#sessions.put(locked);
        this.#deps.events.append({
          type: 'session.locked',
          operatorId: active.operator.id,
          subject: active.operator.id,
          payload: { reason },
        });
      })();
      this.#session = locked;
      this.#notify();
    }
    return this.view();
  }

  /** Unlocks with the PIN of the operator who holds the session. */
  async unlock(pin: string): Promise<SessionView> {
    const active = this.active();
    if (!active) throw new BenchError('UNAUTHENTICATED', 'Nobody is logged in.');
    if (!active.locked) return this.view();
    await this.#checkPin(active.operator, pin, 'unlock');
    const now = this.#deps.clock();
    if (!this.#session) throw new BenchError('UNAUTHENTICATED', 'The session ended while the PIN was checked.');
    const unlocked: SessionRecord = { ...this.#session, locked: false, lastActivityAt: now };
    this.#deps.db.transaction(() => {
      this.#sessions.put(unlocked);
      this.#deps.events.append({
        type: 'session.unlocked',
        operatorId: active.operator.id,
        subject: active.operator.id,
        payload: {},
      });
    })();
    this.#session = unlocked;
    this.#persistedActivityAt = now;
    this.#pending = null;
    this.#notify();
    return this.view();
  }

  /** The operator did something: push the idle lock back. */
  touch(): number | null {
    if (!this.#session || this.#session.locked) return null;
    this.#session = { ...this.#session, lastActivityAt: this.#deps.clock() };
    this.#persistActivity(false);
    return this.#session.lastActivityAt + this.#deps.settings().idleLockSeconds * 1000;
  }

  /** Locks the station when the operator has been idle longer than the setting. */
  checkIdle(): void {
    const session = this.#session;
    if (!session || session.locked) return;
    const idleMs = this.#deps.settings().idleLockSeconds * 1000;
    if (this.#deps.clock() - session.lastActivityAt >= idleMs) this.lock('idle');
  }

  /** Settings changed (idle time): windows show the new lock time. */
  settingsChanged(): void {
    this.#notify();
  }

  async #checkPin(operator: OperatorRecord, pin: string, purpose: 'login' | 'unlock' | 'approval'): Promise<void> {
    this.#assertNotLockedOut(operator);
    const good = await verifyPin(pin, operator.pinHash);
    const { db, events, clock } = this.#deps;
    if (good) {
      db.transaction(() => this.#operators.clearLockout(operator.badge))();
      return;
    }
    const now = clock();
    const outcome = db.transaction(() => {
      const previous = this.#operators.lockout(operator.badge);
      const failed = previous.failedCount + 1;
      const attemptsLeft = Math.max(0, MAX_PIN_ATTEMPTS - failed);
      events.append({
        type: 'auth.pin_failed',
        operatorId: operator.id,
        subject: operator.id,
        payload: { purpose, attempt: failed, attemptsLeft },
      });
      if (failed >= MAX_PIN_ATTEMPTS) {
        const lockedUntil = now + BADGE_LOCK_MS;
        this.#operators.setLockout(operator.badge, 0, lockedUntil);
        events.append({
          type: 'auth.badge_locked',
          operatorId: operator.id,
          subject: operator.id,
          payload: { lockedUntil, attempts: failed },
        });
        return { attemptsLeft, lockedUntil };
      }
      this.#operators.setLockout(operator.badge, failed, null);
      return { attemptsLeft, lockedUntil: null };
    })();
    if (outcome.lockedUntil !== null) {
      this.#pending = null;
      this.#notify();
      throw new BenchError('BADGE_LOCKED', 'Too many wrong PINs: this badge is locked for five minutes.', {
        lockedUntil: outcome.lockedUntil,
      });
    }
    throw new BenchError('WRONG_PIN', 'Wrong PIN.', { attemptsLeft: outcome.attemptsLeft });
  }

  #assertNotLockedOut(operator: OperatorRecord): void {
    const { lockedUntil } = this.#operators.lockout(operator.badge);
    if (lockedUntil !== null && lockedUntil > this.#deps.clock()) {
      throw new BenchError('BADGE_LOCKED', 'Too many wrong PINs: this badge is locked for a few minutes.', {
        lockedUntil,
      });
    }
  }

  #livePending(): Pending | null {
    if (this.#pending && this.#pending.expiresAt <= this.#deps.clock()) this.#pending = null;
    return this.#pending;
  }

  #end(reason: string): void {
    const active = this.active();
    const operatorId = this.#session?.operatorId ?? null;
    this.#deps.db.transaction(() => {
      this.#sessions.clear();
      if (operatorId) {
        this.#deps.events.append({
          type: 'session.logout',
          operatorId,
          subject: operatorId,
          payload: { reason, locked: active?.locked ?? false },
        });
      }
    })();
    this.#session = null;
    this.#operator = null;
    this.#pending = null;
  }

  #persistActivity(force: boolean): void {
    const session = this.#session;
    if (!session) return;
    if (!force && session.lastActivityAt - this.#persistedActivityAt < ACTIVITY_PERSIST_MS) return;
    this.#sessions.put(session);
    this.#persistedActivityAt = session.lastActivityAt;
  }

  #notify(): void {
    this.#deps.changed(this.view());
  }
}
