// The schema.org block in every page: valid JSON-LD whose triples are all in the graph served at the same IRI (its dates as plain ISO 8601 text), names and dates written as the strings crawlers read.

import type { Hono } from 'hono';
import jsonld from 'jsonld';
import { beforeAll, describe, expect, it } from 'vitest';
import { Publisher } from '../../src/publish/publisher.ts';
import { ldApp, parseRdf, tripleKey } from './helpers.ts';

const PUBLIC = 'http://127.0.0.1:8125/';
let app: Hono;
let keys: string[];

beforeAll(async () => {
  const made = await ldApp({ publicBase: PUBLIC });
  app = made.app;
  keys = [...new Publisher(made.graph, made.config).keys.keys()];
});

const offline = async (url: string): Promise<never> => {
  throw new Error(`the embedded block must not need ${url}`);
};

function blocks(html: string): object[] {
  return [...html.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)].map((m) =>
    JSON.parse(m[1] ?? ''),
  );
}

async function embedOf(path: string, headers: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const res = await app.request(path, { headers });
  expect(res.status, path).toBe(200);
  const found = blocks(await res.text());
  expect(found, path).toHaveLength(1);
  return found[0] as Record<string, unknown>;
}

async function triplesOf(block: object): Promise<string[]> {
  const nquads = (await jsonld.toRDF(block, {
    format: 'application/n-quads',
    documentLoader: offline as never,
  })) as unknown as string;
  return (await parseRdf(nquads.replace(/ \.\n/g, ' .\n'), 'ntriples')).map(tripleKey);
}

const XSD = 'http://www.w3.org/2001/XMLSchema#';

/**
 * The served triples, each date also as its lexical form: schema.org's Date is ISO 8601 text, and the block writes
 * a date so, at its own precision.
 */
async function servedGraph(path: string): Promise<Set<string>> {
  const res = await app.request(path, { headers: { accept: 'text/turtle' } });
  expect(res.status).toBe(200);
  const quads = await parseRdf(await res.text(), 'turtle');
  const keys = quads.map(tripleKey);
  for (const q of quads) {
    const o = q.object;
    if (o.termType === 'Literal' && ['date', 'gYearMonth', 'gYear'].some((d) => o.datatype.value === `${XSD}${d}`)) {
      keys.push(`<${q.subject.value}> <${q.predicate.value}> "${o.value}"^^${XSD}string`);
    }
  }
  return new Set(keys);
}

/** Every value object anywhere in a block. */
function valueObjects(v: unknown): Record<string, string>[] {
  if (Array.isArray(v)) return v.flatMap(valueObjects);
  if (!v || typeof v !== 'object') return [];
  if ('@value' in v) return [v as Record<string, string>];
  return Object.entries(v).flatMap(([k, x]) => (k === '@context' ? [] : valueObjects(x)));
}

