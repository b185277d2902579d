// The home page: what the dataset is, the office and its holders, everything to explore, and where the data is.
import { NS } from '../../rdf/ns.ts';
import { DUMPS } from '../dataset.ts';
import { type Html, html } from '../html.ts';
import { datasetEmbed } from '../jsonld-embed.ts';
import type { View } from '../view.ts';
import { nameOf, pickLiteral } from '../view.ts';
import { link, nameText, type PageCtx } from './common.ts';
import { homeUrls, layout } from './layout.ts';
import { tenureTable } from './tenures.ts';

/**
 * Entries a list on the home page shows at most: the dataset's lists are far shorter; a generated graph of
 * a thousand offices would otherwise make a home page of megabytes. The sitemap lists everything.
 */
export const HOME_LIST_MAX = 500;

export interface HomeData {
  /** Index of the dataset document (the embed must be true of it). */
  datasetIx: View;
  stats: { triples: number; entities: number };
  /** Entries a list shows at most (HOME_LIST_MAX unless given). */
  listMax?: number;
}

export function homePage(ctx: PageCtx, data: HomeData): string {
  const { t, iris, ix, lang } = ctx;
  const npcsc = `${iris.base}ontology#`;
  const ds = iris.dataset;
  const office = `${iris.base}id/office/secretary-general`;
  const collator = new Intl.Collator(lang);
  const ofType = (type: string) =>
    ix
      .subjects(`${NS.rdf}type`, type)
      .filter((s) => iris.keyOf(s) && !s.includes('#'))
      .map((s) => ({ s, name: nameOf(ix, s, lang).text }))
      .sort((a, b) => collator.compare(a.name, b.name))
      .map(({ s }) => s);
  const ord = (s: string) => Number(ix.object(s, `${npcsc}ordinal`)?.value ?? 0);
  const sgTenures = ix
    .subjects(`${npcsc}office`, office)
    .filter((s) => ix.isA(s, `${npcsc}Tenure`))
    .sort((a, b) => ord(a) - ord(b));
  const chairTenures = ix
    .subjects(`${npcsc}office`, `${iris.base}id/office/chairperson`)
    .filter((s) => ix.isA(s, `${npcsc}Tenure`))
    .sort((a, b) => ord(a) - ord(b));
  const terms = [...ix.subjects(`${NS.rdf}type`, `${npcsc}NPCTerm`)].sort(
    (a, b) => Number(ix.object(a, `${npcsc}termNumber`)?.value) - Number(ix.object(b, `${npcsc}termNumber`)?.value),
  );
  const others = [...ofType(`${NS.schema}Legislation`), ...ofType(`${NS.schema}Place`)];
  const max = data.listMax ?? HOME_LIST_MAX;
  const capped = (items: readonly string[], item: (s: string) => Html): Html =>
    html`<ul class="columns">${items.slice(0, max).map(item)}</ul>${
      items.length > max
        ? html`<p class="more"><a href="${iris.url('sitemap.xml')}">${t.andMore(items.length - max)}</a></p>`
        : ''
    }`;
  const list = (items: readonly string[]): Html => capped(items, (s) => html`<li>${link(ctx, s)}</li>`);
  const description = pickLiteral(data.datasetIx.objects(ds, `${NS.dcterms}description`), lang);
  const title = pickLiteral(data.datasetIx.objects(ds, `${NS.dcterms}title`), lang) ?? {
    text: t.siteName,
    lang,
  };
  const dumpName: Record<string, string> = {
    'dump.ttl': 'Turtle',
    'dump.nt': 'N-Triples',
    'dump.jsonld': 'JSON-LD',
    'dump.csv': 'CSV',
  };

  const main = html`<p class="lead">${t.homeLead}</p>
<p class="stats">${t.statistics(data.stats.triples, data.stats.entities)}</p>
<section id="office"><h2>${link(ctx, office)}</h2>
${tenureTable(ctx, sgTenures, ['ordinal', 'holder', 'start', 'end', 'terms'], t.secretaryGeneralTenures)}
</section>
<section id="data"><h2>${t.data}</h2><ul class="services">
${ctx.sparql ? html`<li><a href="${ctx.sparql}">${t.sparqlEndpoint}</a></li>` : ''}
${ctx.api ? html`<li><a href="${ctx.api}">${t.apiDescription}</a></li>` : ''}
<li>${t.dumps}: ${DUMPS.map((d, i) => html`${i ? ' · ' : ''}<a href="${iris.url(d.path)}" type="${d.mediaType}" download>${dumpName[d.path] ?? d.path}</a>`)}</li>
<li><a href="${iris.docUrl('doc/dataset/npcsc-kg', 'html', lang)}">${t.voidDescription}</a> (<a href="${iris.url('.well-known/void')}" type="text/turtle">/.well-known/void</a>)</li>
<li><a href="${iris.docUrl('ontology', 'html', lang)}">${t.ontology}</a></li>
<li><a href="${iris.url('context.jsonld')}" type="application/ld+json">${t.context}</a> · <a href="${iris.url('sitemap.xml')}">${t.sitemap}</a></li>
</ul>
${description ? html`<p class="description">${description.text}</p>` : ''}
</section>
<section id="explore"><h2>${t.explore}</h2>
<h3>${t.offices}</h3>${list(ofType(`${npcsc}Office`))}
<h3>${t.organisations}</h3>${list(ofType(`${NS.org}Organization`))}
<h3>${t.people}</h3>${list(ofType(`${NS.schema}Person`))}
<h3>${t.chairpersonTenures}</h3>
${tenureTable(ctx, chairTenures, ['ordinal', 'holder', 'start', 'end'])}
<h3>${t.npcTermsAll}</h3><ul class="columns">${terms.map((s) => html`<li>${link(ctx, s)}</li>`)}</ul>
${others.length ? html`<h3>${t.otherThings}</h3>${list(others)}` : ''}
<h3>${t.notes}</h3>${capped([...ix.subjects(`${NS.rdf}type`, `${npcsc}ConflictNote`)].sort(), (n) => {
    const about = ix.iris(n, `${npcsc}noteAbout`)[0];
    const prop = ix.iris(n, `${npcsc}noteProperty`)[0];
    return html`<li>${link(ctx, n, html`${about ? nameText(ctx, about) : ''}${prop ? html` — ${ctx.vocab.label(prop, lang)}` : ''}`)}</li>`;
  })}
</section>`;
  return layout(ctx, {
    title,
    headTitle: t.siteName,
    description: t.homeLead,
    urls: homeUrls(iris),
    topic: ds,
    embed: datasetEmbed(data.datasetIx, ds),
    main,
    bodyClass: 'home',
  });
}
