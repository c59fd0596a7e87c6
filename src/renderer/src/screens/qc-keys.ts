/**
 * The QC bench's keys: each mirrors a command barcode (the key sends the same `CMD:` code a scan
 * would), written as `aria-keyshortcuts` values. DONE, PASS and FAIL on F2–F4 as at the packing
 * bench; the decisions on a held parcel are the shifted DONE and FAIL keys; SKIP is the shifted
 * photo key. F6 takes a photo step's photo (as it weighs at the packing bench: read the device).
 * F5, F7, F9 and F10 belong to the whole station, and F8 is the GS some scanners send.
 */
export const QC_COMMAND_KEYS = {
  done: 'F2',
  pass: 'F3',
  fail: 'F4',
  skip: 'Shift+F6',
  release: 'Shift+F2',
  reject: 'Shift+F4',
} as const;
export type QcCommand = keyof typeof QC_COMMAND_KEYS;

/** The key that takes the photo of a photo step. */
export const QC_PHOTO_KEY = 'F6';

/** The command a key press means at the QC bench, or null (other keys, Ctrl/Alt/Meta chords). */
export function qcCommandOf(
  event: Pick<KeyboardEvent, 'key' | 'shiftKey' | 'ctrlKey' | 'altKey' | 'metaKey'>,
): QcCommand | null {
  if (event.ctrlKey || event.altKey || event.metaKey) return null;
  const pressed = `${event.shiftKey ? 'Shift+' : ''}${event.key}`;
  const found = Object.entries(QC_COMMAND_KEYS).find(([, key]) => key === pressed);
  return found ? (found[0] as QcCommand) : null;
}

/** The barcode text a command key sends. */
export function qcCommandCode(command: QcCommand): string {
  return `CMD:${command.toUpperCase()}`;
}
