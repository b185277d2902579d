import { makeConfig } from '../../src/config.ts';
import { buildGraph } from '../../src/rdf/graph.ts';
import { runQuery } from '../../src/sparql/engine.ts';
const g = await buildGraph(makeConfig({ serviceAllowlist: [] }));
console.log('size', g.store.size);
await runQuery(g.store, 'ASK {?s ?p ?o}');
const queries = [
  'SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }',
  'SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a',
  'SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }',
  'ASK { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i FILTER(?i = "nope") }',
  'SELECT * WHERE { ?a (<http://x>|!<http://y>)* ?c } ORDER BY ?c',
];
for (const q of queries) {
  let maxLag = 0; let last = Date.now();
  const iv = setInterval(() => { const n = Date.now(); maxLag = Math.max(maxLag, n - last - 50); last = n; }, 50);
  const t0 = Date.now();
  try { const r = await runQuery(g.store, q, { timeoutMs: 1000, extensions: false, maxResults: 10 }); console.log('done', r.type, (r as any).rows?.length, (r as any).truncated); }
  catch (e) { console.log('err', (e as Error).message); }
  console.log('elapsed', Date.now() - t0, 'maxLag', maxLag);
  const c0 = process.cpuUsage(); maxLag = 0;
  await new Promise((r) => setTimeout(r, 3000));
  const c1 = process.cpuUsage(c0);
  console.log('cpu in next 3s ms', Math.round((c1.user + c1.system) / 1000), 'maxLag', maxLag);
  clearInterval(iv);
}
process.exit(0);
