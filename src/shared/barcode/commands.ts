import { BENCHES, type Bench } from '../domain/roles';

/**
 * Command barcodes drive the bench by scanner alone. They are printed on the demo sheet and on
 * command sheets as Code 128 with the text `CMD:<NAME>`, a prefix no product, order or badge uses.
 */
export const COMMAND_PREFIX = 'CMD:';

/** Commands without an argument, and what the benches make of them. */
export const SIMPLE_COMMANDS = [
  'logout',
  'lock',
  'home',
  /** Finish what the bench is doing (complete a parcel, an instruction step). */
  'done',
  /** Take back the last scan. */
  'undo',
  /** Abandon what is open (a parcel), keeping the record. */
  'cancel',
  /** Yes to the question on screen (a second shipment of an order). */
  'confirm',
  'pass',
  'fail',
  /** Skip an optional step. */
  'skip',
  /** A held parcel may go on. */
  'release',
  /** A held parcel may not. */
  'reject',
] as const;
export type SimpleCommand = (typeof SIMPLE_COMMANDS)[number];

export type Command = { name: SimpleCommand } | { name: 'bench'; bench: Bench };

/** Reads a command barcode; null when the code is not one. Case-insensitive after the prefix. */
export function parseCommand(code: string): Command | null {
  if (!code.toUpperCase().startsWith(COMMAND_PREFIX)) return null;
  const body = code.slice(COMMAND_PREFIX.length).toUpperCase();
  const simple = SIMPLE_COMMANDS.find((name) => name.toUpperCase() === body);
  if (simple) return { name: simple };
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
