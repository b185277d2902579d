// Pieces every page shares: links to resources, values at their precision, facts tables, sources, notes, gaps.
import type { Term } from 'n3';
import { NS } from '../../rdf/ns.ts';
import { type DateValue, formatDate, formatDay, parseDate, spanOf } from '../dates.ts';
import type { Lang } from '../formats.ts';
import { type Content, type Html, html, safeHref } from '../html.ts';
import type { Strings } from '../i18n.ts';
import type { Iris } from '../iris.ts';
import {
  bcp47,
  hasName,
  type LangText,
  nameOf,
  pickLiteral,
  RDF_TYPE,
  RDFS_COMMENT,
  RDFS_LABEL,
  type View,
} from '../view.ts';
import type { Vocabulary } from '../vocabulary.ts';

export interface PageCtx {
  lang: Lang;
  t: Strings;
  iris: Iris;
  vocab: Vocabulary;
  /** The document's quads. */
  ix: View;
  /** Public URL of the SPARQL endpoint, when there is one to link to. */
  sparql?: string | undefined;
  /** Public URL of the API description, when there is one. */
  api?: string | undefined;
  /** Public URL of the search route (/search), when there is one: the header's search box sends there. */
  search?: string | undefined;
}

export const npcscOf = (ctx: PageCtx): string => `${ctx.iris.base}ontology#`;

/** Text in its own language: a lang attribute only where it differs from the page's. */
export function text(ctx: PageCtx, t: LangText): Html {
  return t.lang && t.lang !== ctx.lang ? html`<span lang="${t.lang}">${t.text}</span>` : html`${t.text}`;
}

export function nameText(ctx: PageCtx, iri: string): Html {
  return text(ctx, nameOf(ctx.ix, iri, ctx.lang));
}

/** On an English page, the Chinese name beside the English one `shown` (where the sources give it). */
export function chineseName(ctx: PageCtx, iri: string, shown: string): Html | undefined {
  if (ctx.lang !== 'en') return undefined;
  const zh = ctx.ix
    .objects(iri, `${NS.rdfs}label`)
    .find((t) => t.termType === 'Literal' && t.language.toLowerCase() === 'zh-hans');
  if (!zh || zh.value === shown) return undefined;
  return html` <span class="other-name" lang="zh-Hans">${zh.value}</span>`;
}

/** A link to a resource: ours to its page in the same language, others out (sources are never dereferenced). */
export function link(ctx: PageCtx, iri: string, label?: Content): Html {
  // Another site's term or page without a name in the data is shown as a CURIE or as its address.
  const unnamed = label === undefined && !ctx.iris.keyOf(iri) && !hasName(ctx.ix, iri);
  const name = label ?? (unnamed ? ctx.vocab.curie(iri) : nameText(ctx, iri));
  const href = safeHref(ctx.iris.href(iri, ctx.lang));
  if (!href) return html`<span>${name}</span>`;
  if (ctx.iris.keyOf(iri) || iri.startsWith(ctx.iris.base)) return html`<a href="${href}">${name}</a>`;
  return html`<a href="${href}" rel="external nofollow noopener">${name}</a>`;
}

/** A date at its precision in a <time> element whose datetime is the lexical form (never padded). */
export function dateHtml(ctx: PageCtx, v: DateValue): Html {
  return html`<time datetime="${v.lexical}" data-precision="${v.precision}">${formatDate(v, ctx.lang)}</time>`;
}

export function literalHtml(ctx: PageCtx, t: Term): Html {
  if (t.termType !== 'Literal') return html`${t.value}`;
  const date = parseDate(t);
  if (date) return dateHtml(ctx, date);
  const dt = t.datatype.value;
  if (dt === `${NS.xsd}boolean`) return html`${t.value === 'true' ? ctx.t.yes : ctx.t.noValue}`;
  if (dt === `${NS.xsd}duration`) {
    const y = /^P(\d+)Y$/.exec(t.value);
    if (y?.[1]) return html`<data value="${t.value}">${ctx.t.years(y[1])}</data>`;
  }
  if (t.language) return text(ctx, { text: t.value, lang: bcp47(t.language) });
  return html`${t.value}`;
}

export function valueHtml(ctx: PageCtx, t: Term): Html {
  return t.termType === 'NamedNode' ? link(ctx, t.value) : literalHtml(ctx, t);
}

/** Literals in the page language first (then the others), so Chinese pages lead with Chinese. */
export function orderByLang(ctx: PageCtx, terms: readonly Term[]): Term[] {
  const rank = (t: Term) =>
    t.termType !== 'Literal' || !t.language ? 1 : t.language.toLowerCase() === ctx.lang.toLowerCase() ? 0 : 2;
  return [...terms].sort((a, b) => rank(a) - rank(b));
}

/**
 * What a page shows of `terms`: a Chinese page the Chinese literals alone where there are any (their English twins
 * are the same fact), English staying (marked lang="en") only where no source gives Chinese. English pages keep
 * both.
 */
