/**
 * GTIN check digits (GS1 General Specifications §7.9): weights 3 and 1 alternate from the
 * rightmost data digit. Works for GTIN-8, GTIN-12 (UPC-A), GTIN-13 (EAN-13) and GTIN-14, and for
 * SSCC (18 digits).
 */
export function gs1CheckDigit(dataDigits: string): number {
  if (!/^\d+$/.test(dataDigits)) throw new Error('GS1 data must be digits');
  let sum = 0;
  for (let i = 0; i < dataDigits.length; i++) {
    const digit = dataDigits.charCodeAt(dataDigits.length - 1 - i) - 48;
    sum += i % 2 === 0 ? digit * 3 : digit;
  }
  return (10 - (sum % 10)) % 10;
}

/** True for an 8, 12, 13 or 14-digit string whose last digit is the right check digit. */
export function isValidGtin(code: string): boolean {
  if (!/^(\d{8}|\d{12}|\d{13}|\d{14})$/.test(code)) return false;
  return gs1CheckDigit(code.slice(0, -1)) === Number(code[code.length - 1]);
}

/** Appends the check digit to GS1 data digits. */
export function withCheckDigit(dataDigits: string): string {
  return dataDigits + String(gs1CheckDigit(dataDigits));
}

/**
 * The GTIN-14 form of a valid GTIN, so that a UPC-A scanned as 12 digits, the same code
 * reported as EAN-13 with a leading 0 (AIM `]E0`), and a GTIN-14 with indicator 0 all meet.
 */
export function toGtin14(code: string): string | null {
  if (!isValidGtin(code)) return null;
  return code.padStart(14, '0');
}

/** The GTIN form of a valid GTIN, by its length. */
export type GtinForm = 'GTIN-8' | 'GTIN-12' | 'GTIN-13' | 'GTIN-14';

export function gtinForm(code: string): GtinForm | null {
  if (!isValidGtin(code)) return null;
  return `GTIN-${code.length}` as GtinForm;
}

/**
 * GTIN ranges that are not global trade items, so a returns bench must not look them up as
 * catalogue products: restricted circulation (in-store and variable-measure codes, prefixes
 * 02, 04, 20–29 of the GTIN-13), ISSN (977), ISBN (978, 979), refund receipts (980), coupons
 * (UPC 5, 981–984, 99). `null` for an ordinary GTIN. Takes the GTIN-14 form.
 */
export type GtinRange = 'restricted' | 'issn' | 'isbn' | 'refund' | 'coupon';

export function gtinRange(gtin14: string): GtinRange | null {
  if (!/^\d{14}$/.test(gtin14)) return null;
  // GTIN-8 (six leading zeros) prefixes 0 and 2 are restricted circulation velocity codes.
  if (gtin14.startsWith('000000')) return /^[02]/.test(gtin14.slice(6)) ? 'restricted' : null;
  const prefix = gtin14.slice(1, 4);
  if (/^(02|04|2\d)/.test(prefix)) return 'restricted';
  if (prefix === '977') return 'issn';
  if (prefix === '978' || prefix === '979') return 'isbn';
  if (prefix === '980') return 'refund';
  if (prefix.startsWith('05') || /^98[1-4]/.test(prefix) || prefix.startsWith('99')) return 'coupon';
  return null;
}

/**
 * A UPC-E (8 digits: number system 0 or 1, six data digits, check digit) expanded to its UPC-A,
 * or null when it is not a valid UPC-E. The sixth data digit says where the zeros go.
 */
export function expandUpcE(upce: string): string | null {
  if (!/^[01]\d{7}$/.test(upce)) return null;
  const ns = upce[0]!;
  const d = upce.slice(1, 7);
  const check = upce[7]!;
  const last = Number(d[5]);
  let body: string;
  if (last <= 2) body = `${d.slice(0, 2)}${last}0000${d.slice(2, 5)}`;
  else if (last === 3) body = `${d.slice(0, 3)}00000${d.slice(3, 5)}`;
  else if (last === 4) body = `${d.slice(0, 4)}00000${d[4]}`;
  else body = `${d.slice(0, 5)}0000${last}`;
  const upca = `${ns}${body}${check}`;
  return isValidGtin(upca) ? upca : null;
}
