import type { Db } from './connection';

/** Effects waiting for the outermost unit of work of a database to commit. */
const waiting = new WeakMap<Db, (() => void)[]>();

/**
 * Runs `work` as one unit: a single IMMEDIATE transaction, so everything it writes — however many
 * steps write inside it (they become savepoints) — commits with one fsync, or not at all. Effects
 * registered with `afterCommit` meanwhile (pushing a view to the windows, waking the printer) run
 * once it committed, in order, and are dropped if it rolled back: a window never sees a state the
 * database does not hold.
 */
export function inOneUnit<T>(db: Db, work: () => T): T {
  if (waiting.has(db)) return work();
  const effects: (() => void)[] = [];
  waiting.set(db, effects);
  let result: T;
  try {
    result = db.transaction(work).immediate();
  } finally {
    waiting.delete(db);
  }
  for (const effect of effects) effect();
  return result;
}

/** Runs `effect` now, or after the unit of work that is writing commits. */
export function afterCommit(db: Db, effect: () => void): void {
  const effects = waiting.get(db);
  if (effects) effects.push(effect);
  else effect();
}
