import { readFileSync } from 'node:fs';
import { join } from 'node:path';
// The default export: in the ES module build, the named `raw` is the "raw" symbology, not the encoder.
import bwipjs from 'bwip-js/node';
import PDFDocument from 'pdfkit';
import { describe, expect, it } from 'vitest';
import { gs1Tokens, parseBracketed, plainTokens, zplCode128 } from '#shared/labels/gs1';
import { LabelLayoutError, type BarcodeElement } from '#shared/labels/model';
import { sampleRequest } from '#shared/labels/samples';
import { placeSymbol } from '../../../src/core/labels/barcodes';
import { FontSet, forEmbedding } from '../../../src/core/labels/fonts';
import { LabelRenderer, type RenderProfile } from '../../../src/core/labels/render';
import { TrueTypeFont } from '../../../src/core/labels/ttf';
import { code128Modules, escapeField } from '../../../src/core/labels/zpl';

const renderer = new LabelRenderer();
const NOW = Date.UTC(2026, 10, 22, 9, 0);
const ZPL_203: RenderProfile = {
  format: 'zpl',
  dpi: 203,
  media: '4x6',
  offsetXMm: 0,
  offsetYMm: 0,
  darkness: 18,
  copies: 1,
  zplFont: '0',
};

async function zpl(type: Parameters<typeof sampleRequest>[0], profile = ZPL_203): Promise<string> {
  const label = renderer.layout(sampleRequest(type, NOW, 'DEMO-01'), profile.media, 'en');
  return (await renderer.render(label, profile)).bytes.toString('utf8');
}

describe('fonts', () => {
  it('embeds DejaVu without its layout tables, with the same glyphs and widths', () => {
    const fonts = new FontSet();
    const original = new TrueTypeFont(readFileSync(join(fonts.dir, 'DejaVuSans.ttf')));
    const embedded = new TrueTypeFont(fonts.bytes('sans'));
    const text = 'Zoë Ørjan Νίκος Дарья — 4050-345 Porto…';
    expect(embedded.widthUnits(text)).toBe(original.widthUnits(text));
    expect(fonts.bytes('sans').length).toBeLessThan(readFileSync(join(fonts.dir, 'DejaVuSans.ttf')).length);
    expect(forEmbedding(readFileSync(join(fonts.dir, 'DejaVuSans.ttf'))).includes(Buffer.from('GPOS'))).toBe(false);
    for (const char of 'ŁüЖΩ') expect(original.has(char.codePointAt(0)!)).toBe(true);
  });

  it('measures text as wide as pdfkit draws it', () => {
    const fonts = new FontSet();
    const doc = new PDFDocument({ autoFirstPage: false });
    doc.registerFont('bold', fonts.bytes('sans-bold'));
    const text = 'Αλεξάνδρα Παπαδοπούλου · Дарья Воронцова · Zoë';
    const pdfkit = doc.font('bold').fontSize(13).widthOfString(text);
    expect(fonts.width(text, 'sans-bold', 13)).toBeCloseTo(pdfkit, 3);
  });
});

describe('barcode placement', () => {
  const element = (w: number, data = 'LP00000042'): BarcodeElement => ({
    kind: 'barcode',
    symbology: 'code128',
    data,
    x: 2,
    y: 2,
    w,
    h: 10,
    module: 0.5,
  });

  it('puts modules on whole dots: 0.5 mm is 4 dots at 203 dpi and 6 at 300', () => {
    expect(placeSymbol(element(80), 203).module).toBe(4);
    expect(placeSymbol(element(80), 300).module).toBe(6);
  });

  it('steps the module down a dot at a time when the box is narrow, and fails below half', () => {
    // 112 modules + 20 quiet: 4 dots need 66 mm, 3 dots 49.5 mm, 2 dots 33 mm.
    expect(placeSymbol(element(50), 203).module).toBe(3);
    expect(placeSymbol(element(40), 203).module).toBe(2);
    expect(() => placeSymbol(element(30), 203)).toThrow(LabelLayoutError);
  });

  it('counts ZPL Code 128 modules as bwip-js encodes them', () => {
    const cases = [
      ['LP00000042', plainTokens('LP00000042')],
      ['CMD:ROUTE:RETURN_TO_VENDOR', plainTokens('CMD:ROUTE:RETURN_TO_VENDOR')],
      ['NW10042', plainTokens('NW10042')],
    ] as const;
    for (const [text, tokens] of cases) {
      const [encoded] = bwipjs.raw({ bcid: 'code128', text }) as { sbs: number[] }[];
      expect(code128Modules(zplCode128([...tokens]))).toBe(encoded!.sbs.reduce((a, b) => a + b, 0));
    }
    const [sscc] = bwipjs.raw({ bcid: 'gs1-128', text: '(00)106141411234567897' }) as { sbs: number[] }[];
    expect(code128Modules(zplCode128(gs1Tokens(parseBracketed('(00)106141411234567897'))))).toBe(
      sscc!.sbs.reduce((a, b) => a + b, 0),
    );
  });
});

