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
