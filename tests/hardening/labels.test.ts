// Data that carries markup: a person's labels, a source IRI and a stored query's title written to break out of HTML, of the JSON-LD block, of XML and of the query page. Escaped everywhere; every format still says exactly the same text.
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGraph } from '../../src/build/pipeline.ts';
import { makeConfig } from '../../src/config.ts';
import type { Graph } from '../../src/rdf/graph.ts';
import { parseRdf } from '../publish/helpers.ts';
import { copyOfInputs, fullApp } from './support.ts';

const EN = `Peng Zhen</script><script>alert(1)</script><img src=x onerror=alert(2)> "quoted" 'single' & <!-- --> ]]>`;
const ZH = '彭真</SCRIPT ><svg onload=alert(3)><style>*{}</style>';
const TITLE = `All holders </script><script>alert(4)</script>`;
const DESCRIPTION = `"><img src=x onerror=alert(5)> {{7*7}} \${7*7}`;
const SOURCE = 'javascript:alert(6)';
const SOURCE_TITLE = '<a href="javascript:alert(7)">a source</a>';
/**
 * What is wrong with a page's markup: a tag the pages never use (img, iframe, object, embed, style, a script that is
 * not the JSON-LD block), an event-handler attribute, a javascript: link. Escaped text cannot make a tag, so every
 * tag found is real markup; attributes are read with their quoting, so text inside a value is not taken for one.
 */