export function shownInPageLanguage(ctx: PageCtx, terms: readonly Term[]): Term[] {
  const inLang = (t: Term) => t.termType === 'Literal' && t.language.toLowerCase() === ctx.lang.toLowerCase();
  return ctx.lang !== 'en' && terms.some(inLang)
    ? terms.filter((t) => t.termType !== 'Literal' || !t.language || inLang(t))
    : [...terms];
}

export function valuesHtml(ctx: PageCtx, terms: readonly Term[]): Html {
  const ordered = orderByLang(ctx, shownInPageLanguage(ctx, terms));
  if (ordered.length === 1 && ordered[0]) return valueHtml(ctx, ordered[0]);
  return html`<ul class="values">${ordered.map((t) => html`<li>${valueHtml(ctx, t)}</li>`)}</ul>`;
}

/** Properties the build materialises from alignments: shown apart, so the facts read once. */
export function isSecondary(p: string): boolean {
  return (
    p.startsWith(NS.org) ||
    p.startsWith(NS.wdt) ||
    p.startsWith(NS.prov) ||
    p.startsWith(NS.time) ||
    [
      `${NS.schema}name`,
      `${NS.schema}description`,
      `${NS.schema}memberOf`,
      `${NS.schema}roleName`,
      `${NS.schema}startDate`,
      `${NS.schema}endDate`,
    ].includes(p)
  );
}

export function propertyName(ctx: PageCtx, p: string): Html {
  return html`<span title="${ctx.vocab.curie(p)}">${ctx.vocab.label(p, ctx.lang)}</span>`;
}

/** A definition list of `subject`'s properties, skipping `skip` and the secondary ones (unless `secondary`). */
export function factsTable(ctx: PageCtx, subject: string, skip: readonly string[], secondary = false): Html {
  const rows = ctx.ix
    .outgoing(subject)
    .filter(([p]) => !skip.includes(p) && isSecondary(p) === secondary)
    .map(([p, objects]) => ({ p, label: ctx.vocab.label(p, ctx.lang), objects }))
    .sort((a, b) => a.label.localeCompare(b.label, ctx.lang));
  if (rows.length === 0) return html``;
  return html`<dl class="facts">${rows.map(
    (r) => html`<div><dt>${propertyName(ctx, r.p)}</dt><dd>${valuesHtml(ctx, r.objects)}</dd></div>`,
  )}</dl>`;
}

/** The links pointing at `subject`, grouped by property. */
export function incomingTable(ctx: PageCtx, subject: string, skip: readonly string[], secondary = false): Html {
  const rows = ctx.ix
    .incoming(subject)
    .filter(([p]) => !skip.includes(p) && isSecondary(p) === secondary && p !== `${NS.foaf}primaryTopic`);
  if (rows.length === 0) return html``;
  return html`<dl class="facts incoming">${rows.map(
    ([p, subjects]) =>
      html`<div><dt>${propertyName(ctx, p)}</dt><dd><ul class="values">${[...subjects]
        .sort()
        .map((s) => html`<li>${link(ctx, s)}</li>`)}</ul></dd></div>`,
  )}</dl>`;
}

export function sourcesSection(ctx: PageCtx, subject: string): Html {
  const sources = ctx.ix.iris(subject, `${NS.dcterms}source`);
  if (sources.length === 0) return html``;
  return html`<section class="sources" id="sources"><h2>${ctx.t.sources}</h2><ol>${sources
    .sort()
    .map((s) => html`<li>${sourceLink(ctx, s)}</li>`)}</ol></section>`;
}

/** A source: its title when the data gives one, with the address it was read from. */
export function sourceLink(ctx: PageCtx, iri: string): Html {
  const title = pickLiteral(ctx.ix.objects(iri, `${NS.dcterms}title`), ctx.lang);
  const href = safeHref(iri);
  const label = title ? text(ctx, title) : html`${iri}`;
  const host = (() => {
    try {
      return new URL(iri).host;
    } catch {
      return '';
    }
  })();
  return href
    ? html`<a href="${href}" rel="external nofollow noopener">${label}</a> <span class="host">${host}</span>`
    : label;
}

export function knownGapsSection(ctx: PageCtx, subject: string): Html {
  const gaps = ctx.ix.objects(subject, `${npcscOf(ctx)}knownGap`);
  if (gaps.length === 0) return html``;
  return html`<section class="gaps"><h2>${ctx.t.knownGaps}</h2><ul>${orderByLang(ctx, gaps).map(
    (g) => html`<li>${literalHtml(ctx, g)}</li>`,
  )}</ul></section>`;
}

/** Conflict notes about `subject`, each with the value used, the alternatives and the sources of each. */
export function notesSection(ctx: PageCtx, subject: string): Html {
  const npcsc = npcscOf(ctx);
  const notes = [...ctx.ix.subjects(`${npcsc}noteAbout`, subject)].sort();
  if (notes.length === 0) return html``;
  return html`<section class="notes" id="notes"><h2>${ctx.t.notes}</h2>${notes.map((n) => noteBlock(ctx, n))}</section>`;
}

