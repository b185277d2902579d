// Runs SPARQL over the Graph with one warmed Comunica engine, behind the outbound guard and a timeout.
import type { QueryEngine } from '@comunica/query-sparql';
import type * as RDF from '@rdfjs/types';
import { DataFactory, type Quad, type Store } from 'n3';
import { guardedFetch } from '../outbound.ts';
import { FN, NS } from '../rdf/ns.ts';

const { literal } = DataFactory;

let shared: Promise<QueryEngine> | undefined;
/**
 * The process's one engine: Comunica caches its actor graph, so building it once matters. Loaded on first use:
 * a server whose queries run on threads, or over Oxigraph or a remote store, never loads it in the main thread
 * (its modules take most of a second to import and some 50 MB).
 */
export function engine(): Promise<QueryEngine> {
  if (!shared) {
    const loading = import('@comunica/query-sparql').then((m) => new m.QueryEngine());
    // A failed load is not kept: the next query tries again.
    loading.catch(() => {
      if (shared === loading) shared = undefined;
    });
    shared = loading;
  }
  return shared;
}

export class QueryTimeout extends Error {
  constructor(readonly ms: number) {
    super(`query exceeded the execution time limit of ${ms} ms and was stopped`);
    this.name = 'QueryTimeout';
  }
}

export interface RunOptions {
  /** Base against which relative IRIs in the query resolve. */
  baseIRI?: string;
  /** SERVICE endpoints the engine may call; default none. */
  allowlist?: readonly string[];
  timeoutMs?: number;
  /** Values bound before evaluation, as RDF terms: how parameters enter a query, never by pasting text. */
  bindings?: Record<string, RDF.Term>;
  /** Offer the project's fn: functions (default true; the public endpoint turns them off). */
  extensions?: boolean;
  /** Stop reading after this many rows or quads (the caller learns it was cut). */
  maxResults?: number;
}

export type Row = Record<string, RDF.Term>;
export type QueryResult =
  | { type: 'bindings'; variables: string[]; rows: Row[]; truncated: boolean }
  | { type: 'quads'; quads: Quad[]; truncated: boolean }
  | { type: 'boolean'; value: boolean };

