import type { CDPSession, Page } from 'playwright-core';
import type { ScannerLayout } from '#shared/domain/settings';
import { scannerKeys, usKey, type KeySpec, type LayoutKeyEvent } from './keys';

const GS = '\x1d';

export type ScanOptions = {
  /** Gap between keys, as the page's `event.timeStamp` sees it. */
  msPerChar: number;
  /** Keys also arrive `msPerChar` apart in real time (else as fast as the driver sends them). */
  realTime?: boolean;
  /** The operating system's layout, which makes `key` and the typed text. */
  layout?: 'us' | 'azerty';
  /**
   * The layout the scanner is programmed for (US when not given): which physical keys, with
   * Shift or AltGr (the right Alt key), it presses for each character.
   */
  scanner?: ScannerLayout;
  /** How the scanner sends GS: Ctrl+], F8 or Alt+0029 on the keypad. */
  gs?: 'ctrl' | 'f8' | 'alt';
  /** An AIM id sent before the code (`C1`…). */
  aim?: string | null;
  terminator?: 'enter' | 'tab';
  /**
   * Give each key an explicit event time (the default). Without, the browser stamps each key
   * when it gets it: real time, as fast as the driver sends (a benchmark measuring from the
   * terminator's time stamp needs that).
   */
  stamp?: boolean;
};

type RawKey = {
  type: 'keyDown' | 'keyUp';
  code: string;
  key: string;
  text?: string;
  modifiers: number;
  windowsVirtualKeyCode?: number;
};

const ALT = 1;
const CTRL = 2;
const SHIFT = 8;

/**
 * Types like a keyboard-wedge scanner through Chrome DevTools Protocol key events: for each
 * character the US key a scanner sends (`code`, Shift), reported with the `key` and text the
 * operating system's layout makes of it, and an explicit event time — so the page sees the
 * scanner's spacing exactly, whatever the test driver's own timing jitter.
 */
export class ScannerKeyboard {
  readonly #page: Page;
  #cdp: CDPSession | null = null;
  /** Event time of the last key sent, in seconds (CDP's unit). */
  #last = 0;

  constructor(page: Page) {
    this.#page = page;
  }

