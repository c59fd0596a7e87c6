import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import PDFDocument from 'pdfkit';
import type { ReviewCase } from '#shared/contract/review';
import type { Db } from '../db/connection';
import type { ChainVerdict, EventLog } from '../events/log';
import type { PhotoStore } from '../photos';
import type { ActiveSession } from './session';

const EXT: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' };

type PhotoFile = {
  sha256: string;
  mime: string | null;
  bytes: number | null;
  file: string;
  /** The stored file exists and its bytes hash to its name. */
  present: boolean;
  verified: boolean;
  side: 'outbound' | 'returned';
};

export type EvidenceBundle = {
  pdf: Buffer;
  json: string;
  directory: string;
  files: { file: string; sha256: string; bytes: number }[];
};

/**
 * The evidence bundle of a case, for chargebacks and carrier claims, written to
 * `<data>/evidence/<case>-<time>/`:
 * - `case.json` — every event of the case exactly as stored (so anyone can recompute each hash
 *   with the rule it states), the case as the supervisor saw it, the photos with their sha256
 *   (each checked against its bytes at export), and the verification of the whole chain;
 * - `photos/<sha256>.<ext>` — the photos, outbound QC and returned;
 * - `report.pdf` — the same for people, with the sha256 of `case.json`;
 * - `SHA256SUMS` — every other file with its sha256, in `sha256sum -c` format.
 */
export async function exportEvidence(deps: {
  db: Db;
  events: EventLog;
  photos: PhotoStore;
  dataDir: string;
  stationName: string;
  review: ReviewCase;
  active: ActiveSession;
  now: number;
}): Promise<EvidenceBundle> {
  const { db, events, photos, review, now } = deps;
  const directory = join(deps.dataDir, 'evidence', `${review.caseId}-${now}`);
  mkdirSync(join(directory, 'photos'), { recursive: true });
  const caseEvents = events.ofSubject(review.caseId);
  const chain = events.verify();
  const sides = new Map<string, PhotoFile['side']>();
  for (const sha of review.outbound?.photos ?? []) sides.set(sha, 'outbound');
  for (const sha of review.returned.items.flatMap((i) => i.photos)) sides.set(sha, 'returned');
  const written: { file: string; bytes: Buffer }[] = [];
  const photoFiles: (PhotoFile & { data: Buffer | null })[] = [...sides].map(([sha256, side]) => {
    const row = db
      .prepare<[string], { mime: string; bytes: number }>('SELECT mime, bytes FROM photos WHERE sha256 = ?')
      .get(sha256);
    const ext = EXT[row?.mime ?? ''] ?? 'bin';
    const source = photos.path(sha256, ext);
    const file = `photos/${sha256}.${ext}`;
    const data = existsSync(source) ? readFileSync(source) : null;
    const verified = data !== null && createHash('sha256').update(data).digest('hex') === sha256;
    if (data) written.push({ file, bytes: data });
    return {
      sha256,
      mime: row?.mime ?? null,
      bytes: row?.bytes ?? null,
      file,
      present: data !== null,
      verified,
      side,
      data,
    };
  });
  const bundle = {
    format: 'benchline.evidence/1',
    generatedAt: new Date(now).toISOString(),
    generatedBy: deps.active.operator.id,
    station: deps.stationName,
    case: review,
    events: caseEvents.map((e) => ({
      seq: e.seq,
      id: e.id,
      stationId: e.stationId,
      operatorId: e.operatorId,
      type: e.type,
      subject: e.subject,
      payload: e.payload,
      schemaVersion: e.schemaVersion,
      createdAt: e.createdAt,
      prevHash: e.prevHash,
      hash: e.hash,
    })),
    hashing:
      'hash = sha256(prevHash + "\\n" + JSON.stringify([id, seq, stationId, operatorId, type, subject, payload, schemaVersion, createdAt]))',
    chainVerification: chain,
    photos: photoFiles.map(({ data: _data, ...rest }) => rest),
  };
  const json = JSON.stringify(bundle, null, 2);
  const jsonSha256 = sha256Of(Buffer.from(json));
  const pdf = await report(review, bundle.events, chain, photoFiles, deps.stationName, now, jsonSha256);
  written.push({ file: 'case.json', bytes: Buffer.from(json) }, { file: 'report.pdf', bytes: pdf });
  for (const { file, bytes } of written) writeFileSync(join(directory, file), bytes);
  const files = written.map(({ file, bytes }) => ({ file, sha256: sha256Of(bytes), bytes: bytes.length }));
  writeFileSync(join(directory, 'SHA256SUMS'), files.map((f) => `${f.sha256}  ${f.file}\n`).join(''));
  return { pdf, json, directory, files };
}

