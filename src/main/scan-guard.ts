import type { Input, WebContents } from 'electron';

/**
 * Keys arriving faster than this after the previous key are a scanner's: the slowest scanners
 * type about 80 ms a key, with peaks near 100 ms. (The station's own threshold lives in the
 * core's settings; main needs no more than "this is not a person".)
 */
export const SCAN_BURST_GAP_MS = 120;

type KeyInput = Pick<Input, 'type' | 'key' | 'code' | 'control' | 'alt' | 'meta' | 'shift' | 'isAutoRepeat'>;

/**
 * The combinations scanners use to send GS (0x1D): Ctrl+], F8, and Alt with keypad digits
 * (Alt+0029). Benchline has no shortcut on any of them, and the menu must never take them.
 */
export function isScannerCombo(input: KeyInput): boolean {
  if (input.code === 'F8') return true;
  if (input.control && input.code === 'BracketRight') return true;
  if (input.alt && /^Numpad\d$/.test(input.code)) return true;
  return false;
}

/**
 * Decides, key by key, whether menu accelerators may fire. A menu accelerator (Ctrl+R reload,
 * Ctrl+W close, Alt opening the menu bar…) must never fire on a key that belongs to a scan: the
 * scanner's GS combinations never, and any key of a fast burst (the previous key less than
 * `SCAN_BURST_GAP_MS` before). The page still receives every key — the wedge listener needs them.
 */
export class ScanShortcutGuard {
  #lastKeyDown = Number.NEGATIVE_INFINITY;

  /** True when this key must not trigger a menu accelerator. */
  ignoreMenu(input: KeyInput, now: number): boolean {
    if (input.type !== 'keyDown') return isScannerCombo(input) || now - this.#lastKeyDown <= SCAN_BURST_GAP_MS;
    if (input.isAutoRepeat) return false;
    const inBurst = now - this.#lastKeyDown <= SCAN_BURST_GAP_MS;
    this.#lastKeyDown = now;
    return inBurst || isScannerCombo(input);
  }
}

/**
 * Installs the guard on a window's contents: `before-input-event` runs in main before the menu
 * sees the key, and `setIgnoreMenuShortcuts` decides for that very key.
 */
export function guardScans(contents: WebContents, now: () => number = () => performance.now()): ScanShortcutGuard {
  const guard = new ScanShortcutGuard();
  contents.on('before-input-event', (_event, input) => {
    contents.setIgnoreMenuShortcuts(guard.ignoreMenu(input, now()));
  });
  return guard;
}