  async #session(): Promise<CDPSession> {
    this.#cdp ??= await this.#page.context().newCDPSession(this.#page);
    return this.#cdp;
  }

  /** Sends one scan: AIM id, code (GS as configured), terminator. */
  async scan(code: string, options: ScanOptions): Promise<void> {
    const cdp = await this.#session();
    const layout = options.layout ?? 'us';
    const step = options.msPerChar / 1000;
    // Each scan starts well after the last one ended, in event time too.
    let t = Math.max(Date.now() / 1000, this.#last + 0.4);
    const slots: RawKey[][] = [];
    const text = `${options.aim ? `]${options.aim}` : ''}${code}`;
    const scanner = options.scanner ?? 'us';
    for (const char of text) {
      if (char === GS) slots.push(gsKeys(options.gs ?? 'ctrl', layout));
      else if (scanner === 'us') slots.push(charKeys(usKey(char, layout)));
      else slots.push(layoutKeys(scannerKeys(char, scanner, layout === 'azerty' ? 'fr' : 'us')));
    }
    slots.push(
      options.terminator === 'tab' ? terminator('Tab', 'Tab', 9, '\t') : terminator('Enter', 'Enter', 13, '\r'),
    );
    // Without real-time pacing the events are sent without waiting for each answer: the
    // protocol keeps their order, and the explicit event times carry the scanner's spacing.
    const pending: Promise<unknown>[] = [];
    for (const slot of slots) {
      const started = Date.now();
      // The events of one slot (a modifier, the key, an Alt code's digits) share its time span.
      const inner = step / (slot.length + 1);
      for (const [index, key] of slot.entries()) {
        const event = options.stamp === false ? key : { ...key, timestamp: t + index * inner };
        pending.push(cdp.send('Input.dispatchKeyEvent', event));
      }
      this.#last = t + (slot.length - 1) * inner;
      t += step;
      if (options.realTime) {
        await Promise.all(pending.splice(0));
        const wait = options.msPerChar - (Date.now() - started);
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
    await Promise.all(pending);
  }

  /** A person typing `text` into the focused field, `msPerChar` apart in real time. */
  async type(text: string, msPerChar: number, layout: 'us' | 'azerty' = 'us'): Promise<void> {
    const cdp = await this.#session();
    for (const char of text) {
      for (const key of charKeys(keyOf(char, layout))) await cdp.send('Input.dispatchKeyEvent', key);
      await new Promise((resolve) => setTimeout(resolve, msPerChar));
    }
  }

  async press(key: 'Enter' | 'Tab'): Promise<void> {
    const cdp = await this.#session();
    const keys = key === 'Enter' ? terminator('Enter', 'Enter', 13, '\r') : terminator('Tab', 'Tab', 9, '\t');
    for (const event of keys) await cdp.send('Input.dispatchKeyEvent', event);
  }
}

/** The US key of a character; a character no US key types (é, a space) is sent as text alone. */
function keyOf(char: string, layout: 'us' | 'azerty'): KeySpec {
  try {
    return usKey(char, layout);
  } catch {
    return { code: '', key: char, shiftKey: false, ctrlKey: false, altKey: false, metaKey: false, capsLock: false };
  }
}

function vk(code: string): number | undefined {
  if (/^Key[A-Z]$/.test(code)) return code.charCodeAt(3);
  if (/^Digit\d$/.test(code)) return code.charCodeAt(5);
  if (/^Numpad\d$/.test(code)) return 96 + Number(code.slice(6));
  return undefined;
}

function charKeys(spec: KeySpec): RawKey[] {
  const modifiers = spec.shiftKey ? SHIFT : 0;
  const text = spec.key.length === 1 ? spec.key : undefined;
  const code = vk(spec.code);
  const base = { code: spec.code, key: spec.key, modifiers, ...(code ? { windowsVirtualKeyCode: code } : {}) };
  return [
    { type: 'keyDown', ...base, ...(text ? { text } : {}) },
    { type: 'keyUp', ...base },
  ];
}

/**
 * A scanner's key events for one character under its own layout (AltGr as the right Alt key,
 * Ctrl+Alt as Windows reports it on a layout with AltGr). Text goes only with keys that type it:
 * not with Alt or Ctrl held.
 */
function layoutKeys(events: LayoutKeyEvent[]): RawKey[] {
  return events.map((event) => {
    const modifiers = (event.altKey ? ALT : 0) | (event.ctrlKey ? CTRL : 0) | (event.shiftKey ? SHIFT : 0);
    const code = event.code === 'AltRight' ? 18 : event.code === 'ControlLeft' ? 17 : (vk(event.code) ?? undefined);
    const text =
      event.type === 'down' && modifiers & (ALT | CTRL) ? undefined : event.key.length === 1 ? event.key : undefined;
    return {
      type: event.type === 'down' ? 'keyDown' : 'keyUp',
      code: event.code,
      key: event.key,
      modifiers,
      ...(text && event.type === 'down' ? { text } : {}),
      ...(code ? { windowsVirtualKeyCode: code } : {}),
    };
  });
}

function terminator(code: string, key: string, vkCode: number, text: string): RawKey[] {
  return [
    { type: 'keyDown', code, key, text, modifiers: 0, windowsVirtualKeyCode: vkCode },
    { type: 'keyUp', code, key, modifiers: 0, windowsVirtualKeyCode: vkCode },
  ];
}

/** The keys of one GS, as each kind of scanner sends it. */
function gsKeys(kind: 'ctrl' | 'f8' | 'alt', layout: 'us' | 'azerty'): RawKey[] {
  if (kind === 'f8') {
    return [
      { type: 'keyDown', code: 'F8', key: 'F8', modifiers: 0, windowsVirtualKeyCode: 119 },
      { type: 'keyUp', code: 'F8', key: 'F8', modifiers: 0, windowsVirtualKeyCode: 119 },
    ];
  }
  if (kind === 'ctrl') {
    // On AZERTY the key right of P is `$`; with Ctrl, still that physical key.
    const key = layout === 'azerty' ? '$' : ']';
    return [
      { type: 'keyDown', code: 'ControlLeft', key: 'Control', modifiers: CTRL, windowsVirtualKeyCode: 17 },
      { type: 'keyDown', code: 'BracketRight', key, modifiers: CTRL, windowsVirtualKeyCode: 221 },
      { type: 'keyUp', code: 'BracketRight', key, modifiers: CTRL, windowsVirtualKeyCode: 221 },
      { type: 'keyUp', code: 'ControlLeft', key: 'Control', modifiers: 0, windowsVirtualKeyCode: 17 },
    ];
  }
  const keys: RawKey[] = [{ type: 'keyDown', code: 'AltLeft', key: 'Alt', modifiers: ALT, windowsVirtualKeyCode: 18 }];
  for (const digit of '0029') {
    const code = `Numpad${digit}`;
    keys.push(
      { type: 'keyDown', code, key: digit, modifiers: ALT, windowsVirtualKeyCode: 96 + Number(digit) },
      { type: 'keyUp', code, key: digit, modifiers: ALT, windowsVirtualKeyCode: 96 + Number(digit) },
    );
  }
  keys.push({ type: 'keyUp', code: 'AltLeft', key: 'Alt', modifiers: 0, windowsVirtualKeyCode: 18 });
  return keys;
}
