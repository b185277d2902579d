// Inside one query runner (a child process of the server): holds a copy of the store and runs one query at a time, answering with the serialized body.
import { getHeapStatistics } from 'node:v8';
import type * as RDF from '@rdfjs/types';
import { OutboundRefused } from '../outbound.ts';
import type { Backend, DatasetRunOptions } from '../store/backend.ts';
import { QueryTimeout, type Row } from '../store/comunica.ts';
import { RefusedQuery } from '../store/confine.ts';
import { threadBackend } from '../store/open.ts';
import { RemoteError, StoreLost, StoreUnreachable } from '../store/remote.ts';
import { takeWritten } from './engine-results.ts';
import { markTruncated } from './formats.ts';
import { type Done, DUMP_FD, type FailKind, fromWire, type Job, type Reply, type WorkerInit } from './job.ts';
import { RESULT_MEDIA_TYPES, type ResultFormat, serializeBindings, serializeBoolean } from './results.ts';

/**
 * Comunica reports a query it cannot plan (an unknown function, say) as a plain Error; those are the client's. So is
 * a BIND to a variable an earlier BIND of the same group bound (SPARQL 1.1 §18.2.1), which the parser lets through.
 */
const CLIENT_FAULT =
  /unknown named operator|not supported|undefined prefix|unknown prefix|Illegal binding to variable '[^']*' that has already been bound/i;
/** V8's own limits (string, array and buffer sizes, the stack), which a query can reach from its text alone. */
const ENGINE_LIMIT =
  /^(Invalid string length|Invalid array length|Invalid typed array length|Array buffer allocation failed|Maximum call stack size exceeded)/;
/** Oxigraph's words for a query its parser refuses: `error at LINE:COLUMN: detail`. */
const OXIGRAPH_SYNTAX = /^error at (\d+):(\d+): ([\s\S]*)$/;
/** How a SERVICE endpoint's failure reaches us: an error status it answered, or no answer at all (fetch's TypeError). */
const UPSTREAM_FAULT = /^Invalid SPARQL endpoint response from /;

async function execute(store: Backend, init: WorkerInit, job: Job): Promise<Done> {
  const bindings = job.bindings
    ? Object.fromEntries(Object.entries(job.bindings).map(([k, v]) => [k, fromWire(v)]))
    : undefined;
  const options = {
    baseIRI: job.baseIRI,
    allowlist: job.allowlist,
    timeoutMs: job.timeoutMs,
    extensions: job.extensions,
    maxResults: job.maxResults,
    dataset: job.dataset,
    ...(bindings ? { bindings } : {}),
    ...(job.prepared ? { prepared: job.prepared } : {}),
  };
  const written = job.form === 'select' ? engineWritten(store, job, options) : undefined;
  if (written) return written;
  const result = await store.run(job.query, options);
  switch (result.type) {
    case 'boolean':
      return { body: serializeBoolean(job.format as never, result.value), truncated: false, count: 1 };
    case 'bindings': {
      const { rows, variables } = result;
      const fit = await fitBytes(
        rows.length,
        job.maxBytes,
        (i) => rowFloor(rows[i] as Row),
        (n) => serializeBindings(job.format as never, variables, n === rows.length ? rows : rows.slice(0, n)),
      );
      const truncated = result.truncated || fit.cut;
      return {
        body: truncated ? markTruncated(job.format, fit.body, job.maxResults, job.limitsDocs) : fit.body,
        truncated,
        count: fit.count,
        ...(fit.cut ? { cutBy: 'bytes' as const } : {}),
      };
    }
    case 'quads': {
      // RDF writers (jsonld, rdflib) are loaded on the first graph result, not at thread start.
      const { serialize } = await import('../rdf/serialize.ts');
      const { quads } = result;
      const fit = await fitBytes(
        quads.length,
        job.maxBytes,
        (i) => quadFloor(quads[i] as RDF.Quad),
        (n) => serialize(job.format as never, n === quads.length ? quads : quads.slice(0, n), init),
      );
      return {
        body: fit.body,
        truncated: result.truncated || fit.cut,
        count: fit.count,
        ...(fit.cut ? { cutBy: 'bytes' as const } : {}),
      };
    }
  }
}

