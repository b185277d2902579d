// The table of issue 13 (npm run bench): the project's default store and `--store oxigraph` against Oxigraph's engine behind bare node:http (the peer) and bare node:http (the ceiling), measured in one run, as ratios with their targets.
//
// Every server is a process of its own, started from the CLI as a user starts it (lib/bin/npcsc-kg.js when the
// compiled output is there, else src/bin/npcsc-kg.js); the peer is tests/bench/oxigraph-peer.mjs over the same
// dump; the ceiling is node:http answering the very bytes of a /sparql cache hit. Rows:
// - each example query (queries/*.rq but the SERVICE one, parameters at their defaults, written as plain SPARQL
//   by portableQuery so that every server gets the same text), POSTed to /sparql with Cache-Control: no-cache,
//   one client, rounds interleaved (each query on each server in turn), p50 as a ratio to the peer's p50;
// - a /sparql cache hit by POST and by GET under autocannon, as a share of the ceiling's requests per second,
//   each round's app run paired with the ceiling run just before it, the median pair counting;
// - spawn to the first 200 of a SPARQL query and of the office's HTML page (warm build cache), and with an
//   empty build cache (a copy of ontology/, data/ and queries/ in a temporary root: the cache lives under the
//   root's node_modules/.cache);
// - resident memory of the server and its query runners (child processes) summed, idle after start (the first
//   answer and a pause) and after the queries and load tests.
// BENCH_1M=1 adds the queries and the idle RSS at about 1M triples (`generate --offices 950`; its first build
// takes minutes and is cached), on `--store oxigraph` and the peer; BENCH_1M_DEFAULT=1 runs the default store
// there too. BENCH_RUNS, BENCH_ROUNDS and BENCH_SECONDS tune the run. Timings are printed, never asserted.
import { type ChildProcess, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bench, describe } from 'vitest';
import { cacheFiles } from '../../src/build/cache.ts';
import { makeConfig, PROJECT_ROOT } from '../../src/config.ts';
import { generate } from '../../src/generate/command.ts';
import { loadQueryDir } from '../../src/rdf/queries.ts';
import { bindParams } from '../../src/sparql/params.ts';
import { portableQuery } from '../../src/store/portable.ts';
import { autocannon, type Cannon, fixedResponseOf, startNode, stopAll, stopNode } from './support.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONNECTIONS = 10;
const AT_1M = process.env.BENCH_1M === '1';
const DEFAULT_AT_1M = process.env.BENCH_1M_DEFAULT === '1';
const OFFICES = 950;
/** At 1M the project's query time limit (10 s by default) is raised: on a loaded machine it can cut a query the peer, which has none, answers. */
const LONG = ['--timeout-ms', '120000'];
const COMPILED = path.join(PROJECT_ROOT, 'lib', 'bin', 'npcsc-kg.js');
const BIN = existsSync(COMPILED) ? COMPILED : path.join(PROJECT_ROOT, 'src', 'bin', 'npcsc-kg.js');
const PEER = path.join(PROJECT_ROOT, 'tests', 'bench', 'oxigraph-peer.mjs');
const HIT_QUERY = 'SELECT ?s WHERE { ?s a ?t } LIMIT 10';
const PAGE = '/doc/office/secretary-general';
const work = mkdtempSync(path.join(tmpdir(), 'npcsc-table-bench-'));

