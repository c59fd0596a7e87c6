import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import PDFDocument from 'pdfkit';
import type { ReviewCase } from '#shared/contract/review';
import type { Db } from '../db/connection';
import type { EventLog } from '../events/log';
import type { PhotoStore } from '../photos';
import type { ActiveSession } from './session';

const EXT: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' };

/**
 * The evidence bundle of a case, for chargebacks and carrier claims: a JSON file with every event
 * of the case exactly as stored (so anyone can recompute each hash), the photos with their
 * sha256, the result of verifying the whole hash chain at export time — and a PDF report of the
 * same for people. Written to `<data>/evidence/<case>-<time>/`.
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
}): Promise<{ pdf: Buffer; json: string; directory: string }> {
  const { db, events, photos, review, now } = deps;
  const directory = join(deps.dataDir, 'evidence', `${review.caseId}-${now}`);
  mkdirSync(join(directory, 'photos'), { recursive: true });
  const caseEvents = events.ofSubject(review.caseId);
  const chain = events.verify();
  const hashes = [...new Set(review.returned.items.flatMap((i) => i.photos))];
  const photoFiles = hashes.map((sha256) => {
    const row = db
      .prepare<[string], { mime: string; bytes: number }>('SELECT mime, bytes FROM photos WHERE sha256 = ?')
      .get(sha256);
    const ext = EXT[row?.mime ?? ''] ?? 'bin';
    const source = photos.path(sha256, ext);
    const file = `photos/${sha256}.${ext}`;
    if (existsSync(source)) copyFileSync(source, join(directory, file));
    return { sha256, mime: row?.mime ?? null, bytes: row?.bytes ?? null, file, present: existsSync(source), source };
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
    photos: photoFiles.map(({ source: _source, ...rest }) => rest),
  };
  const json = JSON.stringify(bundle, null, 2);
  writeFileSync(join(directory, 'case.json'), json);
  const pdf = await report(
    review,
    bundle.events,
    chain,
    photoFiles,
    deps.stationName,
    now,
    createHash('sha256').update(json).digest('hex'),
  );
  writeFileSync(join(directory, 'report.pdf'), pdf);
  return { pdf, json, directory };
}

async function report(
  review: ReviewCase,
  caseEvents: { seq: number; type: string; createdAt: number; hash: string; operatorId: string | null }[],
  chain: { ok: boolean; checked: number; brokenAtSeq: number | null; reason: string | null },
  photoFiles: { sha256: string; source: string; present: boolean; mime: string | null }[],
  stationName: string,
  now: number,
  jsonSha256: string,
): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 40,
    info: { Title: `Evidence report ${review.caseId}`, Author: 'Benchline' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const money = (cents: number): string => (cents / 100).toFixed(2);
  const time = (ms: number | null): string =>
    ms === null ? '—' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
  const heading = (text: string): void => {
    doc.moveDown(0.6).font('Helvetica-Bold').fontSize(13).fillColor('#000').text(text);
    doc.font('Helvetica').fontSize(10);
  };

  doc.font('Helvetica-Bold').fontSize(18).text('Evidence report');
  doc.font('Helvetica').fontSize(10).fillColor('#333');
  doc.text(`Case ${review.caseId} · station ${stationName} · generated ${time(now)} UTC`);
  doc.text(
    `${review.rmaNumber ? `RMA ${review.rmaNumber} · ` : ''}${review.orderNumber ? `order ${review.orderNumber} · ` : ''}value ${money(review.valueCents)} · ${review.kind} return, ${review.status}`,
  );
  if (review.customer) {
    doc.text(
      `Customer ${review.customer.firstName}: ${review.customer.ordersCount} orders, ${review.customer.returnsCount} returns (${money(review.customer.returnsValueCents)}), ${review.customer.casesHere} case(s) at this station`,
    );
  }

  heading('Flags');
  if (review.flags.length === 0) doc.text('No flag.');
  for (const flag of review.flags) {
    doc
      .font('Helvetica-Bold')
      .text(
        `${flag.type.replace(/_/g, ' ')} — ${flag.severity}, ${flag.status}${flag.decidedBy ? ` by ${flag.decidedBy} (${flag.decisionReason ?? ''})` : ''}`,
      );
    doc.font('Helvetica').text(flag.explanation);
    if (flag.decisionNote) doc.text(`Note: ${flag.decisionNote}`);
  }

  heading('What left, against what came back');
  const left = review.outbound;
  const colY = doc.y;
  doc
    .font('Helvetica-Bold')
    .text(`Outbound (${left?.source === 'bench' ? 'packed at a Benchline bench' : 'order system'})`, 40, colY, {
      width: 250,
    });
  doc
    .font('Helvetica')
    .text(
      left
        ? `Packed ${time(left.packedAt)} by ${left.packer ?? '—'} · ${left.weightG ?? '—'} g`
        : 'No outbound record.',
      { width: 250 },
    );
  for (const unit of left?.units ?? [])
    doc.text(`${unit.sku} ${unit.serial ? `· serial ${unit.serial}` : ''}`, { width: 250 });
  const leftEnd = doc.y;
  doc.font('Helvetica-Bold').text('Returned', 305, colY, { width: 250 });
  doc
    .font('Helvetica')
    .text(
      `Received ${time(review.returned.receivedAt)} by ${review.returned.clerk} · ${review.returned.weightG ?? '—'} g`,
      305,
      doc.y,
      { width: 250 },
    );
  for (const item of review.returned.items) {
    doc.text(
      `${item.sku} ${item.serial ? `· serial ${item.serial}` : ''} · ${item.match} · grade ${item.grade ?? '—'} -> ${item.disposition ?? '—'}`,
      305,
      doc.y,
      { width: 250 },
    );
  }
  doc.x = 40;
  doc.y = Math.max(leftEnd, doc.y);

  if (review.refund) {
    heading(`Refund: ${review.refund.status}, ${money(review.refund.totalCents)} ${review.refund.currency}`);
    for (const line of review.refund.lines) doc.text(`${line.label}: ${money(line.cents)}`);
  }

  if (photoFiles.length > 0) {
    heading('Photos');
    for (const photo of photoFiles) {
      if (doc.y > 700) doc.addPage();
      if (photo.present && (photo.mime === 'image/jpeg' || photo.mime === 'image/png')) {
        const top = doc.y;
        doc.image(photo.source, 40, top, { fit: [220, 160] });
        doc.y = top + 164;
        doc.x = 40;
      }
      doc.fontSize(8).text(`sha256 ${photo.sha256}`).fontSize(10);
    }
  }

  heading('Timeline (events of this case, as recorded)');
  doc.fontSize(8);
  for (const event of caseEvents) {
    if (doc.y > 780) doc.addPage();
    doc.text(
      `#${event.seq}  ${time(event.createdAt)}  ${event.type}  ${event.operatorId ?? '—'}  ${event.hash.slice(0, 24)}…`,
    );
  }
  doc.fontSize(10);
  heading('Integrity');
  doc.text(
    chain.ok
      ? `The station's event chain verified intact at export: ${chain.checked} events.`
      : `The station's event chain is BROKEN at event ${chain.brokenAtSeq}: ${chain.reason}.`,
  );
  doc.text(`sha256 of case.json: ${jsonSha256}`);
  doc.end();
  return done;
}
