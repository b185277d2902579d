// Content negotiation: parses Accept (q-values, wildcards, q=0) and Accept-Language, picks the best offer.
export interface MediaRange {
  type: string;
  subtype: string;
  q: number;
  /** More specific ranges win ties: 0 for *\/*, 1 for type/*, 2 for type/subtype, 3 with parameters. */
  specificity: number;
}

/** Parses an Accept header; malformed entries are ignored, never fatal. */
export function parseAccept(header: string | null | undefined): MediaRange[] {
  if (!header) return [];
  const out: MediaRange[] = [];
  for (const part of header.split(',').slice(0, 64)) {
    const [range = '', ...params] = part.trim().split(';');
    const m = /^([\w.+*-]+)\/([\w.+*-]+)$/.exec(range.trim().toLowerCase());
    if (!m?.[1] || !m[2]) continue;
    let q = 1;
    let extra = 0;
    for (const p of params) {
      const [k = '', v = ''] = p.split('=').map((s) => s.trim());
      if (k.toLowerCase() === 'q') {
        const n = Number(v);
        q = Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 0;
      } else if (k) extra = 1;
    }
    const specificity = m[1] === '*' ? 0 : m[2] === '*' ? 1 : 2 + extra;
    out.push({ type: m[1], subtype: m[2], q, specificity });
  }
  return out;
}

/** The q a client gives `mediaType`: from the most specific matching range; 0 when none matches. */
export function qualityOf(ranges: readonly MediaRange[], mediaType: string): number {
  const [type, subtype] = mediaType.toLowerCase().split('/');
  let best: MediaRange | undefined;
  for (const r of ranges) {
    const matches = (r.type === '*' || r.type === type) && (r.subtype === '*' || r.subtype === subtype);
    if (matches && (!best || r.specificity > best.specificity)) best = r;
  }
  return best?.q ?? 0;
}

/**
 * The offer the client prefers, or undefined when it accepts none (406). With no Accept header the first
 * offer is the default. Ties go to the earlier offer, so offers are listed in the server's preference.
 */
export function negotiate<T extends string>(header: string | null | undefined, offers: readonly T[]): T | undefined {
  const ranges = parseAccept(header);
  if (ranges.length === 0) return offers[0];
  let best: T | undefined;
  let bestQ = 0;
  for (const offer of offers) {
    const q = qualityOf(ranges, offer);
    if (q > bestQ) {
      best = offer;
      bestQ = q;
    }
  }
  return best;
}

/** The first of `supported` languages that Accept-Language prefers; `supported[0]` by default. */
export function negotiateLanguage<T extends string>(header: string | null | undefined, supported: readonly T[]): T {
  const fallback = supported[0] as T;
  if (!header) return fallback;
  const prefs = header
    .split(',')
    .slice(0, 64)
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const qp = params.find((p) => p.trim().startsWith('q='));
      const q = qp ? Number(qp.trim().slice(2)) : 1;
      return { tag: tag.trim().toLowerCase(), q: Number.isFinite(q) ? q : 0 };
    })
    .filter((p) => p.tag && p.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of prefs) {
    if (tag === '*') return fallback;
    const hit = supported.find((s) => {
      const sl = s.toLowerCase();
      return (
        sl === tag ||
        sl.startsWith(`${tag}-`) ||
        tag.startsWith(`${sl}-`) ||
        (tag.startsWith('zh') && sl.startsWith('zh'))
      );
    });
    if (hit) return hit;
  }
  return fallback;
}
