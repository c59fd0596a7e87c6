import type { ScannerLayout } from '#shared/domain/settings';

/**
 * What a keyboard-wedge scanner means by each physical key (`KeyboardEvent.code`), per keyboard
 * layout the scanner can be programmed for: [unshifted, Shift, AltGr]; '' where the key gives
 * nothing. A scanner programmed for German sends the key right of Ä with Shift for `'`, whatever
 * layout the operating system uses; the system's own layout only changes `event.key`, which is
 * not used to decode a scan. Windows layouts, which scanners emulate. Dead keys (`^` and `` ` ``
 * on German, `^` on French, `` ` `` `^` on Spanish…) are listed with the character they stand
 * for: the key's code is what counts, not what the system composes from it.
 */
type Level = [plain: string, shift: string, altGr?: string];
type Table = Record<string, Level>;

/** Keys every layout shares: the numeric keypad and the space bar. */
const COMMON: Table = {
  Space: [' ', ' '],
  Numpad0: ['0', '0'],
  Numpad1: ['1', '1'],
  Numpad2: ['2', '2'],
  Numpad3: ['3', '3'],
  Numpad4: ['4', '4'],
  Numpad5: ['5', '5'],
  Numpad6: ['6', '6'],
  Numpad7: ['7', '7'],
  Numpad8: ['8', '8'],
  Numpad9: ['9', '9'],
  NumpadDecimal: ['.', '.'],
  NumpadAdd: ['+', '+'],
  NumpadSubtract: ['-', '-'],
  NumpadMultiply: ['*', '*'],
  NumpadDivide: ['/', '/'],
};

/** Letter keys A–Z as on a US keyboard; layouts that move letters (AZERTY, QWERTZ) override some. */
function letters(): Table {
  const table: Table = {};
  for (let c = 65; c <= 90; c++) {
    const upper = String.fromCharCode(c);
    table[`Key${upper}`] = [upper.toLowerCase(), upper];
  }
  return table;
}

/** Digits 0–9 unshifted, with the given Shift characters (from Digit1 to Digit0). */
function digits(shifted: string): Table {
  const table: Table = {};
  [...'1234567890'].forEach((digit, i) => {
    table[`Digit${digit}`] = [digit, shifted[i]!];
  });
  return table;
}

const US: Table = {
  ...COMMON,
  ...letters(),
  ...digits('!@#$%^&*()'),
  Backquote: ['`', '~'],
  Minus: ['-', '_'],
  Equal: ['=', '+'],
  BracketLeft: ['[', '{'],
  BracketRight: [']', '}'],
  Backslash: ['\\', '|'],
  Semicolon: [';', ':'],
  Quote: ["'", '"'],
  Comma: [',', '<'],
  Period: ['.', '>'],
  Slash: ['/', '?'],
  IntlBackslash: ['\\', '|'],
};

const UK: Table = {
  ...US,
  ...digits('!"£$%^&*()'),
  Backquote: ['`', '¬', '¦'],
  Digit4: ['4', '$', '€'],
  Quote: ["'", '@'],
  // The key left of Enter on an ISO keyboard has the code Backslash.
  Backslash: ['#', '~'],
  IntlBackslash: ['\\', '|'],
  KeyA: ['a', 'A', 'á'],
  KeyE: ['e', 'E', 'é'],
  KeyI: ['i', 'I', 'í'],
  KeyO: ['o', 'O', 'ó'],
  KeyU: ['u', 'U', 'ú'],
};

const DE: Table = {
  ...COMMON,
  ...letters(),
  ...digits('!"§$%&/()='),
  Backquote: ['^', '°'],
  Digit2: ['2', '"', '²'],
  Digit3: ['3', '§', '³'],
  Digit7: ['7', '/', '{'],
  Digit8: ['8', '(', '['],
  Digit9: ['9', ')', ']'],
  Digit0: ['0', '=', '}'],
  Minus: ['ß', '?', '\\'],
  Equal: ['´', '`'],
  KeyQ: ['q', 'Q', '@'],
  KeyE: ['e', 'E', '€'],
  KeyM: ['m', 'M', 'µ'],
  KeyY: ['z', 'Z'],
  KeyZ: ['y', 'Y'],
  BracketLeft: ['ü', 'Ü'],
  BracketRight: ['+', '*', '~'],
  Semicolon: ['ö', 'Ö'],
  Quote: ['ä', 'Ä'],
  Backslash: ['#', "'"],
  IntlBackslash: ['<', '>', '|'],
  Comma: [',', ';'],
  Period: ['.', ':'],
  Slash: ['-', '_'],
  NumpadDecimal: [',', ','],
};

