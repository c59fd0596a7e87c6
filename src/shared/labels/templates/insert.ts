import { PageBuilder, type TemplateContext } from '../compose';
import type { InsertData } from '../data';
import { MEDIA, type Label, type Media } from '../model';
import { fill, labelStrings } from '../strings';

/**
 * The branded packing insert, the brand's one physical touch with its customer: logo, colours
 * and copy from the brand, a thank-you with the customer's first name, what is in the parcel,
 * care tips for the categories in it, a recommendation block, and a QR code to the brand's
 * return portal with the order filled in. A5, Letter or 4×6 (thermal: in black).
 *
 * Sections that do not fit the page are left out from the least important (recommendations,
 * then care tips), never cut in the middle; the returns block always prints.
 */
export function insertSlip(data: InsertData, media: Media, ctx: TemplateContext): Label {
  const s = labelStrings(ctx.language);
  const { width: W, height: H } = MEDIA[media];
  // Type sizes scale with the page; A5 is the reference.
  const k = Math.min(1.25, Math.max(0.68, W / 148));
  const m = Math.max(6, W * 0.07);
  const inner = W - 2 * m;
  const font = data.brand.font;
  const primary = data.brand.primary;
  const accent = data.brand.accent;
  const page = new PageBuilder(ctx.metrics);

  // Header: a band of the brand's colour, the logo and the brand name.
  page.box(0, 0, W, 5 * k, { fill: primary });
  const logoH = 17 * k;
  let nameX = m;
  if (data.brand.logo) {
    const logoW = Math.min(W / 3, (logoH * data.brand.logo.width) / data.brand.logo.height);
    page.add({ kind: 'image', x: m, y: 9 * k, w: logoW, h: logoH, image: data.brand.logo });
    nameX = m + logoW + 4 * k;
  }
  page.text({
    x: nameX,
    y: 9 * k + logoH / 2 - 3.5 * k,
    w: W - m - nameX,
    text: data.brand.name,
    size: 17 * k,
    minSize: 9,
    bold: true,
    font,
    color: primary,
  });
  let y = 9 * k + logoH + 4 * k;
  page.line(m, y, W - m, y, 0.8 * k, accent);
  y += 5 * k;

  // The thank-you, with the first name when the order has one.
  const greeting = data.firstName
    ? fill(data.copy.greeting, { name: data.firstName })
    : data.copy.greeting.replace(/,?\s*\{name\}/, '');
  y += page.flow({
    x: m,
    y,
    w: inner,
    text: greeting,
    size: 22 * k,
    minSize: 12,
    bold: true,
    font,
    color: primary,
    maxLines: 2,
  });
  y += 1.5 * k;
  y += page.flow({ x: m, y, w: inner, text: data.copy.thanks, size: 11 * k, minSize: 7, font, maxLines: 3 });
  if (data.gift) {
    y += 1 * k;
    y += page.flow({ x: m, y, w: inner, text: s.gift, size: 10 * k, bold: true, font, color: accent });
  }

  // The returns block at the foot of the page: QR on the right, text on the left.
  const qr = Math.min(30 * k, inner * 0.34);
  const footerH = qr + 10 * k;
  const signoffH = page.height({ x: m, y: 0, w: inner, text: data.copy.signoff, size: 11 * k, font, maxLines: 2 });
  const returnsTop = H - m - footerH;
  const limit = returnsTop - signoffH - 5 * k;

  const section = (heading: string, lines: string[]): number => {
    const probe = new PageBuilder(ctx.metrics);
    let h = 4 * k + probe.flow({ x: m, y: 0, w: inner, text: heading, size: 11 * k, bold: true, font, color: primary });
    for (const line of lines)
      h += probe.flow({ x: m, y: 0, w: inner, text: line, size: 9.5 * k, minSize: 6, font, maxLines: 2 });
    return h;
  };
  const place = (heading: string, lines: string[]): void => {
    y += 4 * k;
    y += page.flow({ x: m, y, w: inner, text: heading, size: 11 * k, bold: true, font, color: primary });
    for (const line of lines)
      y += page.flow({ x: m, y, w: inner, text: line, size: 9.5 * k, minSize: 6, font, maxLines: 2 });
  };

  // What is in the parcel: at most six lines.
  const items = data.items.slice(0, 6).map((item) => `${item.quantity} × ${item.name}`);
  if (data.items.length > 6) items.push(fill(s.more, { count: data.items.length - 6 }));
  if (items.length > 0 && y + section(data.copy.parcelHeading, items) <= limit) place(data.copy.parcelHeading, items);

  for (const care of data.careTips.slice(0, 2)) {
    const heading = fill(data.copy.careHeading, { category: care.category });
    const tips = care.tips.slice(0, 3).map((tip) => `• ${tip}`);
    if (tips.length > 0 && y + section(heading, tips) <= limit) place(heading, tips);
  }
  const picks = data.recommendations.slice(0, 3).map((r) => `• ${r.name}`);
  if (picks.length > 0 && y + section(data.copy.recommendHeading, picks) <= limit)
    place(data.copy.recommendHeading, picks);

  page.text({
    x: m,
    y: returnsTop - signoffH - 2 * k,
    w: inner,
    text: data.copy.signoff,
    size: 11 * k,
    font,
    color: primary,
    maxLines: 2,
  });
  page.box(m, returnsTop, inner, footerH, { thickness: 0.5 * k, stroke: accent });
  const textW = inner - qr - 10 * k;
  let ty = returnsTop + 4 * k;
  ty += page.flow({
    x: m + 4 * k,
    y: ty,
    w: textW,
    text: data.copy.returnsHeading,
    size: 11 * k,
    bold: true,
    font,
    color: primary,
  });
  ty += page.flow({
    x: m + 4 * k,
    y: ty,
    w: textW,
    text: data.copy.returnsText,
    size: 8.5 * k,
    minSize: 6,
    font,
    maxLines: 3,
  });
  page.text({
    x: m + 4 * k,
    y: ty + 1,
    w: textW,
    text: data.returnUrl,
    size: 7 * k,
    minSize: 5,
    font: 'mono',
    maxLines: 2,
  });
  page.barcode({
    symbology: 'qr',
    data: data.returnUrl,
    x: W - m - qr - 4 * k,
    y: returnsTop + 5 * k,
    w: qr,
    h: qr,
    module: media === '4x6' ? 0.5 : 0.68,
    align: 'center',
  });
  return {
    type: 'insert',
    media,
    width: W,
    height: H,
    title: `${data.brand.name} · ${data.orderNumber}`,
    pages: [page.elements],
  };
}
