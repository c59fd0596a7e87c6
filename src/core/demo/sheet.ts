import PDFDocument from 'pdfkit';
import { toBuffer } from 'bwip-js/node';
import { commandCode, type Command } from '#shared/barcode/commands';
import type { Db } from '../db/connection';
import { DEMO_OPERATORS } from '#shared/demo/data';

type Symbology = 'code128' | 'ean13' | 'upca';

const ROLE_LABEL: Record<string, string> = {
  packer: 'Packer',
  qc_inspector: 'QC inspector',
  returns_clerk: 'Returns clerk',
  supervisor: 'Supervisor',
};

const COMMANDS: { label: string; command: Command }[] = [
  { label: 'Log out', command: { name: 'logout' } },
  { label: 'Lock station', command: { name: 'lock' } },
  { label: 'Home', command: { name: 'home' } },
  { label: 'Pack bench', command: { name: 'bench', bench: 'pack' } },
  { label: 'QC bench', command: { name: 'bench', bench: 'qc' } },
  { label: 'Returns bench', command: { name: 'bench', bench: 'returns' } },
  { label: 'Review', command: { name: 'bench', bench: 'review' } },
  { label: 'Sync', command: { name: 'bench', bench: 'sync' } },
  { label: 'Settings', command: { name: 'bench', bench: 'settings' } },
];

type SheetItem = { code: string; kind: string; sku: string; name: string };
type SheetOrder = { number: string; status: string; brand: string; tote: string | null; items: SheetItem[] };
type SheetRma = { number: string; tracking: string | null; orderNumber: string | null; items: SheetItem[] };

/**
 * The demo sheet: badges with their PINs, command barcodes, orders with the barcodes of their
 * items, and RMAs — so a newcomer can try the station with a real scanner, or with a phone
 * screen held up to the camera. US Letter; prints fine on A4.
 */
