/**
 * Codes seen recently by the camera: the same code in view frame after frame is one scan, not
 * thirty. A code counts again only after it has been out of view for `windowMs` (each sighting
 * renews the window, so a code held in front of the camera for minutes is still one scan).
 */
export class RecentCodes {
  readonly #windowMs: number;
  readonly #seen = new Map<string, number>();

  constructor(windowMs = 2500) {
    this.#windowMs = windowMs;
  }

  /** True when `code` is new (scan it); false when it was seen within the window. */
  fresh(code: string, now: number): boolean {
    const last = this.#seen.get(code);
    this.#seen.set(code, now);
    for (const [other, at] of this.#seen) if (now - at > this.#windowMs) this.#seen.delete(other);
    return last === undefined || now - last > this.#windowMs;
  }
}
