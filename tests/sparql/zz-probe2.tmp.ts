import { Readable } from 'node:stream';
import type { Store } from 'n3';
import { makeConfig } from '../../src/config.ts';
import { buildGraph } from '../../src/rdf/graph.ts';
import { runQuery } from '../../src/sparql/engine.ts';
const g = await buildGraph(makeConfig({ serviceAllowlist: [] }));
function view(store: Store, signal: AbortSignal): Store {
  return {
    match(s: any, p: any, o: any, gr: any) {
      const it = store.readQuads(s, p, o, gr);
      return Readable.from((function* () { for (const q of it) { if (signal.aborted) return; yield q; } })(), { objectMode: true });
    },
    countQuads: (s: any, p: any, o: any, gr: any) => store.countQuads(s, p, o, gr),
  } as unknown as Store;
}
await runQuery(g.store, 'ASK {?s ?p ?o}');
const queries = [
  'SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }',
  'SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a',
  'SELECT * WHERE { ?a (<http://x>|!<http://y>)* ?c } ORDER BY ?c',
  'SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i  FILTER(?i = "x")}',
  'SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f OPTIONAL { ?g ?h ?i } }',
];
for (const q of queries) {
  const ac = new AbortController();
  const t0 = Date.now();
  setTimeout(() => ac.abort(), 1000);
  const t = Date.now();
  try { const r = await runQuery(view(g.store, ac.signal), q, { timeoutMs: 1000, extensions: false, maxResults: 10 }); console.log('done', r.type, (r as any).rows?.length, (r as any).truncated); }
  catch (e) { console.log('err', (e as Error).message); }
  console.log('elapsed', Date.now() - t0);
  const c0 = process.cpuUsage();
  await new Promise((r) => setTimeout(r, 2000));
  const c1 = process.cpuUsage(c0);
  console.log('cpu in next 2s ms', Math.round((c1.user + c1.system) / 1000));
}
const t = Date.now(); const r = await runQuery(view(g.store, new AbortController().signal), 'PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT * { ?s rdfs:label ?l }', {}); console.log('normal', (r as any).rows.length, Date.now() - t);
process.exit(0);