const DATE_TYPES = new Set([`${NS.xsd}date`, `${NS.xsd}gYearMonth`, `${NS.xsd}gYear`]);
const dateParts = (term: RDF.Term | undefined): { y: number; m?: number; d?: number } => {
  if (term?.termType !== 'Literal' || !DATE_TYPES.has((term as RDF.Literal).datatype.value)) {
    throw new Error(`not an xsd:date, xsd:gYearMonth or xsd:gYear: ${term?.value}`);
  }
  const m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$/.exec(term.value);
  if (!m?.[1] || (m[2] && (Number(m[2]) < 1 || Number(m[2]) > 12))) throw new Error(`not a date: ${term.value}`);
  return { y: Number(m[1]), m: m[2] ? Number(m[2]) : undefined, d: m[3] ? Number(m[3]) : undefined };
};
const iso = (y: number, m: number, d: number): string =>
  `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
const xsdDate = DataFactory.namedNode(`${NS.xsd}date`);
const xsdInteger = DataFactory.namedNode(`${NS.xsd}integer`);

/**
 * Comunica treats an exception thrown by an extension function as fatal to the whole query, not as a SPARQL
 * expression error; so a function given bad input returns a literal typed fn:invalid instead, which no
 * comparison accepts (the row drops out of a FILTER) and which SHACL reports if a rule ever stores it.
 */
const total =
  (f: (args: RDF.Term[]) => RDF.Term) =>
  async (args: RDF.Term[]): Promise<RDF.Term> => {
    try {
      return f(args);
    } catch (e) {
      return literal((e as Error).message, DataFactory.namedNode(`${FN}invalid`));
    }
  };

/**
 * The project's SPARQL functions (interval arithmetic on dates of any precision), for the project's own
 * rules, checks and stored queries; the public endpoint does not offer them.
 */
export const extensionFunctions: Record<string, (args: RDF.Term[]) => Promise<RDF.Term>> = {
  /** First day a date of any precision can denote. */
  [`${FN}firstDay`]: total(([t]) => {
    const { y, m, d } = dateParts(t);
    return literal(iso(y, m ?? 1, d ?? 1), xsdDate);
  }),
  /** Last day a date of any precision can denote. */
  [`${FN}lastDay`]: total(([t]) => {
    const { y, m, d } = dateParts(t);
    const month = m ?? 12;
    const last = d ?? new Date(Date.UTC(y, month, 0)).getUTCDate();
    return literal(iso(y, month, last), xsdDate);
  }),
  /** Whole days from the first xsd:date to the second. */
  [`${FN}daysBetween`]: total(([a, b]) => {
    const pa = dateParts(a);
    const pb = dateParts(b);
    if (pa.d === undefined || pb.d === undefined) throw new Error('daysBetween needs two xsd:date values');
    const ms = Date.UTC(pb.y, (pb.m ?? 1) - 1, pb.d) - Date.UTC(pa.y, (pa.m ?? 1) - 1, pa.d);
    return literal(String(Math.round(ms / 86_400_000)), xsdInteger);
  }),
};

/** Drains an async stream into an array, stopping at `max` items or when the deadline fires. */
async function drain<T>(
  stream: AsyncIterable<T> & { destroy?: (e?: Error) => void },
  max: number,
  deadline: Promise<never>,
): Promise<{ items: T[]; truncated: boolean }> {
  const items: T[] = [];
  let truncated = false;
  const reading = (async () => {
    for await (const item of stream) {
      if (items.length >= max) {
        truncated = true;
        break;
      }
      items.push(item);
    }
  })();
  try {
    await Promise.race([reading, deadline]);
  } finally {
    stream.destroy?.();
  }
  return { items, truncated };
}

/** Runs one query over `store`. Throws QueryTimeout past the limit, having stopped the engine. */
export async function runQuery(store: Store, query: string, options: RunOptions = {}): Promise<QueryResult> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const max = options.maxResults ?? Number.POSITIVE_INFINITY;
  // Loading the engine (the first time) does not count against the query's time.
  const e = await engine();
  const context: Record<string, unknown> = {
    sources: [store],
    fetch: guardedFetch({ allowlist: options.allowlist ?? [], timeoutMs }),
    ...(options.extensions === false ? {} : { extensionFunctions }),
    ...(options.baseIRI ? { baseIRI: options.baseIRI } : {}),
  };
  if (options.bindings) {
    const { BindingsFactory } = await import('@comunica/utils-bindings-factory');
    const bf = new BindingsFactory(DataFactory as never);
    context.initialBindings = bf.fromRecord(options.bindings as never);
  }
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new QueryTimeout(timeoutMs)), timeoutMs);
  });
  deadline.catch(() => {});
  try {
    const result = await Promise.race([e.query(query, context as never), deadline]);
    switch (result.resultType) {
      case 'bindings': {
        const stream = await result.execute();
        const meta = await result.metadata();
        const variables = meta.variables.map((v) => v.value);
        const { items, truncated } = await drain(stream as never, max, deadline);
        const rows = (items as RDF.Bindings[]).map((b) => {
          const row: Row = {};
          for (const [k, v] of b) row[k.value] = v;
          return row;
        });
        return { type: 'bindings', variables, rows, truncated };
      }
      case 'quads': {
        const stream = await result.execute();
        const { items, truncated } = await drain(stream as never, max, deadline);
        return { type: 'quads', quads: items as Quad[], truncated };
      }
      case 'boolean':
        return { type: 'boolean', value: await Promise.race([result.execute(), deadline]) };
      default:
        throw new Error('updates are not supported');
    }
  } finally {
    clearTimeout(timer);
  }
}

export async function select(store: Store, query: string, options?: RunOptions): Promise<Row[]> {
  const r = await runQuery(store, query, options);
  if (r.type !== 'bindings') throw new Error('expected a SELECT query');
  return r.rows;
}

export async function construct(store: Store, query: string, options?: RunOptions): Promise<Quad[]> {
  const r = await runQuery(store, query, options);
  if (r.type !== 'quads') throw new Error('expected a CONSTRUCT or DESCRIBE query');
  return r.quads;
}
