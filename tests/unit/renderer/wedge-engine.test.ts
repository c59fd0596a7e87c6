import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type ScannerLayout, type ScannerSettings } from '#shared/domain/settings';
import {
  WedgeEngine,
  type Decision,
  type KeyRecord,
  type WedgeKey,
  type WedgeScan,
} from '../../../src/renderer/src/scan/wedge-engine';
import { scannerKeys, usKey, type KeySpec } from '../../support/keys';

const GS = '\x1d';

/** A host with a hand-moved clock and timers, recording what the engine asked of the page. */
function harness(settings: Partial<ScannerSettings> = {}) {
  let now = 1000;
  let nextTimer = 1;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const scans: WedgeScan[] = [];
  const typed: string[] = [];
  const records: KeyRecord[] = [];
  const firsts: string[] = [];
  const engine = new WedgeEngine<string>(
    { ...DEFAULT_SETTINGS.scanner, ...settings },
    {
      scan: (scan, burst) => {
        scans.push(scan);
        firsts.push(burst.first);
      },
      typing: (text) => typed.push(text),
      key: (record) => records.push(record),
      setTimer: (fn, ms) => {
        const id = nextTimer++;
        timers.set(id, { at: now + ms, fn });
        return id;
      },
      clearTimer: (id) => timers.delete(id as number),
      now: () => now,
    },
  );
  /** Moves the clock, firing due timers in order. */
  const advance = (ms: number): void => {
    const end = now + ms;
    for (;;) {
      const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      timers.delete(due[0]);
      // A timer never runs before the thread is free: after a busy stretch it runs late.
      now = Math.max(now, due[1].at);
      due[1].fn();
    }
    now = end;
  };
  /** The page's thread is busy until `until`: time passes, no timer runs. */
  const busy = (until: number): void => {
    now = until;
  };
  const decisions: Decision[] = [];
  /** One key event at `timeStamp`, handled at `handledAt` (default: the same moment). */
  const press = (spec: KeySpec, at: number, handledAt = at, type: 'down' | 'up' = 'down'): Decision => {
    if (handledAt > now) advance(handledAt - now);
    const event: WedgeKey<string> = {
      ...spec,
      type,
      repeat: false,
      isComposing: false,
      timeStamp: at,
      handledAt,
      target: 'field',
    };
    const decision = engine.key(event);
    decisions.push(decision);
    return decision;
  };
  return { engine, scans, typed, records, firsts, decisions, press, advance, busy, now: () => now };
}

/** Each character as the key events a US-layout scanner sends (see tests/support/keys.ts). */
function keysOf(text: string, layout: 'us' | 'azerty' = 'us', caps = false): KeySpec[][] {
  return [...text].map((c) => [usKey(c, layout, caps)]);
}

const ENTER: KeySpec = {
  code: 'Enter',
  key: 'Enter',
  shiftKey: false,
  ctrlKey: false,
  altKey: false,
  metaKey: false,
  capsLock: false,
};
const TAB: KeySpec = { ...ENTER, code: 'Tab', key: 'Tab' };

function scanText(h: ReturnType<typeof harness>, text: string, msPerChar: number, start = h.now(), terminator = ENTER) {
  let t = start;
  for (const [key] of keysOf(text)) {
    h.press(key!, t);
    t += msPerChar;
  }
  h.press(terminator, t);
  return t;
}

/**
 * Types `text` as a scanner programmed for `scanner` does on a system using `os`: each
 * character's events (AltGr, the key, releases) spread over its `ms` slot; GS as F8.
 */
function scanWithLayout(
  h: ReturnType<typeof harness>,
  text: string,
  options: { scanner: ScannerLayout; os: ScannerLayout; style?: 'windows' | 'altgraph'; ms: number; start: number },
): number {
  let t = options.start;
  const mod = { shiftKey: false, ctrlKey: false, altKey: false, metaKey: false, capsLock: false };
  for (const c of text) {
    const events =
      c === GS
        ? [{ ...mod, code: 'F8', key: 'F8', type: 'down' as const }]
        : scannerKeys(c, options.scanner, options.os, { style: options.style });
    events.forEach((event, i) => {
      const at = t + (i * options.ms) / (events.length + 1);
      h.press(event, at, at, event.type);
    });
    t += options.ms;
  }
  h.press(ENTER, t);
  return t;
}

