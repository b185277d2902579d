// The query page for browsers at /sparql: YASGUI served from our own node_modules (no CDN), the example queries in a menu, prefixes prefilled.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from 'hono';
import type { Config } from '../config.ts';
import { Variants } from '../http/compress.ts';
import { notFound } from '../http/errors.ts';
import { QUERY_PAGE_CSP, SECURITY_HEADERS, securityHeaders } from '../http/headers.ts';
import type { AppContext } from '../http/route.ts';
import { type Lang, suffixOf } from '../publish/formats.ts';
import { type Html, html, raw } from '../publish/html.ts';
import { strings } from '../publish/i18n.ts';
import { Iris } from '../publish/iris.ts';
import type { PageCtx } from '../publish/pages/common.ts';
import { layout } from '../publish/pages/layout.ts';
import { StoreView } from '../publish/view.ts';
import { Vocabulary } from '../publish/vocabulary.ts';
import type { QueryFile } from '../rdf/queries.ts';
import { etagOf } from './cache.ts';
import { bindParams } from './params.ts';
import { parseSparql } from './parse.ts';
import { termToNt } from './results.ts';

export interface Example {
  name: string;
  title: string;
  description: string;
  query: string;
  /** Set when the query calls the project's own functions: it runs as this API path, not on /sparql. */
  api?: string;
}

/**
 * An example as the editor shows it: the stored text, and when it takes parameters, a VALUES block with their
 * defaults written by the term serializer, so that it runs as it stands. The block opens the WHERE group, where
 * the API's bindings act: a VALUES after the solution modifiers joins only once the group has been evaluated,
 * so a FILTER in it would see the parameter unbound and drop every row. `whereBody`, where that group opens in the
 * text, is given when already known (src/sparql/stored.ts keeps it): the text is not parsed again then.
 */
export function example(file: QueryFile, base: string, extensions = false, whereBody?: number): Example {
  let query = file.text.trimEnd();
  if (file.params.length > 0) {
    const terms = bindParams(file, {}, base);
    const vars = file.params.map((p) => `?${p.name}`).join(' ');
    const row = file.params.map((p) => termToNt(terms[p.name] as Parameters<typeof termToNt>[0])).join(' ');
    const parsed = whereBody === undefined ? parseSparql(query, base) : undefined;
    const at = whereBody ?? (parsed?.kind === 'query' ? parsed.whereBody : undefined);
    if (at === undefined) throw new Error(`${file.file}: a query with parameters needs a WHERE group to bind them in`);
    const values = `\n  # The parameters' default values; change them here.\n  VALUES (${vars}) { (${row}) }`;
    query = `${query.slice(0, at)}${values}${query.slice(at)}\n`;
  }
  return {
    name: file.name,
    title: file.title,
    description: file.description,
    query,
    ...(extensions ? { api: `api/${file.name}` } : {}),
  };
}

/** The query a new tab starts with: every prefix of the dataset declared, and a first question to ask. */
export function defaultQuery(prefixes: Record<string, string>): string {
  const width = Math.max(...Object.keys(prefixes).map((p) => p.length));
  const lines = Object.entries(prefixes).map(([p, ns]) => `PREFIX ${`${p}:`.padEnd(width + 1)} <${ns}>`);
  return `${lines.join('\n')}

SELECT ?ordinal ?holder ?name WHERE {
  ?tenure npcsc:office office:secretary-general ; npcsc:ordinal ?ordinal ; npcsc:holder ?holder .
  ?holder rdfs:label ?name . FILTER (langMatches(lang(?name), "en"))
}
ORDER BY ?ordinal
`;
}

/** JSON for a <script type="application/json"> island: `<` escaped so no value can close the element. */
const jsonIsland = (value: unknown): string =>
  JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');

