import { commandCode, type Command, type SimpleCommand } from '../../barcode/commands';
import { BENCHES } from '../../domain/roles';
import { DISPOSITIONS } from '../../policy/disposition';
import { GRADES } from '../../policy/grades';
import { PageBuilder, type TemplateContext } from '../compose';
import type { BadgeData, CommandSheetData, QcHoldData } from '../data';
import { MEDIA, type Label, type Media } from '../model';
import { fill, formatStamp, labelStrings, type LabelStrings } from '../strings';

/**
 * The QC hold label, on the parcel that failed outbound QC: DO NOT SHIP, the order as a Code 128
 * (scanning it at the QC bench re-inspects the parcel), when and by whom, and the defects.
 */
export function qcHoldLabel(data: QcHoldData, ctx: TemplateContext): Label {
  const s = labelStrings(ctx.language);
  const { width: W, height: H } = MEDIA['4x6'];
  const page = new PageBuilder(ctx.metrics);
  const m = 3;
  const inner = W - 2 * m;
  page.box(0, 0, W, 26, { fill: '#000000' });
  page.text({
    x: m,
    y: 3,
    w: inner,
    text: s.qcHold,
    size: 24,
    bold: true,
    align: 'center',
    color: '#ffffff',
    maxLines: 2,
    minSize: 14,
  });
  page.text({
    x: m,
    y: 30,
    w: inner,
    text: `${s.order} ${data.orderNumber}`,
    size: 20,
    bold: true,
    align: 'center',
    minSize: 12,
  });
  page.barcode({
    symbology: 'code128',
    data: data.orderNumber,
    x: m,
    y: 40,
    w: inner,
    h: 20,
    module: 0.5,
    align: 'center',
  });
  page.text({ x: m, y: 62, w: inner, text: s.scanToReinspect, size: 9, align: 'center', maxLines: 2, minSize: 7 });
  page.line(0, 71, W, 71, 0.6);
  let y = 73;
  y += page.flow({
    x: m,
    y,
    w: inner,
    text: `${s.heldAt} ${formatStamp(data.heldAt)}`,
    size: 10,
    bold: true,
    minSize: 7,
  });
  y += page.flow({ x: m, y, w: inner, text: `${s.inspector} ${data.inspector}`, size: 10, minSize: 7 });
  y += 2;
  y += page.flow({ x: m, y, w: inner, text: s.defects, size: 11, bold: true });
  const shown = data.defects.slice(0, 5);
  for (const defect of shown) {
    y += page.flow({
      x: m,
      y,
      w: inner,
      text: `${defect.code} · ${s.severities[defect.severity]}${defect.note ? ` — ${defect.note}` : ''}`,
      size: 10,
      minSize: 7,
      maxLines: 2,
    });
  }
  if (data.defects.length > shown.length)
    page.text({ x: m, y, w: inner, text: fill(s.more, { count: data.defects.length - shown.length }), size: 9 });
  page.text({ x: m, y: 145.5, w: inner, text: data.packageRef, size: 7, font: 'mono', align: 'right' });
  return {
    type: 'qc_hold',
    media: '4x6',
    width: W,
    height: H,
    title: `${s.qcHold} · ${data.orderNumber}`,
    pages: [page.elements],
  };
}

/** An operator badge on an ID-1 card label: name, role, and the badge code as Code 128. No PIN. */
export function badgeLabel(data: BadgeData, ctx: TemplateContext): Label {
  const s = labelStrings(ctx.language);
  const { width: W, height: H } = MEDIA.cr80;
  const page = new PageBuilder(ctx.metrics);
  const m = 4;
  page.box(0, 0, W, 9, { fill: '#000000' });
  page.text({
    x: m,
    y: 2,
    w: W - 2 * m,
    text: `Benchline · ${data.station}`,
    size: 10,
    bold: true,
    color: '#ffffff',
    minSize: 6,
  });
  page.text({ x: m, y: 12, w: W - 2 * m, text: data.name, size: 18, bold: true, minSize: 10 });
  page.text({ x: m, y: 20.5, w: W - 2 * m, text: s.roles[data.role], size: 11, minSize: 8 });
  page.barcode({
    symbology: 'code128',
    data: data.badge,
    x: m,
    y: 28,
    w: W - 2 * m,
    h: 15,
    module: 0.375,
    align: 'center',
  });
  page.text({ x: m, y: 45.5, w: W - 2 * m, text: data.badge, size: 9, font: 'mono', align: 'center' });
  return {
    type: 'badge',
    media: 'cr80',
    width: W,
    height: H,
    title: `${data.name} · ${data.badge}`,
    pages: [page.elements],
  };
}

type Entry = { label: string; command: Command };
type Section = { title: string; entries: Entry[] };

