import type { MethodName } from '#shared/contract/index';
import { DEMO } from './core-fixture';

/** A well-formed input per method: the malformed ones are built around it. */
export const VALID: Record<MethodName, Record<string, unknown>> = {
  'app.status': {},
  'app.demoSheet': {},
  'auth.identify': { badge: DEMO.packer.badge },
  'auth.pin': { pin: '1234' },
  'auth.login': { badge: DEMO.packer.badge, pin: '1234' },
  'auth.cancel': {},
  'auth.logout': {},
  'session.current': {},
  'session.lock': {},
  'session.unlock': { pin: '1234' },
  'session.bench': { bench: 'pack' },
  'session.touch': {},
  'scan.submit': { code: 'NW10001', source: 'wedge' },
  'settings.get': {},
  'settings.update': { idleLockSeconds: 600, scanner: { minLength: 4 } },
  'operators.list': {},
  'events.list': { limit: 10, beforeSeq: 5 },
  'events.verify': {},
  'pack.current': {},
  'pack.weight': { grams: 1200, source: 'manual' },
  'pack.done': {},
  'pack.undo': {},
  'pack.cancel': { reason: 'damaged in picking' },
  'qc.current': {},
  'qc.answer': { stepId: 'power', answer: { type: 'measured', value: 3.7 } },
  'qc.defect': { code: 'E-POWER', severity: 'major', note: 'no boot' },
  'qc.holds': {},
  'qc.defectCodes': {},
};
