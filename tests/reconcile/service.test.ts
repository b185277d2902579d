// The reconciliation service in process: every response against the 0.2 schemas, matching by every label, the name-alone rule, bounds on bad input.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import type { Hono } from 'hono';
import { DataFactory, Store } from 'n3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, ROUTES } from '../../src/app.ts';
import { NS } from '../../src/rdf/ns.ts';
import { PREVIEW_CSP } from '../../src/reconcile/routes.ts';
import { type Candidate, RECONCILE_LIMITS, ReconcileService } from '../../src/reconcile/service.ts';
import { buildCatalogue } from '../../src/search/catalogue.ts';
import { realGraph, testConfig } from '../support/graph.ts';
import {
  check,
  EXTENSION_RESPONSE,
  MANIFEST,
  PROPOSED_PROPERTIES,
  RESULT,
  RESULT_BATCH,
  type Schema,
  SUGGEST_ENTITIES,
  SUGGEST_PROPERTIES,
  SUGGEST_TYPES,
} from './schemas.ts';

const ORIGIN = 'http://127.0.0.1:8080';
const BASE = 'https://w3id.org/npcsc/';
let app: Hono;

beforeAll(async () => {
  app = createApp(await realGraph(), testConfig({ publicBase: `${ORIGIN}/` }), ROUTES);
});

const form = (fields: Record<string, string>): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

async function getJson(
  url: string,
  init?: RequestInit,
  schema?: Schema,
): Promise<{ status: number; body: unknown; res: Response }> {
  const res = await app.request(`${ORIGIN}${url}`, init);
  const body = await res.json();
  if (schema && res.status === 200) expect(check(schema, body), url).toEqual([]);
  return { status: res.status, body, res };
}

async function batch(queries: Record<string, object>): Promise<Record<string, { result: Candidate[] }>> {
  const { status, body } = await getJson('/reconcile', form({ queries: JSON.stringify(queries) }), RESULT_BATCH);
  expect(status, JSON.stringify(body)).toBe(200);
  return body as Record<string, { result: Candidate[] }>;
}

const matched = (r: { result: Candidate[] } | undefined) => r?.result.filter((c) => c.match).map((c) => c.id);

describe('The manifest', () => {
  it('should validate against the 0.2 manifest schema and offer view, preview, suggest and extension', async () => {
    const { body } = await getJson('/reconcile', undefined, MANIFEST);
    const m = body as {
      versions: string[];
      identifierSpace: string;
      view: { url: string };
      preview: { url: string };
      suggest: Record<string, { service_url: string }>;
      extend: { propose_properties: { service_path: string } };
      defaultTypes: { id: string }[];
    };
    expect(m.versions).toEqual(['0.1', '0.2']);
    expect(m.identifierSpace).toBe(`${BASE}id/`);
    expect(m.view.url).toBe(`${ORIGIN}/id/{{id}}`);
    expect(m.preview.url).toContain('{{id}}');
    for (const s of ['entity', 'type', 'property']) expect(m.suggest[s]?.service_url).toBe(`${ORIGIN}/reconcile`);
    expect(m.extend.propose_properties.service_path).toBe('/propose_properties');
    expect(m.defaultTypes.map((t) => t.id)).toContain('https://schema.org/Person');
  });

  it('should be the JSONP a 0.1 client asks for with a callback, and refuse a callback that is not an identifier', async () => {
    const res = await app.request(`${ORIGIN}/reconcile?callback=jQuery_123.cb`);
    expect(res.headers.get('content-type')).toMatch(/^application\/javascript/);
    const text = await res.text();
    expect(text).toMatch(/^\/\*\*\/jQuery_123\.cb\(\{.*\}\);$/s);
    const bad = await app.request(`${ORIGIN}/reconcile?callback=${encodeURIComponent('alert(1)//')}`);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/callback must be a JavaScript identifier/);
  });

  it('should allow any origin, preflight included', async () => {
    const res = await app.request(`${ORIGIN}/reconcile`, { method: 'OPTIONS' });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const get = await app.request(`${ORIGIN}/reconcile`);
    expect(get.headers.get('access-control-allow-origin')).toBe('*');
    const err = await app.request(`${ORIGIN}/reconcile`, form({ queries: '{' }));
    expect(err.headers.get('access-control-allow-origin')).toBe('*');
  });
});