/** The page's own words; the site's (header, title) come from the pages' strings. */
const WORDS = {
  en: {
    description:
      'Ask the knowledge graph of the Secretary-General of the NPC Standing Committee in SPARQL 1.1: example queries, the endpoint\u2019s limits and its web API.',
    intro: (triples: number, base: string) =>
      html`Query the knowledge graph of the Secretary-General of the Standing Committee of the National People\u2019s Congress
(${triples} triples) with SPARQL 1.1. Relative IRIs resolve against <code>${base}</code>.`,
    examples: 'Example queries:',
    choose: 'Choose an example\u2026',
    apiOnly: ' (web API only)',
    apiNote: (link: Html) =>
      html`This example calls the project\u2019s own date functions, which the public endpoint does not offer: its results are at ${link}.`,
    theApi: 'the web API',
    limitsSummary: 'Limits and the rest of the interface',
    limits: (L: Config['limits'], services: string) =>
      html`Read-only. Queries of at most ${L.queryLength} characters; at most ${L.resultRows} rows or triples per answer
(a longer result is cut, and the <code>Results-Truncated</code> header says so); ${L.timeoutMs} ms per query;
${L.concurrency} queries at once. <code>FROM</code> and IRIs are never fetched; <code>SERVICE</code> reaches only
${services || 'no endpoint'}.`,
    machines: (openapi: Html) =>
      html`Machines: <code>GET</code> or <code>POST</code> this address (SPARQL 1.1 Protocol); without a query it answers
its service description in Turtle, N-Triples, JSON-LD or RDF/XML. The example queries are also a web API: ${openapi}.`,
    openapi: 'OpenAPI description',
    editor: 'The query editor and its results',
    endpointField: 'SPARQL endpoint address',
  },
  'zh-Hans': {
    description: '用 SPARQL 1.1 查询全国人大常委会秘书长知识图谱：示例查询、查询端点的限制及其 Web API。',
    intro: (triples: number, base: string) =>
      html`用 SPARQL 1.1 查询全国人民代表大会常务委员会秘书长知识图谱（共 ${triples} 个三元组）。相对 IRI 以 <code>${base}</code> 为基准解析。`,
    examples: '示例查询：',
    choose: '选择一个示例\u2026',
    apiOnly: '（仅限 Web API）',
    apiNote: (link: Html) => html`此示例调用本项目自己的日期函数，公开的查询端点不提供这些函数：其结果见${link}。`,
    theApi: 'Web API',
    limitsSummary: '限制与其他接口',
    limits: (L: Config['limits'], services: string) =>
      html`只读。查询至多 ${L.queryLength} 个字符；每个答案至多 ${L.resultRows} 行或三元组（更长的结果会被截断，并由
<code>Results-Truncated</code> 响应头注明）；每个查询至多 ${L.timeoutMs} 毫秒；同时至多 ${L.concurrency} 个查询。<code>FROM</code>
和 IRI 从不被抓取；${services ? html`<code>SERVICE</code> 只能访问 ${services}` : html`<code>SERVICE</code> 不能访问任何端点`}。`,
    machines: (openapi: Html) =>
      html`程序：对此地址发送 <code>GET</code> 或 <code>POST</code> 请求（SPARQL 1.1 协议）；不带查询时，它以 Turtle、N-Triples、JSON-LD
或 RDF/XML 返回服务描述。示例查询也是一个 Web API：${openapi}。`,
    openapi: 'OpenAPI 描述',
    editor: '查询编辑器及其结果',
    endpointField: 'SPARQL 查询端点地址',
  },
} satisfies Record<Lang, unknown>;

/** Where the query page is in each language: /sparql, and beside it the Chinese one, as the pages' suffixes go. */
export const QUERY_PAGE_PATHS: Record<Lang, string> = { en: 'sparql', 'zh-Hans': 'sparql.zh-Hans.html' };

/**
 * The query page in one language, in the site's frame (header, navigation, language switch, footer). The
 * script, styles and endpoint are addressed relative to the page, so they hold wherever the server is mounted;
 * result IRIs of this dataset link to its pages at the public base, as the pages' own links do.
 */
