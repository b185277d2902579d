// The query page for browsers at /sparql: YASGUI served from our own node_modules (no CDN), the example queries in a menu, prefixes prefilled.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from 'hono';
import { html, raw } from 'hono/html';
import { type AppContext, QUERY_PAGE_CSP, SECURITY_HEADERS, securityHeaders } from '../http/app.ts';
import { Variants } from '../http/compress.ts';
import { notFound } from '../http/errors.ts';
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
 * so a FILTER in it would see the parameter unbound and drop every row.
 */
export function example(file: QueryFile, base: string, extensions = false): Example {
  let query = file.text.trimEnd();
  if (file.params.length > 0) {
    const terms = bindParams(file, {}, base);
    const vars = file.params.map((p) => `?${p.name}`).join(' ');
    const row = file.params.map((p) => termToNt(terms[p.name] as Parameters<typeof termToNt>[0])).join(' ');
    const parsed = parseSparql(query, base);
    const at = parsed.kind === 'query' ? parsed.whereBody : undefined;
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

export function queryPage(ctx: AppContext, examples: readonly Example[]): (c: Context) => Response {
  const { config, graph } = ctx;
  const L = config.limits;
  const island = jsonIsland({ endpoint: 'sparql', defaultQuery: defaultQuery(graph.prefixes), examples });
  // Links are relative to /sparql, so they hold wherever the server is mounted.
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>SPARQL endpoint · npcsc-kg</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="assets/yasgui/yasgui.min.css">
<link rel="stylesheet" href="assets/yasgui/query-page.css">
</head>
<body>
<header>
<h1>SPARQL endpoint</h1>
<p>Query the knowledge graph of the Secretary-General of the Standing Committee of the National People's Congress
(${graph.counts.total} triples) with SPARQL 1.1. Relative IRIs resolve against <code>${graph.base}</code>.</p>
<div class="examples">
<label for="examples">Example queries:</label>
<select id="examples">
<option value="">Choose an example…</option>
${examples.map((e) => html`<option value="${e.name}" title="${e.description}">${e.title}${e.api ? ' (web API only)' : ''}</option>`)}
</select>
<p id="example-note" hidden>This example calls the project's own date functions, which the public endpoint does
not offer: its results are at <a id="example-api" href="">the web API</a>.</p>
</div>
<details id="limits">
<summary>Limits and the rest of the interface</summary>
<p>Read-only. Queries of at most ${L.queryLength} characters; at most ${L.resultRows} rows or triples per answer
(a longer result is cut, and the <code>Results-Truncated</code> header says so); ${L.timeoutMs} ms per query;
${L.concurrency} queries at once. <code>FROM</code> and IRIs are never fetched; <code>SERVICE</code> reaches only
${config.serviceAllowlist.join(', ') || 'no endpoint'}.</p>
<p>Machines: <code>GET</code> or <code>POST</code> this address (SPARQL 1.1 Protocol); without a query it answers
its service description in Turtle, N-Triples, JSON-LD or RDF/XML. The example queries are also a web API:
<a href="api/openapi.json">OpenAPI description</a>.</p>
</details>
</header>
<main id="yasgui"></main>
<script type="application/json" id="query-page-config">${raw(island)}</script>
<script src="assets/yasgui/yasgui.min.js"></script>
<script src="assets/yasgui/query-page.js"></script>
</body>
</html>
`;
  const body = String(page);
  const etag = etagOf(graph.hash, 'query-page', body);
  // Compressed once per coding, on first use: the page is some kilobytes of HTML and JSON (the examples).
  const variants = new Variants(
    body,
    {
      'content-type': 'text/html; charset=utf-8',
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
