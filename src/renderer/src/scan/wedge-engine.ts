import type { ScannerSettings } from '#shared/domain/settings';
import { splitAim } from '#shared/barcode/aim';
import { decodeKey, GS, type PhysicalKey } from './keymap';

/** A key event as the engine needs it: no DOM, so it runs (and is tested) anywhere. */
export type WedgeKey<T = unknown> = {
  type: 'down' | 'up';
  code: string;
  key: string;
  shiftKey: boolean;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
  capsLock: boolean;
  /** `getModifierState('AltGraph')`: AltGr is down (Linux and macOS layouts with AltGr). */
  altGraph?: boolean;
  repeat: boolean;
  isComposing: boolean;
  /**
   * `KeyboardEvent.timeStamp`: when the browser made the event from the device's input. Gaps
   * are measured with it, so a renderer busy for 200 ms does not stretch the gaps of the keys
   * that waited in the queue meanwhile (they keep their real, millisecond spacing).
   */
  timeStamp: number;
  /** When the handler ran (`performance.now()`), recorded beside it for diagnosis. */
  handledAt: number;
  /** The element that had focus (opaque to the engine). */
  target: T;
};

export type WedgeScan = {
  /** The code: prefix, suffix and AIM identifier removed; GS (0x1D) kept. */
  code: string;
  /** What the scanner typed between the terminators, untouched. */
  raw: string;
  /** The AIM identifier without `]`, when the scanner sent one. */
  symbology: string | null;
  /**
   * The physical key of each character of `raw` (null for GS and Alt codes, which no layout
   * changes): calibration decodes them again under other layouts to find the scanner's.
   */
  keys: (PhysicalKey | null)[];
  terminator: 'enter' | 'tab';
  startedAt: number;
  endedAt: number;
  /** Gaps between keys (and to the terminator) by event time, and by handler time. */
  gapsMs: number[];
  handlerGapsMs: number[];
};

/** One key as the engine saw it, for the test area of Settings → Scanners. */
export type KeyRecord = {
  code: string;
  key: string;
  modifiers: string;
  char: string | null;
  gapMs: number | null;
  handlerGapMs: number | null;
  action: 'pass' | 'hold' | 'scan' | 'typed' | 'ignored';
};

export type WedgeHost<T> = {
  /** A scan. `first` went through to `target` (a text field, maybe): take it back. */
  scan(scan: WedgeScan, burst: { target: T; first: string; burstId: number }): void;
  /** Keys that were held and turned out to be typing: type them into `target`, in order. */
  typing(text: string, target: T, burstId: number): void;
  key?(record: KeyRecord): void;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
  now(): number;
};

/** What the adapter does with the event: swallow it, and whether it starts a new burst. */
export type Decision = { consume: boolean; startsBurst: boolean; burstId: number };

/** How long after the gap limit the end-of-burst timer waits. */
export const TIMER_SLACK_MS = 150;

/** During calibration any key burst ended by a terminator is a sample: the scanner may be slow. */
export const CALIBRATION_MAX_GAP_MS = 1000;

type Burst<T> = {
  id: number;
  /** What the scanner meant (decoded from the physical keys). */
  chars: string[];
  keys: (PhysicalKey | null)[];
  /** What a person at this keyboard typed (the layout's characters), if it turns out to be typing. */
  typed: string[];
  times: number[];
  handled: number[];
  /** The last key that belongs to the burst (characters, and the keys of an Alt code). */
  last: number;
  target: T;
};

const MODIFIER_KEYS = new Set(['Shift', 'CapsLock', 'Control', 'Alt', 'AltGraph', 'Meta', 'NumLock', 'OS']);