describe('Reconciliation queries', () => {
  it('should match a person by the English name, the Chinese name with or without spaces, pinyin with tone marks or run together', async () => {
    const r = await batch({
      en: { query: 'Peng Zhen' },
      zh: { query: '彭真' },
      spaced: { query: '彭 真' },
      tones: { query: 'Péng Zhēn' },
      joined: { query: 'PengZhen' },
      upper: { query: 'PENG ZHEN' },
    });
    for (const k of Object.keys(r)) expect(matched(r[k]), k).toEqual(['person/peng-zhen']);
    expect(r.en?.result[0]).toMatchObject({ id: 'person/peng-zhen', name: 'Peng Zhen', score: 100, match: true });
    expect(r.en?.result[0]?.type).toEqual([{ id: 'https://schema.org/Person', name: 'person' }]);
  });

  it('should read a year written with the name ("Li Jianguo, 1946") as evidence', async () => {
    const r = await batch({ right: { query: 'Li Jianguo, 1946' }, wrong: { query: 'Li Jianguo, 1901' } });
    expect(matched(r.right)).toEqual(['person/li-jianguo']);
    expect(matched(r.wrong)).toEqual([]);
    expect(r.wrong?.result[0]?.id).toBe('person/li-jianguo');
  });

  it('should take birth year, office held and NPC term as properties, and not match when one disagrees', async () => {
    const r = await batch({
      born: { query: 'Peng Zhen', properties: [{ pid: 'birthYear', v: '1902' }] },
      wrongYear: { query: 'Peng Zhen', properties: [{ pid: 'birthYear', v: 1903 }] },
      office: { query: 'Peng Chong', properties: [{ pid: 'office', v: 'Secretary-General' }] },
      officeId: { query: 'Peng Chong', properties: [{ pid: 'office', v: { id: 'office/secretary-general' } }] },
      wrongOffice: { query: 'Peng Chong', properties: [{ pid: 'office', v: 'Chairperson' }] },
      term: { query: 'Li Jianguo', properties: [{ pid: 'npcTerm', v: '11th' }] },
      termZh: { query: '李建国', properties: [{ pid: 'npcTerm', v: '第十一届' }] },
      wrongTerm: { query: 'Li Jianguo', properties: [{ pid: 'npcTerm', v: '3' }] },
      twoForOneAgainst: {
        query: 'Peng Zhen',
        properties: [
          { pid: 'birthYear', v: '1902' },
          { pid: 'office', v: 'Chairperson' },
          { pid: 'npcTerm', v: '14' },
        ],
      },
    });
    expect(matched(r.born)).toEqual(['person/peng-zhen']);
    expect(matched(r.wrongYear)).toEqual([]);
    expect(r.wrongYear?.result[0]?.score).toBeLessThan(r.born?.result[0]?.score ?? 0);
    expect(matched(r.office)).toEqual(['person/peng-chong']);
    expect(matched(r.officeId)).toEqual(['person/peng-chong']);
    expect(matched(r.wrongOffice)).toEqual([]);
    expect(matched(r.term)).toEqual(['person/li-jianguo']);
    expect(matched(r.termZh)).toEqual(['person/li-jianguo']);
    expect(matched(r.wrongTerm)).toEqual([]);
    // Two agree and one disagrees: the sum would pass, but evidence against is never matched over.
    expect(r.twoForOneAgainst?.result[0]?.score).toBeGreaterThanOrEqual(80);
    expect(matched(r.twoForOneAgainst)).toEqual([]);
  });

  it('should leave a family name shared by several unmatched, all of them candidates, and find nothing for an absent name', async () => {
    const r = await batch({ peng: { query: 'Peng' }, zh: { query: '彭' }, absent: { query: 'Zhou Enlai' } });
    for (const k of ['peng', 'zh']) {
      expect(matched(r[k]), k).toEqual([]);
      expect(r[k]?.result.map((c) => c.id)).toEqual(expect.arrayContaining(['person/peng-zhen', 'person/peng-chong']));
    }
    expect(r.absent?.result).toEqual([]);
  });

  it('should restrict candidates to a type (IRI or local name) and honour limit', async () => {
    const r = await batch({
      office: { query: 'Secretary-General', type: `${BASE}ontology#Office` },
      short: { query: 'Secretary-General', type: 'Office', limit: 1 },
      people: { query: 'Secretary-General', type: 'Person' },
    });
    expect(r.office?.result.every((c) => c.id.startsWith('office/'))).toBe(true);
    expect(r.office?.result.map((c) => c.id)).toContain('office/secretary-general');
    expect(r.short?.result).toHaveLength(1);
    expect(r.people?.result).toEqual([]);
  });

  it('should answer 0.1 single queries, as text or JSON, by GET', async () => {
    const text = await getJson(`/reconcile?query=${encodeURIComponent('杨尚昆')}`, undefined, RESULT);
    expect(matched(text.body as { result: Candidate[] })).toEqual(['person/yang-shangkun']);
    const q = encodeURIComponent(JSON.stringify({ query: 'Yang Shangkun', type: 'Person', limit: 3 }));
    const obj = await getJson(`/reconcile?query=${q}`, undefined, RESULT);
    expect(matched(obj.body as { result: Candidate[] })).toEqual(['person/yang-shangkun']);
  });

  it('should take the batch as a JSON body and as a GET parameter', async () => {
    const queries = JSON.stringify({ q0: { query: 'Wang Chen' } });
    const body = await getJson(
      '/reconcile',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: queries },
      RESULT_BATCH,
    );
    expect(matched((body.body as Record<string, { result: Candidate[] }>).q0)).toEqual(['person/wang-chen']);
    const get = await getJson(`/reconcile?queries=${encodeURIComponent(queries)}`, undefined, RESULT_BATCH);
    expect(get.body).toEqual(body.body);
  });
});

