// The static export: the whole site as files (every document in every format, pages in both languages, dumps,
// sitemap, context, ontology) plus redirect rules for /id → /doc, written atomically.
//
// Layout of the export (served at the public base, default the canonical base):
//   index.html, index.zh-Hans.html              home page (English, simplified Chinese)
//   doc/{kind}/{slug}.html | .zh-Hans.html      pages, one file per language (links between pages use them)
//   doc/{kind}/{slug}.ttl | .nt | .jsonld | .rdf | .nq | .trig   RDF documents
//   ontology.html | .zh-Hans.html | .ttl | …     the ontology document
//   dump.ttl | .nt | .jsonld | .csv (+ .gz)     dumps; .gz beside them for servers that send precompressed files
//   sitemap.xml, robots.txt, context.jsonld, assets/, .well-known/void, 404.html
//   sitemap-1.xml, sitemap-2.xml, …              past 50,000 URLs or 50 MB: sitemap.xml indexes them
//   _redirects, _headers                         Netlify-style rules: /id/* 303 → /doc/*, media types
//   nginx.conf                                   the same rules for nginx, negotiating Accept as the server does
//   w3id.org/npcsc/.htaccess                     w3id.org's rules: canonical IRIs 303 → documents here (htaccess.ts)
// A plain static server resolves every link in every page; /id/… and extension-less /doc/… need the rules.

import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { crashPoint, writeFolderAtomically } from '../atomic.ts';
import type { Config } from '../config.ts';
import { PAGE_CSP, SECURITY_HEADERS } from '../http/headers.ts';
import { DUMP_TYPES, type DumpName } from '../publish/dumps.ts';
import { CONTENT_TYPES, RDF_FORMATS, suffixOf } from '../publish/formats.ts';
import { Publisher, type Representation } from '../publish/publisher.ts';
import type { Graph } from '../rdf/graph.ts';
import { htaccessFile, htaccessPath } from './htaccess.ts';
import { nginxAcceptMap } from './nginx-accept.ts';

export interface ExportOptions {
  /** Public URL of a live SPARQL endpoint to link to; without one, pages carry no SPARQL links. */
  sparqlEndpoint?: string | undefined;
  /**
   * Public URL of a running server's /search for the pages' search box, on the export's own origin (the pages'
   * policy lets forms go to this site only: the host routes that path to `npcsc-kg serve`); without one, no box.
   */
  search?: string | undefined;
  /** Called after each file is rendered; throwing aborts the export (the previous one stays). */
  onProgress?: (done: number, total: number) => void;
  /** Most URLs in one sitemap file (default 50,000); past it sitemap.xml indexes sitemap-1.xml, sitemap-2.xml, … */
  sitemapMaxUrls?: number | undefined;
}

export interface ExportResult {
  dir: string;
  files: number;
  bytes: number;
  ms: number;
}

type Job = [file: string, render: () => Representation | Promise<Representation> | string];

