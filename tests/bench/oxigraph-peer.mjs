// The bench's peer: Oxigraph's engine (the `oxigraph` npm package) behind a bare node:http server, answering SPARQL JSON.
//
// `node tests/bench/oxigraph-peer.mjs DUMP.nt BASE` loads the N-Triples dump, prints the port it listens on
// (127.0.0.1, a free port), then answers GET /sparql?query=… and POST /sparql (application/sparql-query) with
// SPARQL JSON until killed: what a minimal endpoint on the same engine costs, nothing of the project's code in
// it. Plain JavaScript, not TypeScript, so that no loader stands between the spawn and the first answer.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { Store } from 'oxigraph';

const [dump, base] = process.argv.slice(2);
const store = new Store();
store.load(readFileSync(dump ?? '', 'utf8'), { format: 'application/n-triples' });

const answer = (res, status, type, body) => {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
};

const run = (res, query) => {
  if (!query) return answer(res, 400, 'text/plain', 'no query');
  let body;
  try {
    body = store.query(query, { base_iri: base, results_format: 'application/sparql-results+json' });
  } catch (e) {
    return answer(res, 400, 'text/plain', String(e));
  }
  answer(res, 200, 'application/sparql-results+json', body);
};

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname !== '/sparql') return answer(res, 404, 'text/plain', 'not found');
  if (req.method !== 'POST') return run(res, url.searchParams.get('query'));
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => run(res, Buffer.concat(chunks).toString('utf8')));
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
