import type { BenchErrorShape, Result } from '#shared/contract/errors';

/**
 * Orders a bench's pushed views against the answers of its calls.
 *
 * The core pushes a bench's view whenever it changes, and answers each call with the view as it
 * was when the call ran. Those two are not always delivered in the order they were made: when two
 * calls reach the core in the same tick — the bench's first `current()` read and a scan typed
 * while the screen was still mounting — the scan commits and pushes its new view before the
 * read's answer (made earlier, showing nothing open) is sent. Applied last, that answer would put
 * the bench back to "nothing open" for good, since nothing else changes until the next scan.
 *
 * So an answer is applied only if no view was pushed while its call was out. When one was, the
 * answer may be older than what is shown, and the bench reads its view again instead (a read
 * overtaken again reads again; each round needs a push to have landed, so it settles at once).
 */
export class PushedViews {
  #pushes = 0;

  /** A view arrived from the core. */
  pushed(): void {
    this.#pushes++;
  }

  /** Awaits a call's answer; `overtaken` when a view was pushed while it was out. */
  async answer<T>(call: Promise<T>): Promise<{ result: T; overtaken: boolean }> {
    const before = this.#pushes;
    const result = await call;
    return { result, overtaken: this.#pushes !== before };
  }

  /**
   * Shows the view a call answered with, unless a push overtook it: then `reread` is asked (and
   * again, if that is overtaken too). A failed call shows its error and leaves the view.
   */
  async show<V>(
    call: Promise<Result<V>>,
    reread: () => Promise<Result<V>>,
    shown: (view: V) => void,
    failed: (error: BenchErrorShape) => void,
  ): Promise<void> {
    const { result, overtaken } = await this.answer(call);
    if (!result.ok) failed(result.error);
    else if (overtaken) await this.show(reread(), reread, shown, failed);
    else shown(result.value);
  }
}
