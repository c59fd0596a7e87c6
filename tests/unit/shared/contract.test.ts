import { describe, expect, it } from 'vitest';
import { contract, METHOD_NAMES } from '#shared/contract/index';
import { accessAllows } from '#shared/contract/define';
import { commandCode, parseCommand, type Command } from '#shared/barcode/commands';
import { applySettingsPatch, DEFAULT_SETTINGS, settingsSchema } from '#shared/domain/settings';
import { BENCHES, benchesForRole, ROLES, roleMayOpen } from '#shared/domain/roles';
import { canonicalJson } from '#shared/util/canonical-json';

describe('the contract', () => {
  it('names every method domain.action, with a summary and a valid access', () => {
    for (const name of METHOD_NAMES) {
      expect(name).toMatch(/^[a-z]+\.[a-z][A-Za-z]*$/);
      const spec = contract[name];
      expect(spec.summary.length).toBeGreaterThan(10);
      if (Array.isArray(spec.access)) for (const role of spec.access) expect(ROLES).toContain(role);
      else expect(['public', 'operator']).toContain(spec.access);
    }
  });

  it('keeps supervisor-only what changes the station or reads the audit trail', () => {
    for (const name of ['settings.update', 'operators.list', 'events.list', 'events.verify'] as const) {
      expect(contract[name].access).toEqual(['supervisor']);
    }
  });

  it('checks access by role', () => {
    expect(accessAllows('public', null)).toBe(true);
    expect(accessAllows('operator', null)).toBe(false);
    expect(accessAllows('operator', 'packer')).toBe(true);
    expect(accessAllows(['supervisor'], 'packer')).toBe(false);
    expect(accessAllows(['supervisor'], 'supervisor')).toBe(true);
  });
});

describe('roles and benches', () => {
  it('gives the supervisor every bench and each other role its own', () => {
    expect([...benchesForRole('supervisor')].sort()).toEqual([...BENCHES].sort());
    expect(roleMayOpen('packer', 'settings')).toBe(false);
    expect(roleMayOpen('returns_clerk', 'returns')).toBe(true);
    expect(roleMayOpen('qc_inspector', 'returns')).toBe(false);
  });
});

describe('command barcodes', () => {
  it('round-trip, case-insensitively, and refuse what they do not know', () => {
    const commands: Command[] = [
      { name: 'logout' },
      { name: 'lock' },
      { name: 'home' },
      ...BENCHES.map((bench): Command => ({ name: 'bench', bench })),
    ];
    for (const command of commands) {
      expect(parseCommand(commandCode(command))).toEqual(command);
      expect(parseCommand(commandCode(command).toLowerCase())).toEqual(command);
    }
    expect(parseCommand('CMD:BENCH:KITCHEN')).toBeNull();
    expect(parseCommand('CMD:')).toBeNull();
    expect(parseCommand('LOGOUT')).toBeNull();
  });
});

describe('settings', () => {
  it('merges a patch key by key, scanner settings included', () => {
    const next = applySettingsPatch(DEFAULT_SETTINGS, { idleLockSeconds: 60, scanner: { minLength: 6 } });
    expect(next).toEqual({
      ...DEFAULT_SETTINGS,
      idleLockSeconds: 60,
      scanner: { ...DEFAULT_SETTINGS.scanner, minLength: 6 },
    });
    expect(settingsSchema.parse(next)).toEqual(next);
    expect(DEFAULT_SETTINGS.idleLockSeconds).toBe(600);
  });
});

describe('canonical JSON', () => {
  it('sorts keys at every depth and writes dates as JSON does', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 1, c: 2 }], at: new Date(0), gone: undefined })).toBe(
      '{"a":[{"c":2,"d":1}],"at":"1970-01-01T00:00:00.000Z","b":1}',
    );
  });
});