/**
 * Tells keyboard-wedge scans from typing. A scan is a burst of keys, each at most
 * `maxInterKeyMs` after the previous one (by event time), at least `minLength` characters,
 * ended by Enter or Tab (per settings), with the configured prefix and suffix. The first key of
 * every burst goes through (a person typing must not wait); the next keys of a fast burst are
 * held; a scan keeps all of them from the page (the adapter takes the first back out of a text
 * field), typing gets the held keys typed in order. GS arrives as Ctrl+], F8 or Alt+0029 on the
 * numeric keypad; characters are decoded from the physical key under the scanner's layout setting
 * (`decodeKey`), so neither the system's keyboard layout nor Caps Lock changes a scan.
 */
export class WedgeEngine<T> {
  #settings: ScannerSettings;
  readonly #host: WedgeHost<T>;
  #burst: Burst<T> | null = null;
  #timer: unknown = null;
  #timerDue = 0;
  #deferred = false;
  #nextId = 1;
  /** Digits typed on the numeric keypad while Alt is held (Windows Alt codes). */
  #altDigits: string | null = null;
  #lastTime: { event: number; handled: number } | null = null;
  #calibrating = false;
  /** The right Alt key is down: a scanner programmed for a layout with AltGr presses it. */
  #altRight = false;

  constructor(settings: ScannerSettings, host: WedgeHost<T>) {
    this.#settings = settings;
    this.#host = host;
  }

  configure(settings: ScannerSettings): void {
    this.#settings = settings;
  }

  /** While calibrating, the gap limit is generous and every terminated burst is a sample. */
  setCalibrating(on: boolean): void {
    this.#calibrating = on;
  }

  get holding(): boolean {
    return this.#burst !== null && this.#burst.chars.length > 1;
  }

  get inBurst(): boolean {
    return this.#burst !== null;
  }

