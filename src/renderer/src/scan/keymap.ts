/**
 * The US keyboard layout by physical key (`KeyboardEvent.code`): what a scanner configured for
 * US English means by each key, whatever layout the operating system uses. A French AZERTY
 * system turns the scanner's `Digit1` into `&` in `event.key`; the code is still `Digit1`.
 */
const US: Record<string, [string, string]> = {
  Backquote: ['`', '~'],
  Digit1: ['1', '!'],
  Digit2: ['2', '@'],
  Digit3: ['3', '#'],
  Digit4: ['4', '$'],
  Digit5: ['5', '%'],
  Digit6: ['6', '^'],
  Digit7: ['7', '&'],
  Digit8: ['8', '*'],
  Digit9: ['9', '('],
  Digit0: ['0', ')'],
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
  Space: [' ', ' '],
  IntlBackslash: ['\\', '|'],
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

for (let c = 65; c <= 90; c++) {
  const upper = String.fromCharCode(c);
  US[`Key${upper}`] = [upper.toLowerCase(), upper];
}

export const GS = '\x1d';

type KeyLike = Pick<KeyboardEvent, 'code' | 'key' | 'shiftKey' | 'ctrlKey' | 'altKey'> & {
  getModifierState?: (key: string) => boolean;
};

/**
 * The character a scanner meant by a key event, decoded from the physical key and Shift, so the
 * operating system's layout cannot change it (AZERTY's unshifted `Digit1` is `&`; the scanner
 * meant `1`). One exception: a device that sends the shifted character of a key without Shift
 * (virtual keyboards, some scanners in "ASCII" mode) is believed when `key` is exactly the US
 * shifted character of that key — unless it is a letter and Caps Lock is on, because then Caps
 * Lock, which the scanner does not know about, made the capital. Falls back to `event.key` for
 * keys the table lacks. Null for keys that are not characters.
 */
export function scannerChar(event: KeyLike): string | null {
  // GS arrives as Ctrl+] from many scanners; as F8 from some.
  if (event.ctrlKey && (event.code === 'BracketRight' || event.key === ']')) return GS;
  if (event.code === 'F8') return GS;
  if (event.ctrlKey || event.altKey) return null;
  const mapped = US[event.code];
  if (!mapped) return event.key.length === 1 ? event.key : null;
  const [plain, shifted] = mapped;
  if (!event.shiftKey && event.key === shifted && plain !== shifted) {
    const capsLock = event.getModifierState?.('CapsLock') ?? false;
    if (!(capsLock && /^[a-z]$/.test(plain))) return shifted;
  }
  return event.shiftKey ? shifted : plain;
}
