// Behind a proxy (public base ≠ canonical base, with a path prefix): every link and address uses the public base.

import type { Hono } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import { RDF_FORMATS, suffixOf } from '../../src/publish/formats.ts';
import { Publisher } from '../../src/publish/publisher.ts';
import { NS } from '../../src/rdf/ns.ts';
import { ldApp, linksOf, parseRdf } from './helpers.ts';

const PUBLIC = 'https://example.org/kg/';
const BASE = 'https://w3id.org/npcsc/';

/** Property values that are addresses (where something is fetched), not identifiers. */
const ADDRESS_PROPERTIES = [
  `${NS.void}sparqlEndpoint`,
  `${NS.void}dataDump`,
  `${NS.dcat}downloadURL`,
  `${NS.dcat}accessURL`,
  `${NS.dcat}endpointURL`,
  `${NS.schema}contentUrl`,
  `${NS.schema}url`,
];

describe('A server behind a proxy at https://example.org/kg/', () => {
  let app: Hono;
  let keys: string[];
  beforeAll(async () => {
    const made = await ldApp({ publicBase: PUBLIC });
    app = made.app;
    keys = [...new Publisher(made.graph, made.config).keys.keys()];
  });

  it('links every page only to the public base or to other sites, never to the canonical base', async () => {
    const paths = ['/', '/index.zh-Hans.html', ...keys.flatMap((k) => [`/${k}.html`, `/${k}.zh-Hans.html`])];
    let links = 0;
    for (const path of paths) {
      const html = await (await app.request(path)).text();
      for (const link of linksOf(html, `${PUBLIC}${path.slice(1)}`)) {
        links++;
        expect(link.startsWith(BASE), `${path} links to ${link}`).toBe(false);
        if (link.startsWith('https://example.org/')) expect(link.startsWith(PUBLIC), `${path} → ${link}`).toBe(true);
      }
    }
    expect(links).toBeGreaterThan(paths.length * 10);
  });

  it('redirects identifiers to documents on the public base', async () => {
    const res = await app.request('/id/office/secretary-general', { headers: { accept: 'text/turtle' } });
    expect(res.headers.get('location')).toBe(`${PUBLIC}doc/office/secretary-general.ttl`);
  });

  it('keeps canonical identifiers in RDF documents and puts every address on the public base', async () => {
    for (const key of ['doc/person/peng-zhen', 'doc/dataset/npcsc-kg', 'ontology']) {
      for (const f of RDF_FORMATS) {
        const ext = suffixOf(f).slice(1);
        const quads = await parseRdf(await (await app.request(`/${key}.${ext}`)).text(), f, `${PUBLIC}${key}.${ext}`);
        for (const q of quads) {
          for (const t of [q.subject, q.object]) {
            if (t.termType !== 'NamedNode') continue;
            // On the public base only the addresses a document names: itself, the endpoint, the dumps, the site.
            // A relative IRI written without a base would land here too (resolved against the document's URL).
            if (t.value.startsWith('https://example.org/')) {
              expect(
                [`${PUBLIC}${key}`, `${PUBLIC}sparql`, PUBLIC].includes(t.value) ||
                  /^https:\/\/example\.org\/kg\/dump\.\w+$/.test(t.value),
                `${key}.${ext}: ${t.value}`,
              ).toBe(true);
            }
          }
          if (ADDRESS_PROPERTIES.includes(q.predicate.value)) {
            expect(q.object.value.startsWith(PUBLIC), `${q.predicate.value} ${q.object.value}`).toBe(true);
          }
        }
        const topic = key === 'ontology' ? `${BASE}ontology` : `${BASE}id/${key.slice(4)}`;
        expect(
          quads.some((q) => q.subject.value === topic),
          `${key}.${ext}`,
        ).toBe(true);
        if (key !== 'ontology') {
          expect(
            quads.some((q) => q.subject.value === `${PUBLIC}${key}` && q.predicate.value === `${NS.foaf}primaryTopic`),
          ).toBe(true);
        }
      }
    }
  });

  it('writes the sitemap and robots.txt for the public base', async () => {
    const xml = await (await app.request('/sitemap.xml')).text();
    for (const m of xml.matchAll(/<loc>([^<]+)<\/loc>/g)) expect(m[1]?.startsWith(PUBLIC)).toBe(true);
    const robots = await (await app.request('/robots.txt')).text();
    expect(robots).toContain(`Sitemap: ${PUBLIC}sitemap.xml`);
    expect(robots).toContain('Disallow: /kg/sparql');
  });
});

describe('A dataset with its own base behind a proxy', () => {
  it('uses the configured base for identifiers and the public base for links', async () => {
    const base = 'https://data.example.net/npcsc/';
    const { app } = await ldApp({ base, publicBase: PUBLIC });
    const ttl = await (await app.request('/doc/person/peng-zhen.ttl')).text();
    expect(ttl).toContain(`<${base}id/person/`);
    expect(ttl).not.toContain(BASE);
    const html = await (await app.request('/doc/person/peng-zhen.html')).text();
    expect(html).toContain(`href="${PUBLIC}doc/office/secretary-general.html"`);
    expect(html).toContain(`<code>${base}id/person/peng-zhen</code>`);
  }, 60_000);
});
