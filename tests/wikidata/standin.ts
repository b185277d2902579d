// A local stand-in for Wikidata on 127.0.0.1: the action API (wbsearchentities, wbgetentities) and a SPARQL endpoint.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { DataFactory, type Quad, Store } from 'n3';
import { makeConfig } from '../../src/config.ts';
import { NS } from '../../src/rdf/ns.ts';
import { serializeBindings } from '../../src/sparql/results.ts';
import { runQuery } from '../../src/store/comunica.ts';
import type { WdClaim, WdEntity, WdSnak } from '../../src/wikidata/entity.ts';

const { namedNode, literal, quad } = DataFactory;

export const FIXTURES = path.join(makeConfig().root, 'tests', 'fixtures', 'wikidata');

export function fixtureEntities(): Record<string, WdEntity> {
  const doc = JSON.parse(readFileSync(path.join(FIXTURES, 'entities.json'), 'utf8')) as {
    entities: Record<string, WdEntity>;
  };
  return doc.entities;
}

export interface StandInOptions {
  entities?: Record<string, WdEntity>;
  /** Answer every request after this long (a slow endpoint). */
  delayMs?: number;
  /** Destroy the connection of every request after the first `failAfter` (a network failure). */
  failAfter?: number;
  /** Answer the first requests with a maxlag error or a 429, each with Retry-After: 0. */
  busy?: ('maxlag' | 429)[];
}

export interface Recorded {
  path: string;
  params: URLSearchParams;
  userAgent: string | undefined;
  at: number;
}

export interface StandIn {
  api: string;
  sparql: string;
  requests: Recorded[];
  close(): Promise<void>;
}

const normal = (s: string) => s.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();

/** Label languages a search in `language` looks at, as Wikidata's language fallback does for Chinese. */
const searchLanguages = (language: string): string[] => (language === 'zh' ? ['zh', 'zh-hans', 'zh-cn'] : [language]);

function search(entities: Record<string, WdEntity>, text: string, language: string, limit: number) {
  const langs = searchLanguages(language);
  const wanted = normal(text);
  const hits: object[] = [];
  for (const e of Object.values(entities)) {
    const names = langs.flatMap((l) => [
      ...(e.labels?.[l] ? [{ type: 'label', text: e.labels[l]?.value ?? '', language: l }] : []),
      ...(e.aliases?.[l] ?? []).map((a) => ({ type: 'alias', text: a.value, language: l })),
    ]);
    const match = names.find((n) => normal(n.text).startsWith(wanted));
    if (!match) continue;
    hits.push({
      id: e.id,
      title: e.id,
      label: e.labels?.en?.value ?? match.text,
      description: e.descriptions?.en?.value,
      match,
    });
  }
  return { searchinfo: { search: text }, search: hits.slice(0, limit), success: 1 };
}

function getEntities(entities: Record<string, WdEntity>, ids: string[], props: string[], languages: string[]) {
  const out: Record<string, unknown> = {};
  const pick = <T>(m: Record<string, T> | undefined) =>
    Object.fromEntries(Object.entries(m ?? {}).filter(([k]) => languages.length === 0 || languages.includes(k)));
  for (const id of ids) {
    const e = entities[id];
    if (!e) {
      out[id] = { id, missing: '' };
      continue;
    }
    out[id] = {
      type: 'item',
      id,
      ...(props.includes('labels') ? { labels: pick(e.labels) } : {}),
      ...(props.includes('aliases') ? { aliases: pick(e.aliases) } : {}),
      ...(props.includes('descriptions') ? { descriptions: pick(e.descriptions) } : {}),
      ...(props.includes('claims') ? { claims: e.claims ?? {} } : {}),
    };
  }
  return { entities: out, success: 1 };
}

