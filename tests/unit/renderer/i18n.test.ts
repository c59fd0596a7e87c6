import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '#shared/contract/errors';
import { DECISION_REASONS, FLAG_DECISIONS } from '#shared/contract/review';
import { VERDICT_KINDS } from '#shared/contract/scan';
import { BENCHES, ROLES } from '#shared/domain/roles';
import { en } from '../../../src/renderer/src/i18n/en';
import { es } from '../../../src/renderer/src/i18n/es';

function keys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([key, child]) => keys(child, prefix ? `${prefix}.${key}` : key));
}

function lookup(messages: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], messages);
}

describe('translations', () => {
  it('Spanish has exactly the English keys, none empty', () => {
    expect(keys(es).sort()).toEqual(keys(en).sort());
    for (const key of keys(es)) expect({ key, empty: lookup(es, key) === '' }).toEqual({ key, empty: false });
  });

  it('keep the same {{placeholders}} in both languages', () => {
    for (const key of keys(en)) {
      const names = (text: unknown): string[] => [...String(text).matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!).sort();
      expect({ key, placeholders: names(lookup(es, key)) }).toEqual({ key, placeholders: names(lookup(en, key)) });
    }
  });

  it('name every role, bench and error code the core can send', () => {
    for (const role of ROLES) expect(lookup(en, `roles.${role}`)).toBeTypeOf('string');
    for (const bench of BENCHES) expect(lookup(en, `benches.${bench}`)).toBeTypeOf('string');
    for (const code of ERROR_CODES) {
      const plain = lookup(en, `errors.${code}`) ?? lookup(en, `errors.${code}_other`);
      expect({ code, text: typeof plain }).toEqual({ code, text: 'string' });
    }
  });

  it('have a message for every verdict the scan workflow uses', () => {
    // Each kind maps to at least one verdict.* key; the workflow's keys are listed here so a new
    // one without a translation fails.
    const used = [
      'empty',
      'needsLogin',
      'locked',
      'badge',
      'badgeUnlock',
      'badgeSwitch',
      'badgeInactive',
      'alreadyLoggedIn',
      'login',
      'unlock',
      'pinWrong_one',
      'pinWrong_other',
      'badgeLocked',
      'loggedOut',
      'lockedNow',
      'navigate',
      'benchRefused',
      'product',
      'order',
      'rma',
      'unknown',
    ];
    for (const key of used) expect({ key, text: typeof lookup(en, `verdict.${key}`) }).toEqual({ key, text: 'string' });
    expect(VERDICT_KINDS.length).toBeGreaterThan(0);
  });

  it('have every verdict, reason, decision and flag type the review bench uses', () => {
    const source = readFileSync(join(__dirname, '../../../src/core/workflows/review.ts'), 'utf8');
    const keys = [...source.matchAll(/'(verdict\.review\.\w+)'/g)].map((m) => m[1]!);
    expect(keys.length).toBeGreaterThan(10);
    for (const key of keys) expect({ key, text: typeof lookup(en, key) }).toEqual({ key, text: 'string' });
    for (const reason of DECISION_REASONS)
      expect({ reason, text: typeof lookup(en, `reviewBench.reasons.${reason}`) }).toEqual({ reason, text: 'string' });
    for (const decision of FLAG_DECISIONS)
      expect({ decision, text: typeof lookup(en, `reviewBench.decisions.${decision}`) }).toEqual({
        decision,
        text: 'string',
      });
    const fraud = readFileSync(join(__dirname, '../../../src/shared/policy/fraud.ts'), 'utf8');
    const types = [...fraud.matchAll(/type: '(\w+)'/g), ...fraud.matchAll(/'(empty_box|weight_mismatch)'/g)].map(
      (m) => m[1]!,
    );
    expect(types).toContain('serial_returner');
    for (const type of types)
      expect({ type, text: typeof lookup(en, `flagTypes.${type}`) }).toEqual({ type, text: 'string' });
  });
});