describe('keyboard-wedge engine', () => {
  it.each([1, 2, 20, 80, 100])('takes a code typed at %i ms a key, then Enter, as exactly one scan', (ms) => {
    const h = harness();
    scanText(h, 'NW10001-ABC', ms, 2000);
    expect(h.scans.map((s) => s.code)).toEqual(['NW10001-ABC']);
    expect(h.typed).toEqual([]);
    // The first key went through (the page does not wait for a person); the rest were held.
    expect(h.decisions.map((d) => d.consume)).toEqual([false, ...Array<boolean>(11).fill(true)]);
    expect(h.firsts).toEqual(['N']);
    expect(h.scans[0]!.gapsMs.every((gap) => gap === ms)).toBe(true);
  });

  it('never takes a person typing at 120 ms a key for a scanner', () => {
    const h = harness();
    scanText(h, 'HELLO-WORLD', 120, 2000);
    expect(h.scans).toEqual([]);
    // Every key went through to the page, Enter too.
    expect(h.decisions.every((d) => !d.consume)).toBe(true);
  });

  it('gives a fast pair of typed keys back to the page, in order, when the burst stops', () => {
    const h = harness();
    h.press(usKey('a'), 2000);
    h.press(usKey('b'), 2030);
    h.press(usKey('c'), 2060);
    h.advance(500);
    expect(h.typed).toEqual(['bc']);
    expect(h.scans).toEqual([]);
  });

  it('gives held keys back as the layout typed them (AZERTY é, not the scanner 2)', () => {
    const h = harness();
    h.press(usKey('a', 'azerty'), 2000); // KeyA: q on AZERTY, and it passes through
    h.press(usKey('2', 'azerty'), 2030); // Digit2 unshifted: é
    h.press(usKey('3', 'azerty'), 2060); // "
    h.advance(500);
    expect(h.typed).toEqual(['é"']);
  });

  it('refuses a burst shorter than the minimum length, and one without the prefix or suffix', () => {
    const short = harness();
    scanText(short, 'AB1', 5, 2000);
    expect(short.scans).toEqual([]);
    const affixed = harness({ prefix: '$', suffix: '#' });
    scanText(affixed, 'NW10001', 5, 2000);
    scanText(affixed, '$NW10001#', 5, 3000);
    expect(affixed.scans.map((s) => ({ code: s.code, raw: s.raw }))).toEqual([{ code: 'NW10001', raw: '$NW10001#' }]);
  });

  it('ends on Tab when the scanner is set to Tab, and not on Enter then', () => {
    const h = harness({ terminator: 'tab' });
    scanText(h, 'NW10001', 5, 2000, ENTER);
    scanText(h, 'NW10002', 5, 3000, TAB);
    expect(h.scans.map((s) => [s.code, s.terminator])).toEqual([['NW10002', 'tab']]);
  });

  it('tells two scans 150 ms apart apart', () => {
    const h = harness();
    const end = scanText(h, 'RMA-30001', 3, 2000);
    scanText(h, 'RMA-30002', 3, end + 150);
    expect(h.scans.map((s) => s.code)).toEqual(['RMA-30001', 'RMA-30002']);
  });

  it('decodes by physical key on an AZERTY layout, with and without Caps Lock', () => {
    for (const caps of [false, true]) {
      const h = harness();
      let t = 2000;
      for (const [key] of keysOf('Ab1-2=x_Q?', 'azerty', caps)) {
        h.press(key!, t);
        t += 4;
      }
      h.press(ENTER, t);
      expect(h.scans.map((s) => s.code)).toEqual(['Ab1-2=x_Q?']);
    }
  });

  it('turns Ctrl+], F8 and Alt+0029 on the keypad into GS, even at 80 ms a key', () => {
    const h = harness();
    const mod = { shiftKey: false, ctrlKey: false, altKey: false, metaKey: false, capsLock: false };
    let t = 2000;
    const step = (spec: KeySpec, type: 'down' | 'up' = 'down') => {
      h.press(spec, t, t, type);
      t += 80;
    };
    for (const c of '0109506000134352') step(usKey(c));
    step(usKey('1'));
    step(usKey('0'));
    step(usKey('A'));
    step({ ...mod, code: 'ControlLeft', key: 'Control', ctrlKey: true });
    step({ ...mod, code: 'BracketRight', key: ']', ctrlKey: true });
    step(usKey('2'));
    step(usKey('1'));
    step(usKey('S'));
    step({ ...mod, code: 'F8', key: 'F8' });
    step(usKey('9'));
    step(usKey('1'));
    step(usKey('X'));
    step({ ...mod, code: 'AltLeft', key: 'Alt', altKey: true });
    for (const digit of '0029') step({ ...mod, code: `Numpad${digit}`, key: digit, altKey: true });
    step({ ...mod, code: 'AltLeft', key: 'Alt' }, 'up');
    step(usKey('3'));
    step(usKey('0'));
    step(usKey('5'));
    h.press(ENTER, t);
    expect(h.scans.map((s) => s.code)).toEqual([`0109506000134352` + `10A${GS}` + `21S${GS}` + `91X${GS}` + `305`]);
  });

  it('strips an AIM identifier and passes it on, unless AIM ids are off', () => {
    const h = harness();
    scanText(h, ']C10109506000134352', 2, 2000);
    expect(h.scans.map((s) => [s.code, s.symbology])).toEqual([['0109506000134352', 'C1']]);
    const off = harness({ aim: 'off' });
    scanText(off, ']C10109506000134352', 2, 2000);
    expect(off.scans.map((s) => [s.code, s.symbology])).toEqual([[']C10109506000134352', null]]);
  });

  it('measures gaps by event time: a busy renderer that handles queued keys late does not split the scan', () => {
    const h = harness();
    // Keys made 5 ms apart; the handler ran the first three on time, then the page was busy
    // for 300 ms, then it ran the rest from the queue in a rush.
    const code = 'NW10001-XYZ';
    const keys = keysOf(code);
    let t = 2000;
    keys.forEach(([key], i) => {
      if (i === 3) h.busy(2310);
      const handled = i < 3 ? t : 2310 + i;
      h.press(key!, t, handled);
      t += 5;
    });
    h.press(ENTER, t, 2330);
    expect(h.scans.map((s) => s.code)).toEqual([code]);
    // By handler time, one gap was ~300 ms: over the 100 ms limit, it would have split the scan.
    expect(Math.max(...h.scans[0]!.handlerGapsMs)).toBeGreaterThan(250);
    expect(Math.max(...h.scans[0]!.gapsMs)).toBe(5);
  });

  it('defers the end-of-burst timer once when it fires late, so queued keys can still join', () => {
    const h = harness();
    const keys = keysOf('TOTE-1042');
    let t = 2000;
    keys.slice(0, 3).forEach(([key]) => {
      h.press(key!, t);
      t += 5;
    });
    // The page is busy until 2300: the 250 ms timer (due at 2260) runs late, and defers.
    h.busy(2300);
    h.advance(0);
    expect(h.typed).toEqual([]);
    keys.slice(3).forEach(([key], i) => {
      h.press(key!, t, 2301 + i);
      t += 5;
    });
    h.press(ENTER, t, 2312);
    expect(h.scans.map((s) => s.code)).toEqual(['TOTE-1042']);
  });

  it('while calibrating, takes even a very slow scanner (250 ms a key) and keeps the raw text', () => {
    const h = harness();
    h.engine.setCalibrating(true);
    scanText(h, ']C1CAL-123', 250, 2000);
    expect(h.scans.map((s) => [s.raw, s.code, s.symbology])).toEqual([[']C1CAL-123', ']C1CAL-123', null]]);
  });

  it('reports every key with its gap and what was done with it', () => {
    const h = harness();
    scanText(h, 'AB12', 7, 2000);
    expect(h.records.map((r) => [r.code, r.char, r.action, r.gapMs])).toEqual([
      ['KeyA', 'A', 'pass', null],
      ['KeyB', 'B', 'hold', 7],
      ['Digit1', '1', 'hold', 7],
      ['Digit2', '2', 'hold', 7],
      ['Enter', null, 'scan', 7],
    ]);
  });
  describe('a scanner programmed for another keyboard layout', () => {
    // Every character a barcode carries that moves between layouts: letters AZERTY and QWERTZ
    // swap, digits (AZERTY's are shifted), and the AltGr characters of German, French, Spanish.
    const CODE = `]C1Ab09yzQWMm-_@#[]{}|~\\/:;.,!?'"<>=+*&%$^\`(x)${GS}21S`;
    it.each<[ScannerLayout, ScannerLayout, 'windows' | 'altgraph', number]>([
      ['de', 'us', 'windows', 2],
      ['de', 'us', 'windows', 80],
      ['de', 'de', 'windows', 2],
      ['de', 'de', 'altgraph', 80],
      ['fr', 'us', 'windows', 2],
      ['fr', 'fr', 'windows', 80],
      ['fr', 'fr', 'altgraph', 2],
      ['es', 'us', 'windows', 80],
      ['es', 'es', 'windows', 2],
      ['es', 'de', 'altgraph', 2],
      ['uk', 'us', 'windows', 80],
      ['uk', 'uk', 'windows', 2],
    ])(
      '%s scanner on a %s system (AltGr as %s), %i ms a key: exact under that layout setting',
      (scanner, os, style, ms) => {
        const h = harness({ layout: scanner });
        scanWithLayout(h, CODE, { scanner, os, style, ms, start: 2000 });
        expect(h.scans.map((s) => [s.code, s.symbology])).toEqual([[CODE.slice(3), 'C1']]);
        expect(h.typed).toEqual([]);
        // Every key of the scan was kept from the page but the first.
        expect(h.scans[0]!.keys).toHaveLength(CODE.length);
      },
    );

    it('reads the same keys wrongly under the US setting (what the setting is for)', () => {
      const h = harness({ layout: 'us' });
      scanWithLayout(h, 'NW-10001/yz', { scanner: 'de', os: 'us', ms: 5, start: 2000 });
      expect(h.scans.map((s) => s.code)).toEqual(['NW/10001&zy']);
      // An AltGr character means nothing under US: kept as unreadable, the scan stays whole (the
      // core answers "not recognised" with it, and calibration reads its keys again).
      scanWithLayout(h, 'NW-10001@', { scanner: 'de', os: 'us', ms: 5, start: 3000 });
      expect(h.scans.map((s) => s.code)).toEqual(['NW/10001&zy', 'NW/10001\ufffd']);
      expect(h.scans[1]!.keys.at(-1)).toEqual({ code: 'KeyQ', level: 2 });
      expect(h.typed).toEqual([]);
    });
  });
});
