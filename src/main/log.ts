/** Main's log: JSON lines on stderr, picked up by the OS log of the packaged app. */
export function logMain(message: string, details: Record<string, unknown> = {}): void {
  process.stderr.write(`${JSON.stringify({ time: Date.now(), process: 'main', msg: message, ...details })}\n`);
}