/**
 * A note as an article. Among a resource's notes its heading is the note's name; on the note's own page, whose h1
 * is that name, it is what the article is (where the sources disagree): an article always has a heading.
 */
export function noteBlock(ctx: PageCtx, n: string, ownPage = false): Html {
  const npcsc = npcscOf(ctx);
  const ix = ctx.ix;
  const comment = pickLiteral(ix.objects(n, RDFS_COMMENT), ctx.lang);
  const prop = ix.iris(n, `${npcsc}noteProperty`)[0];
  const chosen = ix.objects(n, `${npcsc}chosenValue`);
  const alternatives = ix.objects(n, `${npcsc}alternativeValue`);
  const sources = ix.iris(n, `${NS.dcterms}source`).sort();
  const altSources = ix.iris(n, `${npcsc}alternativeSource`).sort();
  return html`<article class="note" id="${noteAnchor(n)}">
${ownPage ? html`<h2>${ctx.t.notes}</h2>` : html`<h3>${link(ctx, n, hasName(ix, n) || !prop ? nameText(ctx, n) : ctx.vocab.label(prop, ctx.lang))}</h3>`}
${comment ? html`<p>${text(ctx, comment)}</p>` : ''}
<dl class="facts">
${chosen.length ? html`<div><dt>${ctx.t.chosen}</dt><dd>${valuesHtml(ctx, chosen)}</dd></div>` : ''}
${alternatives.length ? html`<div><dt>${ctx.t.alternatives}</dt><dd>${valuesHtml(ctx, alternatives)}</dd></div>` : ''}
${sources.length ? html`<div><dt>${ctx.t.sources}</dt><dd><ul class="values">${sources.map((s) => html`<li>${sourceLink(ctx, s)}</li>`)}</ul></dd></div>` : ''}
${altSources.length ? html`<div><dt>${ctx.t.alternativeSources}</dt><dd><ul class="values">${altSources.map((s) => html`<li>${sourceLink(ctx, s)}</li>`)}</ul></dd></div>` : ''}
</dl></article>`;
}

const noteAnchor = (iri: string) => `note-${iri.replace(/^.*\//, '')}`;

/** The comment of a resource in the page language (with the other language's when only that exists). */
export function lead(ctx: PageCtx, subject: string): Html {
  const c = pickLiteral(ctx.ix.objects(subject, RDFS_COMMENT), ctx.lang);
  return c ? html`<p class="lead">${text(ctx, c)}</p>` : html``;
}

export function typeBadges(ctx: PageCtx, subject: string): Html {
  const types = ctx.ix.types(subject).filter((t) => ctx.vocab.has(t) || t.startsWith(NS.schema));
  if (types.length === 0) return html``;
  return html`<p class="types">${types.sort().map((t) => html`<span class="badge">${ctx.vocab.label(t, ctx.lang)}</span> `)}</p>`;
}

/** A tenure date with its precision, and its window when the sources only bound it. */
export function tenureDate(ctx: PageCtx, tenure: string, which: 'start' | 'end', withWindow = true): Html {
  const npcsc = npcscOf(ctx);
  const v = parseDate(ctx.ix.object(tenure, `${npcsc}${which}Date`));
  if (!v) return html``;
  if (!withWindow) return dateHtml(ctx, v);
  const w = windowOf(ctx, tenure, which);
  const span = spanOf(v);
  // The window is worth saying only when it is narrower than what the precision already says.
  const narrower = w && (w.first !== span.first || w.last !== span.last) && w.first !== w.last;
  return html`${dateHtml(ctx, v)}${
    narrower && w
      ? html` <span class="window">(${ctx.t.window(formatDay(w.first, ctx.lang), formatDay(w.last, ctx.lang))})</span>`
      : ''
  }`;
}

/** Earliest and latest day of a tenure's start or end, in milliseconds. */
export function windowOf(
  ctx: PageCtx,
  tenure: string,
  which: 'start' | 'end',
): { first: number; last: number } | undefined {
  const npcsc = npcscOf(ctx);
  const e = parseDate(ctx.ix.object(tenure, `${npcsc}${which}Earliest`));
  const l = parseDate(ctx.ix.object(tenure, `${npcsc}${which}Latest`));
  if (e && l) return { first: spanOf(e).first, last: spanOf(l).first };
  const v = parseDate(ctx.ix.object(tenure, `${npcsc}${which}Date`));
  return v ? spanOf(v) : undefined;
}

/** Properties already shown by a page's header or own sections, left out of its facts table. */
export const SHOWN_ELSEWHERE = (ctx: PageCtx): string[] => [
  RDFS_LABEL,
  RDFS_COMMENT,
  RDF_TYPE,
  `${NS.dcterms}source`,
  `${npcscOf(ctx)}knownGap`,
];
