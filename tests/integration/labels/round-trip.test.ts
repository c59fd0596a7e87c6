import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CarrierLabel } from '#shared/labels/data';
import { LABEL_MEDIA, LABEL_TYPES, type BarcodeElement, type Label, type Media } from '#shared/labels/model';
import { sampleRequest } from '#shared/labels/samples';
import type { LabelRequest } from '#shared/labels/templates/index';
import { renderRaster } from '../../../src/core/labels/preview';
import { LabelRenderer, type RenderProfile } from '../../../src/core/labels/render';
import { decodeBox, expectedScan, pdfToGray, rgbToGray, type Gray } from '../../support/barcodes';

const renderer = new LabelRenderer();
const NOW = Date.UTC(2026, 10, 22, 9, 0);

function profile(media: Media, dpi: number): RenderProfile {
  return { format: 'pdf', dpi, media, offsetXMm: 0, offsetYMm: 0, darkness: null, copies: 1, zplFont: '0' };
}

const carriers: [string, CarrierLabel][] = [
  [
    'Code 128 tracking',
    {
      carrier: 'DHL Parcel',
      service: 'Europaket',
      trackingNumber: 'JJD0146000062812345',
      barcode: { symbology: 'code128', data: 'JJD0146000062812345' },
      routingCode: 'ES-28',
    },
  ],
  [
    'GS1-128 postal routing',
    {
      carrier: 'UPS',
      service: 'Standard',
      trackingNumber: '1Z999AA10123456784',
      barcode: { symbology: 'gs1-128', data: '(421)72428001(400)NW10021' },
      routingCode: null,
    },
  ],
  [
    'Data Matrix',
    {
      carrier: 'PostNL',
      service: 'Parcel EU',
      trackingNumber: '3SABCD1234567',
      barcode: { symbology: 'datamatrix', data: '3SABCD1234567' },
      routingCode: 'NL-3',
    },
  ],
];

function requests(): { name: string; request: LabelRequest; media: Media }[] {
  const all = LABEL_TYPES.flatMap((type) =>
    LABEL_MEDIA[type].map((media) => ({
      name: `${type} ${media}`,
      request: sampleRequest(type, NOW, 'DEMO-01'),
      media,
    })),
  );
  for (const [name, carrier] of carriers) {
    const request = sampleRequest('shipping', NOW, 'DEMO-01');
    if (request.type === 'shipping') request.data = { ...request.data, carrier, sscc: null };
    all.push({ name: `shipping with ${name}`, request, media: '4x6' });
  }
  return all;
}

function barcodesOf(label: Label): { page: number; element: BarcodeElement }[] {
  return label.pages.flatMap((elements, page) =>
    elements.flatMap((element) => (element.kind === 'barcode' ? [{ page, element }] : [])),
  );
}

async function expectAllDecode(label: Label, pages: Gray[], dpi: number): Promise<number> {
  const barcodes = barcodesOf(label);
  for (const { page, element } of barcodes) {
    const found = await decodeBox(pages[page]!, element, dpi);
    expect({ data: element.data, decoded: found.map((f) => f.text) }).toEqual({
      data: element.data,
      decoded: expect.arrayContaining([expectedScan(element)]) as unknown,
    });
    if (element.symbology === 'gs1-128')
      expect(found.find((f) => f.text === expectedScan(element))?.symbologyIdentifier).toBe(']C1');
  }
  return barcodes.length;
}

describe('round trip: every barcode of every template decodes to the data meant', () => {
  for (const { name, request, media } of requests()) {
    it(`${name}: PDF at 203 dpi through pdftoppm, and the core's own raster`, async () => {
      const label = renderer.layout(request, media, 'en');
      const pdf = await renderer.render(label, profile(media, 203));
      const pages = await pdfToGray(pdf.bytes, 203);
      expect(pages).toHaveLength(label.pages.length);
      const count = await expectAllDecode(label, pages, 203);
      expect(count).toBeGreaterThan(0);
      const rasters = label.pages.map((_, page) =>
        rgbToGray(renderRaster(label, page, renderer.fonts, { dpi: 203, renderDpi: 203, monochrome: true })),
      );
      await expectAllDecode(label, rasters, 203);
    });
  }

  it('keeps the text of each PDF readable when documents follow one another (shared fonts)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'benchline-text-'));
    try {
      // The shipping label's Greek capitals use "A" as a component; the next label must keep its "A".
      for (const type of ['shipping', 'licence_plate', 'shipping', 'licence_plate'] as const) {
        const label = renderer.layout(sampleRequest(type, NOW, 'DEMO-01'), '4x6', 'en');
        const path = join(dir, `${type}.pdf`);
        writeFileSync(path, (await renderer.render(label, profile('4x6', 203))).bytes);
        const text = execFileSync('pdftotext', [path, '-']).toString().replace(/\s+/g, ' ');
        expect(text).toContain(type === 'shipping' ? 'Αλεξάνδρα Παπαδοπούλου' : 'RMA RMA-TEST');
        // The name longer than its two lines ends with the ellipsis, in the PDF as in the ZPL.
        if (type === 'shipping') expect(text).toContain('c/o Дарья Александровна Воронцова-Да…');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('at 300 dpi too (shipping label, SSCC)', async () => {
    const label = renderer.layout(sampleRequest('shipping', NOW, 'DEMO-01'), '4x6', 'en');
    const pdf = await renderer.render(label, profile('4x6', 300));
    await expectAllDecode(label, await pdfToGray(pdf.bytes, 300), 300);
  });
});
