import { applySettingsPatch, type Settings } from '#shared/domain/settings';
import type { Status } from '#shared/contract/app';
import type { Db } from '../db/connection';
import { operatorQueries } from '../db/queries/operators';
import { writeSettings } from '../db/queries/settings';
import type { StationRecord } from '../db/queries/station';
import type { EventLog } from '../events/log';
import { BenchError } from '../util/errors';
import type { ScanService } from '../workflows/scan';
import type { SessionService } from '../workflows/session';
import type { Handlers } from './dispatcher';
import type { appMethods } from '#shared/contract/app';
import type { authMethods, sessionMethods } from '#shared/contract/auth';
import type { scanMethods } from '#shared/contract/scan';
import type { eventMethods, operatorMethods, settingsMethods } from '#shared/contract/admin';

/** The methods of the foundation: status, login and session, scan, settings, audit. */
export type FoundationMethod = keyof (typeof appMethods &
  typeof authMethods &
  typeof sessionMethods &
  typeof scanMethods &
  typeof settingsMethods &
  typeof operatorMethods &
  typeof eventMethods);

export type HandlerDeps = {
  db: Db;
  events: EventLog;
  session: SessionService;
  scan: ScanService;
  station: StationRecord;
  settings: { get(): Settings; set(settings: Settings): void };
  status: () => Status;
  demoSheet: () => Promise<Buffer>;
  clock: () => number;
};

/**
 * The handlers of the foundation's methods. Each domain (printing, packing, returns, sync…)
 * brings its own `<domain>Handlers(deps)` for its own contract file; `Core` merges them, and the
 * `Handlers` type makes a missing method a compile error.
 */
export function foundationHandlers(deps: HandlerDeps): Pick<Handlers, FoundationMethod> {
  const { db, events, session } = deps;
  const operators = operatorQueries(db);
  return {
    'app.status': () => deps.status(),
    'app.demoSheet': async () => {
      if (!deps.station.demo) throw new BenchError('NOT_AVAILABLE', 'This station is not a demo station.');
      const pdf = await deps.demoSheet();
      return { filename: 'benchline-demo-sheet.pdf', contentType: 'application/pdf', base64: pdf.toString('base64') };
    },

    'auth.identify': ({ badge }) => {
      const operator = session.identify(badge);
      session.expectPin(operator);
      return { operatorName: operator.name, role: operator.role };
    },
    'auth.pin': async ({ pin }) => {
      await session.completePending(pin, 'keyboard');
      return session.view();
    },
    'auth.login': ({ badge, pin }) => session.login(badge, pin, 'keyboard'),
    'auth.cancel': () => {
      session.cancelPending();
      return session.view();
    },
    'auth.logout': () => session.logout('manual'),

    'session.current': () => session.view(),
    'session.lock': () => session.lock('manual'),
    'session.unlock': ({ pin }) => session.unlock(pin),
    'session.bench': ({ bench }) => session.setBench(bench),
    'session.touch': () => ({ lockAt: session.touch() }),

    'scan.submit': (input) => deps.scan.submit(input),

    'settings.get': () => deps.settings.get(),
    'settings.update': (patch, ctx) => {
      const before = deps.settings.get();
      const after = applySettingsPatch(before, patch);
      db.transaction(() => {
        writeSettings(db, after, deps.clock());
        events.append({
          type: 'settings.changed',
          operatorId: ctx.operator?.id ?? null,
          payload: { before, after },
        });
      })();
      deps.settings.set(after);
      return after;
    },

    'operators.list': () =>
      operators.all().map((o) => ({ id: o.id, name: o.name, role: o.role, badge: o.badge, active: o.active })),

    'events.list': ({ limit, beforeSeq, type }) => ({
      events: events.page(limit, beforeSeq, type).map((e) => ({ ...e, payload: JSON.parse(e.payload) as unknown })),
      total: events.count(type),
    }),
    'events.verify': () => events.verify(),
  };
}