export function queryPage(ctx: AppContext, examples: readonly Example[], lang: Lang = 'en'): (c: Context) => Response {
  const { config, graph } = ctx;
  const w = WORDS[lang];
  const t = strings(lang);
  const iris = new Iris(graph.base, config.publicBase);
  const page: PageCtx = {
    lang,
    t,
    iris,
    vocab: new Vocabulary(graph),
    ix: new StoreView(graph.store),
    sparql: iris.url(QUERY_PAGE_PATHS[lang]),
    api: iris.url('api/openapi.json'),
    search: iris.url('search'),
  };
  const island = jsonIsland({
    endpoint: 'sparql',
    defaultQuery: defaultQuery(graph.prefixes),
    examples,
    // What the page's script needs to map a result IRI to its page: the same rule as Iris.href.
    links: { base: graph.base, publicBase: config.publicBase, suffix: suffixOf('html', lang) },
    labels: { endpoint: w.endpointField },
  });
  // The examples' titles and YASGUI's own controls are English on either page, and marked so.
  const en = lang === 'en' ? '' : raw(' lang="en"');
  const main = html`<div class="query-intro">
<p>${w.intro(graph.counts.total, graph.base)}</p>
<div class="examples">
<label for="examples">${w.examples}</label>
<select id="examples">
<option value="">${w.choose}</option>
${examples.map((e) => html`<option value="${e.name}" title="${e.description}"${en}>${e.title}${e.api ? w.apiOnly : ''}</option>`)}
</select>
<p id="example-note" hidden>${w.apiNote(html`<a id="example-api" href="">${w.theApi}</a>`)}</p>
</div>
<details id="limits">
<summary>${w.limitsSummary}</summary>
<p>${w.limits(config.limits, config.serviceAllowlist.join(', '))}</p>
<p>${w.machines(html`<a href="api/openapi.json">${w.openapi}</a>`)}</p>
</details>
</div>
<section id="yasgui" aria-label="${w.editor}"${en}></section>
<script type="application/json" id="query-page-config">${raw(island)}</script>
<script src="assets/yasgui/yasgui.min.js"></script>
<script src="assets/yasgui/query-page.js"></script>`;
  const body = layout(page, {
    title: { text: t.sparqlEndpoint, lang },
    description: w.description,
    urls: { byLang: { en: iris.url(QUERY_PAGE_PATHS.en), 'zh-Hans': iris.url(QUERY_PAGE_PATHS['zh-Hans']) }, rdf: [] },
    main,
    bodyClass: 'query-page',
    head: html`
<link rel="stylesheet" href="assets/yasgui/yasgui.min.css">
<link rel="stylesheet" href="assets/yasgui/query-page.css">`,
  });
  const etag = etagOf(graph.hash, 'query-page', lang, body);
  // Compressed once per coding, on first use: the page is some kilobytes of HTML and JSON (the examples).
  const variants = new Variants(
    body,
    {
      'content-type': 'text/html; charset=utf-8',
      'content-language': lang,
      ...securityHeaders('text/html', QUERY_PAGE_CSP),
      'cache-control': 'public, max-age=300',
      vary: 'Accept',
    },
    etag,
  );
  return (c) => {
    return variants.respond(c.req.header('accept-encoding'), c.req.header('if-none-match'));
  };
}

const here = path.dirname(fileURLToPath(import.meta.url));

/** Where each served asset comes from: YASGUI's build in node_modules, and this page's own script and style. */
function assetFile(name: string): { file: string; type: string } | undefined {
  const yasgui = () => path.dirname(createRequire(import.meta.url).resolve('@zazuko/yasgui'));
  switch (name) {
    case 'yasgui.min.js':
      return { file: path.join(yasgui(), name), type: 'text/javascript; charset=utf-8' };
    case 'yasgui.min.css':
      return { file: path.join(yasgui(), name), type: 'text/css; charset=utf-8' };
    case 'query-page.js':
      return { file: path.join(here, 'assets', name), type: 'text/javascript; charset=utf-8' };
    case 'query-page.css':
      return { file: path.join(here, 'assets', name), type: 'text/css; charset=utf-8' };
    default:
      return undefined;
  }
}

/**
 * Serves /assets/yasgui/:file, read once, through the same content coding as every other answer (br or gzip as
 * Accept-Encoding weighs them, an ETag per coding, Vary, 304).
 */
export function queryPageAssets(): (c: Context) => Response {
  const loaded = new Map<string, Variants>();
  return (c) => {
    const name = c.req.param('file') ?? '';
    let asset = loaded.get(name);
    if (!asset) {
      const where = assetFile(name);
      if (!where) throw notFound();
      const body = new Uint8Array(readFileSync(where.file));
      const headers = { 'content-type': where.type, 'cache-control': 'public, max-age=86400', ...SECURITY_HEADERS };
      asset = new Variants(body, headers, etagOf(body));
      loaded.set(name, asset);
    }
    return asset.respond(c.req.header('accept-encoding'), c.req.header('if-none-match'));
  };
}