/** Renders every file of the site into `dir`, atomically: a new folder is swapped in only when complete. */
export async function exportSite(
  graph: Graph,
  config: Config,
  dir: string,
  opts: ExportOptions = {},
): Promise<ExportResult> {
  const started = performance.now();
  // Each file is rendered once and written: nothing is kept (at 1M triples the site is gigabytes).
  const pub = new Publisher(graph, config, {
    sparqlEndpoint: opts.sparqlEndpoint,
    search: opts.search,
    sitemapMaxUrls: opts.sitemapMaxUrls,
    documentCacheBytes: 0,
  });
  const jobs: Job[] = [
    ['index.html', () => pub.home('en')],
    ['index.zh-Hans.html', () => pub.home('zh-Hans')],
  ];
  for (const key of pub.keys.keys()) {
    jobs.push([`${key}${suffixOf('html', 'en')}`, () => pub.document(key, 'html', 'en')]);
    jobs.push([`${key}${suffixOf('html', 'zh-Hans')}`, () => pub.document(key, 'html', 'zh-Hans')]);
    for (const f of RDF_FORMATS) jobs.push([`${key}${suffixOf(f)}`, () => pub.document(key, f, 'en')]);
  }
  for (const name of ['dump.ttl', 'dump.nt', 'dump.jsonld', 'dump.csv'] as DumpName[]) {
    jobs.push([name, () => pub.dump(name)]);
  }
  jobs.push(
    ['sitemap.xml', () => pub.sitemap()],
    ...Array.from(
      { length: pub.sitemapParts() },
      (_, i): Job => [pub.sitemapPartName(i + 1), () => pub.sitemapPart(i + 1)],
    ),
    ['robots.txt', () => pub.robots()],
    ['context.jsonld', () => pub.context()],
    ['assets/site.css', () => pub.asset('site.css')],
    ['assets/favicon.svg', () => pub.asset('favicon.svg')],
    ['.well-known/void', () => pub.document('doc/dataset/npcsc-kg', 'turtle', 'en')],
    ['404.html', async () => pub.notFound(`${graph.base}id/`, 'html', 'en')],
    ['_redirects', () => redirectsFile(pub)],
    ['_headers', () => headersFile(pub)],
    ['nginx.conf', () => nginxSnippet(pub)],
    [htaccessPath(pub.iris.base), () => htaccessFile(pub.iris.base, pub.iris.publicBase)],
  );

  const target = path.resolve(dir);
  let bytes = 0;
  // Every file carries the day the data last changed as its time, not the day it was written: a static server
  // sends that as Last-Modified (the same the app sends) and derives its ETag from it and the size (nginx,
  // Apache), so every copy of one export, wherever and whenever it is unpacked by a tool that keeps times,
  // answers alike. Without a day in the data, the files keep the time they were written.
  const day = pub.modified === undefined ? undefined : new Date(`${pub.modified}T00:00:00Z`);
  const stamp = (file: string) => {
    if (day) utimesSync(file, day, day);
  };
  await writeFolderAtomically(target, async (tmp) => {
    const made = new Set<string>([tmp]);
    for (let i = 0; i < jobs.length; i++) {
      const [file, render] = jobs[i] as Job;
      const out = await render();
      const body = typeof out === 'string' ? Buffer.from(out) : out.body;
      // An IRI in the data with dot segments (id/x/../../..) would name a file outside the export, or another file.
      if (file.split(/[/\\]/).some((segment) => segment === '.' || segment === '..')) {
        throw new Error(
          `refusing to write ${JSON.stringify(file)}: a document path with . or .. segments (check the IRIs)`,
        );
      }
      const full = path.join(tmp, file);
      const parent = path.dirname(full);
      if (!made.has(parent)) {
        mkdirSync(parent, { recursive: true });
        made.add(parent);
      }
      writeFileSync(full, body);
      stamp(full);
      bytes += body.byteLength;
      if (file.startsWith('dump.') && typeof out !== 'string') {
        writeFileSync(`${full}.gz`, out.gzipped() ?? gzipSync(body));
        stamp(`${full}.gz`);
      }
      if (i === 0) crashPoint('writing');
      opts.onProgress?.(i + 1, jobs.length);
    }
  });
  return { dir: target, files: jobs.length, bytes, ms: performance.now() - started };
}

const prefixOf = (pub: Publisher) => new URL(pub.iris.publicBase).pathname;

/** Netlify-style rules: 303 from identifiers to documents, pages for extension-less paths, Chinese by Accept-Language. */
export function redirectsFile(pub: Publisher): string {
  const p = prefixOf(pub);
  return `# npcsc-kg static export: redirect rules in the _redirects format (Netlify, Cloudflare Pages and others).
# Identifiers answer 303 See Other with their document; a static host cannot read Accept, so the document is
# the HTML page (RDF clients fetch ${p}doc/{kind}/{slug}.ttl, .nt, .jsonld, .rdf, .nq or .trig directly).
${p}id/*  ${p}doc/:splat  303
${p}doc/*  ${p}doc/:splat.zh-Hans.html  200  Language=zh
${p}doc/*  ${p}doc/:splat.html  200
${p}ontology/alignments  ${p}ontology.html  200
${p}ontology  ${p}ontology.zh-Hans.html  200  Language=zh
${p}ontology  ${p}ontology.html  200
${p}dataset  ${p}doc/dataset/npcsc-kg.html  200
${p}  ${p}index.zh-Hans.html  200  Language=zh
`;
}

/** Media types for the RDF files and the VoID description (Netlify-style _headers). */
export function headersFile(pub: Publisher): string {
  const p = prefixOf(pub);
  const rule = (pattern: string, type: string) =>
    `${p}${pattern}\n  Content-Type: ${type}\n  Access-Control-Allow-Origin: *\n`;
  // The server's security headers (src/http/headers.ts owns them) on every file; the pages' policy fits them all.
  const security = Object.entries({ ...SECURITY_HEADERS, 'content-security-policy': PAGE_CSP })
    .map(([k, v]) => `  ${k.replace(/(^|-)\w/g, (c) => c.toUpperCase())}: ${v}\n`)
    .join('');
  return `# npcsc-kg static export: response headers in the _headers format.
${p}*\n${security}${RDF_FORMATS.map((f) => rule(`*${suffixOf(f)}`, CONTENT_TYPES[f])).join('')}${rule('dump.csv', 'text/csv; charset=utf-8; header=present')}${rule(
    '.well-known/void',
    'text/turtle; charset=utf-8',
  )}`;
}

