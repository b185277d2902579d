// The soak (`npm run soak`): `npcsc-kg serve` in a process of its own under 60 s of mixed traffic at 50 connections (documents, cached and uncached queries). Zero errors, no 4xx or 5xx, RSS growth under 10% after warm-up; prints the figures and writes test-results/soak.json.
//
// Traffic: autocannon in this process, each connection cycling through MIX: pages, RDF documents, 303s, a dump,
// the same SPARQL queries and stored queries again and again (answered from the server's caches), and, one
// request in 55, a query no one asked before (run on a query runner). Each connection is a user of its own behind a
// trusted proxy (X-Forwarded-For). Memory: the resident set (VmRSS) of the server and its query runners (child
// processes) after the warm-up and every second of the run; growth is the end over the post-warm-up figure. The warm-up is long (45 s) because each query thread's heap takes 30-40 s of such traffic
// to reach its steady size (measured: about 190 MB a thread, flat after that). SOAK_SECONDS,
// SOAK_WARMUP_SECONDS and SOAK_CONNECTIONS change the run.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/config.ts';
import { type Served, startServe } from '../hardening/support.ts';

interface Histogram {
  average: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  total: number;
}
interface CannonResult {
  requests: Histogram;
  latency: Histogram;
  throughput: Histogram;
  errors: number;
  timeouts: number;
  non2xx: number;
  duration: number;
  statusCodeStats: Record<string, { count: number }>;
}
interface CannonRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (req: CannonRequest) => CannonRequest;
}
type Autocannon = (opts: {
  url: string;
  connections: number;
  duration: number;
  requests: CannonRequest[];
  timeout?: number;
  setupClient?: (client: { setHeaders(h: Record<string, string>): void }) => void;
}) => Promise<CannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
const WARMUP = Number(process.env.SOAK_WARMUP_SECONDS ?? 45);
const CONNECTIONS = Number(process.env.SOAK_CONNECTIONS ?? 50);
const MAX_GROWTH = 0.1;
const OUT = path.join(PROJECT_ROOT, 'test-results', 'soak.json');

const PEOPLE = [
  'peng-zhen',
  'liu-ningyi',
  'ji-pengfei',
  'yang-shangkun',
  'wang-hanbin',
  'peng-chong',
  'cao-zhi',
  'he-chunlin',
  'sheng-huaren',
  'li-jianguo',
  'wang-chen',
  'yang-zhenwu',
  'liu-qi',
  'zhu-de',
  'wan-li',
  'qiao-shi',
];
const HTML = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8', 'accept-language': 'en-GB,en;q=0.9' };
const ZH = { accept: 'text/html', 'accept-language': 'zh-CN,zh;q=0.9' };
const q = (text: string) => `/sparql?query=${encodeURIComponent(text)}`;
const LABELS = 'PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?s ?l WHERE { ?s rdfs:label ?l } LIMIT 50';
const TENURES =
  'PREFIX npcsc: <https://w3id.org/npcsc/ontology#> SELECT ?t ?o WHERE { ?t npcsc:ordinal ?o } ORDER BY ?o';

let unique = 0;
/** A query nobody asked before (so never in the cache): a small one, run on a query thread. */
const uncached = (): CannonRequest => ({
  path: '/sparql',
  headers: { accept: 'application/sparql-results+json' },
  setupRequest: (req) => ({
    ...req,
    path: q(`SELECT ?s ?o WHERE { ?s <https://w3id.org/npcsc/ontology#ordinal> ?o FILTER (?o != ${++unique}) }`),
  }),
});

/** One connection's cycle: 54 answers from caches and prepared documents, then one fresh query. */
const MIX: CannonRequest[] = [
  { path: '/', headers: HTML },
  { path: '/index.zh-Hans.html' },
  ...PEOPLE.map((p, i) => ({ path: `/doc/person/${p}`, headers: i % 3 ? HTML : ZH })),
  ...Array.from({ length: 14 }, (_, i) => ({ path: `/doc/tenure/secretary-general/${i + 1}.ttl` })),
  { path: '/doc/office/secretary-general', headers: HTML },
  { path: '/doc/office/secretary-general', headers: { accept: 'application/ld+json' } },
  { path: '/doc/office/chairperson.rdf' },
  { path: '/doc/org/npcsc.nt' },
  { path: '/id/person/peng-zhen', headers: { accept: 'text/turtle' } },
  { path: '/id/office/secretary-general', headers: HTML },
  { path: '/ontology', headers: HTML },
  { path: '/dataset', headers: { accept: 'text/turtle' } },
  { path: '/.well-known/void' },
  { path: '/sitemap.xml' },
  { path: '/robots.txt' },
  { path: '/dump.nt', headers: { 'accept-encoding': 'gzip' } },
  { path: q(LABELS), headers: { accept: 'application/sparql-results+json' } },
  { path: q(LABELS), headers: { accept: 'text/csv' } },
  { path: q(TENURES), headers: { accept: 'application/sparql-results+xml' } },
  {
    path: '/sparql',
    method: 'POST',
    headers: { 'content-type': 'application/sparql-query', accept: 'application/sparql-results+json' },
    body: TENURES,
  },
  { path: '/api/holders' },
  { path: '/api/holders.csv' },
  { path: '/api/incumbent' },
  { path: '/api/held-on-date?day=1983-06-10' },
  { path: '/api/person-tenures?person=id/person/peng-zhen' },
  { path: '/api/openapi.json' },
  uncached(),
];

