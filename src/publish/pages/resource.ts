// The HTML page of one resource's document: picks the template by kind (office, person, tenure, …) and frames it.
import { NS } from '../../rdf/ns.ts';
import { type Html, html } from '../html.ts';
import { datasetEmbed, officeEmbed, organisationEmbed, personEmbed, tenureEmbed, thingEmbed } from '../jsonld-embed.ts';
import { nameOf, pickLiteral, RDFS_COMMENT } from '../view.ts';
import { chineseName, lead, link, literalHtml, noteBlock, npcscOf, type PageCtx, typeBadges } from './common.ts';
import { describe } from './describe.ts';
import { docPageUrls, layout } from './layout.ts';
import { resourceSections } from './sections.ts';
import { holderLabel, officeLabel, tenureTable, tenureTimeline } from './tenures.ts';

export interface ResourcePage {
  key: string;
  topic: string;
  /** The topic's own fragment subjects (R#x). */
  fragments: readonly string[];
  /** Day drawn as "now" on timelines. */
  now: number | undefined;
}

interface Body {
  main: Html;
  embed: object;
}

/** The kinds whose data is enough for a description in either language. */
const WRITTEN = new Set(['person', 'tenure', 'npc-term']);

export function resourcePage(ctx: PageCtx, page: ResourcePage): string {
  const kind = page.key.split('/')[1] ?? '';
  const { topic } = page;
  const body = bodyFor(ctx, kind, page);
  // The resource's own comment when it is in the page's language; else a sentence from its data where the data
  // says enough (a person, a tenure, an NPC term); else the comment in another language, or the generic sentence.
  const comment = pickLiteral(ctx.ix.objects(topic, RDFS_COMMENT), ctx.lang);
  let description =
    comment && (comment.lang === ctx.lang || !WRITTEN.has(kind)) ? comment.text : describe(ctx, kind, topic);
  // Two notes may tell one disagreement (one tenure's end, the next one's start): what each is about sets them apart.
  if (kind === 'note' && comment) {
    const about = ctx.ix.iris(topic, `${npcscOf(ctx)}noteAbout`).map((a) => nameOf(ctx.ix, a, ctx.lang).text);
    if (about.length) description = `${about.join(', ')}${ctx.lang === 'en' ? ': ' : '：'}${description}`;
  }
  const title = nameOf(ctx.ix, topic, ctx.lang);
  return layout(ctx, {
    title,
    titleAside: chineseName(ctx, topic, title.text),
    description,
    urls: docPageUrls(ctx.iris, page.key),
    topic,
    embed: body.embed,
    ogType: kind === 'person' ? 'profile' : 'article',
    main: html`${typeBadges(ctx, topic)}${wikidataLinks(ctx, topic)}${body.main}`,
    bodyClass: `kind-${kind}`,
  });
}

/** The topic's Wikidata items (its owl:sameAs links), each linked to its page on Wikidata. */
function wikidataLinks(ctx: PageCtx, topic: string): Html {
  const items = ctx.ix
    .iris(topic, `${NS.owl}sameAs`)
    .filter((iri) => iri.startsWith(NS.wd))
    .map((iri) => iri.slice(NS.wd.length))
    .filter((q) => /^Q[1-9]\d*$/.test(q))
    .sort();
  if (items.length === 0) return html``;
  return html`<p class="wikidata">${ctx.t.wikidata}: ${items.map(
    (q, i) =>
      html`${i ? ', ' : ''}<a href="https://www.wikidata.org/wiki/${q}" rel="external noopener" hreflang="mul">${q}</a>`,
  )}</p>`;
}

function bodyFor(ctx: PageCtx, kind: string, page: ResourcePage): Body {
  const { topic, now } = page;
  switch (kind) {
    case 'office':
      return officeBody(ctx, topic, now);
    case 'person':
      return personBody(ctx, topic, now);
    case 'tenure':
      return tenureBody(ctx, topic, now, page.fragments);
    case 'npc-term':
      return npcTermBody(ctx, topic);
    case 'note':
      return noteBody(ctx, topic);
    case 'org':
      return { main: generic(ctx, page), embed: organisationEmbed(ctx.ix, topic) };
    case 'dataset':
      return { main: generic(ctx, page), embed: datasetEmbed(ctx.ix, topic) };
    default:
      return { main: generic(ctx, page), embed: thingEmbed(ctx.ix, topic) };
  }
}

function generic(ctx: PageCtx, page: ResourcePage): Html {
  return html`${lead(ctx, page.topic)}${resourceSections(ctx, page.topic, { fragments: page.fragments })}`;
}

