/**
 * The key a scanner configured for US English presses for each character: the physical key
 * (`code`), whether Shift is held, and the Windows virtual key code Chromium expects.
 */
export type UsKey = { code: string; key: string; shift: boolean; keyCode: number };

const SYMBOLS: [code: string, plain: string, shifted: string, keyCode: number][] = [
  ['Backquote', '`', '~', 192],
  ['Minus', '-', '_', 189],
  ['Equal', '=', '+', 187],
  ['BracketLeft', '[', '{', 219],
  ['BracketRight', ']', '}', 221],
  ['Backslash', '\\', '|', 220],
  ['Semicolon', ';', ':', 186],
  ['Quote', "'", '"', 222],
  ['Comma', ',', '<', 188],
  ['Period', '.', '>', 190],
  ['Slash', '/', '?', 191],
  ['Space', ' ', ' ', 32],
];
const SHIFTED_DIGITS = ')!@#$%^&*(';

const KEYS = new Map<string, UsKey>();
for (let d = 0; d <= 9; d++) {
  KEYS.set(String(d), { code: `Digit${d}`, key: String(d), shift: false, keyCode: 48 + d });
  KEYS.set(SHIFTED_DIGITS[d]!, { code: `Digit${d}`, key: SHIFTED_DIGITS[d]!, shift: true, keyCode: 48 + d });
}
for (let c = 65; c <= 90; c++) {
  const upper = String.fromCharCode(c);
  KEYS.set(upper, { code: `Key${upper}`, key: upper, shift: true, keyCode: c });
  KEYS.set(upper.toLowerCase(), { code: `Key${upper}`, key: upper.toLowerCase(), shift: false, keyCode: c });
}
for (const [code, plain, shifted, keyCode] of SYMBOLS) {
  if (!KEYS.has(plain)) KEYS.set(plain, { code, key: plain, shift: false, keyCode });
  if (!KEYS.has(shifted)) KEYS.set(shifted, { code, key: shifted, shift: true, keyCode });
}

/** The US key for a character; throws for one a US keyboard cannot type. */
export function usKey(char: string): UsKey {
  const key = KEYS.get(char);
  if (!key) throw new Error(`no US key types ${JSON.stringify(char)}`);
  return key;
}