/** Resident set of one process, in MB (0 once it is gone). */
function processRssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? Number.NaN) / 1024;
  } catch {
    return 0;
  }
}

/** Resident set of the server and its query runners (its child processes), in MB. */
function rssMb(pid: number | undefined): number {
  let total = processRssMb(pid as number);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) total += processRssMb(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/**
 * Each connection a user of its own, as behind a reverse proxy (the server trusts the loopback one): one address
 * holds only its share of the query slots, and fifty users are not one.
 */
const asUsers = (client: { setHeaders(h: Record<string, string>): void }) => {
  const user = ++users;
  client.setHeaders({ 'x-forwarded-for': `198.51.${Math.floor(user / 250)}.${user % 250}` });
};
let users = 0;

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

async function main(): Promise<number> {
  process.stdout.write(
    `soak: starting npcsc-kg serve; ${WARMUP} s warm-up, then ${SECONDS} s at ${CONNECTIONS} connections\n`,
  );
  const server: Served = await startServe(['--trusted-proxy', '127.0.0.1']);
  const pid = server.child.pid;
  const failures: string[] = [];
  try {
    const warm = await autocannon({
      url: server.url,
      connections: CONNECTIONS,
      duration: WARMUP,
      requests: MIX,
      setupClient: asUsers,
    });
    const before = rssMb(pid);
    const samples: number[] = [];
    const uniqueBefore = unique;
    const sampler = setInterval(() => samples.push(rssMb(pid)), 1000);
    const startedAt = new Date();
    const r = await autocannon({
      url: server.url,
      connections: CONNECTIONS,
      duration: SECONDS,
      requests: MIX,
      timeout: 10,
      setupClient: asUsers,
    });
    clearInterval(sampler);
    const after = rssMb(pid);
    const growth = (after - before) / before;
    const statuses = Object.fromEntries(Object.entries(r.statusCodeStats).map(([s, v]) => [s, Number(v.count)]));
    const health = await fetch(`${server.url}/doc/person/peng-zhen.ttl`);

    if (warm.errors > 0) failures.push(`warm-up: ${warm.errors} errors`);
    if (r.errors > 0) failures.push(`${r.errors} errors (${r.timeouts} timeouts)`);
    const bad = Object.entries(statuses).filter(([s]) => !/^(200|303)$/.test(s));
    if (bad.length > 0) failures.push(`unexpected statuses: ${bad.map(([s, n]) => `${s}×${n}`).join(', ')}`);
    if (!(growth < MAX_GROWTH)) failures.push(`RSS grew ${round(growth * 100)}% (limit ${MAX_GROWTH * 100}%)`);
    if (health.status !== 200) failures.push(`after the soak the server answers ${health.status}`);

    const report = {
      date: startedAt.toISOString(),
      seconds: r.duration,
      warmupSeconds: WARMUP,
      connections: CONNECTIONS,
      mix: {
        requestsPerCycle: MIX.length,
        uncachedQueriesPerCycle: 1,
        uncachedQueries: unique - uniqueBefore,
      },
      requests: { total: r.requests.total, perSecond: round(r.requests.average), perSecondP50: r.requests.p50 },
      latencyMs: {
        p50: r.latency.p50,
        p90: r.latency.p90,
        p99: r.latency.p99,
        max: r.latency.max,
        mean: r.latency.mean,
      },
      throughputMBps: round(r.throughput.average / 1e6, 2),
      errors: r.errors,
      timeouts: r.timeouts,
      statuses,
      rssMb: {
        afterWarmup: round(before),
        end: round(after),
        max: round(Math.max(before, after, ...samples)),
        growthPercent: round(growth * 100),
      },
      passed: failures.length === 0,
      failures,
    };
    mkdirSync(path.dirname(OUT), { recursive: true });
    writeFileSync(OUT, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(
      [
        `soak: ${report.requests.total} requests in ${report.seconds} s at ${CONNECTIONS} connections`,
        `  req/s      ${report.requests.perSecond} (mean), ${report.throughputMBps} MB/s`,
        `  latency    p50 ${report.latencyMs.p50} ms, p90 ${report.latencyMs.p90} ms, p99 ${report.latencyMs.p99} ms, max ${report.latencyMs.max} ms`,
        `  statuses   ${Object.entries(statuses)
          .map(([s, n]) => `${s}×${n}`)
          .join(', ')}; errors ${r.errors}, timeouts ${r.timeouts}`,
        `  queries    ${report.mix.uncachedQueries} uncached (run on query runners), the rest answered from caches`,
        `  RSS        (server and runners) ${report.rssMb.afterWarmup} MB after warm-up → ${report.rssMb.end} MB at the end (max ${report.rssMb.max} MB, ${report.rssMb.growthPercent >= 0 ? '+' : ''}${report.rssMb.growthPercent}%)`,
        `  ${failures.length === 0 ? 'PASS' : `FAIL: ${failures.join('; ')}`}`,
        `  written to ${path.relative(PROJECT_ROOT, OUT)}`,
        '',
      ].join('\n'),
    );
  } finally {
    server.child.kill('SIGTERM');
    const code = await Promise.race([server.exited, new Promise((r) => setTimeout(() => r('still running'), 30_000))]);
    if (code !== 0) {
      failures.push(`serve did not stop cleanly on SIGTERM: ${code}`);
      server.kill();
    }
  }
  return failures.length === 0 ? 0 : 1;
}

process.exitCode = await main();
