import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mmToPt, type TextElement } from '#shared/labels/model';
import { ELLIPSIS, layoutText, type TextMetrics } from '#shared/labels/text';

/** Every character 1 pt wide per point of size / 2 (a 10 pt "abc" is 15 pt), bold 20 % wider. */
const metrics: TextMetrics = {
  width: (text, font, size) => Array.from(text).length * (size / 2) * (font.endsWith('bold') ? 1.2 : 1),
  ascent: () => 0.9,
  descent: () => 0.25,
};

/** A box `chars` characters wide at 10 pt. */
function box(chars: number, extra: Partial<TextElement> = {}): TextElement {
  return { kind: 'text', x: 0, y: 0, w: (chars * 5 * 25.4) / 72, text: '', size: 10, ...extra };
}

describe('text layout', () => {
  it('keeps a text that fits on one line as it is', () => {
    const layout = layoutText({ ...box(20), text: 'Ship to Porto' }, metrics);
    expect(layout).toMatchObject({ lines: ['Ship to Porto'], size: 10, truncated: false });
  });

  it('wraps at spaces up to maxLines', () => {
    const layout = layoutText({ ...box(10), text: 'one two three four five', maxLines: 3 }, metrics);
    expect(layout.lines).toEqual(['one two', 'three four', 'five']);
    expect(layout.truncated).toBe(false);
  });

  it('cuts the last line with an ellipsis when the text is longer than its lines', () => {
    const layout = layoutText({ ...box(10), text: 'one two three four five six seven', maxLines: 2 }, metrics);
    expect(layout.lines).toHaveLength(2);
    expect(layout.lines[0]).toBe('one two');
    expect(layout.lines[1]!.endsWith(ELLIPSIS)).toBe(true);
    expect(layout.truncated).toBe(true);
    for (const w of layout.widths) expect(w).toBeLessThanOrEqual(mmToPt(box(10).w) + 1e-9);
  });

  it('shrinks down to minSize before cutting', () => {
    // 24 characters: at 10 pt the box takes 12, at 5 pt it takes 24.
    const text = 'abcdefghijkl mnopqrstuvw';
    expect(layoutText({ ...box(12), text, minSize: 5 }, metrics)).toMatchObject({ lines: [text], truncated: false });
    expect(layoutText({ ...box(12), text, minSize: 5 }, metrics).size).toBeLessThan(10);
    expect(layoutText({ ...box(12), text, minSize: 8 }, metrics).truncated).toBe(true);
  });

  it('breaks a word wider than the box between characters', () => {
    const layout = layoutText({ ...box(5), text: 'ABCDEFGHIJKL', maxLines: 3 }, metrics);
    expect(layout.lines).toEqual(['ABCDE', 'FGHIJ', 'KL']);
  });

  it('marks a cut even when the kept text ends exactly at a line boundary', () => {
    const layout = layoutText({ ...box(5), text: 'ABCDE FGHIJ', maxLines: 1 }, metrics);
    expect(layout.lines).toEqual([`ABCD${ELLIPSIS}`]);
  });

  it('keeps explicit line breaks and counts them against maxLines', () => {
    expect(layoutText({ ...box(30), text: 'first\nsecond', maxLines: 2 }, metrics).lines).toEqual(['first', 'second']);
    // The lines that do not fit join the last one, which is cut and marked.
    const layout = layoutText({ ...box(30), text: 'first\nsecond\nthird', maxLines: 2 }, metrics);
    expect(layout.lines).toEqual(['first', `second third${ELLIPSIS}`]);
    expect(layout.truncated).toBe(true);
  });

  it('measures bold with the bold font', () => {
    const plain = layoutText({ ...box(10), text: 'aaaaaaaaaa' }, metrics);
    const bold = layoutText({ ...box(10), text: 'aaaaaaaaaa', bold: true }, metrics);
    expect(plain.truncated).toBe(false);
    expect(bold.truncated).toBe(true);
  });

  it('never exceeds its box or its lines, and never cuts silently (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[A-Za-zÀ-ÿΑ-ωА-я0-9]{1,14}$/), { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 3, max: 30 }),
        fc.integer({ min: 1, max: 4 }),
        (words, chars, maxLines) => {
          const text = words.join(' ');
          const element = { ...box(chars), text, maxLines };
          const layout = layoutText(element, metrics);
          expect(layout.lines.length).toBeLessThanOrEqual(maxLines);
          for (const w of layout.widths) expect(w).toBeLessThanOrEqual(mmToPt(element.w) + 1e-9);
          const shown = layout.lines.join(' ').replace(/\s+/g, ' ');
          if (layout.truncated) expect(layout.lines.at(-1)!.endsWith(ELLIPSIS)).toBe(true);
          else expect(shown.replace(/ /g, '')).toBe(text.replace(/ /g, ''));
        },
      ),
      { numRuns: 300 },
    );
  });
});