describe('Two people of the same name', () => {
  // A graph of our own: two Wang Chens, one born in 1950, the other in 1960, and a Liu Qi with no namesake.
  const base = BASE;
  const store = new Store();
  const { namedNode: n, literal: l, quad } = DataFactory;
  const person = (slug: string, en: string, zh: string, born?: string) => {
    const s = n(`${base}id/person/${slug}`);
    store.addQuad(quad(s, n(`${NS.rdf}type`), n(`${NS.schema}Person`)));
    store.addQuad(quad(s, n(`${NS.rdfs}label`), l(en, 'en')));
    store.addQuad(quad(s, n(`${NS.rdfs}label`), l(zh, 'zh-hans')));
    if (born) store.addQuad(quad(s, n(`${NS.schema}birthDate`), l(born, n(`${NS.xsd}gYear`))));
  };
  person('wang-chen-1950', 'Wang Chen', '王晨', '1950');
  person('wang-chen-1960', 'Wang Chen', '王晨', '1960');
  person('liu-qi', 'Liu Qi', '刘奇');
  const svc = new ReconcileService(buildCatalogue(store, base), `${ORIGIN}/`);
  const one = (q: object) => svc.answer(q, 'q');

  it('should never match on the name alone', () => {
    for (const query of ['Wang Chen', '王晨']) {
      const r = one({ query });
      expect(r.map((c) => c.id).sort()).toEqual(['person/wang-chen-1950', 'person/wang-chen-1960']);
      expect(r.some((c) => c.match)).toBe(false);
    }
  });

  it('should match the one whose birth year agrees, in a property or in the text', () => {
    const byProperty = one({ query: 'Wang Chen', properties: [{ pid: 'birthYear', v: '1960' }] });
    expect(byProperty.filter((c) => c.match).map((c) => c.id)).toEqual(['person/wang-chen-1960']);
    const inText = one({ query: '王晨 1950' });
    expect(inText.filter((c) => c.match).map((c) => c.id)).toEqual(['person/wang-chen-1950']);
  });

  it('should match a name nobody else carries without more evidence', () => {
    expect(
      one({ query: 'Liu Qi' })
        .filter((c) => c.match)
        .map((c) => c.id),
    ).toEqual(['person/liu-qi']);
  });
});

