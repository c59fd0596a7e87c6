import { BENCHES, type Bench } from '../domain/roles';

/**
 * Command barcodes drive the bench by scanner alone. They are printed on the demo sheet and on
 * command sheets as Code 128 with the text `CMD:<NAME>`, a prefix no product, order or badge uses.
 */
export const COMMAND_PREFIX = 'CMD:';

export type Command = { name: 'logout' } | { name: 'lock' } | { name: 'home' } | { name: 'bench'; bench: Bench };

/** Reads a command barcode; null when the code is not one. Case-insensitive after the prefix. */
export function parseCommand(code: string): Command | null {
  if (!code.toUpperCase().startsWith(COMMAND_PREFIX)) return null;
  const body = code.slice(COMMAND_PREFIX.length).toUpperCase();
  if (body === 'LOGOUT') return { name: 'logout' };
  if (body === 'LOCK') return { name: 'lock' };
  if (body === 'HOME') return { name: 'home' };
  if (body.startsWith('BENCH:')) {
    const bench = body.slice('BENCH:'.length).toLowerCase();
    if ((BENCHES as readonly string[]).includes(bench)) return { name: 'bench', bench: bench as Bench };
  }
  return null;
}

/** The barcode text of a command. */
export function commandCode(command: Command): string {
  return command.name === 'bench'
    ? `${COMMAND_PREFIX}BENCH:${command.bench.toUpperCase()}`
    : `${COMMAND_PREFIX}${command.name.toUpperCase()}`;
}