export async function renderDemoSheet(db: Db, stationName: string): Promise<Buffer> {
  const orders = pickOrders(db);
  const rmas = pickRmas(db);
  const doc = new PDFDocument({
    size: 'LETTER',
    margin: 36,
    info: { Title: 'Benchline demo sheet', Author: 'Benchline' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  heading(
    doc,
    'Benchline demo sheet',
    `Station ${stationName} · demo warehouse. Scan a badge, then its PIN, to log in.`,
  );
  doc
    .fontSize(13)
    .font('Helvetica-Bold')
    .text('Operators', 36, doc.y + 6);
  let y = doc.y + 6;
  for (const [index, operator] of DEMO_OPERATORS.entries()) {
    const x = 36 + (index % 2) * 276;
    const top = y + Math.floor(index / 2) * 150;
    doc.roundedRect(x, top, 264, 140, 6).lineWidth(1).stroke('#444444');
    doc
      .fillColor('#000000')
      .font('Helvetica-Bold')
      .fontSize(12)
      .text(`${ROLE_LABEL[operator.role]} — ${operator.name}`, x + 10, top + 8, { width: 244 });
    await barcode(doc, 'code128', operator.badge, x + 10, top + 26, 244, 56);
    doc
      .font('Helvetica')
      .fontSize(11)
      .text(`PIN ${operator.pin}`, x + 10, top + 92);
    await barcode(doc, 'code128', operator.pin, x + 110, top + 88, 140, 44);
  }
  y += 310;
  doc.font('Helvetica-Bold').fontSize(13).text('Command barcodes', 36, y);
  y = doc.y + 6;
  for (const [index, { label, command }] of COMMANDS.entries()) {
    const x = 36 + (index % 3) * 184;
    const top = y + Math.floor(index / 3) * 92;
    doc.font('Helvetica').fontSize(10).text(label, x, top, { width: 170 });
    await barcode(doc, 'code128', commandCode(command), x, top + 14, 170, 64);
  }

  doc.addPage();
  heading(doc, 'Orders to pack', 'Scan the order (or its tote), then each item.');
  for (const order of orders) {
    await orderBlock(
      doc,
      `${order.number} · ${order.brand}${order.status === 'ready_to_pack' ? '' : ` · ${order.status.replace(/_/g, ' ')}`}`,
      order.number,
      order.items,
    );
  }

  doc.addPage();
  heading(doc, 'Returns', 'Scan the RMA label or the return tracking number, then each returned item.');
  for (const rma of rmas) {
    const title = `${rma.number}${rma.orderNumber ? ` · order ${rma.orderNumber}` : ''}${rma.tracking ? ` · tracking ${rma.tracking}` : ''}`;
    await orderBlock(doc, title, rma.number, rma.items);
  }

  doc.end();
  return done;
}

function heading(doc: PDFKit.PDFDocument, title: string, subtitle: string): void {
  doc.fillColor('#000000').font('Helvetica-Bold').fontSize(20).text(title, 36, 36);
  doc.font('Helvetica').fontSize(11).fillColor('#333333').text(subtitle);
  doc.fillColor('#000000').moveDown(0.5);
}

async function orderBlock(doc: PDFKit.PDFDocument, title: string, code: string, items: SheetItem[]): Promise<void> {
  if (doc.y > 792 - 36 - 150) doc.addPage();
  const top = doc.y + 4;
  doc.font('Helvetica-Bold').fontSize(11).fillColor('#000000').text(title, 36, top, { width: 540 });
  await barcode(doc, 'code128', code, 36, top + 16, 150, 60);
  // Up to four items side by side in the 376 pt right of the order's own barcode.
  const shown = items.slice(0, 4);
  const pitch = shown.length > 3 ? 94 : 126;
  for (const [index, item] of shown.entries()) {
    const x = 200 + index * pitch;
    await barcode(doc, item.kind === 'upca' ? 'upca' : 'ean13', item.code, x, top + 16, pitch - 10, 60);
    doc
      .font('Helvetica')
      .fontSize(7)
      .text(`${item.sku}\n${item.name}`, x, top + 80, { width: pitch - 10, height: 26, ellipsis: true });
  }
  doc.y = top + 116;
}

async function barcode(
  doc: PDFKit.PDFDocument,
  symbology: Symbology,
  text: string,
  x: number,
  y: number,
  width: number,
  height: number,
): Promise<void> {
  // EAN-13 and UPC-A keep their standard human-readable layout (digits under the bars, the
  // first and last outside); Code 128 gets its text centred below.
  const png = await toBuffer(
    symbology === 'code128'
      ? { bcid: symbology, text, scale: 3, height: 12, includetext: true, textxalign: 'center', textsize: 9 }
      : { bcid: symbology, text, scale: 3, height: 12, includetext: true },
  );
  doc.image(png, x, y, { fit: [width, height], align: 'center', valign: 'center' });
}

function itemsOf(db: Db, sql: string, id: string): SheetItem[] {
  return db
    .prepare<[string], { code: string; kind: string; sku: string; name: string }>(sql)
    .all(id)
    .map((row) => ({ ...row, code: printable(row.code, row.kind) }));
}

/** Barcodes are stored as GTIN-14; print them in their own symbology's length. */
function printable(code: string, kind: string): string {
  if (kind === 'upca') return code.slice(-12);
  if (kind === 'ean13') return code.slice(-13);
  return code;
}

const ITEM_SQL = `SELECT (SELECT code FROM product_barcodes b WHERE b.product_id = p.id ORDER BY b.code LIMIT 1) AS code,
    (SELECT kind FROM product_barcodes b WHERE b.product_id = p.id ORDER BY b.code LIMIT 1) AS kind, p.sku, p.name
  FROM %LINES% l JOIN products p ON p.id = l.product_id WHERE l.%KEY% = ? ORDER BY l.line_no`;

function pickOrders(db: Db): SheetOrder[] {
  const rows = db
    .prepare<[], { id: string; number: string; status: string; brand: string; tote: string | null }>(
      `SELECT o.id, o.number, o.status, b.name AS brand, o.tote FROM orders o JOIN brands b ON b.id = o.brand_id
        WHERE o.status = 'ready_to_pack' AND o.id IN (
          SELECT id FROM orders WHERE status = 'ready_to_pack' AND brand_id = 'brand-northwind' ORDER BY number LIMIT 2)
        OR o.id IN (
          SELECT id FROM orders WHERE status = 'ready_to_pack' AND brand_id = 'brand-lumen' ORDER BY number LIMIT 2)
        ORDER BY o.number`,
    )
    .all();
  const stopped = db
    .prepare<[], { id: string; number: string; status: string; brand: string; tote: string | null }>(
      `SELECT o.id, o.number, o.status, b.name AS brand, o.tote FROM orders o JOIN brands b ON b.id = o.brand_id
        WHERE o.status IN ('cancelled', 'on_hold') ORDER BY o.status, o.number LIMIT 1`,
    )
    .all();
  const sql = ITEM_SQL.replace('%LINES%', 'order_lines').replace('%KEY%', 'order_id');
  return [...rows, ...stopped].map((row) => ({ ...row, items: itemsOf(db, sql, row.id) }));
}

function pickRmas(db: Db): SheetRma[] {
  const rows = db
    .prepare<[], { id: string; number: string; tracking: string | null; orderNumber: string | null }>(
      `SELECT r.id, r.number, r.return_tracking AS tracking, o.number AS orderNumber
         FROM rmas r LEFT JOIN orders o ON o.id = r.order_id WHERE r.status = 'authorized' ORDER BY r.number LIMIT 4`,
    )
    .all();
  const sql = ITEM_SQL.replace('%LINES%', 'rma_lines').replace('%KEY%', 'rma_id');
  return rows.map((row) => ({ ...row, items: itemsOf(db, sql, row.id) }));
}
