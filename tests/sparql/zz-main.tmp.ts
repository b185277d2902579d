import { Worker } from 'node:worker_threads';
import { makeConfig } from '../../src/config.ts';
import { buildGraph } from '../../src/rdf/graph.ts';
import { toNQuads } from '../../src/rdf/serialize.ts';
const g = await buildGraph(makeConfig({ serviceAllowlist: [] }));
const nq = await toNQuads(g.store.getQuads(null, null, null, null));
console.log('nq bytes', nq.length, 'rss main', process.memoryUsage().rss / 1e6);
const t0 = performance.now();
const w = new Worker(new URL('./zz-worker.tmp.js', import.meta.url), { workerData: { nq } });
const first = await new Promise((r) => w.once('message', r));
console.log('startup', performance.now() - t0, first, 'rss main after', process.memoryUsage().rss / 1e6);
const q = `PREFIX npcsc: <https://w3id.org/npcsc/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?t ?h ?n WHERE { ?t npcsc:holder ?h . ?h rdfs:label ?n }`;
for (let i = 0; i < 5; i++) { const s = performance.now(); const m = await new Promise((r) => { w.once('message', r); w.postMessage(q); }); console.log('rt', (performance.now() - s).toFixed(2), m); }
const t5 = performance.now();
const w2 = new Worker(new URL('./zz-worker.tmp.js', import.meta.url), { workerData: { nq } });
await new Promise((r) => w2.once('message', r));
console.log('2nd worker startup', performance.now() - t5, 'rss', process.memoryUsage().rss / 1e6);
const t6 = performance.now(); await w2.terminate(); console.log('terminate ms', performance.now() - t6);
process.exit(0);
