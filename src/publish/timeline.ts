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

/** Where a picture puts things, in its own units. */
interface Geometry {
  /** Width of the picture. */
  w: number;
  /** Where the plot starts: after the labels (wide), or at the left edge with each label above its bar (narrow). */
  left: number;
  right: number;
  top: number;
  row: number;
  /** How far below a row's top its bar starts. */
  barY: number;
  /** Where a row's label is: its baseline, and its x with its anchor. */
  labelY: number;
  labelX: number;
  labelAnchor: 'start' | 'end';
  /** Years between two ticks, at most: a narrow picture has room for fewer. */
  minStep: number;
}

/** The desktop picture: labels in a column left of the bars; its 960 units are shown at up to 960 px. */
const WIDE: Geometry = {
  w: 960,
  left: 200,
  right: 24,
  top: 28,
  row: 24,
  barY: 6,
  labelY: 16,
  labelX: 192,
  labelAnchor: 'end',
  minStep: 5,
};

/**
 * The phone picture, shown instead below 48rem: each label on a line of its own above its bar, so bars get the
 * whole width and the 12-unit text stays at least 10 px high down to a 320 px screen (360 units at 100% of the
 * column).
 */
const NARROW: Geometry = {
  w: 360,
  left: 8,
  right: 16,
  top: 28,
  row: 34,
  barY: 18,
  labelY: 13,
  labelX: 8,
  labelAnchor: 'start',
  minStep: 10,
};

const BAR = 12;
const MIN_WINDOW = 5;
const YEAR_MS = 365.2425 * 86_400_000;

/**
 * The timeline as two pictures of the same rows, a wide and a narrow one; the stylesheet shows the one that fits
 * the screen (and the other is display:none, so neither a reader nor a screen reader meets it twice).
 */
export function timeline(rows: readonly TimelineRow[], opts: TimelineOptions): Html {
  if (rows.length === 0) return html``;
  return html`${picture(rows, opts, WIDE, 'tl-wide', opts.id)}
${picture(rows, opts, NARROW, 'tl-narrow', `${opts.id}-narrow`)}`;
}

function picture(rows: readonly TimelineRow[], opts: TimelineOptions, g: Geometry, cls: string, id: string): Html {
  const W = g.w;
  const LABEL_W = g.left;
  const RIGHT = g.right;
  const TOP = g.top;
  const ROW = g.row;
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
  const step = Math.max(g.minStep, (t1 - t0) / YEAR_MS > 40 ? 10 : 5);

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
    const top = TOP + i * ROW;
    const y = top + g.barY;
    const certainFrom = r.start.last + 86_400_000;
    const certainTo = r.end ? r.end.first : now;
    const a = x(certainFrom);
    const b = Math.max(a, x(certainTo));
    return html`<a href="${r.href}" class="tl-row"><title>${r.title}</title>
<text class="tl-label" x="${g.labelX}" y="${top + g.labelY}" text-anchor="${g.labelAnchor}">${label(r.label)}</text>
<rect class="tl-bar${r.end ? '' : ' tl-current'}" x="${f(a)}" y="${y}" width="${f(b - a)}" height="${BAR}"/>
${windowRect(r.start, 'start', y)}${r.end ? windowRect(r.end, 'end', y) : html`<path class="tl-open" d="M${f(b)} ${y - 2} l6 ${(BAR + 4) / 2} l-6 ${(BAR + 4) / 2} z"/>`}
</a>`;
  });

  return html`<figure class="timeline ${cls}"><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${height}" width="${W}" height="${height}" role="img" aria-labelledby="${id}-title" class="timeline-svg" id="${id}">
<title id="${id}-title">${opts.title}</title>
${ticks}
<line class="tl-now" x1="${f(x(now))}" x2="${f(x(now))}" y1="${TOP - 6}" y2="${height - 4}"><title>${opts.presentLabel}</title></line>
${bars}
</svg><figcaption>${opts.legend}</figcaption></figure>`;
}