/**
 * A SELECT answered in the text the engine writes (Oxigraph: SPARQL JSON, XML, CSV, TSV), mended and cut as this
 * endpoint answers (src/sparql/engine-results.ts); undefined where the engine does not write it (Comunica, a
 * remote store, a query that federates), and the answer is written here from the engine's terms.
 */
function engineWritten(store: Backend, job: Job, options: DatasetRunOptions): Done | undefined {
  if (!store.writeSelect || !(job.format in RESULT_MEDIA_TYPES)) return undefined;
  const format = job.format as ResultFormat;
  const text = store.writeSelect(job.query, options, RESULT_MEDIA_TYPES[format]);
  const taken = text === undefined ? undefined : takeWritten(format, text, job.maxResults, job.maxBytes);
  if (!taken) return undefined;
  return {
    body: taken.truncated ? markTruncated(format, taken.body, job.maxResults, job.limitsDocs) : taken.body,
    truncated: taken.truncated,
    count: taken.count,
    ...(taken.cutBy ? { cutBy: taken.cutBy } : {}),
  };
}

/** Bytes a term takes in any result format at the least: its text, one byte a character. */
const termFloor = (t: RDF.Term | undefined): number => (t ? t.value.length : 0);
const rowFloor = (row: Row): number => {
  let n = 0;
  for (const t of Object.values(row)) n += termFloor(t);
  return n;
};
const quadFloor = (q: RDF.Quad): number => termFloor(q.subject) + termFloor(q.predicate) + termFloor(q.object);

/**
 * The longest prefix of `total` items whose serialization fits in `maxBytes` (UTF-8). Items past the point where
 * their text alone (`floor`) exceeds the cap are dropped before anything is written, so an answer of a few huge
 * values is never serialized whole; the rest is found by bisection on the real serialization.
 */
async function fitBytes(
  total: number,
  maxBytes: number,
  floor: (i: number) => number,
  write: (n: number) => string | Promise<string>,
): Promise<{ body: string; count: number; cut: boolean }> {
  let bound = 0;
  let hi = 0;
  while (hi < total && bound + floor(hi) <= maxBytes) bound += floor(hi++);
  const body = await write(hi);
  if (hi === total && Buffer.byteLength(body) <= maxBytes) return { body, count: total, cut: false };
  if (Buffer.byteLength(body) <= maxBytes) return { body, count: hi, cut: true };
  let lo = 0;
  let best = await write(0);
  // Invariant: `lo` items fit (`best` is their text), `hi` items do not.
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    const text = await write(mid);
    if (Buffer.byteLength(text) <= maxBytes) {
      lo = mid;
      best = text;
    } else hi = mid;
  }
  return { body: best, count: lo, cut: true };
}

/** The heap V8 holds for this thread (MiB), garbage included: what the process's RSS pays for it. */
const heapMb = (): number => Math.round(getHeapStatistics().total_heap_size / 2 ** 20);

// A full collection on demand, for the rare reply after which the heap looks grown: garbage alone must not make
// the pool replace a thread (src/sparql/pool.ts replaces one grown by a quarter of its limit).
// (The pool starts every runner with --expose-gc.)
const collect = (globalThis as { gc?: () => void }).gc ?? (() => {});
let baseMb = 0;
const GROWN_MB = getHeapStatistics().heap_size_limit / 2 ** 20 / 4;

/** The heap after a query, collected first when it looks grown. */
function heapAfterQuery(): number {
  const mb = heapMb();
  if (mb - baseMb <= GROWN_MB) return mb;
  collect();
  return heapMb();
}

