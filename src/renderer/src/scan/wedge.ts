import type { ScannerSettings } from '#shared/domain/settings';
import { scannerChar } from './keymap';

export type WedgeScan = { code: string; startedAt: number; endedAt: number };

type Burst = {
  chars: string[];
  times: number[];
  /** The element that had focus when the burst began. */
  target: EventTarget | null;
  /** Where the first character went into a text field, to take it back if this is a scan. */
  firstAt: { element: HTMLInputElement | HTMLTextAreaElement; index: number } | null;
};

/**
 * Tells keyboard-wedge scans from typing, for the whole window. A scan is a burst of keys, each
 * at most `maxInterKeyMs` after the previous one, at least `minLength` long, ended by Enter or
 * Tab. The first key of every burst goes through to the page (a person typing must not wait);
 * later keys of a fast burst are held; when the burst turns out to be a scan, the held keys
 * never reach the page and the first one is taken back out of the field, so a scan never lands
 * in a text field. When it turns out to be typing, the held keys are typed in order.
 */
export class WedgeListener {
  #settings: ScannerSettings;
  readonly #onScan: (scan: WedgeScan) => void;
  readonly #now: () => number;
  #burst: Burst | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #target: Window | null = null;

  constructor(
    settings: ScannerSettings,
    onScan: (scan: WedgeScan) => void,
    now: () => number = () => performance.now(),
  ) {
    this.#settings = settings;
    this.#onScan = onScan;
    this.#now = now;
  }

  configure(settings: ScannerSettings): void {
    this.#settings = settings;
  }

  attach(target: Window): void {
    this.#target = target;
    target.addEventListener('keydown', this.#onKeyDown, { capture: true });
  }

  detach(): void {
    this.#target?.removeEventListener('keydown', this.#onKeyDown, { capture: true });
    this.#target = null;
    this.#clearTimer();
    this.#burst = null;
  }

  readonly #onKeyDown = (event: KeyboardEvent): void => {
    if (event.isComposing || event.repeat) return;
    if (event.key === 'Shift' || event.key === 'CapsLock' || event.key === 'Control' || event.key === 'Alt') return;
    const now = this.#now();
    const burst = this.#burst;
    const gap = burst ? now - burst.times[burst.times.length - 1]! : Number.POSITIVE_INFINITY;
    const fast = gap <= this.#settings.maxInterKeyMs;

    if (this.#isTerminator(event)) {
      if (burst && fast && this.#isScan(burst)) {
        event.preventDefault();
        event.stopImmediatePropagation();
        this.#finishScan(burst, now);
        return;
      }
      this.#flushAsTyping();
      return;
    }

    const char = scannerChar(event);
    if (char === null) {
      this.#flushAsTyping();
      return;
    }
    if (burst && fast) {
      event.preventDefault();
      event.stopImmediatePropagation();
      burst.chars.push(char);
      burst.times.push(now);
      this.#armTimer();
      return;
    }
    this.#flushAsTyping();
    this.#burst = { chars: [char], times: [now], target: event.target, firstAt: fieldPosition(event.target) };
    // A control character (GS) must never reach the page, even as the first key.
    if (char.charCodeAt(0) < 32) event.preventDefault();
    this.#armTimer();
  };

  #isTerminator(event: KeyboardEvent): boolean {
    const { terminator } = this.#settings;
    const enter = event.key === 'Enter' || event.code === 'Enter' || event.code === 'NumpadEnter';
    const tab = event.key === 'Tab' && !event.shiftKey;
    return (enter && terminator !== 'tab') || (tab && terminator !== 'enter');
  }

  #isScan(burst: Burst): boolean {
    const code = this.#stripAffixes(burst.chars.join(''));
    return code !== null && code.length >= this.#settings.minLength;
  }

  #stripAffixes(raw: string): string | null {
    const { prefix, suffix } = this.#settings;
    if (prefix && !raw.startsWith(prefix)) return null;
    if (suffix && !raw.endsWith(suffix)) return null;
    return raw.slice(prefix.length, raw.length - suffix.length);
  }

  #finishScan(burst: Burst, now: number): void {
    this.#clearTimer();
    this.#burst = null;
    takeBackFirst(burst);
    const code = this.#stripAffixes(burst.chars.join(''));
    if (code !== null) this.#onScan({ code, startedAt: burst.times[0]!, endedAt: now });
  }

  /** The burst was a person typing: give the held keys to the page, in order. */
  #flushAsTyping(): void {
    this.#clearTimer();
    const burst = this.#burst;
    this.#burst = null;
    if (!burst || burst.chars.length < 2) return;
    const held = burst.chars.slice(1).join('');
    // eslint-disable-next-line no-control-regex
    typeInto(burst.target, held.replace(/[\x00-\x1f]/g, ''));
  }

  #armTimer(): void {
    this.#clearTimer();
    // A scanner that sends no terminator, or a person who typed two keys fast: once the gap
    // has passed, it is typing.
    this.#timer = setTimeout(() => this.#flushAsTyping(), this.#settings.maxInterKeyMs + 20);
  }

  #clearTimer(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }
}

function isTextField(target: EventTarget | null): target is HTMLInputElement | HTMLTextAreaElement {
  if (target instanceof HTMLTextAreaElement) return true;
  if (!(target instanceof HTMLInputElement)) return false;
  return ['text', 'search', 'password', 'tel', 'url', 'email', 'number', ''].includes(target.type);
}

function fieldPosition(target: EventTarget | null): Burst['firstAt'] {
  if (!isTextField(target)) return null;
  try {
    return { element: target, index: target.selectionStart ?? target.value.length };
  } catch {
    // inputs of type number or email have no selection API
    return { element: target, index: target.value.length };
  }
}

/** Removes the burst's first character from the field it went into, if it is still there. */
function takeBackFirst(burst: Burst): void {
  const at = burst.firstAt;
  const first = burst.chars[0];
  if (!at || first === undefined) return;
  const { element, index } = at;
  if (element.value.slice(index, index + first.length) !== first) return;
  setFieldValue(element, element.value.slice(0, index) + element.value.slice(index + first.length));
  try {
    element.setSelectionRange(index, index);
  } catch {
    // no selection API on this input type
  }
}

function typeInto(target: EventTarget | null, text: string): void {
  if (!text || !isTextField(target) || document.activeElement !== target) return;
  // insertText keeps the caret, the undo stack, and fires the input event React listens to.
  if (!document.execCommand('insertText', false, text)) {
    setFieldValue(target, target.value + text);
  }
}

/** Sets a field's value the way React notices: through the native setter, then an input event. */
function setFieldValue(element: HTMLInputElement | HTMLTextAreaElement, value: string): void {
  const prototype = element instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
  Object.getOwnPropertyDescriptor(prototype, 'value')?.set?.call(element, value);
  element.dispatchEvent(new Event('input', { bubbles: true }));
}
