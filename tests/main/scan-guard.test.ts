import type { WebContents } from 'electron';
import { describe, expect, it } from 'vitest';
import { guardScans, isScannerCombo, ScanShortcutGuard, SCAN_BURST_GAP_MS } from '../../src/main/scan-guard';
import { FakeWebContents } from './electron-stub';

type In = Parameters<ScanShortcutGuard['ignoreMenu']>[0];

function key(code: string, key: string, mods: Partial<In> = {}): In {
  return {
    type: 'keyDown',
    code,
    key,
    control: false,
    alt: false,
    meta: false,
    shift: false,
    isAutoRepeat: false,
    ...mods,
  };
}

describe('the scan guard (before-input-event)', () => {
  it('never lets the scanner GS combinations reach a menu accelerator', () => {
    expect(isScannerCombo(key('BracketRight', ']', { control: true }))).toBe(true);
    expect(isScannerCombo(key('F8', 'F8'))).toBe(true);
    expect(isScannerCombo(key('Numpad0', '0', { alt: true }))).toBe(true);
    expect(isScannerCombo(key('KeyR', 'r', { control: true }))).toBe(false);
  });

  it('ignores menu shortcuts for every key of a fast burst, and lets a person use them', () => {
    const guard = new ScanShortcutGuard();
    // A person, keys seconds apart: Ctrl+R is theirs.
    expect(guard.ignoreMenu(key('KeyA', 'a'), 1000)).toBe(false);
    expect(guard.ignoreMenu(key('KeyR', 'r', { control: true }), 3000)).toBe(false);
    // A scanner at 2 ms and at 80 ms a key, with a Ctrl+W inside the data: never the menu's.
    let t = 10_000;
    const results: boolean[] = [];
    for (const gap of [2, 2, 2, 80, 80]) {
      t += gap;
      results.push(guard.ignoreMenu(key('Digit1', '1'), t));
    }
    t += 80;
    results.push(guard.ignoreMenu(key('KeyW', 'w', { control: true }), t));
    results.push(guard.ignoreMenu({ ...key('KeyW', 'w', { control: true }), type: 'keyUp' }, t + 1));
    expect(results).toEqual([false, true, true, true, true, true, true]);
    // After a pause longer than any scanner's gap, the keyboard belongs to the person again.
    expect(guard.ignoreMenu(key('KeyR', 'r', { control: true }), t + SCAN_BURST_GAP_MS + 500)).toBe(false);
  });

  it('is installed on the window contents and decides with setIgnoreMenuShortcuts for that key', () => {
    const contents = new FakeWebContents();
    let now = 0;
    guardScans(contents as unknown as WebContents, () => now);
    expect(contents.listenerCount('before-input-event')).toBe(1);
    const event = { preventDefault: () => undefined };
    contents.emit('before-input-event', event, key('F8', 'F8'));
    now = 5000;
    contents.emit('before-input-event', event, key('KeyR', 'r', { control: true }));
    now = 5003;
    contents.emit('before-input-event', event, key('KeyW', 'w', { control: true }));
    expect(contents.setIgnoreMenuShortcuts.mock.calls.map((c) => c[0])).toEqual([true, false, true]);
  });
});
