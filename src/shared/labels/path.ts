/** Absolute path commands: what SVG path data and TrueType outlines both become. */
export type PathCommand =
  | { type: 'M'; x: number; y: number }
  | { type: 'L'; x: number; y: number }
  | { type: 'Q'; cx: number; cy: number; x: number; y: number }
  | { type: 'C'; c1x: number; c1y: number; c2x: number; c2y: number; x: number; y: number }
  | { type: 'Z' };

/** A closed polygon: x0, y0, x1, y1, … */
export type Contour = number[];

const TOKEN = /([MmLlHhVvCcSsQqTtZz])|(-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)/g;

/**
 * Parses SVG path data (M, L, H, V, C, S, Q, T, Z, absolute and relative) into absolute
 * commands. Arcs are refused: brand logos are drawn with curves.
 */
export function parseSvgPath(d: string): PathCommand[] {
  const tokens: (string | number)[] = [];
  for (const match of d.matchAll(TOKEN)) tokens.push(match[1] ?? Number(match[2]));
  if (/[Aa]/.test(d)) throw new Error('Arcs (A) are not supported in label images: use curves');
  const out: PathCommand[] = [];
  let i = 0;
  let command = '';
  let x = 0;
  let y = 0;
  let startX = 0;
  let startY = 0;
  // The last control point, for S and T reflections.
  let lastCubic: [number, number] | null = null;
  let lastQuad: [number, number] | null = null;
  const num = (): number => {
    const value = tokens[i++];
    if (typeof value !== 'number') throw new Error(`Bad path data near "${String(value)}"`);
    return value;
  };
  while (i < tokens.length) {
    if (typeof tokens[i] === 'string') command = tokens[i++] as string;
    else if (command === '') throw new Error('Path data must start with a command');
    const rel = command === command.toLowerCase();
    const ox = rel ? x : 0;
    const oy = rel ? y : 0;
    switch (command.toUpperCase()) {
      case 'M': {
        x = ox + num();
        y = oy + num();
        startX = x;
        startY = y;
        out.push({ type: 'M', x, y });
        // Further pairs after a moveto are linetos.
        command = rel ? 'l' : 'L';
        lastCubic = lastQuad = null;
        break;
      }
      case 'L':
        x = ox + num();
        y = oy + num();
        out.push({ type: 'L', x, y });
        lastCubic = lastQuad = null;
        break;
      case 'H':
        x = ox + num();
        out.push({ type: 'L', x, y });
        lastCubic = lastQuad = null;
        break;
      case 'V':
        y = oy + num();
        out.push({ type: 'L', x, y });
        lastCubic = lastQuad = null;
        break;
      case 'C': {
        const c1x = ox + num();
        const c1y = oy + num();
        const c2x = ox + num();
        const c2y = oy + num();
        x = ox + num();
        y = oy + num();
        out.push({ type: 'C', c1x, c1y, c2x, c2y, x, y });
        lastCubic = [c2x, c2y];
        lastQuad = null;
        break;
      }
      case 'S': {
        const c1x = lastCubic ? 2 * x - lastCubic[0] : x;
        const c1y = lastCubic ? 2 * y - lastCubic[1] : y;
        const c2x = ox + num();
        const c2y = oy + num();
        x = ox + num();
        y = oy + num();
        out.push({ type: 'C', c1x, c1y, c2x, c2y, x, y });
        lastCubic = [c2x, c2y];
        lastQuad = null;
        break;
      }
      case 'Q': {
        const cx = ox + num();
        const cy = oy + num();
        x = ox + num();
        y = oy + num();
        out.push({ type: 'Q', cx, cy, x, y });
        lastQuad = [cx, cy];
        lastCubic = null;
        break;
      }
      case 'T': {
        const cx: number = lastQuad ? 2 * x - lastQuad[0] : x;
        const cy: number = lastQuad ? 2 * y - lastQuad[1] : y;
        x = ox + num();
        y = oy + num();
        out.push({ type: 'Q', cx, cy, x, y });
        lastQuad = [cx, cy];
        lastCubic = null;
        break;
      }
      case 'Z':
        out.push({ type: 'Z' });
        x = startX;
        y = startY;
        lastCubic = lastQuad = null;
        // Z takes no numbers; a number after it would repeat nothing.
        command = '';
        break;
      default:
        throw new Error(`Unsupported path command ${command}`);
    }
  }
  return out;
}

/**
 * Flattens commands into closed polygons in output space. `map` takes a point to output
 * coordinates (pixels or dots); curves are cut in segments of about `step` output units.
 */
export function flatten(
  commands: readonly PathCommand[],
  map: (x: number, y: number) => [number, number],
  step = 1,
): Contour[] {
  const contours: Contour[] = [];
  let current: Contour = [];
  let px = 0;
  let py = 0;
  let sx = 0;
  let sy = 0;
  const close = (): void => {
    if (current.length >= 6) contours.push(current);
    current = [];
  };
  const add = (x: number, y: number): void => {
    // Drawing after a Z without a moveto starts a new subpath at the current point.
    if (current.length === 0 && (x !== px || y !== py)) current.push(...map(px, py));
    const [mx, my] = map(x, y);
    current.push(mx, my);
  };
  const segments = (points: [number, number][]): number => {
    let length = 0;
    for (let k = 1; k < points.length; k++) {
      const [ax, ay] = map(...points[k - 1]!);
      const [bx, by] = map(...points[k]!);
      length += Math.hypot(bx - ax, by - ay);
    }
    return Math.min(64, Math.max(2, Math.ceil(length / step)));
  };
  for (const c of commands) {
    switch (c.type) {
      case 'M':
        close();
        current.push(...map(c.x, c.y));
        sx = c.x;
        sy = c.y;
        break;
      case 'L':
        add(c.x, c.y);
        break;
      case 'Q': {
        const n = segments([
          [px, py],
          [c.cx, c.cy],
          [c.x, c.y],
        ]);
        for (let k = 1; k <= n; k++) {
          const t = k / n;
          const u = 1 - t;
          add(u * u * px + 2 * u * t * c.cx + t * t * c.x, u * u * py + 2 * u * t * c.cy + t * t * c.y);
        }
        break;
      }
      case 'C': {
        const n = segments([
          [px, py],
          [c.c1x, c.c1y],
          [c.c2x, c.c2y],
          [c.x, c.y],
        ]);
        for (let k = 1; k <= n; k++) {
          const t = k / n;
          const u = 1 - t;
          const a = u * u * u;
          const b = 3 * u * u * t;
          const d = 3 * u * t * t;
          const e = t * t * t;
          add(a * px + b * c.c1x + d * c.c2x + e * c.x, a * py + b * c.c1y + d * c.c2y + e * c.y);
        }
        break;
      }
      case 'Z':
        close();
        break;
    }
    if (c.type === 'Z') {
      px = sx;
      py = sy;
    } else {
      px = c.x;
      py = c.y;
    }
  }
  close();
  return contours;
}
