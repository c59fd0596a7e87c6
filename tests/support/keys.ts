/**
 * What a keyboard-wedge scanner configured for a US keyboard sends for each character — the
 * physical key (`code`) and Shift — and what the operating system then reports as `key` under
 * its own layout (US, or French AZERTY) and Caps Lock. Used by the wedge's unit tests and by the
 * end-to-end scans typed through CDP. `scannerKeys` does the same for a scanner programmed for any
 * layout the station knows.
 */
import type { ScannerLayout } from '#shared/domain/settings';
import { charOf, keyFor } from '../../src/renderer/src/scan/keymap';

export type KeySpec = {
  code: string;
  key: string;
  shiftKey: boolean;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
  capsLock: boolean;
};

const US_SHIFTED: Record<string, string> = {
  '~': 'Backquote',
  '!': 'Digit1',
  '@': 'Digit2',
  '#': 'Digit3',
  $: 'Digit4',
  '%': 'Digit5',
  '^': 'Digit6',
  '&': 'Digit7',
  '*': 'Digit8',
  '(': 'Digit9',
  ')': 'Digit0',
  _: 'Minus',
  '+': 'Equal',
  '{': 'BracketLeft',
  '}': 'BracketRight',
  '|': 'Backslash',
  ':': 'Semicolon',
  '"': 'Quote',
  '<': 'Comma',
  '>': 'Period',
  '?': 'Slash',
};

const US_PLAIN: Record<string, string> = {
  '`': 'Backquote',
  '-': 'Minus',
  '=': 'Equal',
  '[': 'BracketLeft',
  ']': 'BracketRight',
  '\\': 'Backslash',
  ';': 'Semicolon',
  "'": 'Quote',
  ',': 'Comma',
  '.': 'Period',
  '/': 'Slash',
  ' ': 'Space',
};

/** French AZERTY: what each physical key gives, [unshifted, shifted]. Letters not listed are as on US. */
const AZERTY: Record<string, [string, string]> = {
  Backquote: ['²', '²'],
  Digit1: ['&', '1'],
  Digit2: ['é', '2'],
  Digit3: ['"', '3'],
  Digit4: ["'", '4'],
  Digit5: ['(', '5'],
  Digit6: ['-', '6'],
  Digit7: ['è', '7'],
  Digit8: ['_', '8'],
  Digit9: ['ç', '9'],
  Digit0: ['à', '0'],
  Minus: [')', '°'],
  Equal: ['=', '+'],
  KeyQ: ['a', 'A'],
  KeyW: ['z', 'Z'],
  KeyA: ['q', 'Q'],
  KeyZ: ['w', 'W'],
  KeyM: [',', '?'],
  Semicolon: ['m', 'M'],
  BracketLeft: ['Dead', '¨'],
  BracketRight: ['$', '£'],
  Quote: ['ù', '%'],
  Backslash: ['*', 'µ'],
  Comma: [';', '.'],
  Period: [':', '/'],
  Slash: ['!', '§'],
  Space: [' ', ' '],
};

const US_KEYS: Record<string, [string, string]> = {};
for (const [char, code] of Object.entries(US_PLAIN)) US_KEYS[code] = [char, US_KEYS[code]?.[1] ?? char];
for (const [char, code] of Object.entries(US_SHIFTED)) US_KEYS[code] = [US_KEYS[code]?.[0] ?? char, char];
for (let d = 0; d <= 9; d++) US_KEYS[`Digit${d}`] = [String(d), US_KEYS[`Digit${d}`]?.[1] ?? String(d)];

