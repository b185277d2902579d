// The frame of every page: head (canonical, hreflang and format alternates, schema.org block), header, footer.
import { FORMAT_NAMES, type Format, LANGS, type Lang, MEDIA_TYPES, RDF_FORMATS } from '../formats.ts';
import { type Html, html, raw, scriptJson } from '../html.ts';
import type { Iris } from '../iris.ts';
import { crawlerForm } from '../jsonld-embed.ts';
import type { LangText } from '../view.ts';
import { type PageCtx, text } from './common.ts';

/** Where a page and its other versions are: one URL per language, one per RDF format. */
export interface PageUrls {
  byLang: Record<Lang, string>;
  rdf: [Format, string][];
}

export function docPageUrls(iris: Iris, key: string): PageUrls {
  return {
    byLang: { en: iris.docUrl(key, 'html', 'en'), 'zh-Hans': iris.docUrl(key, 'html', 'zh-Hans') },
    rdf: RDF_FORMATS.map((f) => [f, iris.docUrl(key, f)]),
  };
}

export function homeUrls(iris: Iris): PageUrls {
  return {
    byLang: { en: iris.url(''), 'zh-Hans': iris.url('index.zh-Hans.html') },
    rdf: RDF_FORMATS.map((f) => [f, iris.docUrl('doc/dataset/npcsc-kg', f)]),
  };
}

export interface PageSpec {
  title: LangText;
  /** Shown in the h1 after the title (the name in the other language). */
  titleAside?: Html | undefined;
  /** The <title> text (defaults to the h1's). */
  headTitle?: string;
  description?: string | undefined;
  /** Absent on error pages: no canonical link, no alternates. */
  urls?: PageUrls | undefined;
  /** The resource the page is about: "query this" opens a DESCRIBE of it. */
  topic?: string | undefined;
  embed?: object | undefined;
  /** The Open Graph type (default `website`). */
  ogType?: string | undefined;
  main: Html;
  bodyClass?: string;
  /** The text already in the search box (on the search page). */
  searched?: string;
  /** More of the head after the site's stylesheet (the query page's own styles). */
  head?: Html;
}

/** A link that opens the SPARQL endpoint prefilled with a query about `iri`. */
export function queryThisUrl(sparql: string, iri: string): string {
  return `${sparql}?query=${encodeURIComponent(`DESCRIBE <${iri}>`)}`;
}

export function layout(ctx: PageCtx, spec: PageSpec): string {
  const { t, iris, lang } = ctx;
  const other: Lang = lang === 'en' ? 'zh-Hans' : 'en';
  const home = lang === 'en' ? iris.url('') : iris.url('index.zh-Hans.html');
  const urls = spec.urls;
  const nav = (href: string, label: string) => html`<li><a href="${href}">${label}</a></li>`;
  const doc = html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${spec.headTitle ?? spec.title.text} · ${t.siteShort}</title>
${spec.description ? html`<meta name="description" content="${clip(spec.description)}">` : ''}
${urls ? alternates(urls, lang) : html`<meta name="robots" content="noindex">`}
${urls ? openGraph(ctx, spec, urls) : ''}
<link rel="stylesheet" href="${iris.url('assets/site.css')}">
<link rel="icon" href="${iris.url('assets/favicon.svg')}" type="image/svg+xml">${spec.head ?? ''}
${spec.embed ? html`<script type="application/ld+json">\n${scriptJson(crawlerForm(spec.embed, lang))}\n</script>` : ''}
</head>
<body${spec.bodyClass ? raw(` class="${spec.bodyClass}"`) : ''}>
<a class="skip" href="#main">${t.skip}</a>
<header class="site">
<a class="brand" href="${home}">${t.siteName}</a>
<nav aria-label="${t.siteShort}"><ul>
${nav(iris.href(`${iris.base}id/office/secretary-general`, lang), t.office)}
${nav(iris.docUrl('ontology', 'html', lang), t.ontology)}
${nav(iris.docUrl('doc/dataset/npcsc-kg', 'html', lang), t.dataset)}
${ctx.sparql ? nav(ctx.sparql, t.sparql) : ''}
${ctx.api ? nav(ctx.api, t.api) : ''}
</ul></nav>
${searchBox(ctx, spec.searched)}
${urls ? html`<a class="lang-switch" href="${urls.byLang[other]}" hreflang="${other}" lang="${other}" rel="alternate">${t.otherLanguage}</a>` : ''}
</header>
<main id="main">
<h1>${text(ctx, spec.title)}${spec.titleAside ?? ''}</h1>
${spec.main}
</main>
<footer class="site">
${urls && urls.rdf.length > 0 ? formatLinks(ctx, urls, spec.topic) : ''}
${spec.topic ? html`<p class="iri">${t.canonicalIri}: <code>${spec.topic}</code></p>` : ''}
<p>${t.footer}</p>
</footer>
</body>
</html>
`;
  return doc.s;
}

/** A description short enough for a search result: cut at a word (or, in Chinese, anywhere) with an ellipsis. */
function clip(text: string, max = 300): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:]+$/, '')}…`;
}