describe('Bad input', () => {
  const refused = async (init: RequestInit, pattern: RegExp, url = '/reconcile') => {
    const res = await app.request(`${ORIGIN}${url}`, init);
    const body = (await res.json()) as { error: string };
    expect(res.status, body.error).toBe(400);
    expect(body.error).toMatch(pattern);
  };

  it('should refuse malformed JSON with the parser’s message', async () => {
    await refused(form({ queries: '{"q0": {"query": ' }), /^queries is not valid JSON: /);
    await refused(form({ extend: '[' }), /^extend is not valid JSON: /);
  });

  it('should refuse an unknown type, an unknown property and a query that is not one', async () => {
    await refused(form({ queries: JSON.stringify({ q0: { query: 'x', type: 'Planet' } }) }), /unknown type "Planet"/);
    await refused(
      form({ queries: JSON.stringify({ q0: { query: 'x', properties: [{ pid: 'shoeSize', v: '9' }] } }) }),
      /unknown property "shoeSize"/,
    );
    await refused(form({ queries: JSON.stringify({ q0: { text: 'x' } }) }), /q0: "query" must be a string/);
    await refused(form({ queries: '[1,2]' }), /must be a JSON object of queries/);
    await refused(
      form({ queries: JSON.stringify({ q0: { query: 'x', limit: -1 } }) }),
      /"limit" must be a whole number/,
    );
  });

  it('should refuse a batch of 10,000 queries before scoring any', async () => {
    const queries: Record<string, object> = {};
    for (let i = 0; i < 10_000; i++) queries[`q${i}`] = { query: 'Peng Zhen' };
    await refused(form({ queries: JSON.stringify(queries) }), /a batch of 10000 queries is more than 500/);
  });

  it('should refuse a 1 MB query string, and a body past its limit with 413', async () => {
    const long = 'Peng Zhen '.repeat(100_000);
    await refused(
      form({ queries: JSON.stringify({ q0: { query: long } }) }),
      /q0: query of 1000000 characters, more than 1000/,
    );
    await refused({}, /query of 1000000 characters/, `/reconcile?query=${encodeURIComponent(long)}`);
    const huge = 'x'.repeat(RECONCILE_LIMITS.bodyBytes + 1);
    const res = await app.request(`${ORIGIN}/reconcile`, form({ queries: huge }));
    expect(res.status).toBe(413);
  });

  it('should refuse an extension of an unknown property and of too many identifiers', async () => {
    await refused(
      form({ extend: JSON.stringify({ ids: ['person/peng-zhen'], properties: [{ id: 'x' }] }) }),
      /unknown property "x"/,
    );
    const ids = Array.from({ length: 501 }, (_, i) => `person/p${i}`);
    await refused(
      form({ extend: JSON.stringify({ ids, properties: [{ id: 'nameZh' }] }) }),
      /501 identifiers, more than 500/,
    );
  });
});

describe('A full batch on a real socket', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer(getRequestListener(app.fetch));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('should answer the largest batch allowed while answering others, and refuse 10,000 while staying up', async () => {
    const names = ['Peng Zhen', '彭冲', 'Li Jianguo, 1946', 'Peng', 'Zhou Enlai'];
    const full: Record<string, object> = {};
    for (let i = 0; i < RECONCILE_LIMITS.batch; i++) full[`q${i}`] = { query: names[i % names.length] };
    const big: Record<string, object> = {};
    for (let i = 0; i < 10_000; i++) big[`q${i}`] = { query: 'Peng Zhen' };
    const post = (q: object) =>
      fetch(`${url}reconcile`, { method: 'POST', body: new URLSearchParams({ queries: JSON.stringify(q) }) });
    const [a, b, c, d] = await Promise.all([post(full), post(big), fetch(`${url}reconcile`), post(full)]);
    expect([a.status, b.status, c.status, d.status]).toEqual([200, 400, 200, 200]);
    const answer = (await a.json()) as Record<string, { result: Candidate[] }>;
    expect(Object.keys(answer)).toHaveLength(RECONCILE_LIMITS.batch);
    expect(check(RESULT_BATCH, answer)).toEqual([]);
    expect(matched(answer.q0)).toEqual(['person/peng-zhen']);
    expect(await d.json()).toEqual(answer);
    expect(check(MANIFEST, await c.json())).toEqual([]);
  });
});