/** A value as an nginx string: quoted; nginx has no escape for `$` (a variable), so a value may not hold one. */
function nginxString(value: string): string {
  if (/[$\\"]|\p{Cc}/u.test(value)) throw new Error(`cannot write ${JSON.stringify(value)} as an nginx string`);
  return `"${value}"`;
}

/**
 * The headers on every nginx answer, 303 and 404 included (`always`): the server's security headers (src/http/headers.ts
 * owns them; the pages' policy fits every file, as in _headers) and CORS, as the server sends them.
 */
function nginxHeaders(indent: string): string {
  const headers = { ...SECURITY_HEADERS, 'content-security-policy': PAGE_CSP, 'access-control-allow-origin': '*' };
  return Object.entries(headers)
    .map(([k, v]) => `${indent}add_header ${k.replace(/(^|-)\w/g, (c) => c.toUpperCase())} ${nginxString(v)} always;\n`)
    .join('');
}

/** Media types by extension, for every kind of file in the export (the server's own types where it has them). */
function nginxTypes(indent: string): string {
  const types: [type: string, extension: string][] = [
    [CONTENT_TYPES.html, 'html'],
    ...RDF_FORMATS.map((f): [string, string] => [CONTENT_TYPES[f], suffixOf(f).slice(1)]),
    [DUMP_TYPES['dump.csv'], 'csv'],
    ['text/css; charset=utf-8', 'css'],
    ['image/svg+xml', 'svg'],
    ['application/xml; charset=utf-8', 'xml'],
    ['text/plain; charset=utf-8', 'txt'],
    ['application/gzip', 'gz'],
  ];
  return types.map(([type, ext]) => `${indent}${nginxString(type).padEnd(45)} ${ext};\n`).join('');
}

/**
 * The same rules for nginx, with content negotiation: the map goes in the http block, the rest in the server.
 * nginx's add_header is inherited only by a location with none of its own: the shared headers go at server level
 * and again in every location that adds one.
 */
export function nginxSnippet(pub: Publisher): string {
  const p = prefixOf(pub);
  const base = pub.iris.publicBase;
  const headers = nginxHeaders('    ');
  // A location that negotiates on Accept: Vary says so, and the shared headers come again.
  const negotiated = (match: string, lines: string[]) =>
    `location ${match} {\n${headers}    add_header Vary "Accept" always;\n${lines.map((l) => `    ${l}\n`).join('')}}\n`;
  const locations = [
    negotiated(`~ ^${p}id/(.+)$`, [
      '# Only an identifier with a document answers 303; any other is a 404, as on the server.',
      `if (!-f $document_root${p}doc/$1.html) { return 404; }`,
      `return 303 ${base}doc/$1$npcsc_ext;`,
    ]),
    negotiated(`^~ ${p}doc/`, ['try_files $uri $uri$npcsc_ext =404;']),
    negotiated(`= ${p}ontology`, [`try_files ${p}ontology$npcsc_ext =404;`]),
    negotiated(`= ${p}ontology/alignments`, [`try_files ${p}ontology$npcsc_ext =404;`]),
    negotiated(`= ${p}dataset`, [`try_files ${p}doc/dataset/npcsc-kg$npcsc_ext =404;`]),
    `location = ${p}.well-known/void { default_type ${nginxString(CONTENT_TYPES.turtle)}; }\n`,
    "# The dumps' precompressed .gz beside them, when the client takes gzip.\n",
    `location ~ ^${p}dump\\.(ttl|nt|jsonld|csv)$ { gzip_static on; gzip_vary on; }\n`,
  ];
  return `# npcsc-kg static export: nginx rules. Serve the export directory at ${base}
# (root so that ${p} maps to the export directory), put the map in the http {} block and the rest in
# the server {} block. /id/… answers 303 with the document in the format Accept asks for.

# --- http {} block
# The format Accept asks for, as the server's own negotiation picks it: exactly for the headers real clients
# send, by q-value (to the tenth) for the rest (src/export/nginx-accept.ts says how).
${nginxAcceptMap()}
# --- server {} block
# On every answer, 303 and 404 included. A location below that adds a header of its own inherits none of these
# and repeats them: add any header of yours there too.
${nginxHeaders('')}
# The media types of the export's files; in this server they replace mime.types (try_files below needs them too).
types {
${nginxTypes('    ')}}
error_page 404 ${p}404.html;
# The map is read here, before a location matches, and kept: read first in the location, its regexes would reset
# the location's $1 (the 303 would point at doc/.ttl).
set $npcsc_ext_read $npcsc_ext;

${locations.join('')}`;
}