function unsafe(html: string, scripts: RegExp = /(?!)/): string[] {
  const found: string[] = [];
  for (const [tag, name = '', attrs = ''] of html.matchAll(/<([a-zA-Z][\w-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/g)) {
    const n = name.toLowerCase();
    if (['img', 'iframe', 'object', 'embed', 'style', 'base', 'meta-refresh'].includes(n)) found.push(tag);
    if (n === 'script' && !/^ type="application\/ld\+json"$/.test(attrs) && !scripts.test(attrs)) found.push(tag);
    for (const [, attr = '', value = ''] of attrs.matchAll(/\s([^\s=>"']+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?/g)) {
      if (/^on/i.test(attr)) found.push(`${attr} in ${tag}`);
      const link = /^(href|src|action|formaction|xlink:href)$/i.test(attr);
      // data: is kept for <a> only: the query page's empty favicon is href="data:,".
      const scheme = n === 'a' ? /^["']?\s*(javascript|vbscript|data):/i : /^["']?\s*(javascript|vbscript):/i;
      if (link && scheme.test(value)) found.push(`${attr}=${value}`);
    }
  }
  return found;
}

const turtleString = (s: string) => JSON.stringify(s);

let app: Hono;
let graph: Graph;
const inputs = copyOfInputs();
const person = () => `${graph.base}id/person/peng-zhen`;

beforeAll(async () => {
  inputs.edit('data/people.ttl', (s) =>
    s.replace(
      'rdfs:label "Peng Zhen"@en , "彭真"@zh-Hans ;',
      `rdfs:label ${turtleString(EN)}@en , ${turtleString(ZH)}@zh-Hans ;\n    dcterms:source <${SOURCE}> ;`,
    ),
  );
  inputs.edit(
    'data/sources.ttl',
    (s) =>
      `${s}\n<${SOURCE}> a dcterms:BibliographicResource , prov:Entity ;\n    dcterms:title ${turtleString(SOURCE_TITLE)}@en .\n`,
  );
  inputs.edit('queries/holders.rq', (s) =>
    s.replace(/^# title: .*$/m, `# title: ${TITLE}`).replace(/^# description: .*$/m, `# description: ${DESCRIPTION}`),
  );
  graph = await buildGraph(makeConfig({ root: inputs.root }));
  ({ app } = await fullApp({ root: inputs.root, publicBase: 'http://127.0.0.1:8080/' }, graph));
}, 120_000);
afterAll(() => inputs.remove());

async function text(path: string, accept?: string): Promise<string> {
  const res = await app.request(path, accept ? { headers: { accept } } : {});
  expect(res.status, path).toBeLessThan(500);
  return res.text();
}

/** Every string anywhere in a JSON value. */
function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(strings);
  if (v && typeof v === 'object') return Object.values(v).flatMap(strings);
  return [];
}

describe('The markup check of these tests', () => {
  it('should catch what would run, and not what is text', () => {
    expect(unsafe('<p><img src=x onerror=alert(1)></p>')).toHaveLength(2);
    expect(unsafe('<script>alert(1)</script><svg onload=alert(1)>')).toHaveLength(2);
    expect(unsafe('<a href="javascript:alert(1)">x</a><a href=\' data:text/html,x\'>y</a>')).toHaveLength(2);
    expect(unsafe('<p title="&quot; onerror=alert(1) <img">&lt;img src=x onerror=alert(2)&gt;</p>')).toEqual([]);
    expect(unsafe('<script type="application/ld+json">{"a":"\\u003c/script>"}</script>')).toEqual([]);
  });
});

describe('A graph whose data carries markup', () => {
  it('should hold the labels exactly as written (the test is about output, not input)', () => {
    const labels = graph.store
      .getObjects(person(), 'http://www.w3.org/2000/01/rdf-schema#label', null)
      .map((l) => l.value);
    expect(labels.sort()).toEqual([EN, ZH].sort());
  });
});

describe('Its pages', () => {
  const PAGES = [
    '/doc/person/peng-zhen.html',
    '/doc/person/peng-zhen.zh-Hans.html',
    '/doc/office/secretary-general.html',
    '/doc/office/secretary-general.zh-Hans.html',
    '/doc/tenure/secretary-general/1.html',
    '/doc/tenure/secretary-general/4.html',
    '/',
    '/index.zh-Hans.html',
    '/doc/dataset/npcsc-kg.html',
  ];

  it('should show the markup as text, run none of it, and link nowhere but http(s)', async () => {
    let shown = 0;
    for (const p of PAGES) {
      const html = await text(p);
      expect(unsafe(html), p).toEqual([]);
      expect(html, p).not.toContain('<a href="javascript:alert(7)">');
      // Outside the JSON-LD block (tested on its own below), the English label is text wherever it is shown.
      if (html.replace(/<script type="application\/ld\+json">[\s\S]*?<\/script>/, '').includes('alert(1)')) {
        expect(html).toContain(
          '&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;',
        );
        shown++;
      }
    }
    expect(shown).toBeGreaterThanOrEqual(4);
  });

  it('should keep a </script> in a label inside the JSON-LD block, which parses to the exact label', async () => {
    for (const p of [
      '/doc/person/peng-zhen.html',
      '/doc/person/peng-zhen.zh-Hans.html',
      '/doc/office/secretary-general.html',
    ]) {
      const html = await text(p);
      const m = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/i.exec(html);
      expect(m, p).not.toBeNull();
      const block = JSON.parse(m?.[1] ?? '') as unknown;
      const all = strings(block);
      expect(all, p).toContain(EN);
      expect(all, p).toContain(ZH);
      // The only </script> of the block is its own end: the rest of the page follows it.
      expect(html.indexOf('</head>'), p).toBeGreaterThan(html.indexOf(m?.[0] ?? ''));
    }
  });

  it('should draw the timeline with the label as SVG text, not markup', async () => {
    const html = await text('/doc/office/secretary-general.html');
    const svg = /<svg[\s\S]*?<\/svg>/.exec(html)?.[0] ?? '';
    expect(svg).toContain('Peng Zhen&lt;/script&gt;');
    expect(unsafe(svg)).toEqual([]);
  });
});

describe('Its RDF documents and dumps', () => {
  it.each([
    ['/doc/person/peng-zhen.ttl', 'turtle'],
    ['/doc/person/peng-zhen.nt', 'ntriples'],
    ['/doc/person/peng-zhen.jsonld', 'jsonld'],
    ['/doc/person/peng-zhen.rdf', 'rdfxml'],
    ['/dump.ttl', 'turtle'],
    ['/dump.nt', 'ntriples'],
  ] as const)('%s should parse back to the exact labels', async (p, format) => {
    const quads = await parseRdf(await text(p), format);
    const labels = quads
      .filter((q) => q.subject.value === person() && q.predicate.value === 'http://www.w3.org/2000/01/rdf-schema#label')
      .map((q) => q.object.value);
    expect(labels.sort()).toEqual([EN, ZH].sort());
  });

  it('should keep the markup out of the RDF/XML as markup', async () => {
    const xml = await text('/doc/person/peng-zhen.rdf');
    expect(xml).not.toMatch(/<script|<img|<svg|<style/i);
  });
});

describe('The SPARQL endpoint over it', () => {
  const q = `/sparql?query=${encodeURIComponent(
    'SELECT ?l WHERE { <id/person/peng-zhen> <http://www.w3.org/2000/01/rdf-schema#label> ?l } ORDER BY ?l',
  )}`;

  it('should give the exact labels in JSON, and escaped in XML and CSV', async () => {
    const json = JSON.parse(await text(q, 'application/sparql-results+json')) as {
      results: { bindings: { l: { value: string } }[] };
    };
    expect(json.results.bindings.map((b) => b.l.value).sort()).toEqual([EN, ZH].sort());
    const xml = await text(q, 'application/sparql-results+xml');
    expect(xml).not.toMatch(/<script|<img|<svg|<style/i);
    expect(xml).toContain('&lt;/script&gt;&lt;script&gt;alert(1)');
    const csv = await text(q, 'text/csv');
    expect(csv).toContain(`"${EN.replace(/"/g, '""')}"`);
  });

  it('should show a stored query’s title and description as text on the query page and in the OpenAPI', async () => {
    const page = await text('/sparql', 'text/html');
    expect(
      unsafe(page, /^ (type="application\/json" id="query-page-config"|src="assets\/yasgui\/[\w.-]+\.js")$/),
    ).toEqual([]);
    expect(page).toContain('All holders &lt;/script&gt;&lt;script&gt;alert(4)&lt;/script&gt;');
    const island = /<script type="application\/json" id="query-page-config">([\s\S]*?)<\/script>/.exec(page);
    const config = JSON.parse(island?.[1] ?? '') as { examples: { title: string; description: string }[] };
    expect(config.examples.map((e) => e.title)).toContain(TITLE);
    expect(config.examples.map((e) => e.description)).toContain(DESCRIPTION);
    const openapi = JSON.parse(await text('/api/openapi.json')) as {
      paths: Record<string, { get: { summary: string } }>;
    };
    expect(openapi.paths['/api/holders']?.get.summary).toBe(TITLE);
  });
});

describe('RDF/XML output', () => {
  it('keeps a carriage return, NEL or U+2028 inside a literal', async () => {
    const { serialize } = await import('../../src/rdf/serialize.ts');
    const { DataFactory } = await import('n3');
    const { quad, namedNode, literal } = DataFactory;
    const value = 'a\r\nb\u2028c\u0085d\re';
    const xml = await serialize('rdfxml', [quad(namedNode('http://x/a'), namedNode('http://x/p'), literal(value))], {
      prefixes: {},
      context: {},
      base: 'http://x/',
    });
    const [back] = await parseRdf(xml, 'rdfxml');
    expect(back?.object.value).toBe(value);
  });
});