  #maxGap(): number {
    return this.#calibrating ? CALIBRATION_MAX_GAP_MS : this.#settings.maxInterKeyMs;
  }

  key(event: WedgeKey<T>): Decision {
    const none = { consume: false, startsBurst: false, burstId: this.#burst?.id ?? 0 };
    if (event.code === 'AltRight') this.#altRight = event.type === 'down';
    if (event.isComposing || event.repeat) return none;
    const time = event.timeStamp > 0 ? event.timeStamp : event.handledAt;

    if (event.type === 'up') {
      // An Alt code ends when Alt is released: Alt+0029 is GS.
      if (event.key === 'Alt' && this.#altDigits !== null) {
        const digits = this.#altDigits;
        this.#altDigits = null;
        if (digits === '') return none;
        return this.#char(fromAltCode(digits), event, time, 'Alt+' + digits, null);
      }
      // The key-ups of an Alt code's digits are the scanner's too (a person's key-ups are not
      // counted: they would make 120 ms typing look like a fast burst).
      if (this.#altDigits !== null) this.#keepAlive(time);
      return none;
    }

    if (event.key === 'Alt' || event.code === 'AltLeft' || event.code === 'AltRight') {
      this.#altDigits = '';
      return { ...none, consume: this.#keepAlive(time) };
    }
    // Ctrl before ] (GS) keeps a slow scanner's burst alive; Shift does not need to (a scanner
    // sends it in the same report as its key) and must not (people press it between keys).
    if (event.key === 'Control') {
      this.#keepAlive(time);
      return none;
    }
    if (MODIFIER_KEYS.has(event.key)) return none;
    if (this.#altDigits !== null && event.altKey && /^Numpad\d$/.test(event.code)) {
      this.#altDigits += event.code.slice(-1);
      this.#keepAlive(time);
      this.#touch(time, event.handledAt);
      this.#record(event, null, 'hold');
      return { consume: true, startsBurst: false, burstId: this.#burst?.id ?? 0 };
    }
    if (!event.altKey) this.#altDigits = null;

    const terminator = this.#terminator(event);
    if (terminator) return this.#end(event, time, terminator);

    // AltGr: reported as AltGraph (Linux, macOS), as Ctrl+Alt (Windows), or only seen as the
    // right Alt key going down (a system whose layout has no AltGr, like US).
    const altGr = (event.altGraph ?? false) || (event.ctrlKey && event.altKey) || this.#altRight;
    const decoded = decodeKey(
      { ...event, altGr, getModifierState: (name) => name === 'CapsLock' && event.capsLock },
      this.#settings.layout,
    );
    if (decoded === null) {
      this.#record(event, null, 'ignored');
      this.#flushAsTyping();
      return none;
    }
    return this.#char(decoded.char, event, time, undefined, decoded.key);
  }

  /**
   * The keys of an Alt code (Alt, the keypad digits) belong to the burst they arrive in: a slow
   * scanner takes six key events to type one GS, which must not break the scan in two.
   */
  #keepAlive(time: number): boolean {
    const burst = this.#burst;
    if (!burst || time - burst.last > this.#maxGap()) return false;
    burst.last = time;
    this.#armTimer();
    return true;
  }

  #char(char: string, event: WedgeKey<T>, time: number, label: string | undefined, key: PhysicalKey | null): Decision {
    const burst = this.#burst;
    const gap = burst ? time - burst.last : Number.POSITIVE_INFINITY;
    const handlerGap = this.#lastTime ? event.handledAt - this.#lastTime.handled : null;
    this.#touch(time, event.handledAt);
    if (burst && gap <= this.#maxGap()) {
      burst.chars.push(char);
      burst.keys.push(key);
      burst.typed.push(typedText(event, char));
      burst.times.push(time);
      burst.handled.push(event.handledAt);
      burst.last = time;
      this.#record(event, char, 'hold', gap, handlerGap, label);
      this.#armTimer();
      return { consume: true, startsBurst: false, burstId: burst.id };
    }
    this.#flushAsTyping();
    const id = this.#nextId++;
    this.#burst = {
      id,
      chars: [char],
      keys: [key],
      typed: [typedText(event, char)],
      times: [time],
      handled: [event.handledAt],
      last: time,
      target: event.target,
    };
    this.#record(event, char, 'pass', Number.isFinite(gap) ? gap : null, handlerGap, label);
    this.#armTimer();
    // A control character (GS) never reaches the page, even as the first key.
    return { consume: char.charCodeAt(0) < 32, startsBurst: true, burstId: id };
  }

  #end(event: WedgeKey<T>, time: number, terminator: 'enter' | 'tab'): Decision {
    const burst = this.#burst;
    const gap = burst ? time - burst.last : Number.POSITIVE_INFINITY;
    const handlerGap = this.#lastTime ? event.handledAt - this.#lastTime.handled : null;
    this.#touch(time, event.handledAt);
    if (burst && gap <= this.#maxGap()) {
      const scan = this.#asScan(burst, time, event.handledAt, terminator);
      if (scan) {
        this.#clearTimer();
        this.#burst = null;
        this.#record(event, null, 'scan', gap, handlerGap);
        this.#host.scan(scan, { target: burst.target, first: burst.chars[0]!, burstId: burst.id });
        return { consume: true, startsBurst: false, burstId: burst.id };
      }
    }
    this.#record(event, null, 'typed', Number.isFinite(gap) ? gap : null, handlerGap);
    this.#flushAsTyping();
    return { consume: false, startsBurst: false, burstId: 0 };
  }

  #terminator(event: WedgeKey<T>): 'enter' | 'tab' | null {
    if (event.ctrlKey || event.altKey || event.metaKey) return null;
    const { terminator } = this.#settings;
    const enter = event.key === 'Enter' || event.code === 'Enter' || event.code === 'NumpadEnter';
    const tab = (event.key === 'Tab' || event.code === 'Tab') && !event.shiftKey;
    if (enter && terminator !== 'tab') return 'enter';
    if (tab && terminator !== 'enter') return 'tab';
    return null;
  }

  #asScan(burst: Burst<T>, endTime: number, endHandled: number, terminator: 'enter' | 'tab'): WedgeScan | null {
    const raw = burst.chars.join('');
    const { prefix, suffix, minLength, aim } = this.#settings;
    const calibrating = this.#calibrating;
    if (!calibrating && prefix && !raw.startsWith(prefix)) return null;
    if (!calibrating && suffix && !raw.endsWith(suffix)) return null;
    const inner = calibrating ? raw : raw.slice(prefix.length, raw.length - suffix.length);
    if (!calibrating && inner.length < minLength) return null;
    const split = aim === 'off' || calibrating ? { aim: null, data: inner } : splitAim(inner);
    if (split.data.length === 0) return null;
    const times = [...burst.times, endTime];
    const handled = [...burst.handled, endHandled];
    return {
      code: split.data,
      raw,
      symbology: split.aim,
      keys: burst.keys,
      terminator,
      startedAt: burst.times[0]!,
      endedAt: endTime,
      gapsMs: times.slice(1).map((t, i) => t - times[i]!),
      handlerGapsMs: handled.slice(1).map((t, i) => t - handled[i]!),
    };
  }

  /** The burst was a person typing: give the held keys to the page, in order. */
  #flushAsTyping(): void {
    this.#clearTimer();
    const burst = this.#burst;
    this.#burst = null;
    if (!burst || burst.chars.length < 2) return;
    const held = burst.typed.slice(1).join('');
    // eslint-disable-next-line no-control-regex
    const text = held.replace(/[\x00-\x1f]/g, '');
    if (text) this.#host.typing(text, burst.target, burst.id);
  }

  #touch(event: number, handled: number): void {
    this.#lastTime = { event, handled };
  }

  #armTimer(): void {
    this.#clearTimer();
    // The slack covers keys that were made in time but are delivered late (a busy system, a
    // stalled USB or test driver): their event times still join them to the burst.
    const wait = this.#maxGap() + TIMER_SLACK_MS;
    this.#timerDue = this.#host.now() + wait;
    this.#deferred = false;
    this.#timer = this.#host.setTimer(() => this.#timerFired(), wait);
  }

  /**
   * No key for longer than the gap limit: the burst was typing (or a scan without terminator,
   * which is not a scan). If the timer itself ran late — the renderer was busy — keys of the
   * burst may be waiting in the queue; give them one more turn before deciding.
   */
  #timerFired(): void {
    this.#timer = null;
    const late = this.#host.now() - this.#timerDue;
    if (late > 25 && !this.#deferred) {
      this.#deferred = true;
      this.#timer = this.#host.setTimer(() => this.#timerFired(), 15);
      this.#timerDue = this.#host.now() + 15;
      return;
    }
    this.#flushAsTyping();
  }

  #clearTimer(): void {
    if (this.#timer !== null) this.#host.clearTimer(this.#timer);
    this.#timer = null;
  }

  #record(
    event: WedgeKey<T>,
    char: string | null,
    action: KeyRecord['action'],
    gap: number | null = null,
    handlerGap: number | null = null,
    label?: string,
  ): void {
    if (!this.#host.key) return;
    const modifiers = [
      event.ctrlKey && 'Ctrl',
      event.altKey && !this.#altRight && 'Alt',
      this.#altRight && 'AltGr',
      event.shiftKey && 'Shift',
      event.capsLock && 'Caps',
    ]
      .filter(Boolean)
      .join('+');
    this.#host.key({
      code: label ?? event.code,
      key: event.key,
      modifiers,
      char,
      gapMs: gap === null ? null : Math.round(gap * 10) / 10,
      handlerGapMs: handlerGap === null ? null : Math.round(handlerGap * 10) / 10,
      action,
    });
  }
}

/** The character a key gives under the system's own layout: what a person meant by it. */
function typedText(event: { key: string }, decoded: string): string {
  return event.key.length === 1 ? event.key : decoded;
}

/**
 * The character of a Windows Alt code: Alt+0029 (with a leading 0, the ANSI code page) and
 * Alt+29 both give control character 29, GS. Printable ASCII maps to itself; above 127 the
 * Latin-1 character is used (an approximation of code pages 1252 and 437, which scanners do not
 * use for data).
 */
export function fromAltCode(digits: string): string {
  const value = Number(digits) % 256;
  return String.fromCharCode(value);
}

export { GS };