const FR: Table = {
  ...COMMON,
  ...letters(),
  Backquote: ['²', ''],
  Digit1: ['&', '1'],
  Digit2: ['é', '2', '~'],
  Digit3: ['"', '3', '#'],
  Digit4: ["'", '4', '{'],
  Digit5: ['(', '5', '['],
  Digit6: ['-', '6', '|'],
  Digit7: ['è', '7', '`'],
  Digit8: ['_', '8', '\\'],
  Digit9: ['ç', '9', '^'],
  Digit0: ['à', '0', '@'],
  Minus: [')', '°', ']'],
  Equal: ['=', '+', '}'],
  KeyQ: ['a', 'A'],
  KeyW: ['z', 'Z'],
  KeyE: ['e', 'E', '€'],
  KeyA: ['q', 'Q'],
  KeyZ: ['w', 'W'],
  KeyM: [',', '?'],
  BracketLeft: ['^', '¨'],
  BracketRight: ['$', '£', '¤'],
  Semicolon: ['m', 'M'],
  Quote: ['ù', '%'],
  Backslash: ['*', 'µ'],
  IntlBackslash: ['<', '>'],
  Comma: [';', '.'],
  Period: [':', '/'],
  Slash: ['!', '§'],
};

const ES: Table = {
  ...COMMON,
  ...letters(),
  ...digits('!"·$%&/()='),
  Backquote: ['º', 'ª', '\\'],
  Digit1: ['1', '!', '|'],
  Digit2: ['2', '"', '@'],
  Digit3: ['3', '·', '#'],
  Digit4: ['4', '$', '~'],
  Digit5: ['5', '%', '€'],
  Digit6: ['6', '&', '¬'],
  Minus: ["'", '?'],
  Equal: ['¡', '¿'],
  KeyE: ['e', 'E', '€'],
  BracketLeft: ['`', '^', '['],
  BracketRight: ['+', '*', ']'],
  Semicolon: ['ñ', 'Ñ'],
  Quote: ['´', '¨', '{'],
  Backslash: ['ç', 'Ç', '}'],
  IntlBackslash: ['<', '>'],
  Comma: [',', ';'],
  Period: ['.', ':'],
  Slash: ['-', '_'],
};

const TABLES: Record<ScannerLayout, Table> = { us: US, uk: UK, de: DE, fr: FR, es: ES };

/** Keys that type characters under some layout. */
const CHARACTER_KEYS = new Set(Object.values(TABLES).flatMap((table) => Object.keys(table)));

/** What each key types without Shift under any of the layouts: a system may be using any of them. */
const UNSHIFTED = new Map<string, Set<string>>();
for (const table of Object.values(TABLES)) {
  for (const [code, [plain]] of Object.entries(table)) {
    const set = UNSHIFTED.get(code) ?? new Set<string>();
    set.add(plain);
    UNSHIFTED.set(code, set);
  }
}

export const GS = '\x1d';

/**
 * What a character key that means nothing under the scanner's layout setting gives (AltGr+Q, `@`
 * for a German-programmed scanner, on a station set to US): kept in the scan, not dropped, so the
 * scan stays whole — the core answers "not recognised" with what was read, and calibration can
 * decode its keys again under the scanner's real layout.
 */
export const UNREADABLE = '\ufffd';

/** A physical key and the level it was pressed at: 0 unshifted, 1 Shift, 2 AltGr. */
export type PhysicalKey = { code: string; level: 0 | 1 | 2 };

