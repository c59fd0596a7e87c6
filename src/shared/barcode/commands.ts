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
  /** Go on to the next thing the bench asks for (the next unit to inspect, the next item). */
  'next',
  /** A held parcel may go on. */
  'release',
  /** A held parcel may not. */
  'reject',
  /** Grading: every remaining question answered as a perfect item would. */
  'good',
  /** A returned parcel without an RMA, order or anything known: a quarantined case. */
  'unexpected',
  /** Send the labels waiting at this station (failed or without a printer) again, now. */
  'print',
  /** Print the last label of this bench again (the shipping label, the hold label, the bin label). */
  'reprint',
] as const;
export type SimpleCommand = (typeof SIMPLE_COMMANDS)[number];

/**
 * Commands that carry a value after a colon: `CMD:ANSWER:NO`, `CMD:ROUTE:RESTOCK`, `CMD:GRADE:B`,
 * `CMD:DECIDE:CLEAR` (a supervisor's decision on a fraud flag).
 */
export const VALUE_COMMANDS = ['answer', 'route', 'reason', 'grade', 'decide'] as const;
export type ValueCommand = (typeof VALUE_COMMANDS)[number];

export type Command = { name: SimpleCommand } | { name: 'bench'; bench: Bench } | { name: ValueCommand; value: string };

/**
 * Reads a command barcode; null when the code is not one. Case-insensitive. A company may print
 * its command barcodes with another prefix (its barcode patterns say which).
 */
export function parseCommand(code: string, prefix: string = COMMAND_PREFIX): Command | null {
  if (!code.toUpperCase().startsWith(prefix.toUpperCase())) return null;
  const body = code.slice(prefix.length).toUpperCase();
  const simple = SIMPLE_COMMANDS.find((name) => name.toUpperCase() === body);
  if (simple) return { name: simple };
  if (body.startsWith('BENCH:')) {
    const bench = body.slice('BENCH:'.length).toLowerCase();
    if ((BENCHES as readonly string[]).includes(bench)) return { name: 'bench', bench: bench as Bench };
  }
  for (const name of VALUE_COMMANDS) {
    const prefix = `${name.toUpperCase()}:`;
    const value = body.slice(prefix.length);
    if (body.startsWith(prefix) && /^[A-Z0-9_]{1,24}$/.test(value)) return { name, value };
  }
  return null;
}

/** The barcode text of a command. */
export function commandCode(command: Command): string {
  if (command.name === 'bench') return `${COMMAND_PREFIX}BENCH:${command.bench.toUpperCase()}`;
  if ('value' in command) return `${COMMAND_PREFIX}${command.name.toUpperCase()}:${command.value.toUpperCase()}`;
  return `${COMMAND_PREFIX}${command.name.toUpperCase()}`;
}