/** Whether this thread's queries go to a remote store (--store sparql): then every fetch is the store's. */
let remote = false;

function classify(e: unknown, job: Job): { kind: FailKind; message: string; detail?: string } {
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof QueryTimeout) return { kind: 'timeout', message };
  const unreachable = e instanceof TypeError && message === 'fetch failed';
  if (e instanceof RefusedQuery) return { kind: 'client', message };
  if (remote) {
    // A query the store itself rejects as malformed (400) is the client's fault, not an outage: a message of our
    // own, since the store's text names its version and its internal procedures.
    if (e instanceof RemoteError && e.status === 400) {
      return {
        kind: 'client',
        message: 'the SPARQL store rejected this query as invalid; it accepts standard SPARQL 1.1 queries',
      };
    }
    // Then, before any test of the message text: the remote store's faults are told without its address. Its
    // error answers and its silence are a bad gateway; its slowness a late one.
    if (e instanceof StoreLost) return { kind: 'store-lost', message: e.reason, detail: e.message };
    if (e instanceof RemoteError) return { kind: 'upstream', message: e.reason, detail: e.operatorMessage };
    if (e instanceof StoreUnreachable) return { kind: 'upstream', message: e.reason, detail: message };
    if (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError')) {
      const late = `the SPARQL store did not answer within ${job.timeoutMs} ms`;
      return { kind: 'upstream-timeout', message: late, detail: late };
    }
  }
  // Comunica's words for a function it does not know, then Oxigraph's.
  const fn =
    /able to evaluate function (\S+)/.exec(message) ?? /^The custom function <([^>]*)> is not supported/.exec(message);
  if (fn)
    return { kind: 'client', message: `unknown function <${fn[1]}>: this endpoint offers the functions of SPARQL 1.1` };
  if (e instanceof OutboundRefused || CLIENT_FAULT.test(message)) return { kind: 'client', message };
  // Oxigraph's own parser refusing what the server's let through (a LIMIT past 2^64, say): the client's text.
  const at = OXIGRAPH_SYNTAX.exec(message);
  if (at)
    return {
      kind: 'client',
      message: `the query engine cannot read this query at line ${at[1]}, column ${at[2]}: ${at[3]}`,
    };
  // What the query asked for is beyond what the engine or a writer can hold: a limit the client ran into.
  // By name: src/rdf/serialize.ts (and its rdflib and jsonld) loads only with the first graph result.
  if (e instanceof Error && e.name === 'NotRepresentable') return { kind: 'client', message };
  if (e instanceof RangeError && ENGINE_LIMIT.test(message)) {
    return {
      kind: 'client',
      message: `the query builds a value or an answer larger than this endpoint can hold (${message}); ask for less: LIMIT, fewer or shorter values`,
    };
  }
  if ((e as { code?: string }).code === 'ERR_INVALID_URL')
    return { kind: 'client', message: `not a valid URL: ${message}` };
  // A REGEX or REPLACE pattern of the query that JavaScript cannot compile.
  if (e instanceof SyntaxError && message.startsWith('Invalid regular expression')) {
    return { kind: 'client', message: `${message} (in a REGEX or REPLACE pattern of the query)` };
  }
  const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : '';
  if (UPSTREAM_FAULT.test(message) || unreachable) {
    return { kind: 'upstream', message: `a SERVICE endpoint failed: ${`${message}${cause}`.slice(0, 300)}` };
  }
  return { kind: 'internal', message };
}

/**
 * Takes the store and answers jobs one at a time. Comunica is imported only over `--store comunica` (started with
 * `comunica`: loaded while the server still loads the graph) or, on the default store, when the first query with
 * a SERVICE arrives; over Oxigraph alone or a remote store it never is.
 */