/** The command barcodes of the vocabulary, grouped as a bench uses them. */
export function commandSections(s: LabelStrings): Section[] {
  const simple = (name: SimpleCommand, label: string): Entry => ({ label, command: { name } });
  return [
    {
      title: s.sections.everywhere,
      entries: [
        simple('logout', s.commands.logout),
        simple('lock', s.commands.lock),
        simple('home', s.commands.home),
        ...BENCHES.map((bench): Entry => ({ label: bench.toUpperCase(), command: { name: 'bench', bench } })),
      ],
    },
    {
      title: s.sections.pack,
      entries: [
        simple('done', s.commands.done),
        simple('undo', s.commands.undo),
        simple('cancel', s.commands.cancel),
        simple('confirm', s.commands.confirm),
        simple('pass', s.commands.pass),
        simple('fail', s.commands.fail),
        simple('skip', s.commands.skip),
        simple('release', s.commands.release),
        simple('reject', s.commands.reject),
      ],
    },
    {
      title: s.sections.printing,
      entries: [simple('print', s.commands.print), simple('reprint', s.commands.reprint)],
    },
    {
      title: s.sections.returns,
      entries: [simple('good', s.commands.good), simple('unexpected', s.commands.unexpected)],
    },
    {
      title: s.sections.answers,
      entries: [
        { label: s.commands.yes, command: { name: 'answer', value: 'YES' } },
        { label: s.commands.no, command: { name: 'answer', value: 'NO' } },
      ],
    },
    {
      title: s.sections.grades,
      entries: GRADES.map((grade): Entry => ({ label: grade, command: { name: 'grade', value: grade } })),
    },
    {
      title: s.sections.dispositions,
      entries: DISPOSITIONS.map((to): Entry => ({
        label: s.dispositions[to],
        command: { name: 'route', value: to.toUpperCase() },
      })),
    },
  ];
}

/**
 * The command sheet (Letter or A4): every command barcode, grouped, three to a row (two for long
 * codes), flowing over
 * as many pages as it takes. A section never starts at the foot of a page without its first row.
 */
export function commandSheet(data: CommandSheetData, media: Media, ctx: TemplateContext): Label {
  const s = labelStrings(ctx.language);
  const { width: W, height: H } = MEDIA[media];
  const m = 14;
  const gap = 6;
  const cellH = 27;
  const pages: PageBuilder[] = [];
  let page = new PageBuilder(ctx.metrics);
  let y = 0;
  const header = (): void => {
    page.text({ x: m, y: 10, w: W - 2 * m, text: s.commandSheet, size: 20, bold: true });
    page.text({
      x: m,
      y: 19,
      w: W - 2 * m,
      text: `${s.commandSheetHint} ${s.station} ${data.station} · ${formatStamp(data.generatedAt)}`,
      size: 9,
      maxLines: 2,
    });
    page.line(m, 25, W - m, 25, 0.4);
    y = 29;
  };
  const newPage = (): void => {
    pages.push(page);
    page = new PageBuilder(ctx.metrics);
    header();
  };
  header();
  for (const section of commandSections(s)) {
    if (y + 8 + cellH > H - m - 6) newPage();
    page.text({ x: m, y, w: W - 2 * m, text: section.title, size: 12, bold: true });
    y += 7;
    // Long codes (CMD:ROUTE:RETURN_TO_VENDOR) get two columns, so their bars stay readable.
    const longest = Math.max(...section.entries.map((e) => commandCode(e.command).length));
    const cols = longest > 16 ? 2 : 3;
    const cellW = (W - 2 * m - (cols - 1) * gap) / cols;
    section.entries.forEach((entry, index) => {
      const col = index % cols;
      if (col === 0 && index > 0) y += cellH;
      if (col === 0 && y + cellH > H - m - 6) newPage();
      const x = m + col * (cellW + gap);
      const code = commandCode(entry.command);
      page.text({ x, y, w: cellW, text: entry.label, size: 10, bold: true, minSize: 7 });
      page.barcode({ symbology: 'code128', data: code, x, y: y + 5, w: cellW, h: 13, module: 0.33, align: 'left' });
      page.text({ x, y: y + 19.5, w: cellW, text: code, size: 7, font: 'mono', minSize: 5 });
    });
    y += cellH + 3;
  }
  pages.push(page);
  pages.forEach((p, index) => {
    p.text({
      x: m,
      y: H - m,
      w: W - 2 * m,
      text: fill(s.page, { page: index + 1, pages: pages.length }),
      size: 8,
      align: 'right',
    });
  });
  return {
    type: 'command_sheet',
    media,
    width: W,
    height: H,
    title: s.commandSheet,
    pages: pages.map((p) => p.elements),
  };
}
