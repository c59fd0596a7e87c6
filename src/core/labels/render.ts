import type { Language } from '#shared/domain/settings';
import { LABEL_MEDIA, zplAllowed, type Label, type Media } from '#shared/labels/model';
import { buildLabel, type LabelRequest } from '#shared/labels/templates/index';
import { FontSet } from './fonts';
import { renderPdf } from './pdf';
import { renderRaster } from './preview';
import { renderZpl } from './zpl';

export type LabelFormat = 'pdf' | 'zpl';

/** How a label is rendered for its printer. */
export type RenderProfile = {
  format: LabelFormat;
  dpi: number;
  media: Media;
  offsetXMm: number;
  offsetYMm: number;
  darkness: number | null;
  copies: number;
  /** The ZPL font (`0`, or a TrueType font on the printer). */
  zplFont: string;
};

export type RenderedDocument = { contentType: 'application/pdf' | 'application/vnd.zebra.zpl'; bytes: Buffer };

/**
 * The label subsystem's front door: lays a label out from its template and data, and renders it
 * to PDF, ZPL or a PNG preview. Fonts are read once per process.
 */
export class LabelRenderer {
  readonly fonts: FontSet;

  constructor(fonts: FontSet = new FontSet()) {
    this.fonts = fonts;
  }

  /** The label laid out; the media falls back to the type's default when it cannot take it. */
  layout(request: LabelRequest, media: Media | null, language: Language): Label {
    const allowed = LABEL_MEDIA[request.type];
    const chosen = media && allowed.includes(media) ? media : allowed[0]!;
    return buildLabel(request, chosen, { metrics: this.fonts, language });
  }

  async render(label: Label, profile: RenderProfile): Promise<RenderedDocument> {
    if (profile.format === 'zpl') {
      if (!zplAllowed(label.media))
        throw new Error(`A ${label.media} ${label.type} cannot be printed in ZPL: choose PDF for that printer`);
      if (profile.dpi !== 203 && profile.dpi !== 300) throw new Error('ZPL printers print at 203 or 300 dpi');
      const zpl = renderZpl(label, this.fonts, {
        dpi: profile.dpi,
        offsetXMm: profile.offsetXMm,
        offsetYMm: profile.offsetYMm,
        darkness: profile.darkness,
        copies: profile.copies,
        font: profile.zplFont,
      });
      return { contentType: 'application/vnd.zebra.zpl', bytes: Buffer.from(zpl, 'utf8') };
    }
    const bytes = await renderPdf(label, this.fonts, {
      dpi: profile.dpi,
      monochrome: zplAllowed(label.media),
      offsetXMm: profile.offsetXMm,
      offsetYMm: profile.offsetYMm,
    });
    return { contentType: 'application/pdf', bytes };
  }

  /** A PNG of one page, at `renderDpi`; barcodes on the printer's dots as printed. */
  png(label: Label, page: number, profile: Pick<RenderProfile, 'format' | 'dpi'>, renderDpi: number): Buffer {
    const raster = renderRaster(label, page, this.fonts, {
      dpi: profile.dpi,
      renderDpi,
      monochrome: profile.format === 'zpl' || zplAllowed(label.media),
    });
    return raster.toPng(renderDpi);
  }
}
