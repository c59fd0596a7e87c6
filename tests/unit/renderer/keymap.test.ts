import { describe, expect, it } from 'vitest';
import { SCANNER_LAYOUTS, type ScannerLayout } from '#shared/domain/settings';
import { charOf, decodeKey, GS, keyFor, scannerChar, UNREADABLE } from '../../../src/renderer/src/scan/keymap';
import { scannerKeys } from '../../support/keys';

type Key = { code: string; key: string; shiftKey?: boolean; ctrlKey?: boolean; altKey?: boolean; caps?: boolean };

function char(k: Key): string | null {
  return scannerChar({
    code: k.code,
    key: k.key,
    shiftKey: k.shiftKey ?? false,
    ctrlKey: k.ctrlKey ?? false,
    altKey: k.altKey ?? false,
    getModifierState: (name) => name === 'CapsLock' && (k.caps ?? false),
  });
}

describe('scanner characters from physical keys', () => {
  it.each<[string, Key, string | null]>([
    ['US digit', { code: 'Digit1', key: '1' }, '1'],
    ['AZERTY unshifted Digit1 is & on screen, the scanner meant 1', { code: 'Digit1', key: '&' }, '1'],
    ['AZERTY KeyQ shows a, the scanner meant q', { code: 'KeyQ', key: 'a' }, 'q'],
    ['AZERTY Shift+KeyQ shows A, the scanner meant Q', { code: 'KeyQ', key: 'A', shiftKey: true }, 'Q'],
    ['UK Shift+Digit2 shows ", the scanner meant @', { code: 'Digit2', key: '"', shiftKey: true }, '@'],
    ['German KeyY shows z, the scanner meant y', { code: 'KeyY', key: 'z' }, 'y'],
    ['Shift+letter is a capital', { code: 'KeyB', key: 'B', shiftKey: true }, 'B'],
    ['Caps Lock does not turn a scanner lower case into a capital', { code: 'KeyB', key: 'B', caps: true }, 'b'],
    [
      'Caps Lock does not turn a scanner capital into lower case',
      { code: 'KeyB', key: 'b', shiftKey: true, caps: true },
      'B',
    ],
    ['a capital sent without Shift is believed when Caps Lock is off', { code: 'KeyB', key: 'B' }, 'B'],
    ['a colon sent without Shift is believed', { code: 'Semicolon', key: ':' }, ':'],
    ['minus', { code: 'Minus', key: '-' }, '-'],
    ['French ) on the Minus key means -', { code: 'Minus', key: ')' }, '-'],
    ['numpad digit', { code: 'Numpad7', key: '7' }, '7'],
    ['GS as Ctrl+]', { code: 'BracketRight', key: ']', ctrlKey: true }, GS],
    ['GS as F8', { code: 'F8', key: 'F8' }, GS],
    ['other Ctrl keys are not characters', { code: 'KeyR', key: 'r', ctrlKey: true }, null],
    ['Enter is not a character', { code: 'Enter', key: 'Enter' }, null],
    ['unknown code falls back to key', { code: 'Unidentified', key: 'é' }, 'é'],
  ])('%s', (_name, key, expected) => {
    expect(char(key)).toBe(expected);
  });
});

/** Every printable ASCII character: what barcodes (Code 128, Code 39, QR in text mode…) carry. */
const ASCII = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i));