function officeBody(ctx: PageCtx, office: string, now: number | undefined): Body {
  const npcsc = npcscOf(ctx);
  const ord = (t: string) => Number(ctx.ix.object(t, `${npcsc}ordinal`)?.value ?? 0);
  const tenures = ctx.ix
    .subjects(`${npcsc}office`, office)
    .filter((t) => ctx.ix.isA(t, `${npcsc}Tenure`))
    .sort((a, b) => ord(a) - ord(b));
  const history = ctx.ix.objects(office, `${NS.skos}historyNote`);
  const main = html`${lead(ctx, office)}
${
  tenures.length
    ? html`<section id="holders"><h2>${ctx.t.holders}</h2>
${tenureTimeline(ctx, tenures, holderLabel(ctx), 'timeline', now)}
${tenureTable(ctx, tenures, ['ordinal', 'holder', 'start', 'end', 'terms'])}</section>`
    : ''
}
${history.map((h) => html`<p class="history">${literalHtml(ctx, h)}</p>`)}
${resourceSections(ctx, office, {
  skipOut: [`${NS.skos}historyNote`, `${npcsc}hasTenure`],
  skipIn: [`${npcsc}office`],
})}`;
  return { main, embed: officeEmbed(ctx.ix, office, npcsc) };
}

function personBody(ctx: PageCtx, person: string, now: number | undefined): Body {
  const npcsc = npcscOf(ctx);
  const held = ctx.ix
    .subjects(`${npcsc}holder`, person)
    .filter((t) => ctx.ix.isA(t, `${npcsc}Tenure`))
    .sort((a, b) => (windowOf0(ctx, a) ?? 0) - (windowOf0(ctx, b) ?? 0));
  const under = ctx.ix
    .subjects(`${npcsc}servedUnder`, person)
    .filter((t) => ctx.ix.isA(t, `${npcsc}Tenure`))
    .sort((a, b) => (windowOf0(ctx, a) ?? 0) - (windowOf0(ctx, b) ?? 0));
  const main = html`${lead(ctx, person)}
${
  held.length
    ? html`<section id="tenures"><h2>${ctx.t.tenuresHeld}</h2>
${tenureTimeline(ctx, held, officeLabel(ctx), 'timeline', now)}
${tenureTable(ctx, held, ['office', 'start', 'end', 'terms'])}</section>`
    : ''
}
${
  under.length
    ? html`<section id="served-under"><h2>${ctx.t.servedUnderHere}</h2>${tenureTable(ctx, under, ['holder', 'office', 'start', 'end'])}</section>`
    : ''
}
${resourceSections(ctx, person, { skipOut: [`${npcsc}tenure`], skipIn: [`${npcsc}holder`, `${npcsc}servedUnder`] })}`;
  return { main, embed: personEmbed(ctx.ix, person) };
}

const windowOf0 = (ctx: PageCtx, tenure: string): number | undefined => {
  const v = ctx.ix.object(tenure, `${npcscOf(ctx)}startEarliest`)?.value;
  return v ? Date.parse(v) : undefined;
};

function tenureBody(ctx: PageCtx, tenure: string, now: number | undefined, fragments: readonly string[]): Body {
  const main = html`${lead(ctx, tenure)}
${tenureTimeline(ctx, [tenure], holderLabel(ctx), 'timeline', now)}
${tenureTable(ctx, [tenure], ['ordinal', 'holder', 'start', 'end', 'terms'])}
${resourceSections(ctx, tenure, { fragments })}`;
  return { main, embed: tenureEmbed(ctx.ix, tenure) };
}

function npcTermBody(ctx: PageCtx, term: string): Body {
  const npcsc = npcscOf(ctx);
  const tenures = ctx.ix
    .subjects(`${npcsc}npcTerm`, term)
    .filter((t) => ctx.ix.isA(t, `${npcsc}Tenure`))
    .sort()
    .sort((a, b) => (windowOf0(ctx, a) ?? 0) - (windowOf0(ctx, b) ?? 0));
  const main = html`${lead(ctx, term)}
${
  tenures.length
    ? html`<section id="tenures"><h2>${ctx.t.tenuresInTerm}</h2>${tenureTable(ctx, tenures, ['office', 'holder', 'start', 'end'])}</section>`
    : ''
}
${resourceSections(ctx, term, { skipIn: [`${npcsc}npcTerm`] })}`;
  return { main, embed: thingEmbed(ctx.ix, term) };
}

function noteBody(ctx: PageCtx, note: string): Body {
  const npcsc = npcscOf(ctx);
  const about = ctx.ix.iris(note, `${npcsc}noteAbout`);
  const main = html`<p class="lead">${ctx.t.noteAbout}: ${about.map((a) => link(ctx, a))}</p>
${noteBlock(ctx, note, true)}
${resourceSections(ctx, note, {
  sources: false,
  skipOut: [
    `${npcsc}chosenValue`,
    `${npcsc}alternativeValue`,
    `${npcsc}alternativeSource`,
    `${npcsc}noteAbout`,
    `${NS.dcterms}source`,
  ],
})}`;
  return { main, embed: thingEmbed(ctx.ix, note) };
}
