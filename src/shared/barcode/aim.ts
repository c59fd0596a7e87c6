/**
 * AIM symbology identifiers (ISO/IEC 15424): `]` + a code character + a modifier, sent by a
 * scanner before the data when AIM ids are turned on. They say which symbology was read and,
 * for GS1, that the data is a GS1 element string (FNC1 in first position).
 */
export type Symbology =
  | 'code128'
  | 'gs1-128'
  | 'ean-upc'
  | 'ean-8'
  | 'gs1-databar'
  | 'datamatrix'
  | 'gs1-datamatrix'
  | 'qr'
  | 'gs1-qr'
  | 'code39'
  | 'itf'
  | 'codabar'
  | 'code93'
  | 'pdf417'
  | 'aztec'
  | 'dotcode'
  | 'gs1-dotcode'
  | 'other';

/** The identifier without its `]`, e.g. `C1`. */
export type AimId = string;

const AIM_ID = /^\][A-Za-z][0-9A-Za-z]/;

/** Splits an AIM identifier off the start of a scan, when there is one. */
export function splitAim(raw: string): { aim: AimId | null; data: string } {
  if (!AIM_ID.test(raw)) return { aim: null, data: raw };
  return { aim: raw.slice(1, 3), data: raw.slice(3) };
}

/** The symbology an AIM identifier names (Zebra's `]X…` variants included). */
export function symbologyOf(aim: AimId | null | undefined): Symbology | null {
  if (!aim) return null;
  const [code, modifier] = [aim[0]!, aim[1]!];
  switch (code) {
    case 'C':
      return modifier === '1' ? 'gs1-128' : 'code128';
    case 'E':
      return modifier === '4' ? 'ean-8' : 'ean-upc';
    case 'e':
      return 'gs1-databar';
    case 'd':
      return modifier === '2' || modifier === '5' ? 'gs1-datamatrix' : 'datamatrix';
    case 'Q':
      return modifier === '3' || modifier === '4' ? 'gs1-qr' : 'qr';
    case 'A':
      return 'code39';
    case 'I':
      return 'itf';
    case 'F':
      return 'codabar';
    case 'G':
      return 'code93';
    case 'L':
      return 'pdf417';
    case 'z':
      return 'aztec';
    case 'J':
      return modifier === '1' ? 'gs1-dotcode' : 'dotcode';
    case 'X':
      // Zebra/Motorola: ]X + their own code for symbologies AIM already names.
      if (modifier === '9' || modifier === 'g' || modifier === 'k') return 'ean-upc';
      if (modifier === 'C') return 'ean-8';
      if (modifier === 'r' || modifier === 's' || modifier === 't') return 'gs1-databar';
      return 'other';
    default:
      return 'other';
  }
}

/** True when the symbology carries GS1 element strings (FNC1 in first position). */
export function isGs1Symbology(symbology: Symbology | null): boolean {
  return (
    symbology === 'gs1-128' ||
    symbology === 'gs1-databar' ||
    symbology === 'gs1-datamatrix' ||
    symbology === 'gs1-qr' ||
    symbology === 'gs1-dotcode'
  );
}
