import { PageBuilder, type TemplateContext } from '../compose';
import type { Address, ShippingData } from '../data';
import { gs1Hri, parseBracketed } from '../gs1';
import { MEDIA, type Label } from '../model';
import { fill, formatDate, formatKg, labelStrings } from '../strings';

const M = 3;

/**
 * The 4×6 shipping label. With the order's carrier label data: carrier, service, routing code and
 * the carrier's tracking barcode. Without it: a generated label whose main barcode is the parcel's
 * SSCC as GS1-128, `(00)`, at a 0.5 mm X dimension (the GS1 logistic label range).
 */
export function shippingLabel(data: ShippingData, ctx: TemplateContext): Label {
  const s = labelStrings(ctx.language);
  const { width: W, height: H } = MEDIA['4x6'];
  const page = new PageBuilder(ctx.metrics);
  const inner = W - 2 * M;

  // From: the shipper (the brand, sent from the warehouse), and the brand's mark.
  page.text({ x: M, y: 3, w: 60, text: s.from, size: 6, bold: true });
  let y = 6;
  y += page.flow({ x: M, y, w: 66, text: data.from.name, size: 9, bold: true, minSize: 7 });
  y += page.flow({ x: M, y, w: 66, text: data.from.line1, size: 8, minSize: 6 });
  page.text({ x: M, y, w: 66, text: cityLine(data.from), size: 8, minSize: 6 });
  if (data.brand.logo) {
    page.add({ kind: 'image', x: 74, y: 3, w: 24.6, h: 13, image: data.brand.logo, monochrome: true });
  }
  page.text({ x: 70, y: 17.5, w: 28.6, text: data.brand.name, size: 7, bold: true, align: 'right', minSize: 5 });
  page.line(0, 24, W, 24, 0.6);

  // Ship to.
  page.text({ x: M, y: 26, w: 40, text: s.shipTo, size: 7, bold: true });
  y = 30;
  y += page.flow({ x: M, y, w: inner, text: data.to.name, size: 16, bold: true, minSize: 11, maxLines: 2 });
  y += page.flow({ x: M, y, w: inner, text: data.to.line1, size: 11, minSize: 8, maxLines: 2 });
  if (data.to.line2) y += page.flow({ x: M, y, w: inner, text: data.to.line2, size: 11, minSize: 8 });
  y += page.flow({ x: M, y, w: 70, text: cityLine(data.to), size: 12, bold: true, minSize: 8 });
  if (data.to.region) page.text({ x: M, y, w: 70, text: data.to.region, size: 10, minSize: 7 });
  page.text({ x: 74, y: 58, w: 24.6, text: data.to.country.toUpperCase(), size: 28, bold: true, align: 'right' });
  page.line(0, 72, W, 72, 0.6);

  // Carrier block, and the main barcode.
  let hri: string;
  if (data.carrier) {
    const carrier = data.carrier;
    page.text({ x: M, y: 74.5, w: 60, text: carrier.carrier, size: 15, bold: true, minSize: 10 });
    page.text({ x: M, y: 82, w: 60, text: carrier.service, size: 9, maxLines: 2, minSize: 7 });
    if (carrier.routingCode)
      page.text({
        x: 64,
        y: 74,
        w: 34.6,
        text: carrier.routingCode,
        size: 30,
        bold: true,
        align: 'right',
        minSize: 16,
      });
    const symbology = carrier.barcode.symbology;
    if (symbology === 'qr' || symbology === 'datamatrix') {
      page.barcode({
        symbology,
        data: carrier.barcode.data,
        x: M,
        y: 99,
        w: inner,
        h: 29,
        module: 0.75,
        align: 'center',
      });
    } else {
      page.barcode({
        symbology,
        data: carrier.barcode.data,
        x: M,
        y: 100,
        w: inner,
        h: 28,
        module: 0.375,
        align: 'center',
      });
    }
    hri = `${s.tracking} ${carrier.trackingNumber}`;
  } else {
    page.text({ x: M, y: 74.5, w: inner, text: s.sscc, size: 15, bold: true });
    page.text({ x: M, y: 82, w: inner, text: s.generated, size: 8, maxLines: 2, minSize: 6 });
    const sscc = data.sscc ?? '';
    const bracketed = `(00)${sscc}`;
    page.barcode({
      symbology: 'gs1-128',
      data: bracketed,
      x: M,
      y: 100,
      w: inner,
      h: 28,
      module: 0.5,
      align: 'center',
    });
    hri = gs1Hri(parseBracketed(bracketed));
  }
  page.line(0, 96, W, 96, 0.6);
  page.text({ x: M, y: 130, w: inner, text: hri, size: 10, bold: true, align: 'center', minSize: 7 });
  page.line(0, 137, W, 137, 0.6);

  // Footer: the order, the parcel count, the weight and the date.
  const parts = [
    `${s.order} ${data.orderNumber}`,
    fill(s.parcel, { index: data.parcel.index, count: data.parcel.count }),
    ...(data.weightG !== null ? [formatKg(data.weightG)] : []),
  ];
  page.text({ x: M, y: 139.5, w: inner, text: parts.join(' · '), size: 10, bold: true, minSize: 7 });
  page.text({ x: M, y: 145.5, w: inner, text: formatDate(data.shippedAt), size: 8 });
  return {
    type: 'shipping',
    media: '4x6',
    width: W,
    height: H,
    title: `${s.order} ${data.orderNumber}`,
    pages: [page.elements],
  };
}

function cityLine(address: Address): string {
  return [address.postalCode, address.city].filter((p) => p.trim() !== '').join(' ');
}
