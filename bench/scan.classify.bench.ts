/**
 * scan.classify — classifications per second. `per_s`: the shared reader alone
 * (`classifyScan`: AIM id, command, GS1 element string / HRI / Digital Link, GTIN and UPC-E,
 * SSCC, company patterns, carrier tracking numbers) over a mix of 24 codes as a bench sees them;
 * `core_per_s`: the same codes through the core's classification (`ScanService.classify`: the
 * reader, then the catalogue, order and RMA lookups on the demo station's SQLite database —
 * no event written). One warm-up pass of 20 000, then 200 000 timed classifications per side.
 *
 * Budget (DESIGN.md): "`scan.submit` → verdict in the core, p99 ≤ 2 ms": classification is a
 * few microseconds of that.
 */
import pino from 'pino';
import { classifyScan } from '../src/shared/barcode/classify';
import { digitalLinkUri } from '../src/shared/barcode/digital-link';
import { GS } from '../src/shared/barcode/gs1';
import { Core } from '../src/core/app';
import { openDatabase } from '../src/core/db/connection';
import { EventLog } from '../src/core/events/log';
import { PolicyStore } from '../src/core/db/queries/policies';
import { ScanService } from '../src/core/workflows/scan';
import { SessionService } from '../src/core/workflows/session';
import { getStation } from '../src/core/db/queries/station';
import { readSettings } from '../src/core/db/queries/settings';
import { tempDir } from '../tests/support/paths';
import { join } from 'node:path';
import { log, round, runBenchmark } from './support/figures';

const N = 200_000;
const WARMUP = 20_000;

const CODES: { code: string; symbology?: string }[] = [
  { code: '4006381333931', symbology: 'E0' },
  { code: '036000291452' },
  { code: '96385074', symbology: 'E4' },
  { code: '04252614' },
  { code: '10614141000415' },
  { code: `0109506000134352` + `17250600` + `10LOT-7${GS}` + `21SN0001`, symbology: 'C1' },
  { code: `${GS}0109506000134352` + `21XYZ` },
  { code: `00106141412345678908` + `0209521234543213` + `3724${GS}` + `10LOT7`, symbology: 'C1' },
  { code: '(01)09506000134352(10)ABC' },
  {
    code: digitalLinkUri([
      { ai: '01', value: '09506000134352' },
      { ai: '10', value: 'ABC' },
      { ai: '17', value: '270101' },
    ]),
    symbology: 'Q1',
  },
  { code: '106141412345678908' },
  { code: 'CMD:DONE' },
  { code: 'CMD:GRADE:B' },
  { code: 'RMA-30001' },
  { code: 'RT007000000000' },
  { code: 'NW10001' },
  { code: 'TOTE-104' },
  { code: 'BADGE-P-1001' },
  { code: '1Z5R89390357567127' },
  { code: '9400111201080805483016' },
  { code: '986578788855' },
  { code: '3318810025' },
  { code: 'SN-0000123' },
  { code: 'hello world' },
];

function time(fn: (code: string, symbology?: string) => unknown): number {
  for (let i = 0; i < WARMUP; i++) {
    const c = CODES[i % CODES.length]!;
    fn(c.code, c.symbology);
  }
  const start = process.hrtime.bigint();
  for (let i = 0; i < N; i++) {
    const c = CODES[i % CODES.length]!;
    fn(c.code, c.symbology);
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return N / seconds;
}

runBenchmark('scan.classify', () => {
  const perS = time((code, symbology) => classifyScan(code, { symbology, referenceYear: 2026 }));
  log(`shared reader: ${round(perS)} classifications/s`);

  // The demo station, seeded by a core, then read by a scan service of its own.
  const temp = tempDir();
  try {
    new Core({ dataDir: temp.dir, demo: true, version: 'bench', log: pino({ level: 'silent' }) }).close();
    const db = openDatabase(join(temp.dir, 'station.db'));
    const station = getStation(db)!;
    const settings = readSettings(db);
    const events = new EventLog(db, station.id, Date.now);
    const session = new SessionService({ db, events, clock: Date.now, settings: () => settings, changed: () => {} });
    const scan = new ScanService({ db, events, session, policies: new PolicyStore(db) });
    const corePerS = time((code, symbology) => scan.classify(code, symbology));
    log(`core (reader + lookups): ${round(corePerS)} classifications/s`);
    db.close();
    return { n: N, codes: CODES.length, per_s: round(perS), core_per_s: round(corePerS) };
  } finally {
    temp.remove();
  }
});