describe('The embedded schema.org block', () => {
  it('is true of the graph served at the same IRI, on every page in both languages', async () => {
    const pages: [string, string][] = [
      ['/', '/'],
      ['/index.zh-Hans.html', '/'],
    ];
    for (const key of keys) {
      pages.push([`/${key}.html`, `/${key}.ttl`], [`/${key}.zh-Hans.html`, `/${key}.ttl`]);
    }
    let triples = 0;
    for (const [page, rdf] of pages) {
      const block = await embedOf(page, { accept: 'text/html' });
      const served = await servedGraph(rdf);
      const mine = await triplesOf(block);
      expect(mine.length, page).toBeGreaterThan(0);
      const missing = mine.filter((t) => !served.has(t));
      expect(missing, page).toEqual([]);
      triples += mine.length;
    }
    expect(triples).toBeGreaterThan(pages.length);
  }, 120_000);

  it('uses the https schema.org namespace of the data, inline, so nothing is fetched', async () => {
    const block = await embedOf('/doc/person/peng-zhen.html');
    expect(block['@context']).toMatchObject({ '@vocab': 'https://schema.org/', '@language': 'en' });
    expect(JSON.stringify(block['@context'])).not.toMatch(/"https?:\/\/(?!schema\.org\/")/);
  });

  it('writes names in the page’s language and dates as the plain strings crawlers read', async () => {
    const en = await embedOf('/doc/person/peng-zhen.html');
    expect(en.name).toEqual(['Peng Zhen', { '@value': '彭真', '@language': 'zh-Hans' }]);
    expect([en.birthDate, en.deathDate]).toEqual(['1902-10-12', '1997-04-26']);
    const zh = await embedOf('/doc/person/peng-zhen.zh-Hans.html');
    expect((zh['@context'] as Record<string, unknown>)['@language']).toBe('zh-Hans');
    expect(zh.name).toEqual(['彭真', { '@value': 'Peng Zhen', '@language': 'en' }]);
    // No date or boolean is a typed value object on any page; only a name in another language keeps its tag.
    for (const path of ['/', ...keys.map((k) => `/${k}.html`)]) {
      const typed = valueObjects(await embedOf(path)).filter((v) => v['@type'] || !v['@language']);
      expect(typed, path).toEqual([]);
    }
    const home = await embedOf('/');
    expect(home.isAccessibleForFree).toBe(true);
    expect((home.creator as Record<string, unknown>).name).toBe('npcsc-kg contributors');
  });

  it('describes a person with the Role pattern', async () => {
    const block = await embedOf('/doc/person/ji-pengfei.html');
    expect(block['@type']).toBe('Person');
    const roles = block.memberOf as Record<string, unknown>[];
    expect(roles.length).toBeGreaterThan(0);
    const role = roles[0] as Record<string, unknown>;
    expect(role['@type']).toBe('OrganizationRole');
    expect(role.roleName).toBeDefined();
    // A month stays a month: ISO 8601 at the precision the sources give, never padded to a day.
    expect(role.startDate).toBe('1975-01');
    expect(role.endDate).toBeDefined();
    const org = role.memberOf as Record<string, unknown>;
    expect(org['@type']).toBe('GovernmentOrganization');
    expect(org.name).toBeDefined();
  });

  it('describes an organisation as a GovernmentOrganization', async () => {
    const block = await embedOf('/doc/org/npcsc.html');
    expect(block['@type']).toBe('GovernmentOrganization');
    expect(block.name).toBeDefined();
  });

  it('lists the holders of the office, each with their tenures of it', async () => {
    const block = await embedOf('/doc/office/secretary-general.html');
    const graph = block['@graph'] as Record<string, unknown>[];
    const people = graph.filter((n) => n['@type'] === 'Person');
    expect(people.length).toBeGreaterThanOrEqual(13);
  });

  it('describes the dataset on the home page as Google’s Dataset search expects it', async () => {
    const block = await embedOf('/');
    expect(block['@type']).toContain('Dataset');
    for (const p of ['name', 'description', 'license', 'url', 'keywords', 'creator']) {
      expect(block[p], p).toBeDefined();
    }
    const dists = block.distribution as Record<string, unknown>[];
    expect(dists.length).toBe(4);
    for (const d of dists) {
      expect(d['@type']).toContain('DataDownload');
      expect(String(d.encodingFormat)).toMatch(/\//);
      expect((d.contentUrl as { '@id': string })['@id']).toMatch(new RegExp(`^${PUBLIC}dump\\.`));
    }
  });

  it('carries sameAs for a linked person and body, pointing at their Wikidata items', async () => {
    const wd = /^http:\/\/www\.wikidata\.org\/entity\/Q[1-9]\d*$/;
    const person = await embedOf('/doc/person/li-jianguo.html');
    expect((person.sameAs as { '@id': string })['@id']).toMatch(wd);
    const npc = await embedOf('/doc/org/npc.html');
    expect((npc.sameAs as { '@id': string })['@id']).toMatch(wd);
    // A person without a link has none.
    expect((await embedOf('/doc/person/peng-zhen.html')).sameAs).toBeUndefined();
  });

  it('cannot be closed early by a literal (no </script> inside)', async () => {
    const res = await app.request('/doc/office/secretary-general.html');
    const text = await res.text();
    const block = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(text)?.[1] ?? '';
    expect(block).not.toMatch(/</);
  });
});