/** The fixture entities in Wikidata's RDF model: labels, truthy wdt:, and p:/ps:/pq: statements. */
export function entitiesToRdf(entities: Record<string, WdEntity>): Quad[] {
  const out: Quad[] = [];
  const value = (s: WdSnak) => {
    const v = s.datavalue?.value as { id?: string; time?: string } | string | undefined;
    if (s.datavalue?.type === 'wikibase-entityid' && typeof v === 'object' && v.id) return namedNode(`${NS.wd}${v.id}`);
    if (s.datavalue?.type === 'time' && typeof v === 'object' && v.time) {
      const iso = v.time.replace(/^\+/, '').replace(/-00/g, '-01');
      return literal(iso, namedNode(`${NS.xsd}dateTime`));
    }
    if (typeof v === 'string') return literal(v);
    return undefined;
  };
  for (const e of Object.values(entities)) {
    const s = namedNode(`${NS.wd}${e.id}`);
    for (const l of Object.values(e.labels ?? {}))
      out.push(quad(s, namedNode(`${NS.rdfs}label`), literal(l.value, l.language)));
    for (const [pid, claims] of Object.entries(e.claims ?? {})) {
      (claims as WdClaim[]).forEach((c, i) => {
        const v = value(c.mainsnak);
        if (!v) return;
        const st = namedNode(`${NS.wd}statement/${e.id}-${pid}-${i}`);
        out.push(
          quad(s, namedNode(`${NS.wdt}${pid}`), v),
          quad(s, namedNode(`${NS.p}${pid}`), st),
          quad(st, namedNode(`${NS.ps}${pid}`), v),
        );
        for (const [qid, snaks] of Object.entries(c.qualifiers ?? {})) {
          for (const q of snaks) {
            const qv = value(q);
            if (qv) out.push(quad(st, namedNode(`${NS.pq}${qid}`), qv));
          }
        }
      });
    }
  }
  return out;
}

async function body(req: http.IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text;
}

/** Starts the stand-in on 127.0.0.1, port 0. */
export async function startStandIn(options: StandInOptions = {}): Promise<StandIn> {
  const entities = options.entities ?? fixtureEntities();
  const store = new Store(entitiesToRdf(entities));
  const busy = [...(options.busy ?? [])];
  const requests: Recorded[] = [];
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const params = new URLSearchParams(url.search);
    const posted = req.method === 'POST' ? await body(req) : '';
    if (posted && req.headers['content-type']?.includes('application/x-www-form-urlencoded')) {
      for (const [k, v] of new URLSearchParams(posted)) params.set(k, v);
    } else if (posted) params.set('query', posted);
    requests.push({ path: url.pathname, params, userAgent: req.headers['user-agent'], at: Date.now() });
    if (options.failAfter !== undefined && requests.length > options.failAfter) {
      req.socket.destroy();
      return;
    }
    // Unreferenced: a delay longer than a test must not keep the test process alive after the stand-in is closed.
    if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs).unref());
    if (res.destroyed) return;
    const json = (status: number, data: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(JSON.stringify(data));
    };
    const trouble = busy.shift();
    if (trouble === 'maxlag') {
      return json(
        200,
        { error: { code: 'maxlag', info: 'Waiting for a database server: 6 seconds lagged.' } },
        { 'retry-after': '0' },
      );
    }
    if (trouble === 429) return json(429, { error: 'too many requests' }, { 'retry-after': '0' });

    if (url.pathname === '/w/api.php') {
      const action = params.get('action');
      if (action === 'wbsearchentities') {
        return json(
          200,
          search(
            entities,
            params.get('search') ?? '',
            params.get('language') ?? 'en',
            Number(params.get('limit') ?? 7),
          ),
        );
      }
      if (action === 'wbgetentities') {
        const list = (k: string) => (params.get(k) ?? '').split('|').filter(Boolean);
        return json(200, getEntities(entities, list('ids'), list('props'), list('languages')));
      }
      return json(200, { error: { code: 'badvalue', info: `unknown action ${action}` } });
    }
    if (url.pathname === '/sparql') {
      const query = params.get('query');
      if (!query) {
        // A client probing what the endpoint is (Comunica does) gets an empty service description.
        res.writeHead(200, { 'content-type': 'text/turtle' });
        return res.end('');
      }
      try {
        const result = await runQuery(store, query, { timeoutMs: 10_000 });
        if (result.type !== 'bindings') return json(400, { error: 'the stand-in answers SELECT only' });
        res.writeHead(200, { 'content-type': 'application/sparql-results+json' });
        return res.end(serializeBindings('json', result.variables, result.rows));
      } catch (e) {
        res.writeHead(400, { 'content-type': 'text/plain' });
        return res.end((e as Error).message);
      }
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    api: `http://127.0.0.1:${port}/w/api.php`,
    sparql: `http://127.0.0.1:${port}/sparql`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
