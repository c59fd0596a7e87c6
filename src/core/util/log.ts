import pino from 'pino';

export type Logger = pino.Logger;

/**
 * The core's logger. JSON lines to stderr (stdout is kept for the web-mode ready line), or to a
 * file in the data folder when one is given. Synchronous writes: a log line about a crash must
 * not be lost with the process.
 */
export function createLogger(options: { level?: string; file?: string } = {}): Logger {
  const destination = options.file
    ? pino.destination({ dest: options.file, sync: true, mkdir: true })
    : pino.destination({ fd: 2, sync: true });
  return pino(
    { level: options.level ?? process.env.BENCHLINE_LOG_LEVEL ?? 'info', base: { pid: process.pid } },
    destination,
  );
}