describe('scanner keyboard layouts', () => {
  // Each layout's keys for characters barcodes use, from the layouts themselves (Windows): the
  // table must say the same, or a scanner programmed for that layout would read wrong.
  it.each<[ScannerLayout, string, string, 0 | 1 | 2]>([
    ['us', '@', 'Digit2', 1],
    ['us', '\\', 'Backslash', 0],
    ['uk', '@', 'Quote', 1],
    ['uk', '"', 'Digit2', 1],
    ['uk', '#', 'Backslash', 0],
    ['uk', '~', 'Backslash', 1],
    ['uk', '\\', 'IntlBackslash', 0],
    ['de', 'y', 'KeyZ', 0],
    ['de', 'Z', 'KeyY', 1],
    ['de', '@', 'KeyQ', 2],
    ['de', '-', 'Slash', 0],
    ['de', '_', 'Slash', 1],
    ['de', '/', 'Digit7', 1],
    ['de', ':', 'Period', 1],
    ['de', '[', 'Digit8', 2],
    ['de', '}', 'Digit0', 2],
    ['de', '\\', 'Minus', 2],
    ['de', '|', 'IntlBackslash', 2],
    ['de', '~', 'BracketRight', 2],
    ['de', '#', 'Backslash', 0],
    ['fr', '1', 'Digit1', 1],
    ['fr', '&', 'Digit1', 0],
    ['fr', 'a', 'KeyQ', 0],
    ['fr', 'Q', 'KeyA', 1],
    ['fr', 'w', 'KeyZ', 0],
    ['fr', 'm', 'Semicolon', 0],
    ['fr', '-', 'Digit6', 0],
    ['fr', '_', 'Digit8', 0],
    ['fr', '@', 'Digit0', 2],
    ['fr', '#', 'Digit3', 2],
    ['fr', ':', 'Period', 0],
    ['fr', '/', 'Period', 1],
    ['fr', '.', 'Comma', 1],
    ['fr', ']', 'Minus', 2],
    ['es', '@', 'Digit2', 2],
    ['es', '#', 'Digit3', 2],
    ['es', '~', 'Digit4', 2],
    ['es', '\\', 'Backquote', 2],
    ['es', '[', 'BracketLeft', 2],
    ['es', '{', 'Quote', 2],
    ['es', '}', 'Backslash', 2],
    ['es', "'", 'Minus', 0],
    ['es', '-', 'Slash', 0],
    ['es', '=', 'Digit0', 1],
  ])('%s: %s is %s at level %i', (layout, char, code, level) => {
    expect(keyFor(char, layout)).toEqual({ code, level });
    expect(charOf({ code, level }, layout)).toBe(char);
  });

  // Every printable ASCII character round-trips: the keys a scanner programmed for layout L
  // sends for it decode under L to the same character — whatever layout the system uses (which
  // only changes `key`), however it reports AltGr, with or without Caps Lock.
  for (const scanner of SCANNER_LAYOUTS) {
    it(`${scanner}: every printable ASCII character, on every system layout`, () => {
      const wrong: string[] = [];
      for (const os of SCANNER_LAYOUTS) {
        for (const style of ['windows', 'altgraph'] as const) {
          for (const capsLock of [false, true]) {
            for (const c of ASCII) {
              const events = scannerKeys(c, scanner, os, { capsLock, style });
              const press = events.find(
                (e) => e.type === 'down' && !e.code.startsWith('Alt') && !e.code.startsWith('Control'),
              )!;
              const altGr = events.some((e) => e.code === 'AltRight');
              const decoded = scannerChar(
                {
                  ...press,
                  // The engine sees the right Alt key go down; the keymap is told.
                  altGr: altGr || undefined,
                  getModifierState: (name) =>
                    (name === 'CapsLock' && capsLock) || (name === 'AltGraph' && (press.altGraph ?? false)),
                },
                scanner,
              );
              if (decoded !== c)
                wrong.push(
                  `${os}/${style}/${capsLock ? 'caps' : ''} ${JSON.stringify(c)} → ${JSON.stringify(decoded)}`,
                );
            }
          }
        }
      }
      expect(wrong).toEqual([]);
    });
  }

  it('decodes AltGr however the system reports it, and only under a layout that has it', () => {
    const q = { code: 'KeyQ', key: 'q', shiftKey: false };
    expect(scannerChar({ ...q, key: '@', ctrlKey: true, altKey: true }, 'de')).toBe('@');
    expect(scannerChar({ ...q, ctrlKey: false, altKey: false, getModifierState: (n) => n === 'AltGraph' }, 'de')).toBe(
      '@',
    );
    expect(scannerChar({ ...q, ctrlKey: false, altKey: true, altGr: true }, 'de')).toBe('@');
    // Plain Alt (the left Alt key) is not AltGr: not a character.
    expect(scannerChar({ ...q, ctrlKey: false, altKey: true }, 'de')).toBeNull();
    // US has no AltGr characters: the key is kept as unreadable, so the scan stays whole.
    expect(scannerChar({ ...q, ctrlKey: true, altKey: true }, 'us')).toBe(UNREADABLE);
    expect(decodeKey({ ...q, ctrlKey: true, altKey: true }, 'us')).toEqual({
      char: UNREADABLE,
      key: { code: 'KeyQ', level: 2 },
    });
    // A key no layout types with is not a character.
    expect(scannerChar({ code: 'F2', key: 'F2', shiftKey: false, ctrlKey: true, altKey: true }, 'de')).toBeNull();
    // Ctrl+Alt+] on Windows is AltGr, not GS.
    expect(scannerChar({ code: 'BracketRight', key: '~', shiftKey: false, ctrlKey: true, altKey: true }, 'de')).toBe(
      '~',
    );
    expect(scannerChar({ code: 'BracketRight', key: '+', shiftKey: false, ctrlKey: true, altKey: false }, 'de')).toBe(
      GS,
    );
  });

  it('the same keys read differently under another layout (what the setting is for)', () => {
    const keys = [...'y-z@'].map((c) => keyFor(c, 'de')!);
    expect(keys.map((k) => charOf(k, 'de')).join('')).toBe('y-z@');
    expect(keys.map((k) => charOf(k, 'us') ?? '?').join('')).toBe('z/y?');
  });
});
