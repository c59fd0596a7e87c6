/**
 * USB HID POS barcode scanners (HID Point of Sale Usage Tables, page 0x8C). A scanner in HID POS
 * mode sends each scan as one or more 64-byte "scanned data" input reports. As node-hid hands
 * them over (the report ID included, so every offset is one more than WebHID's):
 *
 *   byte 0      report ID, 2
 *   byte 1      number of data bytes in this report (0–56)
 *   bytes 2–4   AIM symbology identifier `]` + code + modifier (zeros when AIM ids are off;
 *               some devices put one extra byte first, so the AIM starts at byte 3)
 *   bytes 5–60  data
 *   byte 61     vendor symbology id (Honeywell), byte 62 reserved
 *   byte 63     bit 0: more data follows in the next report
 *
 * Codes longer than 56 bytes (2D codes) come in several reports, joined here.
 */

export const HID_POS_USAGE_PAGE = 0x8c;
/** Usages of page 0x8C that are scanners (badge reader, scanner, dumb scanner, cordless base, cradle). */
export const HID_POS_SCANNER_USAGES = [0x01, 0x02, 0x03, 0x04, 0x05];
export const SCANNED_DATA_REPORT_ID = 2;
const MAX_DATA = 56;

export type ScannerReport = {
  /** The AIM identifier without `]`, or null. */
  aim: string | null;
  data: Uint8Array;
  more: boolean;
  vendorSymbology: number | null;
};

export type ReportVerdict = { ok: true; report: ScannerReport } | { ok: false; reason: 'other_report' | 'garbage' };

function isAim(bytes: Uint8Array, at: number): boolean {
  const code = bytes[at + 1] ?? 0;
  const modifier = bytes[at + 2] ?? 0;
  return (
    bytes[at] === 0x5d &&
    ((code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a)) &&
    ((modifier >= 0x30 && modifier <= 0x39) ||
      (modifier >= 0x41 && modifier <= 0x5a) ||
      (modifier >= 0x61 && modifier <= 0x7a))
  );
}

/** Reads one input report; refuses what is not a scanned-data report, or does not add up. */
export function parseScannerReport(report: Uint8Array): ReportVerdict {
  if (report.length === 0 || report[0] !== SCANNED_DATA_REPORT_ID) return { ok: false, reason: 'other_report' };
  if (report.length < 5) return { ok: false, reason: 'garbage' };
  const length = report[1]!;
  if (length > MAX_DATA) return { ok: false, reason: 'garbage' };
  let aim: string | null = null;
  let start = 5;
  if (isAim(report, 2)) {
    aim = String.fromCharCode(report[3]!, report[4]!);
  } else if (isAim(report, 3)) {
    aim = String.fromCharCode(report[4]!, report[5]!);
    start = 6;
  } else if (report[2] !== 0 || report[3] !== 0 || report[4] !== 0) {
    // Neither an AIM id nor the zeros of "AIM ids off": not a layout we can trust.
    if (length > 0) return { ok: false, reason: 'garbage' };
  }
  if (start + length > report.length) return { ok: false, reason: 'garbage' };
  const more = report.length >= 64 ? (report[63]! & 1) === 1 : false;
  const vendor = report.length >= 62 ? report[61]! : null;
  return {
    ok: true,
    report: { aim, data: report.slice(start, start + length), more, vendorSymbology: vendor === 0 ? null : vendor },
  };
}

export type JoinedScan = { code: string; symbology: string | null };

/**
 * Joins the reports of one scan. Reports of other IDs and reports without data are passed over
 * (they may come between the reports of a long code); a malformed scanned-data report drops the
 * half-read code, since it may have been one of its parts. A scan whose continuation never comes
 * (the scanner was unplugged mid-code) is dropped when the next scan starts after `staleMs`.
 */
export class ScannerReportJoiner {
  readonly #staleMs: number;
  #parts: Uint8Array[] = [];
  #aim: string | null = null;
  #lastAt = 0;
  /** Reports refused since the start (garbage, other report IDs), for diagnosis. */
  refused = 0;

  constructor(staleMs = 1000) {
    this.#staleMs = staleMs;
  }

  /** Feeds one input report; returns a scan when it was the last report of one. */
  push(raw: Uint8Array, now: number): JoinedScan | null {
    const parsed = parseScannerReport(raw);
    if (!parsed.ok) {
      this.refused++;
      if (parsed.reason === 'garbage') this.#reset();
      return null;
    }
    if (this.#parts.length > 0 && now - this.#lastAt > this.#staleMs) this.#reset();
    const { report } = parsed;
    // A report without data (some scanners send an empty one after a scan, or between the
    // reports of a long code) says nothing about the code: it neither adds to it nor ends it.
    // Ending the code there would submit the first part of a code still on its way.
    if (report.data.length === 0) return null;
    if (this.#parts.length === 0) this.#aim = report.aim;
    this.#parts.push(report.data);
    this.#lastAt = now;
    if (report.more) return null;
    const bytes = concat(this.#parts);
    const aim = this.#aim;
    this.#reset();
    const code = decode(bytes).replace(/\r\n?$|\n$/, '');
    return code.length > 0 ? { code, symbology: aim } : null;
  }

  #reset(): void {
    this.#parts = [];
    this.#aim = null;
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 when the bytes are UTF-8 (QR codes often are), else one byte per character (Latin-1). */
function decode(bytes: Uint8Array): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    return String.fromCharCode(...bytes);
  }
}

/**
 * Builds the reports a scanner would send for a code — for tests and the device simulator:
 * 56 data bytes per report, the continuation bit on all but the last.
 */
export function scannerReports(
  code: string,
  aim: string | null = null,
  options: { extraByte?: boolean } = {},
): Buffer[] {
  const bytes = Buffer.from(code, 'utf8');
  const reports: Buffer[] = [];
  const chunks = Math.max(1, Math.ceil(bytes.length / MAX_DATA));
  for (let i = 0; i < chunks; i++) {
    const chunk = bytes.subarray(i * MAX_DATA, (i + 1) * MAX_DATA);
    const report = Buffer.alloc(64);
    report[0] = SCANNED_DATA_REPORT_ID;
    report[1] = chunk.length;
    const aimAt = options.extraByte ? 3 : 2;
    if (aim) report.write(`]${aim}`, aimAt, 'latin1');
    chunk.copy(report, aimAt + 3);
    report[63] = i < chunks - 1 ? 1 : 0;
    reports.push(report);
  }
  return reports;
}
