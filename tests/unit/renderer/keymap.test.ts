import { describe, expect, it } from 'vitest';
import { GS, scannerChar } from '../../../src/renderer/src/scan/keymap';

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
