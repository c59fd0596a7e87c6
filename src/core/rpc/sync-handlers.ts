import type { syncMethods } from '#shared/contract/sync';
import type { SyncEngine } from '../sync/engine';
import type { Handlers } from './dispatcher';

type SyncMethod = keyof typeof syncMethods;

/** Sync status, "sync now" and enrolment. */
export function syncHandlers(deps: { sync: SyncEngine }): Pick<Handlers, SyncMethod> {
  const { sync } = deps;
  return {
    'sync.status': () => sync.view(),
    'sync.now': () => sync.syncNow(),
    'sync.enrol': ({ url, code }) => sync.enrol(url, code),
  };
}
