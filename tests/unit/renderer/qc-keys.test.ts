import { describe, expect, it } from 'vitest';
import { parseCommand } from '#shared/barcode/commands';
import { QC_COMMAND_KEYS, QC_PHOTO_KEY, qcCommandCode, qcCommandOf } from '../../../src/renderer/src/screens/qc-keys';

const press = (key: string, modifiers: { shift?: boolean; ctrl?: boolean; alt?: boolean; meta?: boolean } = {}) =>
  qcCommandOf({
    key,
    shiftKey: modifiers.shift ?? false,
    ctrlKey: modifiers.ctrl ?? false,
    altKey: modifiers.alt ?? false,
    metaKey: modifiers.meta ?? false,
  });

describe('the QC bench keys', () => {
  it.each([
    ['F2', {}, 'done'],
    ['F3', {}, 'pass'],
    ['F4', {}, 'fail'],
    ['F6', { shift: true }, 'skip'],
    ['F2', { shift: true }, 'release'],
    ['F4', { shift: true }, 'reject'],
    ['F6', {}, null], // the photo key: the photo capture takes it
    ['F3', { shift: true }, null],
    ['F2', { ctrl: true }, null],
    ['F4', { alt: true }, null],
    ['F8', {}, null], // GS from some scanners
    ['F9', {}, null], // the station's reprint
    ['a', {}, null],
  ] as const)('%s %o is %s', (key, modifiers, command) => {
    expect(press(key, modifiers)).toBe(command);
  });

  it('sends the command barcodes a scanner would, and no key twice', () => {
    for (const command of Object.keys(QC_COMMAND_KEYS) as (keyof typeof QC_COMMAND_KEYS)[])
      expect(parseCommand(qcCommandCode(command))).toEqual({ name: command });
    const keys = [...Object.values(QC_COMMAND_KEYS), QC_PHOTO_KEY];
    expect(new Set(keys).size).toBe(keys.length);
  });
});
