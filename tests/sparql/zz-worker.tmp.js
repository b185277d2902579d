import { register } from 'tsx/esm/api';
register();
const t0 = performance.now();
const { runQuery } = await import('../../src/sparql/engine.ts');
const { Store, Parser } = await import('n3');
const t1 = performance.now();
const { parentPort, workerData } = await import('node:worker_threads');
const store = new Store(new Parser({ format: 'N-Quads' }).parse(workerData.nq));
const t2 = performance.now();
await runQuery(store, 'ASK { ?s ?p ?o }');
const t3 = performance.now();
parentPort.postMessage({ load: t1 - t0, parse: t2 - t1, warm: t3 - t2, mem: process.memoryUsage() });
parentPort.on('message', async (q) => {
  const s = performance.now();
  const r = await runQuery(store, q, { extensions: false });
  parentPort.postMessage({ n: r.rows.length, ms: performance.now() - s });
});
