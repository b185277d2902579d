// The timeline picture: tenures as bars on a time axis, server-rendered SVG, uncertain dates drawn as windows.
//
// A date known only within a window (a month, a year, or the days of a session) is drawn as a pale cap over the
// whole window, never as a point; the solid bar covers only the time the holder was certainly in office (from
// the latest possible start to the earliest possible end). Every window keeps a minimum drawn width, so a
// window of a few days stays visible on a seventy-year axis. No script, no inline style: CSP-friendly.
import { isoDay } from './dates.ts';
import { type Html, html } from './html.ts';

export interface Span {
  first: number;
  last: number;
}

/**
 * A piece of a row's label: text in the page's language, or text in another one. Plain text, not Html: inside
 * SVG <text> an HTML element (a <span lang>) ends the SVG in the HTML parser, and the rest of the picture with it.
 */
export type LabelPart = string | { text: string; lang: string };

export interface TimelineRow {
  href: string;
  label: readonly LabelPart[];
  /** Text for the tooltip (<title>). */
  title: string;
  start: Span;
  /** Undefined while the tenure is current. */
  end?: Span | undefined;
}

export interface TimelineOptions {
  /** The day drawn as "now" (open tenures run to it); undefined: the latest day any row shows. */
  now: number | undefined;
  title: string;
  legend: string;
  presentLabel: string;
  /** Unique prefix for element ids, so two pictures never share one. */
  id: string;
}

const W = 960;
const LABEL_W = 200;
const RIGHT = 24;
const TOP = 28;
const ROW = 24;
const BAR = 12;
const MIN_WINDOW = 5;
const YEAR_MS = 365.2425 * 86_400_000;

export function timeline(rows: readonly TimelineRow[], opts: TimelineOptions): Html {
  if (rows.length === 0) return html``;
  const now = opts.now ?? Math.max(...rows.map((r) => r.end?.last ?? r.start.last));
  const firstYear = new Date(Math.min(...rows.map((r) => r.start.first))).getUTCFullYear();
  const lastMs = Math.max(now, ...rows.map((r) => r.end?.last ?? now));
  const y0 = Math.floor(firstYear / 5) * 5;
  const y1 = new Date(lastMs).getUTCFullYear() + 1;
  const t0 = Date.UTC(y0, 0, 1);
  const t1 = Date.UTC(y1, 0, 1);
  const plot = W - LABEL_W - RIGHT;
  const x = (ms: number) => LABEL_W + ((Math.min(Math.max(ms, t0), t1) - t0) / (t1 - t0)) * plot;
  const f = (n: number) => n.toFixed(1);
  const height = TOP + rows.length * ROW + 8;
  const step = (t1 - t0) / YEAR_MS > 40 ? 10 : 5;

  const ticks: Html[] = [];
  for (let y = Math.ceil(y0 / step) * step; y < y1; y += step) {
    const tx = x(Date.UTC(y, 0, 1));
    ticks.push(
      html`<line class="tl-grid" x1="${f(tx)}" x2="${f(tx)}" y1="${TOP - 6}" y2="${height - 4}"/><text class="tl-year" x="${f(tx)}" y="${TOP - 10}" text-anchor="middle">${y}</text>`,
    );
  }

  // A date known to the day is a point and gets no window; any other date gets one over all its days.
  const windowRect = (s: Span, kind: 'start' | 'end', y: number) => {
    if (s.first === s.last) return html``;
    let a = x(s.first);
    let b = x(s.last + 86_400_000);
    if (b - a < MIN_WINDOW) {
      const mid = (a + b) / 2;
      a = mid - MIN_WINDOW / 2;
      b = mid + MIN_WINDOW / 2;
    }
    return html`<rect class="tl-window tl-${kind}" data-from="${isoDay(s.first)}" data-to="${isoDay(s.last)}" x="${f(a)}" y="${y - 2}" width="${f(b - a)}" height="${BAR + 4}" rx="1"/>`;
  };

  // xml:lang, not lang: the HTML parser reads a language from lang on HTML elements only, from xml:lang on SVG ones.
  const label = (parts: readonly LabelPart[]) =>
    parts.map((p) => (typeof p === 'string' ? p : html`<tspan xml:lang="${p.lang}">${p.text}</tspan>`));

  const bars = rows.map((r, i) => {
    const y = TOP + i * ROW + (ROW - BAR) / 2;
    const certainFrom = r.start.last + 86_400_000;
    const certainTo = r.end ? r.end.first : now;
    const a = x(certainFrom);
    const b = Math.max(a, x(certainTo));
    return html`<a href="${r.href}" class="tl-row"><title>${r.title}</title>
<text class="tl-label" x="${LABEL_W - 8}" y="${y + BAR - 2}" text-anchor="end">${label(r.label)}</text>
<rect class="tl-bar${r.end ? '' : ' tl-current'}" x="${f(a)}" y="${y}" width="${f(b - a)}" height="${BAR}"/>
${windowRect(r.start, 'start', y)}${r.end ? windowRect(r.end, 'end', y) : html`<path class="tl-open" d="M${f(b)} ${y - 2} l6 ${(BAR + 4) / 2} l-6 ${(BAR + 4) / 2} z"/>`}
</a>`;
  });

  return html`<figure class="timeline"><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${height}" width="${W}" height="${height}" role="img" aria-labelledby="${opts.id}-title" class="timeline-svg" id="${opts.id}">
<title id="${opts.id}-title">${opts.title}</title>
${ticks}
<line class="tl-now" x1="${f(x(now))}" x2="${f(x(now))}" y1="${TOP - 6}" y2="${height - 4}"><title>${opts.presentLabel}</title></line>
${bars}
</svg><figcaption>${opts.legend}</figcaption></figure>`;
}