async function main(): Promise<void> {
  const send = process.send?.bind(process);
  if (!send) throw new Error('worker.ts runs only as a query runner (a child process with an IPC channel)');
  const port = { postMessage: (m: Reply) => send(m), on: process.on.bind(process) };
  // The server went away (or closed the channel): nothing is left to answer.
  process.on('disconnect', () => process.exit(0));
  // An engine error nobody listens for: Comunica can fail a second iterator of a query whose own answer already
  // carries the error (a BIND over a REGEX that does not compile: the client gets its 400). Ending the runner for
  // it would cost a restart per such query; it is noted on stderr and dropped. A job that it leaves unanswered is
  // ended by its time limit, like any other.
  process.on('uncaughtException', (e) => {
    process.stderr.write(`engine error outside a query's answer: ${e instanceof Error ? e.message : String(e)}\n`);
  });
  // The first query pays for Comunica's start-up: over --store comunica, pay it while the server loads the graph.
  const copying = () => import('./comunica-copy.ts');
  const booted =
    process.argv[2] === 'comunica'
      ? copying()
          .then(() => import('../store/comunica.ts'))
          .then((m) => m.engine())
      : undefined;
  let loaded: Promise<{ store: Backend; init: WorkerInit }> | undefined;
  /** The job being answered (one at a time). */
  let current: number | undefined;
  port.on('message', async (m: { type: 'load'; init: WorkerInit } | { id: number; job: Job }) => {
    if ('type' in m) {
      loaded = (async () => {
        await booted;
        // The verified dump is the server's open, unlinked copy, inherited as a descriptor of the runner's own
        // (src/sparql/pool.ts); its bytes are hashed again as they are read (DumpChanged at its end): a runner
        // answers from the checked graph or not at all. Comunica's copy, made later, reads and hashes it again.
        const init = m.init.dump ? { ...m.init, dump: { ...m.init.dump, fd: DUMP_FD } } : m.init;
        remote = init.store?.kind === 'sparql';
        // Loaded during a job: the pool is told, so that the load does not count against that query's time.
        const federation = async () => {
          const id = current;
          if (id !== undefined) port.postMessage({ type: 'federating', id, loaded: false } satisfies Reply);
          const backend = await (await copying()).comunicaCopy(init);
          collect();
          baseMb = heapMb();
          if (id !== undefined) {
            port.postMessage({
              type: 'federating',
              id,
              loaded: true,
              heapMb: baseMb,
              memory: ownMemory(),
            } satisfies Reply);
          }
          return backend;
        };
        const store = threadBackend(init, remote ? undefined : 60_000, federation) ?? (await federation());
        baseMb = heapMb();
        port.postMessage({ type: 'ready', heapMb: baseMb, memory: ownMemory() } satisfies Reply);
        return { store, init };
      })();
      // A thread without its data says why and takes no job; the pool decides whether to start another.
      loaded.catch((e: unknown) => {
        port.postMessage({ type: 'failed', reason: e instanceof Error ? e.message : String(e) } satisfies Reply);
      });
      return;
    }
    let reply: Reply;
    try {
      if (!loaded) throw new Error('a job came before the data');
      const { store, init } = await loaded;
      current = m.id;
      reply = { type: 'done', id: m.id, heapMb: 0, ...(await execute(store, init, m.job)) };
    } catch (e) {
      reply = { type: 'fail', id: m.id, heapMb: 0, ...classify(e, m.job) };
    } finally {
      current = undefined;
    }
    reply.heapMb = heapAfterQuery();
    port.postMessage({ ...reply, memory: ownMemory() });
  });
}

/**
 * This thread's external memory: Oxigraph's WASM memory (and buffers). A WASM memory never shrinks, so the pool
 * replaces a thread that one large query made grow (src/sparql/pool.ts RECYCLE_GROWTH_BYTES); the V8 heap is left
 * out, since its collector gives back what a query took.
 */
function ownMemory(): number {
  // The figure process.memoryUsage() reports as `external`, without the read of /proc it also makes for the RSS
  // (a tenth of a millisecond a query, measured).
  return getHeapStatistics().external_memory;
}

await main();