/** The US key (code + Shift) a scanner presses for `char`, reported under `layout`. */
export function usKey(char: string, layout: 'us' | 'azerty' = 'us', capsLock = false): KeySpec {
  let code: string;
  let shiftKey: boolean;
  if (/^[a-zA-Z]$/.test(char)) {
    code = `Key${char.toUpperCase()}`;
    shiftKey = char !== char.toLowerCase();
  } else if (/^\d$/.test(char)) {
    code = `Digit${char}`;
    shiftKey = false;
  } else if (US_SHIFTED[char]) {
    code = US_SHIFTED[char];
    shiftKey = true;
  } else if (US_PLAIN[char]) {
    code = US_PLAIN[char];
    shiftKey = false;
  } else {
    throw new Error(`no US key for ${JSON.stringify(char)}`);
  }
  const table = layout === 'azerty' ? { ...US_KEYS, ...AZERTY } : US_KEYS;
  let key: string;
  const azerty = layout === 'azerty' ? AZERTY[code] : undefined;
  if (code.startsWith('Key') && !(azerty && !/^[a-zA-Z]$/.test(azerty[0]))) {
    const letter = (table[code]?.[0] ?? code.slice(3)).toLowerCase();
    // Caps Lock flips the case a letter key gives.
    key = shiftKey !== capsLock ? letter.toUpperCase() : letter;
  } else {
    const pair = table[code]!;
    key = shiftKey ? pair[1] : pair[0];
  }
  return { code, key, shiftKey, ctrlKey: false, altKey: false, metaKey: false, capsLock };
}

/** A key event of a scanner programmed for some layout, as the system reports it. */
export type LayoutKeyEvent = KeySpec & { type: 'down' | 'up'; altGraph?: boolean };

/**
 * The key events a scanner programmed for `scanner` sends for `char` (the physical key of that
 * layout, with Shift or AltGr), reported with the `key` the system's layout `os` makes of them.
 * AltGr is the right Alt key: a system whose layout has AltGr reports the character key with
 * Ctrl+Alt (Windows, `style` 'windows') or the AltGraph modifier (Linux, 'altgraph'); a US system
 * has no AltGr and reports plain Alt. Caps Lock flips the case `key` shows for letters.
 */
export function scannerKeys(
  char: string,
  scanner: ScannerLayout,
  os: ScannerLayout = 'us',
  options: { capsLock?: boolean; style?: 'windows' | 'altgraph' } = {},
): LayoutKeyEvent[] {
  const physical = keyFor(char, scanner);
  if (!physical) throw new Error(`no ${scanner} key for ${JSON.stringify(char)}`);
  const capsLock = options.capsLock ?? false;
  const { code, level } = physical;
  const base = { code, shiftKey: level === 1, ctrlKey: false, altKey: false, metaKey: false, capsLock };
  let key = charOf({ code, level }, os) ?? (level === 2 ? (charOf({ code, level: 0 }, os) ?? '') : '');
  if (!key) key = 'Unidentified';
  if (capsLock && key.length === 1 && key.toUpperCase() !== key.toLowerCase() && level < 2) {
    key = key === key.toUpperCase() ? key.toLowerCase() : key.toUpperCase();
  }
  if (level < 2) {
    return [
      { ...base, key, type: 'down' },
      { ...base, key, type: 'up' },
    ];
  }
  const modifier = { ...base, capsLock };
  if (os === 'us') {
    // No AltGr on the system: the right Alt key is plain Alt.
    const alt = { ...modifier, code: 'AltRight', key: 'Alt', altKey: true };
    return [
      { ...alt, type: 'down' },
      { ...base, key, altKey: true, type: 'down' },
      { ...base, key, altKey: true, type: 'up' },
      { ...alt, altKey: false, type: 'up' },
    ];
  }
  if ((options.style ?? 'windows') === 'windows') {
    // Windows reports AltGr as a Ctrl that comes first, then AltGraph; characters with Ctrl+Alt.
    const ctrl = { ...modifier, code: 'ControlLeft', key: 'Control', ctrlKey: true };
    const altGr = { ...modifier, code: 'AltRight', key: 'AltGraph', ctrlKey: true, altKey: true };
    return [
      { ...ctrl, type: 'down' },
      { ...altGr, type: 'down' },
      { ...base, key, ctrlKey: true, altKey: true, type: 'down' },
      { ...base, key, ctrlKey: true, altKey: true, type: 'up' },
      { ...altGr, ctrlKey: true, altKey: false, type: 'up' },
      { ...ctrl, ctrlKey: false, type: 'up' },
    ];
  }
  const altGraph = { ...modifier, code: 'AltRight', key: 'AltGraph' };
  return [
    { ...altGraph, altGraph: true, type: 'down' },
    { ...base, key, altGraph: true, type: 'down' },
    { ...base, key, altGraph: true, type: 'up' },
    { ...altGraph, altGraph: false, type: 'up' },
  ];
}
