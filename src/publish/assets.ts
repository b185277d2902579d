// The site's only static assets: one stylesheet (pages carry no inline style, for a strict CSP) and a favicon.
export const SITE_CSS = `/* npcsc-kg pages: system fonts only, no external assets. */
:root { --fg: #1d2433; --muted: #5b6472; --line: #d9dde3; --accent: #9b1c1c; --bg: #fff; --soft: #f5f6f8;
  --bar: #9b1c1c; --window: #e8a5a5; }
* { box-sizing: border-box; }
html { font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif;
  color: var(--fg); background: var(--bg); line-height: 1.5; }
body { margin: 0; }
a { color: #1f4e99; }
a:visited { color: #5a3d8a; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .9em; word-break: break-all; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 1rem; top: .5rem; background: var(--bg); padding: .25rem .5rem; }
header.site { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1.5rem; padding: .75rem 1.5rem;
  border-bottom: 3px solid var(--accent); background: var(--soft); }
header.site .brand { font-weight: 700; color: var(--fg); text-decoration: none; }
header.site nav ul { display: flex; flex-wrap: wrap; gap: 1rem; list-style: none; margin: 0; padding: 0; }
header.site .lang-switch { margin-left: auto; }
header.site form.search { display: flex; gap: .25rem; }
header.site form.search input[type=search] { min-width: 12rem; padding: .2rem .4rem; font: inherit; }
ol.search-results li { margin: .25rem 0; }
ol.search-results .kind { color: var(--muted); font-size: .85em; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem 1.5rem 2rem; }
/* A long word (a source's host name, an IRI) wraps rather than widening the page past a phone's screen. */
main, footer.site { overflow-wrap: break-word; }
h1 { font-size: 1.7rem; line-height: 1.25; margin: .5rem 0 .25rem; }
h2 { font-size: 1.25rem; border-bottom: 1px solid var(--line); padding-bottom: .2rem; margin-top: 2rem; }
h3 { font-size: 1.05rem; }
.lead { font-size: 1.1rem; color: #2d3748; }
.types .badge { display: inline-block; font-size: .8rem; padding: .05rem .5rem; border: 1px solid var(--line);
  border-radius: 1rem; color: var(--muted); margin-right: .25rem; }
dl.facts { display: grid; grid-template-columns: minmax(9rem, 16rem) 1fr; gap: 0; margin: .5rem 0; }
dl.facts > div { display: contents; }
dl.facts dt, dl.facts dd { padding: .3rem .5rem; border-top: 1px solid var(--line); margin: 0; }
dl.facts dt { color: var(--muted); overflow-wrap: anywhere; }
dl.facts dd { overflow-wrap: anywhere; }
table.tenures time { white-space: nowrap; }
ul.values { margin: 0; padding-left: 1.1rem; }
.window, .host { color: var(--muted); font-size: .9em; }
.table-wrap { overflow-x: auto; }
.table-wrap:focus-visible { outline: 2px solid #1f4e99; outline-offset: 2px; }
.scroll-hint { display: none; color: var(--muted); font-size: .85rem; margin: .5rem 0 0; }
table.tenures { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
table.tenures caption { text-align: left; font-weight: 600; padding: .25rem 0; }
table.tenures th, table.tenures td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
table.tenures th { background: var(--soft); }
td.num { text-align: right; }
ul.columns { columns: 16rem; padding-left: 1.1rem; }
ul.columns li { break-inside: avoid; }
figure.timeline { margin: 1rem 0; overflow-x: auto; }
figure.timeline figcaption { color: var(--muted); font-size: .9rem; }
svg.timeline-svg { max-width: 100%; height: auto; font-size: 12px; }
figure.tl-narrow { display: none; }
figure.tl-narrow svg.timeline-svg { width: 100%; max-width: 32rem; }
.tl-grid { stroke: var(--line); stroke-width: 1; }
.tl-now { stroke: var(--accent); stroke-dasharray: 3 3; stroke-width: 1; }
.tl-year { fill: var(--muted); font-size: 11px; }
.tl-label { fill: var(--fg); font-size: 12px; }
.tl-bar { fill: var(--bar); }
.tl-window { fill: var(--window); stroke: var(--bar); stroke-width: .75; stroke-dasharray: 2 1; }
.tl-open { fill: var(--bar); }
a.tl-row:hover .tl-bar, a.tl-row:focus .tl-bar { fill: #c53030; }
a.tl-row:hover .tl-label { text-decoration: underline; }
.note { border-left: 3px solid var(--window); padding-left: 1rem; margin: 1rem 0; }
details.other-vocabularies { margin-top: 2rem; color: var(--muted); }
.fragment h2 { font-size: 1.1rem; }
footer.site { border-top: 1px solid var(--line); padding: 1rem 1.5rem; color: var(--muted); font-size: .9rem;
  max-width: 72rem; margin: 0 auto; }
@media (max-width: 40rem) { dl.facts { grid-template-columns: 1fr; } dl.facts dd { border-top: 0; } }
/* Phones and narrow windows: the timeline drawn for the width (labels above the bars), tables that say they scroll,
   less padding round the page. */
@media (max-width: 48rem) {
  figure.tl-wide { display: none; }
  figure.tl-narrow { display: block; }
  figure.tl-narrow .tl-label { font-size: 13px; }
  figure.tl-narrow .tl-year { font-size: 12px; }
  .scroll-hint { display: block; }
  main { padding: 1rem 1rem 2rem; }
  header.site { padding: .75rem 1rem; }
  header.site form.search input[type=search] { min-width: 0; width: 100%; }
  footer.site { padding: 1rem; }
}
`;

export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#9b1c1c"/><path d="M8 22h16M8 16h16M8 10h16" stroke="#fff" stroke-width="3"/></svg>
`;