describe('ZPL', () => {
  it('sizes a 4×6 label in dots at 203 and 300 dpi, in UTF-8, with darkness', async () => {
    const at203 = await zpl('shipping');
    expect(at203).toContain('^PW812');
    expect(at203).toContain('^LL1218');
    expect(at203).toContain('^CI28');
    expect(at203.startsWith('~SD18\n^XA')).toBe(true);
    expect(at203.trimEnd().endsWith('^XZ')).toBe(true);
    const at300 = await zpl('shipping', { ...ZPL_203, dpi: 300 });
    expect(at300).toContain('^PW1200');
    expect(at300).toContain('^LL1800');
  });

  it('prints the SSCC as GS1-128: start C and FNC1 (>8), 0.5 mm modules', async () => {
    const out = await zpl('shipping');
    expect(out).toMatch(/\^BY4,3,\d+\^BCN,\d+,N,N,N,N\^FH\^FD>;>800006141410000000012\^FS/);
    const at300 = await zpl('shipping', { ...ZPL_203, dpi: 300 });
    expect(at300).toMatch(/\^BY6,3,\d+\^BCN/);
  });

  it('writes the ellipsis into a text that does not fit, lines split by \\&', async () => {
    const out = await zpl('shipping');
    const name = out.split('\n').find((l) => l.includes('Αλεξάνδρα'))!;
    expect(name).toMatch(/\^FB\d+,2,/);
    expect(name).toMatch(/\\&c\/o Дарья .*…\^FS$/);
  });

  it('escapes ^, ~ and _ in field data with ^FH', () => {
    expect(escapeField('a^b~c_d')).toBe('a_5Eb_7Ec_5Fd');
  });

  it('sends the logo as a ^GFA graphic field whose size matches its rows', async () => {
    const out = await zpl('shipping');
    const match = /\^GFA,(\d+),(\d+),(\d+),([0-9A-F]+)\^FS/.exec(out);
    expect(match).not.toBeNull();
    const [, total, , perRow, hex] = match!;
    expect(hex!.length).toBe(Number(total) * 2);
    expect(Number(total) % Number(perRow)).toBe(0);
    // Black and white both present: the logo is drawn, not a solid block.
    expect(hex).toMatch(/F/);
    expect(hex).toMatch(/0/);
  });

  it('uses ^BE, ^BQ and ^BX for EAN-13, QR and Data Matrix', async () => {
    const plate = await zpl('licence_plate');
    expect(plate).toContain('^BEN,');
    expect(plate).toContain('^FD841234510000^FS');
    expect(plate).toMatch(/\^BXN,\d+,200\^FH\^FDLP-TEST-0001\^FS/);
    const insert = await zpl('insert', { ...ZPL_203, media: '4x6' });
    expect(insert).toMatch(/\^BQN,2,\d+\^FH\^FDMA,https:\/\/returns\.benchline\.example\/start\?order=TEST-0001\^FS/);
  });

  it('refuses a ZPL rendering of a page-sized document', async () => {
    const label = renderer.layout(sampleRequest('insert', NOW, 'DEMO-01'), 'a5', 'en');
    await expect(renderer.render(label, { ...ZPL_203, media: 'a5' })).rejects.toThrow(/cannot be printed in ZPL/);
  });
});

describe('PDF', () => {
  it('is the size of the media, with the fonts embedded', async () => {
    const label = renderer.layout(sampleRequest('shipping', NOW, 'DEMO-01'), null, 'en');
    const pdf = (await renderer.render(label, { ...ZPL_203, format: 'pdf' })).bytes.toString('latin1');
    expect(pdf.startsWith('%PDF-')).toBe(true);
    expect(pdf).toMatch(/\/MediaBox \[0 0 288 432\]/);
    expect(pdf).toMatch(/\/FontFile2/);
    expect(pdf).toMatch(/DejaVuSans-Bold/);
  });
});
