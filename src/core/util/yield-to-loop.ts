/**
 * Resolves once the event loop has polled for I/O again: what a long piece of work (a sync page
 * written in chunks) awaits between its pieces so that a window's call, waiting in a socket, is
 * answered in between.
 *
 * One `setImmediate` is not enough. When the work resumed from I/O (a page's body arriving), it
 * runs in the loop's poll phase, and an immediate queued there runs in the check phase of the
 * same turn — before the loop polls the sockets again — so two pieces ran back to back and the
 * calls waited behind both (`sync.responsive`: 50–80 ms with 12 ms pieces). An immediate queued
 * from the check phase runs in the next turn, after its poll: two of them always let I/O in.
 */
export function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}