/** Open Graph locales (language_TERRITORY): simplified Chinese is written in mainland China. */
const OG_LOCALES: Record<Lang, string> = { en: 'en_US', 'zh-Hans': 'zh_CN' };

/** What a link shared on a social site or in a chat shows: title, description, the page's canonical URL. */
function openGraph(ctx: PageCtx, spec: PageSpec, urls: PageUrls): Html {
  const { t, lang } = ctx;
  return html`<meta property="og:title" content="${spec.headTitle ?? spec.title.text}">
${spec.description ? html`<meta property="og:description" content="${clip(spec.description)}">\n` : ''}<meta property="og:url" content="${urls.byLang[lang]}">
<meta property="og:type" content="${spec.ogType ?? 'website'}">
<meta property="og:site_name" content="${t.siteName}">
<meta property="og:locale" content="${OG_LOCALES[lang]}">
${LANGS.filter((l) => l !== lang).map((l) => html`<meta property="og:locale:alternate" content="${OG_LOCALES[l]}">\n`)}`;
}

/** The search box: a plain form (no script), to the search route in the page's language. */
function searchBox(ctx: PageCtx, value: string | undefined): Html | '' {
  if (!ctx.search) return '';
  const { t, lang } = ctx;
  return html`<form class="search" role="search" action="${ctx.search}" method="get">
<input type="search" name="q" value="${value ?? ''}" placeholder="${t.searchPlaceholder}" aria-label="${t.search}" maxlength="200" required>
${lang === 'en' ? '' : html`<input type="hidden" name="lang" value="${lang}">`}<button type="submit">${t.search}</button>
</form>`;
}

function alternates(urls: PageUrls, lang: Lang): Html {
  return html`<link rel="canonical" href="${urls.byLang[lang]}">
${LANGS.map((l) => html`<link rel="alternate" hreflang="${l}" href="${urls.byLang[l]}">\n`)}<link rel="alternate" hreflang="x-default" href="${urls.byLang.en}">
${urls.rdf.map(([f, url]) => html`<link rel="alternate" type="${MEDIA_TYPES[f]}" href="${url}" title="${FORMAT_NAMES[f]}">\n`)}`;
}

function formatLinks(ctx: PageCtx, urls: PageUrls, topic: string | undefined): Html {
  return html`<p class="formats">${ctx.t.formats}: ${urls.rdf.map(
    ([f, url], i) => html`${i ? ' · ' : ''}<a href="${url}" type="${MEDIA_TYPES[f]}">${FORMAT_NAMES[f]}</a>`,
  )}${
    ctx.sparql && topic
      ? html` · <a class="query-this" href="${queryThisUrl(ctx.sparql, topic)}">${ctx.t.queryThis}</a>`
      : ''
  }</p>`;
}