type KeyLike = Pick<KeyboardEvent, 'code' | 'key' | 'shiftKey' | 'ctrlKey' | 'altKey'> & {
  getModifierState?: (key: string) => boolean;
  /**
   * AltGr is down. Systems report it differently: Windows as Ctrl+Alt, Linux and macOS with a
   * layout that has AltGr as the `AltGraph` modifier, a US system as plain Alt (the caller, which
   * sees the right Alt key go down, knows).
   */
  altGr?: boolean;
};

/** The character `key` gives under the scanner's layout; null where the key gives none. */
export function charOf(key: PhysicalKey, layout: ScannerLayout): string | null {
  const entry = TABLES[layout][key.code];
  const char = entry?.[key.level];
  return char ? char : null;
}

/** The physical key a scanner programmed for `layout` presses for `char` (main block before keypad). */
export function keyFor(char: string, layout: ScannerLayout): PhysicalKey | null {
  let found: PhysicalKey | null = null;
  for (const [code, entry] of Object.entries(TABLES[layout])) {
    for (const level of [0, 1, 2] as const) {
      if (entry[level] !== char) continue;
      const key = { code, level };
      if (!code.startsWith('Numpad')) return key;
      found ??= key;
    }
  }
  return found;
}

/**
 * The character a scanner meant by a key event, and the physical key it came from, decoded from
 * the key's code and Shift/AltGr under the scanner's layout, so the operating system's layout
 * cannot change it (AZERTY's unshifted `Digit1` is `&`; a US scanner meant `1`). `key` is null
 * for characters that did not come from the layout's table (GS, a key the table lacks).
 *
 * One exception: a device that sends the shifted character of a key without Shift (virtual
 * keyboards, some scanners in "ASCII" mode) is believed when `event.key` is exactly the layout's
 * Shift character of that key — unless Caps Lock is on and the key is a letter (then Caps Lock,
 * which the scanner does not know about, made the capital), or some layout types that character
 * on that key without Shift (then the system's layout may have made it: a French-programmed
 * scanner's unshifted `Digit1`, `&`, shows as `1` — French's Shift character — on a US system).
 * Falls back to `event.key` for keys the table lacks; `UNREADABLE` for a character key that gives
 * nothing under `layout`. Null for keys that are not characters.
 */
export function decodeKey(
  event: KeyLike,
  layout: ScannerLayout = 'us',
): { char: string; key: PhysicalKey | null } | null {
  const altGr = event.altGr ?? (event.getModifierState?.('AltGraph') || (event.ctrlKey && event.altKey));
  // GS arrives as Ctrl+] from many scanners (the US key right of P, whatever the layout); as F8
  // from some.
  if (!altGr && event.ctrlKey && (event.code === 'BracketRight' || event.key === ']')) return { char: GS, key: null };
  if (event.code === 'F8') return { char: GS, key: null };
  const table = TABLES[layout];
  const entry = table[event.code];
  if (altGr) return level(event.code, entry, 2);
  if (event.ctrlKey || event.altKey) return null;
  if (!entry) return event.key.length === 1 ? { char: event.key, key: null } : null;
  const [plain, shifted] = entry;
  if (!event.shiftKey && shifted && event.key === shifted && !UNSHIFTED.get(event.code)?.has(shifted)) {
    const capsLock = event.getModifierState?.('CapsLock') ?? false;
    const letter = plain.toUpperCase() !== plain;
    if (!(capsLock && letter)) return { char: shifted, key: { code: event.code, level: 1 } };
  }
  return level(event.code, entry, event.shiftKey ? 1 : 0);
}

function level(code: string, entry: Level | undefined, at: 0 | 1 | 2): { char: string; key: PhysicalKey } | null {
  const char = entry?.[at];
  if (char) return { char, key: { code, level: at } };
  return CHARACTER_KEYS.has(code) ? { char: UNREADABLE, key: { code, level: at } } : null;
}

/** The character a scanner meant by a key event (see `decodeKey`); null for keys that are not characters. */
export function scannerChar(event: KeyLike, layout: ScannerLayout = 'us'): string | null {
  return decodeKey(event, layout)?.char ?? null;
}
