import { AI_TABLE } from './gs1-ai';
import { parseElementString, serializeElements, type Gs1Element, type Gs1Error } from './gs1';
import { isValidGtin } from './gtin';

/**
 * GS1 Digital Link primary keys and the qualifiers each accepts, in the order they must appear
 * in the path (GS1 Digital Link standard; `dlpkey` in the Syntax Dictionary). Alternatives are
 * separate sequences: a GTIN takes 22, 10, 21 (each optional, in that order) or 235.
 */
const PRIMARY_KEYS: Record<string, string[][]> = {
  '00': [[]],
  '01': [['22', '10', '21'], ['235']],
  '253': [[]],
  '255': [[]],
  '401': [[]],
  '402': [[]],
  '414': [['254'], ['7040']],
  '415': [['8020']],
  '417': [['7040']],
  '8003': [[]],
  '8004': [['7040']],
  '8006': [['22', '10', '21']],
  '8010': [['8011']],
  '8013': [[]],
  '8017': [['8019']],
  '8018': [['8019']],
};

export type DigitalLinkResult =
  | { ok: true; elements: Gs1Element[]; primaryKey: string; host: string }
  | { ok: false; reason: 'not_a_uri' | 'no_primary_key' | 'qualifier_order' | 'bad_value'; error?: Gs1Error };

/**
 * Reads a GS1 Digital Link URI (`https://id.gs1.org/01/09521234543213/10/ABC?17=261231`, or
 * the same path under a brand's own domain and path prefix) into GS1 elements: the primary key,
 * its qualifiers from the path, and numeric query parameters that are AIs as data attributes
 * (other parameters are ignored). GTIN-8/12/13 in the path are normalised to 14 digits. Values
 * are percent-decoded, then checked like any element string (check digits, dates).
 */
export function parseDigitalLink(uri: string, options: { referenceYear?: number } = {}): DigitalLinkResult {
  const match = /^https?:\/\/([^/?#]+)(\/[^?#]*)?(\?[^#]*)?(#.*)?$/i.exec(uri.trim());
  if (!match) return { ok: false, reason: 'not_a_uri' };
  const host = match[1]!.toLowerCase();
  const segments = (match[2] ?? '').split('/').filter((s) => s !== '');
  let decoded: string[];
  try {
    decoded = segments.map((s) => decodeURIComponent(s));
  } catch {
    return { ok: false, reason: 'bad_value' };
  }
  // The primary key is the leftmost AI segment from which the rest of the path is key
  // qualifiers; anything before it is the brand's own path prefix.
  for (let i = 0; i + 1 < decoded.length; i += 1) {
    const key = decoded[i]!;
    const sequences = PRIMARY_KEYS[key];
    if (!sequences) continue;
    const rest = decoded.slice(i + 2);
    if (rest.length % 2 !== 0) continue;
    const qualifiers: Gs1Element[] = [];
    for (let q = 0; q < rest.length; q += 2) qualifiers.push({ ai: rest[q]!, value: rest[q + 1]! });
    if (!qualifiers.every((qualifier) => AI_TABLE.has(qualifier.ai))) continue;
    const ordered = sequences.some((sequence) => inOrder(qualifiers, sequence));
    if (!ordered) return { ok: false, reason: 'qualifier_order' };
    let keyValue = decoded[i + 1]!;
    if (key === '01' && /^\d{8}$|^\d{12,13}$/.test(keyValue) && isValidGtin(keyValue))
      keyValue = keyValue.padStart(14, '0');
    const attributes = queryAttributes(match[3] ?? '');
    if (attributes === null) return { ok: false, reason: 'bad_value' };
    const elements = [{ ai: key, value: keyValue }, ...qualifiers, ...attributes];
    const parsed = parseElementString(serializeElements(elements), options);
    if (!parsed.ok) return { ok: false, reason: 'bad_value', error: parsed.error };
    return { ok: true, elements: parsed.elements, primaryKey: key, host };
  }
  return { ok: false, reason: 'no_primary_key' };
}

/** Numeric query parameters that are AIs (the first of each), percent-decoded; null if undecodable. */
function queryAttributes(query: string): Gs1Element[] | null {
  const attributes: Gs1Element[] = [];
  for (const pair of query.replace(/^\?/, '').split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = eq === -1 ? pair : pair.slice(0, eq);
    const raw = eq === -1 ? '' : pair.slice(eq + 1);
    if (!/^\d{2,4}$/.test(name) || !AI_TABLE.has(name) || attributes.some((a) => a.ai === name)) continue;
    try {
      attributes.push({ ai: name, value: decodeURIComponent(raw.replace(/\+/g, ' ')) });
    } catch {
      return null;
    }
  }
  return attributes;
}

/** True when the qualifiers appear in the sequence's order, each at most once. */
function inOrder(qualifiers: Gs1Element[], sequence: string[]): boolean {
  let position = -1;
  for (const qualifier of qualifiers) {
    const index = sequence.indexOf(qualifier.ai);
    if (index <= position) return false;
    position = index;
  }
  return true;
}

/** Builds a Digital Link URI on a resolver (`https://id.gs1.org` by default). */
export function digitalLinkUri(elements: readonly Gs1Element[], base = 'https://id.gs1.org'): string {
  const [key, ...rest] = elements;
  if (!key || !PRIMARY_KEYS[key.ai]) throw new Error('the first element must be a Digital Link primary key');
  const order = PRIMARY_KEYS[key.ai]!.flat();
  const qualifiers = rest.filter((e) => order.includes(e.ai)).sort((a, b) => order.indexOf(a.ai) - order.indexOf(b.ai));
  const allowed = new Set(order);
  const path = [key, ...qualifiers];
  const query = rest.filter((e) => !allowed.has(e.ai));
  const encode = (value: string): string => encodeURIComponent(value);
  const uri = `${base}${path.map((e) => `/${e.ai}/${encode(e.value)}`).join('')}`;
  return query.length > 0 ? `${uri}?${query.map((e) => `${e.ai}=${encode(e.value)}`).join('&')}` : uri;
}
