/**
 * Product pictures for the demo catalogue: a small SVG per product, drawn from its category and
 * tinted with its colour, as a `data:` URL the window can show offline. A real catalogue brings
 * its own image URLs from the order system.
 */

const COLOURS: Record<string, string> = {
  navy: '#1f3a5f',
  moss: '#5b6b2f',
  rust: '#a4492a',
  stone: '#9c968a',
  forest: '#2f5d3a',
  charcoal: '#3b3f45',
  sand: '#c9b27c',
  clay: '#b0654a',
  sky: '#6fa8dc',
  white: '#eceff1',
  black: '#1b1b1b',
  graphite: '#4a4f55',
  teal: '#1f7a7a',
  coral: '#e07a5f',
  silver: '#b8bec5',
  midnight: '#1c2541',
  sage: '#8fa98a',
  rose: '#d48a9a',
};

/** Each category's silhouette in a 64×64 box. */
const SHAPES: Record<string, string> = {
  apparel: 'M22 8 L12 14 L6 26 L14 30 L16 24 L16 56 L48 56 L48 24 L50 30 L58 26 L52 14 L42 8 Q32 16 22 8 Z',
  footwear: 'M6 40 L8 22 L20 22 Q24 30 34 30 L44 34 Q58 36 58 46 L58 50 L6 50 Z',
  electronics: 'M10 14 H54 V42 H10 Z M26 46 H38 V50 H44 V54 H20 V50 H26 Z',
  home: 'M18 14 H42 V48 Q42 54 36 54 H24 Q18 54 18 48 Z M42 22 Q54 22 54 32 Q54 42 42 42 V38 Q50 38 50 32 Q50 26 42 26 Z',
};

function colourOf(name: string): string {
  const word = name.split(/[^A-Za-z]+/).find((w) => COLOURS[w.toLowerCase()] !== undefined);
  if (word) return COLOURS[word.toLowerCase()]!;
  // No colour in the name (sizes, sets): a hue from the name, stable across runs.
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return `hsl(${hash % 360} 45% 45%)`;
}

/** The picture of a demo product, as a `data:image/svg+xml` URL. */
export function demoProductImage(category: string, name: string): string {
  const shape = SHAPES[category] ?? SHAPES.home!;
  const fill = colourOf(name);
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64">` +
    `<rect width="64" height="64" rx="8" fill="#f4f6f8"/>` +
    `<path d="${shape}" fill="${fill}" stroke="#222" stroke-width="1.5" stroke-linejoin="round" fill-rule="evenodd"/></svg>`;
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}
