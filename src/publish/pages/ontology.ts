// The ontology page: every class, property and named individual with both labels, comment, domain, range and alignments.
import type { Quad } from 'n3';
import { NS } from '../../rdf/ns.ts';
import { ALIGNMENT_PREDICATES } from '../documents.ts';
import { type Html, html } from '../html.ts';
import { ontologyEmbed } from '../jsonld-embed.ts';
import { bcp47, localName, nameOf, pickLiteral, RDFS_COMMENT, RDFS_LABEL } from '../view.ts';
import { lead, link, orderByLang, type PageCtx, shownInPageLanguage, text, valueHtml } from './common.ts';
import { docPageUrls, layout } from './layout.ts';

/** `quads`: the ontology document's own quads (the ones ctx.ix indexes). */
export function ontologyPage(ctx: PageCtx, quads: readonly Quad[]): string {
  const { ix, iris, t } = ctx;
  const ontology = iris.ontology;
  const ns = `${ontology}#`;
  const terms = [...new Set(quads.map((q) => q.subject.value))].sort().filter((s) => s.startsWith(ns));
  const typed = (types: string[]) => terms.filter((s) => ix.types(s).some((ty) => types.includes(ty)));
  const classes = typed([`${NS.owl}Class`]);
  const properties = typed([`${NS.owl}ObjectProperty`, `${NS.owl}DatatypeProperty`]);
  const individuals = terms.filter((s) => !classes.includes(s) && !properties.includes(s));
  const alignments = `${ontology}/alignments`;
  // Its comment goes inside the paragraph as text: lead() is a paragraph of its own, and a <p> inside a <p> ends
  // the outer one early, leaving its </p> stray.
  const alignmentsNote = pickLiteral(ix.objects(alignments, RDFS_COMMENT), ctx.lang);
  const external = quads.filter(
    (q) => ALIGNMENT_PREDICATES.includes(q.predicate.value) && !q.subject.value.startsWith(iris.base),
  );

  const row = (label: string, values: Html) => html`<div><dt>${label}</dt><dd>${values}</dd></div>`;
  const list = (s: string, p: string): Html | undefined => {
    const objects = ix.objects(s, p);
    if (objects.length === 0) return undefined;
    return html`${objects.map((o, i) => html`${i ? ', ' : ''}${valueHtml(ctx, o)}`)}`;
  };
  const termBlock = (s: string): Html => {
    const labels = orderByLang(ctx, shownInPageLanguage(ctx, ix.objects(s, RDFS_LABEL)));
    const comments = orderByLang(ctx, shownInPageLanguage(ctx, ix.objects(s, RDFS_COMMENT)));
    const aligned = ALIGNMENT_PREDICATES.flatMap((p) =>
      ix.objects(s, p).map((o) => html`<li>${ctx.vocab.label(p, ctx.lang)} ${valueHtml(ctx, o)}</li>`),
    );
    const types = ix
      .types(s)
      .filter((ty) => ty !== `${NS.schema}DefinedTerm`)
      .map((ty) => ctx.vocab.curie(ty));
    const domain = list(s, `${NS.rdfs}domain`);
    const range = list(s, `${NS.rdfs}range`);
    return html`<article class="term" id="${localName(s)}">
<h3><code>npcsc:${localName(s)}</code> ${labels.map(
      (l) => html`<span class="label" lang="${l.termType === 'Literal' ? bcp47(l.language) : ''}">${l.value}</span> `,
    )}</h3>
${comments.map((c) => html`<p lang="${c.termType === 'Literal' ? bcp47(c.language) : ''}">${c.value}</p>`)}
<dl class="facts">
${row(t.termIri, html`<code>${s}</code>`)}
${row(t.type, html`${types.join(', ')}`)}
${domain ? row(t.domain, domain) : ''}
${range ? row(t.range, range) : ''}
${aligned.length ? row(t.alignments, html`<ul class="values">${aligned}</ul>`) : ''}
</dl></article>`;
  };

  const main = html`${lead(ctx, ontology)}
<dl class="facts">
${ix
  .outgoing(ontology)
  .flatMap(([p, objects]) =>
    [RDFS_LABEL, RDFS_COMMENT, `${NS.rdf}type`].includes(p) || p.startsWith(NS.schema)
      ? []
      : [row(ctx.vocab.label(p, ctx.lang), html`${objects.map((o, i) => html`${i ? ', ' : ''}${valueHtml(ctx, o)}`)}`)],
  )}
</dl>
<nav class="toc"><ul><li><a href="#classes">${t.classes}</a></li><li><a href="#properties">${t.properties}</a></li><li><a href="#individuals">${t.individuals}</a></li><li><a href="#alignments">${t.alignments}</a></li></ul></nav>
<section id="classes"><h2>${t.classes}</h2>${classes.map(termBlock)}</section>
<section id="properties"><h2>${t.properties}</h2>${properties.map(termBlock)}</section>
<section id="individuals"><h2>${t.individuals}</h2>${individuals.map(termBlock)}</section>
<section id="alignments"><h2>${t.alignments}</h2>
${ix.has(alignments) ? html`<p>${link(ctx, alignments, nameOf(ix, alignments, ctx.lang).text)}${alignmentsNote ? html`: ${text(ctx, alignmentsNote)}` : ''}</p>` : ''}
<ul>${external.map(
    (q) =>
      html`<li><code>${ctx.vocab.curie(q.subject.value)}</code> ${ctx.vocab.label(q.predicate.value, ctx.lang)} ${valueHtml(ctx, q.object)}</li>`,
  )}</ul>
</section>`;
  return layout(ctx, {
    title: nameOf(ix, ontology, ctx.lang),
    description: pickLiteral(ix.objects(ontology, RDFS_COMMENT), ctx.lang)?.text,
    urls: docPageUrls(iris, 'ontology'),
    topic: ontology,
    embed: ontologyEmbed(ix, ontology),
    main,
    bodyClass: 'ontology',
  });
}
