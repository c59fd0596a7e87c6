import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '#shared/contract/errors';
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
});
