import type { ScannerSettings } from '#shared/domain/settings';
import { WedgeEngine, type KeyRecord, type WedgeScan } from './wedge-engine';

export type { KeyRecord, WedgeScan };

/** A text field as it was just before the first key of a burst reached it. */
type FieldPosition = { element: HTMLInputElement | HTMLTextAreaElement; before: string; start: number; end: number };

/**
 * The keyboard-wedge listener of the window: the DOM side of `WedgeEngine`. It listens in the
 * capture phase (before any screen's own handlers), swallows the keys the engine holds, takes
 * the first key of a scan back out of the text field it went into, and types held keys back in
 * when a burst turns out to be a person typing. Scans go to `onScan` — or, while Settings tests
 * or calibrates the scanner, to the diverting handler instead (nothing reaches the core).
 */
export class WedgeListener {
  readonly #engine: WedgeEngine<EventTarget | null>;
  readonly #onScan: (scan: WedgeScan) => void;
  #target: Window | null = null;
  #divert: ((scan: WedgeScan) => void) | null = null;
  readonly #keyListeners = new Set<(record: KeyRecord) => void>();
  /** Where the first character of each burst went (only the latest burst matters). */
  #first: { burstId: number; at: FieldPosition | null } | null = null;
  #enabled = true;

  constructor(settings: ScannerSettings, onScan: (scan: WedgeScan) => void) {
    this.#onScan = onScan;
    this.#enabled = settings.mode !== 'hid';
    this.#engine = new WedgeEngine<EventTarget | null>(settings, {
      scan: (scan, burst) => {
        if (this.#first?.burstId === burst.burstId) takeBack(this.#first.at);
        this.#first = null;
        (this.#divert ?? this.#onScan)(scan);
      },
      typing: (text, target) => typeInto(target, text),
      key: (record) => {
        for (const listener of this.#keyListeners) listener(record);
      },
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
      now: () => performance.now(),
    });
  }

  configure(settings: ScannerSettings): void {
    this.#engine.configure(settings);
    this.#enabled = settings.mode !== 'hid';
  }

  attach(target: Window): void {
    this.#target = target;
    target.addEventListener('keydown', this.#onKey, { capture: true });
    target.addEventListener('keyup', this.#onKey, { capture: true });
    target.addEventListener('keypress', this.#onKeyPress, { capture: true });
  }

  detach(): void {
    this.#target?.removeEventListener('keydown', this.#onKey, { capture: true });
    this.#target?.removeEventListener('keyup', this.#onKey, { capture: true });
    this.#target?.removeEventListener('keypress', this.#onKeyPress, { capture: true });
    this.#target = null;
  }

  /** Sends scans to `handler` instead of the core (Settings' test area and calibration). */
  divert(handler: ((scan: WedgeScan) => void) | null, options: { calibrating?: boolean } = {}): void {
    this.#divert = handler;
    this.#engine.setCalibrating(handler !== null && (options.calibrating ?? false));
  }

  /** Every key the listener sees, with its gap and what was done with it. */
  onKey(listener: (record: KeyRecord) => void): () => void {
    this.#keyListeners.add(listener);
    return () => this.#keyListeners.delete(listener);
  }

  readonly #onKey = (event: KeyboardEvent): void => {
    // A station set to HID scanners only still lets Settings test and calibrate a wedge scanner.
    if (!this.#enabled && this.#divert === null) return;
    const decision = this.#engine.key({
      type: event.type === 'keyup' ? 'up' : 'down',
      code: event.code,
      key: event.key,
      shiftKey: event.shiftKey,
      ctrlKey: event.ctrlKey,
      altKey: event.altKey,
      metaKey: event.metaKey,
      capsLock: event.getModifierState?.('CapsLock') ?? false,
      altGraph: event.getModifierState?.('AltGraph') ?? false,
      repeat: event.repeat,
      isComposing: event.isComposing,
      timeStamp: event.timeStamp,
      handledAt: performance.now(),
      target: event.target,
    });
    if (decision.startsBurst) this.#first = { burstId: decision.burstId, at: fieldPosition(event.target) };
    if (decision.consume) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  };

  /** Characters made after a key was let through (an Alt code's char) must not land while held. */
  readonly #onKeyPress = (event: KeyboardEvent): void => {
    if (this.#engine.holding) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  };
}

function isTextField(target: EventTarget | null): target is HTMLInputElement | HTMLTextAreaElement {
  if (target instanceof HTMLTextAreaElement) return true;
  if (!(target instanceof HTMLInputElement)) return false;
  return ['text', 'search', 'password', 'tel', 'url', 'email', 'number', ''].includes(target.type);
}

function fieldPosition(target: EventTarget | null): FieldPosition | null {
  if (!isTextField(target)) return null;
  const before = target.value;
  try {
    return {
      element: target,
      before,
      start: target.selectionStart ?? before.length,
      end: target.selectionEnd ?? before.length,
    };
  } catch {
    // inputs of type number or email have no selection API
    return { element: target, before, start: before.length, end: before.length };
  }
}

/**
 * Takes the burst's first key back out of the field it went into: the field is put back as it
 * was before that key, if what changed is one insertion at the caret (the key's character —
 * which under a French layout is not the character the scanner meant: `&` for `1`).
 */
function takeBack(at: FieldPosition | null): void {
  if (!at) return;
  const { element, before, start, end } = at;
  const now = element.value;
  if (now === before) return;
  const head = before.slice(0, start);
  const tail = before.slice(end);
  const inserted = now.length - head.length - tail.length;
  if (inserted < 1 || inserted > 4 || !now.startsWith(head) || !now.endsWith(tail)) return;
  setFieldValue(element, before);
  try {
    element.setSelectionRange(start, end);
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