describe('Suggest, preview and data extension', () => {
  it('should suggest entities by prefix in either language, and types and properties', async () => {
    const pe = await getJson('/reconcile/suggest/entity?prefix=peng', undefined, SUGGEST_ENTITIES);
    const ids = (pe.body as { result: { id: string }[] }).result.map((r) => r.id);
    expect(ids).toEqual(expect.arrayContaining(['person/peng-zhen', 'person/peng-chong']));
    const zh = await getJson(
      `/reconcile/suggest/entity?prefix=${encodeURIComponent('彭')}`,
      undefined,
      SUGGEST_ENTITIES,
    );
    expect((zh.body as { result: { id: string }[] }).result.map((r) => r.id).sort()).toEqual([
      'person/peng-chong',
      'person/peng-zhen',
    ]);
    const typed = await getJson('/reconcile/suggest/entity?prefix=secretary&type=Office', undefined, SUGGEST_ENTITIES);
    expect((typed.body as { result: { id: string }[] }).result.map((r) => r.id)).toContain('office/secretary-general');
    const types = await getJson('/reconcile/suggest/type?prefix=off', undefined, SUGGEST_TYPES);
    expect((types.body as { result: { id: string }[] }).result.map((r) => r.id)).toEqual([`${BASE}ontology#Office`]);
    const props = await getJson('/reconcile/suggest/property?prefix=birth', undefined, SUGGEST_PROPERTIES);
    expect((props.body as { result: { id: string }[] }).result.map((r) => r.id)).toEqual(['birthYear', 'birthDate']);
    const page2 = await getJson('/reconcile/suggest/entity?prefix=&cursor=10', undefined, SUGGEST_ENTITIES);
    expect((page2.body as { result: unknown[] }).result).toHaveLength(10);
  });

  it('should preview an entity as a small bilingual card that a client may frame', async () => {
    const res = await app.request(`${ORIGIN}/reconcile/preview?id=person/peng-zhen`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe(PREVIEW_CSP);
    expect(PREVIEW_CSP).not.toMatch(/frame-ancestors|script/);
    const card = await res.text();
    expect(card).toContain('Peng Zhen');
    expect(card).toContain('<span lang="zh-Hans">彭真</span>');
    expect(card).toContain('1902-10-12');
    expect(card).toContain(`href="${ORIGIN}/id/person/peng-zhen"`);
    const missing = await app.request(`${ORIGIN}/reconcile/preview?id=${encodeURIComponent('<script>')}`);
    expect(missing.status).toBe(404);
    // The refusal is JSON (never HTML that would run what the client sent).
    expect(missing.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('should propose the properties of a type', async () => {
    const { body } = await getJson('/reconcile/propose_properties?type=Person', undefined, PROPOSED_PROPERTIES);
    const ids = (body as { properties: { id: string }[] }).properties.map((p) => p.id);
    expect(ids).toEqual([
      'nameZh',
      'nameEn',
      'birthDate',
      'deathDate',
      'office',
      'officeStart',
      'officeEnd',
      'wikidata',
    ]);
    const office = await getJson('/reconcile/propose_properties?type=Office', undefined, PROPOSED_PROPERTIES);
    expect((office.body as { properties: { id: string }[] }).properties.map((p) => p.id)).toEqual([
      'nameZh',
      'nameEn',
      'wikidata',
    ]);
  });

  it('should extend identifiers with names, dates at their precision and tenures, aligned', async () => {
    const extend = {
      ids: ['person/peng-zhen', 'person/liu-ningyi', 'person/nobody', 'office/secretary-general'],
      properties: ['nameZh', 'birthDate', 'deathDate', 'office', 'officeStart', 'officeEnd', 'wikidata'].map((id) => ({
        id,
      })),
    };
    const { status, body } = await getJson('/reconcile', form({ extend: JSON.stringify(extend) }), EXTENSION_RESPONSE);
    expect(status).toBe(200);
    const rows = (body as { rows: Record<string, Record<string, unknown[]>> }).rows;
    expect(rows['person/peng-zhen']?.nameZh).toEqual([{ str: '彭真' }]);
    expect(rows['person/liu-ningyi']?.birthDate).toEqual([{ str: '1907-12' }]);
    expect(rows['person/liu-ningyi']?.deathDate).toEqual([{ str: '1994' }]);
    const peng = rows['person/peng-zhen'];
    expect(peng?.office).toHaveLength(3);
    expect(peng?.officeStart).toHaveLength(3);
    expect(peng?.officeEnd).toHaveLength(3);
    expect(peng?.office?.[0]).toMatchObject({ id: 'office/secretary-general' });
    expect(rows['person/nobody']).toEqual({
      nameZh: [],
      birthDate: [],
      deathDate: [],
      office: [],
      officeStart: [],
      officeEnd: [],
      wikidata: [],
    });
    expect(rows['office/secretary-general']?.nameZh).toEqual([{ str: '全国人民代表大会常务委员会秘书长' }]);
    expect(rows['office/secretary-general']?.birthDate).toEqual([]);
  });

  it('should give the Wikidata item where the graph links one', () => {
    const store = new Store();
    const { namedNode: n, literal: l, quad } = DataFactory;
    const s = n(`${BASE}id/person/x`);
    store.addQuad(quad(s, n(`${NS.rdf}type`), n(`${NS.schema}Person`)));
    store.addQuad(quad(s, n(`${NS.rdfs}label`), l('X Y', 'en')));
    store.addQuad(quad(s, n(`${NS.owl}sameAs`), n('http://www.wikidata.org/entity/Q900000042')));
    const svc = new ReconcileService(buildCatalogue(store, BASE), `${ORIGIN}/`);
    const out = svc.extend({ ids: ['person/x'], properties: [{ id: 'wikidata' }] }) as {
      rows: Record<string, Record<string, unknown>>;
    };
    expect(out.rows['person/x']?.wikidata).toEqual([{ str: 'Q900000042' }]);
  });
});