function sha256Of(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * DejaVu Sans for the report (every language's letters, arrows, dashes): from the app's
 * resources, the dev dependency, or the system; the PDF's built-in Helvetica otherwise.
 */
function reportFonts(): { regular: string; bold: string; mono: string } | null {
  const candidates: string[] = [];
  const resourcesPath = (process as { resourcesPath?: string }).resourcesPath;
  if (resourcesPath) candidates.push(join(resourcesPath, 'resources', 'fonts'));
  try {
    const require = createRequire(join(process.cwd(), 'package.json'));
    candidates.push(join(require.resolve('dejavu-fonts-ttf/package.json'), '..', 'ttf'));
  } catch {
    // Not installed here (a packaged app): the other places.
  }
  candidates.push('/usr/share/fonts/truetype/dejavu');
  for (const dir of candidates) {
    const fonts = {
      regular: join(dir, 'DejaVuSans.ttf'),
      bold: join(dir, 'DejaVuSans-Bold.ttf'),
      mono: join(dir, 'DejaVuSansMono.ttf'),
    };
    if (Object.values(fonts).every((file) => existsSync(file))) return fonts;
  }
  return null;
}

async function report(
  review: ReviewCase,
  caseEvents: { seq: number; type: string; createdAt: number; hash: string; operatorId: string | null }[],
  chain: ChainVerdict,
  photoFiles: (PhotoFile & { data: Buffer | null })[],
  stationName: string,
  now: number,
  jsonSha256: string,
): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 40,
    info: { Title: `Evidence report ${review.caseId}`, Author: 'Benchline', Subject: 'Return case evidence' },
  });
  const fonts = reportFonts();
  const REGULAR = fonts ? 'body' : 'Helvetica';
  const BOLD = fonts ? 'body-bold' : 'Helvetica-Bold';
  const MONO = fonts ? 'mono' : 'Courier';
  if (fonts) {
    doc.registerFont(REGULAR, fonts.regular);
    doc.registerFont(BOLD, fonts.bold);
    doc.registerFont(MONO, fonts.mono);
  }
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const money = (cents: number): string => `${(cents / 100).toFixed(2)} ${review.currency}`;
  const time = (ms: number | null): string =>
    ms === null ? '—' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
  const heading = (text: string): void => {
    if (doc.y > 740) doc.addPage();
    doc.moveDown(0.6).font(BOLD).fontSize(13).fillColor('#000').text(text, 40);
    doc.font(REGULAR).fontSize(10);
  };

  doc.font(BOLD).fontSize(18).text('Evidence report');
  doc.font(REGULAR).fontSize(10).fillColor('#333');
  doc.text(`Case ${review.caseId} · station ${stationName} · generated ${time(now)} UTC`);
  doc.text(
    `${review.rmaNumber ? `RMA ${review.rmaNumber} · ` : ''}${review.orderNumber ? `order ${review.orderNumber} · ` : ''}value ${money(review.valueCents)} · ${review.kind} return, ${review.status}${review.closedAt ? ` ${time(review.closedAt)}` : ''}`,
  );
  if (review.customer) {
    const c = review.customer;
    doc.text(
      `Customer ${c.firstName}: ${c.ordersCount} order(s), ${c.returnsCount} return(s) (${money(c.returnsValueCents)}) in the order system; ${c.casesHere} case(s) at this station; ${c.accountsAtAddress} account(s) at the delivery address`,
    );
  }

  heading('Flags');
  doc.fillColor('#000');
  if (review.flags.length === 0) doc.text('No flag.');
  for (const flag of review.flags) {
    doc
      .font(BOLD)
      .text(
        `${flag.type.replace(/_/g, ' ')} — ${flag.severity}, ${flag.status.replace('_', ' ')}${flag.decidedBy ? ` by ${flag.decidedBy} ${time(flag.decidedAt)} (${flag.decisionReason ?? ''})` : ''}${flag.stale ? ' — no longer fires on current history' : ''}`,
      );
    doc.font(REGULAR).text(`${flag.explanation} Rule ${flag.rule ?? '—'}, raised ${time(flag.raisedAt)}.`);
    if (flag.decisionNote) doc.text(`Note: ${flag.decisionNote}`);
  }

  heading('What left, against what came back');
  const left = review.outbound;
  const colY = doc.y;
  doc
    .font(BOLD)
    .text(`Outbound (${left?.source === 'bench' ? 'packed at a Benchline bench' : 'order system'})`, 40, colY, {
      width: 250,
    });
  doc
    .font(REGULAR)
    .text(
      !left
        ? 'No outbound record.'
        : left.source === 'bench'
          ? `Packed ${time(left.packedAt)} by ${left.packer ?? '—'} · ${left.weightG ?? '—'} g`
          : `The order as the order system sent it · packed weight ${left.weightG ?? '—'} g`,
      { width: 250 },
    );
  for (const unit of left?.units ?? [])
    doc.text(`${unit.sku} ${unit.name}${unit.serial ? ` · serial ${unit.serial}` : ''}`, { width: 250 });
  const leftEnd = doc.y;
  doc.font(BOLD).text('Returned', 305, colY, { width: 250 });
  doc
    .font(REGULAR)
    .text(
      `Received ${time(review.returned.receivedAt)} by ${review.returned.clerk} · ${review.returned.weightG ?? '—'} g${review.returned.weightOutcome ? ` (${review.returned.weightOutcome})` : ''}`,
      305,
      doc.y,
      { width: 250 },
    );
  for (const item of review.returned.items) {
    doc.text(
      `${item.sku} ${item.name}${item.serial ? ` · serial ${item.serial}` : ''}${item.expectedSerial && item.expectedSerial !== item.serial ? ` (shipped ${item.expectedSerial})` : ''} · ${item.match.replace('_', ' ')} · grade ${item.grade ?? '—'} → ${item.disposition ?? '—'}`,
      305,
      doc.y,
      { width: 250 },
    );
  }
  doc.x = 40;
  doc.y = Math.max(leftEnd, doc.y);

  if (review.refund) {
    heading(`Refund: ${review.refund.status.replace('_', ' ')}, ${money(review.refund.totalCents)}`);
    for (const line of review.refund.lines) doc.text(`${line.label}: ${money(line.cents)}`);
    for (const line of review.refund.explanation) doc.text(line);
  }

  if (review.customer && review.customer.history.length > 0) {
    heading("The customer's other returns at this station");
    for (const h of review.customer.history)
      doc.text(
        `${time(h.openedAt)} · ${h.rmaNumber ?? 'no RMA'} · ${money(h.valueCents)} · ${h.flags} flag(s), ${h.confirmed} confirmed`,
      );
  }

  if (photoFiles.length > 0) {
    heading('Photos');
    for (const photo of photoFiles) {
      if (doc.y > 600) doc.addPage();
      if (photo.data && photo.verified && (photo.mime === 'image/jpeg' || photo.mime === 'image/png')) {
        const top = doc.y;
        doc.image(photo.data, 40, top, { fit: [220, 160] });
        doc.y = top + 164;
        doc.x = 40;
      }
      doc
        .fontSize(8)
        .text(
          `${photo.side} · sha256 ${photo.sha256} · ${photo.present ? (photo.verified ? 'bytes match the hash' : 'BYTES DO NOT MATCH THE HASH') : 'file missing'}`,
        )
        .fontSize(10);
    }
  }

  heading('Timeline (events of this case, as recorded)');
  doc.font(MONO).fontSize(7.5);
  for (const event of caseEvents) {
    if (doc.y > 790) doc.addPage();
    doc.text(
      `${`#${event.seq}`.padEnd(7)}${time(event.createdAt)}  ${event.type.padEnd(28)} ${(event.operatorId ?? '—').padEnd(14)} ${event.hash.slice(0, 24)}…`,
    );
  }
  doc.font(REGULAR).fontSize(10);
  heading('Integrity');
  doc.text(
    chain.ok
      ? `The station's event chain verified intact at export: ${chain.checked} events.`
      : `The station's event chain is BROKEN at event ${chain.brokenAtSeq}: ${chain.reason}.`,
  );
  doc.text(`sha256 of case.json: ${jsonSha256}`);
  doc.text('Every file of the bundle is listed with its sha256 in SHA256SUMS (check with: sha256sum -c SHA256SUMS).');
  doc.end();
  return done;
}