const TARGETS = {
  queryRatio: 1.5,
  postHitOfCeiling: 0.8,
  firstAnswerS: 1,
  firstPageS: 0.5,
  emptyCacheS: 3,
  idleMB: 125,
  loadedMB: 200,
  rss1MOfPeer: 1.3,
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

/** Resident memory of a process and all its descendants (the query runners), in MB, read from /proc. */
function treeRssMB(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const rss = (p: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  const children = (p: number): number[] => {
    try {
      return readdirSync(`/proc/${p}/task`).flatMap((t) =>
        readFileSync(`/proc/${p}/task/${t}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
      );
    } catch {
      return [];
    }
  };
  let total = 0;
  const todo = [pid];
  for (let p = todo.pop(); p !== undefined; p = todo.pop()) {
    try {
      total += rss(p);
    } catch {
      // Gone meanwhile (a runner ended): it holds nothing.
    }
    todo.push(...children(p));
  }
  return total;
}

/** Polls `url` until it answers 200, and resolves with the time since `startedAt` in seconds. */
async function firstOk(url: string, startedAt: number, init: RequestInit = {}): Promise<number> {
  for (;;) {
    const res = await fetch(url, init).catch(() => undefined);
    if (res) await res.arrayBuffer();
    if (res?.status === 200) return (performance.now() - startedAt) / 1000;
    await sleep(5);
  }
}

interface Server {
  name: string;
  url: string;
  child: ChildProcess;
  firstAnswerS: number;
  firstPageS?: number;
}

const askInit = (text: string): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/sparql-query', accept: 'application/sparql-results+json' },
  body: text,
});

/** `npcsc-kg serve` on a free port, timed from the spawn to its first SPARQL answer and its first page. */
async function startProject(name: string, root: string, extra: string[]): Promise<Server> {
  const { child, match, startedAt } = await startNode(
    [BIN, 'serve', '--port', '0', '--host', '127.0.0.1', '--root', root, ...extra],
    /serving \d+ triples at (http:\/\/127\.0\.0\.1:\d+)\//,
  );
  const url = match[1] as string;
  const [firstAnswerS, firstPageS] = await Promise.all([
    firstOk(`${url}/sparql`, startedAt, askInit('ASK { ?s ?p ?o }')),
    firstOk(`${url}${PAGE}`, startedAt, { headers: { accept: 'text/html' } }),
  ]);
  return { name, url, child, firstAnswerS, firstPageS };
}

/** The peer over `ntFile`, timed from the spawn to its first SPARQL answer. */
async function startPeer(ntFile: string, base: string): Promise<Server> {
  const { child, match, startedAt } = await startNode([PEER, ntFile, base], /^(\d+)$/m);
  const url = `http://127.0.0.1:${match[1]}`;
  return { name: 'peer', url, child, firstAnswerS: await firstOk(`${url}/sparql`, startedAt, askInit('ASK {}')) };
}

/** node:http answering `file`'s fixed response (plain node, no loader), timed like the others. */
async function startBare(file: string): Promise<Server> {
  const script = `const f = JSON.parse(require('node:fs').readFileSync(${JSON.stringify(file)}, 'utf8')); const b = Buffer.from(f.body, 'base64'); const s = require('node:http').createServer((q, r) => { q.resume(); r.writeHead(f.status, f.headers); r.end(b); }); s.listen(0, '127.0.0.1', () => console.log(s.address().port));`;
  const { child, match, startedAt } = await startNode(['-e', script], /^(\d+)$/m);
  const url = `http://127.0.0.1:${match[1]}`;
  return { name: 'bare', url, child, firstAnswerS: await firstOk(`${url}/sparql`, startedAt) };
}

/** The example queries as every server gets them: plain SPARQL 1.1, parameters at their defaults. */
function exampleQueries(root: string, base: string): { name: string; text: string }[] {
  return loadQueryDir(path.join(root, 'queries'))
    .filter((q) => !/\bSERVICE\b/i.test(q.text))
    .map((q) => ({
      name: q.name,
      text: portableQuery(q.text, { baseIRI: base, bindings: bindParams(q, {}, base) }).text,
    }));
}

/** Queries that did not answer 200 in the run, listed under the table. */
const failures = new Set<string>();

/** p50 ms of each query on each server, rounds interleaved (each query on each server in turn). */
async function queryTimes(
  servers: Server[],
  queries: { name: string; text: string }[],
  runs: number,
): Promise<Map<string, Map<string, number>>> {
  const times = new Map(servers.map((s) => [s.name, new Map(queries.map((q) => [q.name, [] as number[]]))]));
  const once = async (s: Server, q: { name: string; text: string }) => {
    const t = performance.now();
    const res = await fetch(`${s.url}/sparql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/sparql-query',
        accept: 'application/sparql-results+json',
        'cache-control': 'no-cache',
      },
      body: q.text,
    });
    const body = await res.text();
    if (res.status === 200) return performance.now() - t;
    // A query refused or stopped (its time limit on a loaded machine) counts as infinitely slow, and is named.
    failures.add(`${s.name} ${q.name}: ${res.status} ${body.slice(0, 120)}`);
    return Number.POSITIVE_INFINITY;
  };
  for (let r = -1; r < runs; r++) {
    for (const q of queries) {
      for (const s of servers) {
        const ms = await once(s, q);
        if (r >= 0) times.get(s.name)?.get(q.name)?.push(ms);
      }
    }
  }
  return new Map([...times].map(([name, byQuery]) => [name, new Map([...byQuery].map(([q, xs]) => [q, median(xs)]))]));
}

const cannon = async (opts: Record<string, unknown>): Promise<Cannon> => {
  const r = await autocannon({ connections: CONNECTIONS, duration: SECONDS, ...opts });
  if (r.errors > 0 || r.non2xx > 0) throw new Error(`${String(opts.url)}: ${r.errors} errors, ${r.non2xx} non-2xx`);
  return r;
};

/** Ratios of each server's GET and POST hit to the ceiling: per round, each run to the ceiling run just before. */
async function hitRatios(servers: Server[], bare: Server): Promise<Map<string, { get: number; post: number }>> {
  const get = (s: Server) => ({ url: `${s.url}/sparql?query=${encodeURIComponent(HIT_QUERY)}` });
  const post = (s: Server) => ({
    url: `${s.url}/sparql`,
    method: 'POST',
    headers: { 'content-type': 'application/sparql-query' },
    body: HIT_QUERY,
  });
  const ratios = new Map(servers.map((s) => [s.name, { get: [] as number[], post: [] as number[] }]));
  for (const s of servers) {
    await cannon({ ...get(s), duration: 1 });
    await cannon({ ...post(s), duration: 1 });
  }
  await cannon({ url: `${bare.url}/sparql`, duration: 1 });
  for (let i = 0; i < ROUNDS; i++) {
    for (const s of servers) {
      for (const how of ['get', 'post'] as const) {
        const ceiling = (await cannon({ url: `${bare.url}/sparql` })).requests.average;
        const app = (await cannon(how === 'get' ? get(s) : post(s))).requests.average;
        ratios.get(s.name)?.[how].push(app / ceiling);
      }
    }
  }
  return new Map([...ratios].map(([name, r]) => [name, { get: median(r.get), post: median(r.post) }]));
}

/** A copy of the inputs in a temporary root: its build cache (root/node_modules/.cache) starts empty. */
function emptyCacheRoot(): string {
  const root = path.join(work, 'empty-cache');
  for (const dir of ['ontology', 'data', 'queries']) {
    cpSync(path.join(PROJECT_ROOT, dir), path.join(root, dir), { recursive: true });
  }
  return root;
}

/** The generated ~1M-triple workload (deterministic, so its build stays cached between runs). */
function workload(): string {
  const dir = path.join(PROJECT_ROOT, 'node_modules', '.cache', 'npcsc-kg', `workload-${OFFICES}`);
  for (const sub of ['data', 'ontology', 'queries']) rmSync(path.join(dir, sub), { recursive: true, force: true });
  generate({ offices: OFFICES, out: dir, seed: 1 });
  return dir;
}

/**
 * Builds (or reads the cached build of) `root` with the CLI the servers run, and names the dump that build wrote:
 * the cache entry whose content hash is the one `stats` reports. Not cacheFiles() here: a cache key digests the
 * code that builds, and this file runs the sources (src/) while the servers run lib/, whose entry is another.
 */
function built(root: string): { ntFile: string; base: string; triples: number } {
  const stats = JSON.parse(
    execFileSync(process.execPath, [BIN, 'stats', '--json', '--root', root], { encoding: 'utf8', maxBuffer: 1 << 26 }),
  ) as { triples: number; hash: string };
  const config = makeConfig({ root });
  const dir = path.dirname(cacheFiles(config).ntFile);
  const ntFile = readdirSync(dir)
    .filter((f) => f.endsWith('.json') && existsSync(path.join(dir, f.replace(/\.json$/, '.nt'))))
    .map((f) => path.join(dir, f))
    .find((f) => (JSON.parse(readFileSync(f, 'utf8')) as { hash?: string }).hash === stats.hash)
    ?.replace(/\.json$/, '.nt');
  if (!ntFile) throw new Error(`no cached dump of ${root} with content ${stats.hash} in ${dir}`);
  return { ntFile, base: config.base, triples: stats.triples };
}

// ---- one run ----
const dataset = built(PROJECT_ROOT);
const project = await startProject('default', PROJECT_ROOT, []);
const oxi = await startProject('oxigraph', PROJECT_ROOT, ['--store', 'oxigraph']);
const peer = await startPeer(dataset.ntFile, dataset.base);
// The ceiling answers what a cache hit answers, byte for byte (no Accept-Encoding, as autocannon asks).
const hitRes = await fetch(`${project.url}/sparql?query=${encodeURIComponent(HIT_QUERY)}`, {
  headers: { 'accept-encoding': 'identity' },
});
const fixedFile = path.join(work, 'hit.json');
writeFileSync(fixedFile, JSON.stringify((await fixedResponseOf(hitRes)).fixed));
const bare = await startBare(fixedFile);
const all = [project, oxi, peer, bare];
await sleep(3000);
const idleMB = new Map(all.map((s) => [s.name, treeRssMB(s.child.pid)]));

const queries = exampleQueries(PROJECT_ROOT, dataset.base);
const times = await queryTimes([project, oxi, peer], queries, RUNS);
const hits = await hitRatios([project, oxi], bare);
const loadedMB = new Map(all.map((s) => [s.name, treeRssMB(s.child.pid)]));
await stopAll();

const empty = await startProject('empty cache', emptyCacheRoot(), []);
await stopNode(empty.child);

let large: { triples: number; times: Map<string, Map<string, number>>; idleMB: Map<string, number> } | undefined;
/** Why the 1M rows have no figures: not asked for, or what went wrong (the other rows are printed all the same). */
let largeMissing = 'not run (BENCH_1M=1)';
if (AT_1M) {
  try {
    large = await atScale();
  } catch (e) {
    // The cell says that it failed; the whole reason goes under the table.
    largeMissing = 'failed (the reason is under the table)';
    failures.add(`at 1M triples: ${(e as Error).message.slice(-600)}`);
    await stopAll();
  }
}
rmSync(work, { recursive: true, force: true });

/** The query times and idle RSS over the generated ~1M-triple graph. */
async function atScale() {
  const root = workload();
  const big = built(root);
  const servers = [
    ...(DEFAULT_AT_1M ? [await startProject('default', root, LONG)] : []),
    await startProject('oxigraph', root, ['--store', 'oxigraph', ...LONG]),
    await startPeer(big.ntFile, big.base),
  ];
  await sleep(3000);
  const idle = new Map(servers.map((s) => [s.name, treeRssMB(s.child.pid)]));
  const times = await queryTimes(servers, exampleQueries(root, big.base), Math.min(RUNS, 7));
  await stopAll();
  return { triples: big.triples, times, idleMB: idle };
}

// ---- the table ----
const x = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '-' : `${n.toFixed(2)}x`);
const pct = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '-' : `${(100 * n).toFixed(0)}%`);
const sec = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '-' : `${n.toFixed(2)} s`);
const mb = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '-' : n.toFixed(0));
const mark = (ok: boolean) => (ok ? 'met' : 'MISSED');
/** Each query's p50 over the peer's, on server `name`. */
const ratiosOf = (t: Map<string, Map<string, number>>, name: string) => {
  const mine = t.get(name);
  const theirs = t.get('peer');
  if (!mine || !theirs) return undefined;
  return [...mine].map(([q, ms]) => ({ q, r: ms / (theirs.get(q) ?? Number.NaN) }));
};
const span = (rs: { q: string; r: number }[] | undefined) => {
  if (!rs) return '-';
  const sorted = [...rs].sort((a, b) => a.r - b.r);
  const lo = sorted[0];
  const hi = sorted.at(-1);
  return `${x(lo?.r)}-${x(hi?.r)} (${hi?.q})`;
};
const worst = (rs: { q: string; r: number }[] | undefined) => Math.max(...(rs ?? []).map((r) => r.r));
/** The mark of a target, for each project column that has a figure. */
const judge = (target: string, figures: [string, number | undefined][], ok: (n: number) => boolean) =>
  `${target}: ${figures
    .filter(([, n]) => n !== undefined && !Number.isNaN(n))
    .map(([name, n]) => `${name} ${mark(ok(n as number))}`)
    .join(', ')}`;

const headers = [
  'figure',
  'default store',
  '--store oxigraph',
  'peer (Oxigraph + node:http)',
  'bare node:http',
  'target',
];
const rows: string[][] = [];
const small = { d: ratiosOf(times, 'default'), o: ratiosOf(times, 'oxigraph') };
rows.push([
  `uncached example query p50 vs peer (${dataset.triples} triples)`,
  span(small.d),
  span(small.o),
  '1x',
  '-',
  judge(
    `<= ${TARGETS.queryRatio}x every query`,
    [
      ['default', worst(small.d)],
      ['oxigraph', worst(small.o)],
    ],
    (n) => n <= TARGETS.queryRatio,
  ),
]);
if (large) {
  const d = ratiosOf(large.times, 'default');
  const o = ratiosOf(large.times, 'oxigraph');
  rows.push([
    `same at ${large.triples} triples`,
    span(d),
    span(o),
    '1x',
    '-',
    judge(
      `<= ${TARGETS.queryRatio}x`,
      [
        ['default', d ? worst(d) : undefined],
        ['oxigraph', worst(o)],
      ],
      (n) => n <= TARGETS.queryRatio,
    ),
  ]);
} else {
  rows.push(['same at 1M triples', largeMissing, '', '', '', '']);
}
rows.push([
  '/sparql cache hit vs bare node:http, POST (GET)',
  `${pct(hits.get('default')?.post)} (${pct(hits.get('default')?.get)})`,
  `${pct(hits.get('oxigraph')?.post)} (${pct(hits.get('oxigraph')?.get)})`,
  '-',
  '100%',
  judge(
    `POST >= ${pct(TARGETS.postHitOfCeiling)}`,
    [
      ['default', hits.get('default')?.post],
      ['oxigraph', hits.get('oxigraph')?.post],
    ],
    (n) => n >= TARGETS.postHitOfCeiling,
  ),
]);
rows.push([
  'first SPARQL answer after start (warm build cache)',
  sec(project.firstAnswerS),
  sec(oxi.firstAnswerS),
  sec(peer.firstAnswerS),
  sec(bare.firstAnswerS),
  judge(
    `<= ${TARGETS.firstAnswerS} s`,
    [
      ['default', project.firstAnswerS],
      ['oxigraph', oxi.firstAnswerS],
    ],
    (n) => n <= TARGETS.firstAnswerS,
  ),
]);
rows.push([
  'first page after start',
  sec(project.firstPageS),
  sec(oxi.firstPageS),
  '-',
  '-',
  judge(
    `<= ${TARGETS.firstPageS} s`,
    [
      ['default', project.firstPageS],
      ['oxigraph', oxi.firstPageS],
    ],
    (n) => n <= TARGETS.firstPageS,
  ),
]);
rows.push([
  'start with an empty build cache, first answer',
  sec(empty.firstAnswerS),
  '-',
  '-',
  '-',
  judge(`<= ${TARGETS.emptyCacheS} s`, [['default', empty.firstAnswerS]], (n) => n <= TARGETS.emptyCacheS),
]);
const rss = (name: string) => `${mb(idleMB.get(name))} / ${mb(loadedMB.get(name))}`;
rows.push([
  'RSS MB idle after start / after load (server + runners)',
  rss('default'),
  rss('oxigraph'),
  rss('peer'),
  rss('bare'),
  `<= ${TARGETS.idleMB} / ${TARGETS.loadedMB} MB: ${['default', 'oxigraph']
    .map(
      (n) =>
        `${n} ${mark((idleMB.get(n) ?? Number.NaN) <= TARGETS.idleMB && (loadedMB.get(n) ?? Number.NaN) <= TARGETS.loadedMB)}`,
    )
    .join(', ')}`,
]);
if (large) {
  const peerMB = large.idleMB.get('peer') ?? Number.NaN;
  rows.push([
    `RSS MB idle at ${large.triples} triples`,
    mb(large.idleMB.get('default')),
    mb(large.idleMB.get('oxigraph')),
    mb(peerMB),
    '-',
    judge(
      `<= ${TARGETS.rss1MOfPeer}x peer`,
      [
        ['default', large.idleMB.get('default')],
        ['oxigraph', large.idleMB.get('oxigraph')],
      ],
      (n) => n <= TARGETS.rss1MOfPeer * peerMB,
    ),
  ]);
} else {
  rows.push(['RSS MB idle at 1M triples', largeMissing, '', '', '', '']);
}

const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
const perQuery = (t: Map<string, Map<string, number>>, label: string) => [
  `  example query p50 ms at ${label}: ${[...t.keys()].join(' / ')}`,
  ...queries.map(
    (q) =>
      `    ${q.name.padEnd(26)}${[...t.values()].map((m) => (m.get(q.name) ?? Number.NaN).toFixed(2).padStart(9)).join('')}`,
  ),
];
const report = [
  '',
  `Issue 13 table, one run (${path.relative(PROJECT_ROOT, BIN)}; queries: p50 of ${RUNS} interleaved rounds, one client; load: ${ROUNDS} rounds of ${SECONDS} s x ${CONNECTIONS} connections, median of paired ratios; RSS: the process and its children summed)`,
  line(headers),
  line(widths.map((w) => '-'.repeat(w))),
  ...rows.map(line),
  '',
  ...perQuery(times, `${dataset.triples} triples`),
  ...(large ? perQuery(large.times, `${large.triples} triples`) : []),
  ...[...failures].map((f) => `  not answered: ${f}`),
  '',
].join('\n');
// Vitest keeps a benchmark's console to itself: the table goes straight to the terminal, and to test-results/.
process.stdout.write(`${report}\n`);
const out = path.join(PROJECT_ROOT, 'test-results', 'bench.json');
mkdirSync(path.dirname(out), { recursive: true });
const previous = existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>) : {};
writeFileSync(
  out,
  `${JSON.stringify({ ...previous, table: { at: new Date().toISOString(), targets: TARGETS, report } }, null, 2)}\n`,
);

describe('issue 13 table', () => {
  bench('figures printed above (one run)', () => {}, { iterations: 1, warmupIterations: 0, time: 0, warmupTime: 0 });
});
