import { PageBuilder, type TemplateContext } from '../compose';
import type { BinData, LicencePlateData } from '../data';
import { MEDIA, type Label } from '../model';
import { fill, formatStamp, labelStrings } from '../strings';

/**
 * The 2×1 bin / item label stuck on a returned item when it is routed: where it goes (the
 * disposition and the destination bin, big), its grade, the licence plate as Code 128, and the
 * case it came from.
 */
export function binLabel(data: BinData, ctx: TemplateContext): Label {
  const s = labelStrings(ctx.language);
  const { width: W, height: H } = MEDIA['2x1'];
  const page = new PageBuilder(ctx.metrics);
  const m = 1.5;
  page.text({
    x: m,
    y: 1.2,
    w: 37,
    text: s.dispositions[data.disposition].toUpperCase(),
    size: 10,
    bold: true,
    minSize: 6,
  });
  if (data.grade) {
    page.box(W - m - 9, 0.8, 9, 6.2, { fill: '#000000' });
    page.text({
      x: W - m - 9,
      y: 1.4,
      w: 9,
      text: data.grade,
      size: 12,
      bold: true,
      align: 'center',
      color: '#ffffff',
    });
  }
  page.text({ x: m, y: 6.4, w: W - 2 * m, text: `→ ${data.bin}`, size: 11, bold: true, minSize: 7 });
  page.barcode({
    symbology: 'code128',
    data: data.licencePlate,
    x: m,
    y: 11.6,
    w: W - 2 * m,
    h: 7.6,
    module: 0.25,
    align: 'center',
  });
  page.text({
    x: m,
    y: 19.8,
    w: W - 2 * m,
    text: `${data.licencePlate} · ${s.case} ${data.caseRef} #${data.itemNo} · ${data.sku}`,
    size: 6,
    align: 'center',
    minSize: 4.5,
  });
  return {
    type: 'bin',
    media: '2x1',
    width: W,
    height: H,
    title: `${data.licencePlate} → ${data.bin}`,
    pages: [page.elements],
  };
}

/**
 * The 4×6 return label (licence plate) for a received parcel: RETURN (or QUARANTINE) across the
 * top, the licence plate as Code 128 and Data Matrix, the RMA and order, who received it and
 * when, and each item with its grade and destination.
 */
export function licencePlateLabel(data: LicencePlateData, ctx: TemplateContext): Label {
  const s = labelStrings(ctx.language);
  const { width: W, height: H } = MEDIA['4x6'];
  const page = new PageBuilder(ctx.metrics);
  const m = 3;
  const inner = W - 2 * m;
  page.box(0, 0, W, 16, { fill: '#000000' });
  page.text({
    x: m,
    y: 2.5,
    w: inner,
    text: data.quarantined ? s.quarantine : s.returnLabel,
    size: 28,
    bold: true,
    align: 'center',
    color: '#ffffff',
  });
  page.barcode({
    symbology: 'code128',
    data: data.licencePlate,
    x: m,
    y: 19,
    w: 68,
    h: 20,
    module: 0.375,
    align: 'left',
  });
  page.barcode({
    symbology: 'datamatrix',
    data: data.licencePlate,
    x: 74,
    y: 19,
    w: 24.6,
    h: 24.6,
    module: 1,
    align: 'right',
  });
  page.text({ x: m, y: 40.5, w: 68, text: data.licencePlate, size: 14, bold: true, font: 'mono' });
  page.line(0, 46, W, 46, 0.6);
  let y = 48;
  y += page.flow({
    x: m,
    y,
    w: inner,
    text: `${s.rma} ${data.rmaNumber ?? s.noRma}`,
    size: 14,
    bold: true,
    minSize: 9,
  });
  if (data.orderNumber)
    y += page.flow({ x: m, y, w: inner, text: `${s.order} ${data.orderNumber}`, size: 11, minSize: 8 });
  y += page.flow({ x: m, y, w: inner, text: `${s.case} ${data.caseRef}`, size: 9, minSize: 7 });
  y += page.flow({
    x: m,
    y,
    w: inner,
    text: `${s.received} ${formatStamp(data.receivedAt)} · ${s.clerk} ${data.clerk}`,
    size: 8,
    minSize: 6,
    maxLines: 2,
  });
  y += 1.5;
  page.line(0, y, W, y, 0.4);
  y += 2;
  const shown = data.items.slice(0, 6);
  for (const item of shown) {
    const where = item.disposition ? `${s.dispositions[item.disposition]}${item.bin ? ` → ${item.bin}` : ''}` : '—';
    y += page.flow({
      x: m,
      y,
      w: inner,
      text: `${item.itemNo}. ${item.sku} · ${s.grade} ${item.grade ?? '—'} · ${where}`,
      size: 9,
      bold: true,
      minSize: 7,
    });
    y += page.flow({ x: m + 3, y, w: inner - 3, text: item.name, size: 8, minSize: 6 }) + 0.8;
  }
  if (data.items.length > shown.length)
    page.text({ x: m, y, w: inner, text: fill(s.more, { count: data.items.length - shown.length }), size: 8 });
  if (data.ean13) {
    page.line(0, 122, W, 122, 0.4);
    page.barcode({ symbology: 'ean13', data: data.ean13, x: m, y: 124.5, w: 60, h: 17, module: 0.375, align: 'left' });
    page.text({ x: m, y: 143, w: 60, text: data.ean13, size: 9, font: 'mono', align: 'left' });
    page.text({
      x: 66,
      y: 126,
      w: 32.6,
      text: data.items[0]?.sku ?? '',
      size: 9,
      bold: true,
      align: 'right',
      maxLines: 2,
    });
  }
  return {
    type: 'licence_plate',
    media: '4x6',
    width: W,
    height: H,
    title: `${s.returnLabel} ${data.licencePlate}`,
    pages: [page.elements],
  };
}
