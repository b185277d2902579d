// A read-only n3 Store in typed arrays: the Graph loaded from the build cache, in about a tenth of an n3 Store's memory.
//
// An n3 Store keeps three nested-object indexes, measured at about 930 MB of heap for 1M triples; the Graph never
// changes once built, so this one keeps each triple as three term numbers in sorted Uint32Arrays (SPO, and POS and
// OSP as permutations of it) and each distinct term once. It is an n3 Store to every caller (pages, exports,
// Comunica through match()): the read methods are answered from the arrays, and every method that would change
// it throws. Lines of the cache's N-Triples without an escape are split directly; the others go through n3's parser.
import type * as RDF from '@rdfjs/types';
import { DataFactory, Parser, type Quad, Store, termFromId, termToId } from 'n3';
import { lineChunks } from './load.ts';

type Pattern = RDF.Term | string | null | undefined;
const XSD_STRING = 'http://www.w3.org/2001/XMLSchema#string';

export class FrozenStore extends Store {
  /** Term keys (n3's term ids) by number, and numbers by key. */
  private readonly keys: string[] = [];
  private readonly numbers = new Map<string, number>();
  private readonly terms: (RDF.Term | undefined)[] = [];
  private s = new Uint32Array(0);
  private p = new Uint32Array(0);
  private o = new Uint32Array(0);
  /** Positions in SPO order, sorted by (p, o, s) and by (o, s, p). */
  private pos = new Uint32Array(0);
  private osp = new Uint32Array(0);
  private count = 0;

  /** The store of an N-Triples file or open descriptor (default graph only), read a few megabytes at a time. */
  static fromFile(file: string | number): FrozenStore {
    const store = new FrozenStore();
    const builder = store.builder();
    for (const chunk of lineChunks(file)) builder.lines(chunk.toString('utf8'));
    builder.done();
    return store;
  }

  /** The store of these quads (their graphs are dropped: the Graph is one default graph). */
  static fromQuads(quads: Iterable<RDF.Quad>): FrozenStore {
    const store = new FrozenStore();
    const builder = store.builder();
    for (const q of quads)
      builder.add(termToId(q.subject as never), termToId(q.predicate as never), termToId(q.object as never));
    builder.done();
    return store;
  }

  private number(key: string): number {
    let n = this.numbers.get(key);
    if (n === undefined) {
      n = this.keys.length;
      // A key cut from a chunk of the file is a slice that keeps the whole chunk alive: a copy of its own lets the
      // chunks go (measured at 1M triples: 344 MB of heap after loading; 33 MB with copies). A key the UTF-8 copy
      // would change (a lone surrogate; n3's parser refuses those today) is kept as it is.
      const copy = Buffer.from(key, 'utf8').toString('utf8');
      const own = copy === key ? copy : key;
      this.keys.push(own);
      this.numbers.set(own, n);
    }
    return n;
  }

  private builder() {
    let s = new Uint32Array(1 << 16);
    let p = new Uint32Array(1 << 16);
    let o = new Uint32Array(1 << 16);
    let n = 0;
    const add = (sk: string, pk: string, ok: string) => {
      if (n === s.length) {
        const grow = (a: Uint32Array) => {
          const b = new Uint32Array(a.length * 2);
          b.set(a);
          return b;
        };
        [s, p, o] = [grow(s), grow(p), grow(o)];
      }
      s[n] = this.number(sk);
      p[n] = this.number(pk);
      o[n] = this.number(ok);
      n++;
    };
    const slow = (line: string) => {
      for (const q of new Parser({ format: 'N-Triples' }).parse(line)) {
        add(termToId(q.subject as never), termToId(q.predicate as never), termToId(q.object as never));
      }
    };
    return {
      add,
      lines: (text: string) => {
        for (const line of text.split('\n')) {
          if (line === '') continue;
          const t = line.includes('\\') ? undefined : splitLine(line);
          if (t) add(t[0], t[1], t[2]);
          else slow(line);
        }
      },
      done: () => this.index(s.subarray(0, n), p.subarray(0, n), o.subarray(0, n)),
    };
  }

  /** Sorts the triples (dropping repeats) and builds the two permutations. */
  private index(s: Uint32Array, p: Uint32Array, o: Uint32Array): void {
    const order = (a: Uint32Array, b: Uint32Array, c: Uint32Array) =>
      new Uint32Array(s.length).map((_, i) => i).sort((x, y) => a[x]! - a[y]! || b[x]! - b[y]! || c[x]! - c[y]!);
    const spo = order(s, p, o);
    const keep: number[] = [];
    for (let i = 0; i < spo.length; i++) {
      const x = spo[i]!;
      const prev = i > 0 ? spo[i - 1]! : -1;
      if (prev < 0 || s[x] !== s[prev] || p[x] !== p[prev] || o[x] !== o[prev]) keep.push(x);
    }
    this.count = keep.length;
    this.s = Uint32Array.from(keep, (x) => s[x]!);
    this.p = Uint32Array.from(keep, (x) => p[x]!);
    this.o = Uint32Array.from(keep, (x) => o[x]!);
    this.pos = order(this.p, this.o, this.s);
    this.osp = order(this.o, this.s, this.p);
  }

  private term(n: number): RDF.Term {
    let t = this.terms[n];
    if (!t) {
      t = termFromId(this.keys[n] as string);
      this.terms[n] = t;
    }
    return t;
  }

  private quadAt(i: number): Quad {
    return DataFactory.quad(
      this.term(this.s[i]!) as RDF.Quad_Subject,
      this.term(this.p[i]!) as RDF.Quad_Predicate,
      this.term(this.o[i]!) as RDF.Quad_Object,
    ) as Quad;
  }

  /** A bound pattern term's number: undefined for a wildcard, -1 for a term the store does not hold. */
  private bound(t: Pattern): number | undefined {
    if (t === null || t === undefined) return undefined;
    if (typeof t !== 'string' && t.termType === 'Variable') return undefined;
    const key = typeof t === 'string' ? t : termToId(t as never);
    return this.numbers.get(key) ?? -1;
  }

  /** Whether a pattern's graph can match the one default graph. */
  private inGraph(g: Pattern): boolean {
    if (g === null || g === undefined || g === '') return true;
    return typeof g !== 'string' && (g.termType === 'DefaultGraph' || g.termType === 'Variable');
  }

  /** First and last (exclusive) positions of `perm` whose first and second keys equal k1 (and k2 when given). */
  private range(
    perm: Uint32Array | undefined,
    a: Uint32Array,
    b: Uint32Array,
    k1: number,
    k2?: number,
  ): [number, number] {
    const at = (i: number) => (perm ? perm[i]! : i);
    const lower = (f: (x: number) => boolean) => {
      let lo = 0;
      let hi = this.count;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (f(at(mid))) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    if (k2 === undefined) return [lower((x) => a[x]! < k1), lower((x) => a[x]! <= k1)];
    const before = (x: number) => a[x]! < k1 || (a[x] === k1 && b[x]! < k2);
    const upTo = (x: number) => a[x]! < k1 || (a[x] === k1 && b[x]! <= k2);
    return [lower(before), lower(upTo)];
  }

  /** Positions (in SPO order) of the triples that match. */
  private *positions(s: Pattern, p: Pattern, o: Pattern, g: Pattern): Generator<number> {
    if (!this.inGraph(g)) return;
    const [sn, pn, on] = [this.bound(s), this.bound(p), this.bound(o)];
    if (sn === -1 || pn === -1 || on === -1) return;
    let perm: Uint32Array | undefined;
    let lo = 0;
    let hi = this.count;
    if (sn !== undefined) [lo, hi] = this.range(undefined, this.s, this.p, sn, pn);
    else if (pn !== undefined) {
      perm = this.pos;
      [lo, hi] = this.range(perm, this.p, this.o, pn, on);
    } else if (on !== undefined) {
      perm = this.osp;
      [lo, hi] = this.range(perm, this.o, this.s, on);
    }
    for (let i = lo; i < hi; i++) {
      const x = perm ? perm[i]! : i;
      if ((pn === undefined || this.p[x] === pn) && (on === undefined || this.o[x] === on)) yield x;
    }
  }

  /** The number of triples (n3 declares `size` a property, so the getter is defined below the class). */
  get triples(): number {
    return this.count;
  }

  override *readQuads(s?: Pattern, p?: Pattern, o?: Pattern, g?: Pattern): Generator<Quad> {
    for (const x of this.positions(s, p, o, g)) yield this.quadAt(x);
  }

  override getQuads(s?: Pattern, p?: Pattern, o?: Pattern, g?: Pattern): Quad[] {
    return [...this.readQuads(s, p, o, g)];
  }

  override countQuads(s?: Pattern, p?: Pattern, o?: Pattern, g?: Pattern): number {
    let n = 0;
    for (const _ of this.positions(s, p, o, g)) n++;
    return n;
  }

  override has(subjectOrQuad: RDF.Quad | Pattern, p?: Pattern, o?: Pattern, g?: Pattern): boolean {
    if (subjectOrQuad && typeof subjectOrQuad !== 'string' && subjectOrQuad.termType === 'Quad' && !p && !o) {
      const q = subjectOrQuad as RDF.Quad;
      return !this.positions(q.subject, q.predicate, q.object, q.graph).next().done;
    }
    return !this.positions(subjectOrQuad as Pattern, p, o, g).next().done;
  }

  private distinct(which: 's' | 'p' | 'o', s: Pattern, p: Pattern, o: Pattern, g: Pattern): RDF.Term[] {
    const seen = new Set<number>();
    const column = this[which];
    for (const x of this.positions(s, p, o, g)) seen.add(column[x]!);
    return [...seen].map((n) => this.term(n));
  }

  override getSubjects(p?: Pattern, o?: Pattern, g?: Pattern): ReturnType<Store['getSubjects']> {
    return this.distinct('s', null, p, o, g) as never;
  }
  override getPredicates(s?: Pattern, o?: Pattern, g?: Pattern): ReturnType<Store['getPredicates']> {
    return this.distinct('p', s, null, o, g) as never;
  }
  override getObjects(s?: Pattern, p?: Pattern, g?: Pattern): ReturnType<Store['getObjects']> {
    return this.distinct('o', s, p, null, g) as never;
  }
  override getGraphs(s?: Pattern, p?: Pattern, o?: Pattern): ReturnType<Store['getGraphs']> {
    return (this.positions(s, p, o, null).next().done ? [] : [DataFactory.defaultGraph()]) as never;
  }
  override forSubjects(callback: (t: never) => void, p?: Pattern, o?: Pattern, g?: Pattern): void {
    for (const t of this.distinct('s', null, p, o, g)) callback(t as never);
  }
  override forPredicates(callback: (t: never) => void, s?: Pattern, o?: Pattern, g?: Pattern): void {
    for (const t of this.distinct('p', s, null, o, g)) callback(t as never);
  }
  override forObjects(callback: (t: never) => void, s?: Pattern, p?: Pattern, g?: Pattern): void {
    for (const t of this.distinct('o', s, p, null, g)) callback(t as never);
  }
  override forGraphs(callback: (t: never) => void, s?: Pattern, p?: Pattern, o?: Pattern): void {
    for (const t of this.getGraphs(s, p, o) as RDF.Term[]) callback(t as never);
  }

  // The Graph is immutable: every change is a programming error, said at once rather than ignored.
  override addQuad(..._: unknown[]): never {
    return frozen();
  }
  override addQuads(..._: unknown[]): never {
    return frozen();
  }
  override removeQuad(..._: unknown[]): never {
    return frozen();
  }
  override removeQuads(..._: unknown[]): never {
    return frozen();
  }
  override removeMatches(..._: unknown[]): never {
    return frozen();
  }
  override deleteGraph(..._: unknown[]): never {
    return frozen();
  }
  override createBlankNode(..._: unknown[]): never {
    return frozen();
  }
}

Object.defineProperty(FrozenStore.prototype, 'size', {
  get(this: FrozenStore) {
    return this.triples;
  },
});

function frozen(): never {
  throw new Error('the Graph is immutable once built');
}

/**
 * n3's term ids of the three terms of an N-Triples line without escapes (`<iri>`, `_:b`, `"v"`, `"v"@l`,
 * `"v"^^<dt>`), or undefined for the parser to read.
 */
function splitLine(line: string): [string, string, string] | undefined {
  const end = line.lastIndexOf(' .');
  if (end < 0) return undefined;
  const one = (from: number): [string, number] | undefined => {
    if (line[from] === '<') {
      const close = line.indexOf('>', from);
      return close < 0 ? undefined : [line.slice(from + 1, close), close + 2];
    }
    if (line.startsWith('_:', from)) {
      const space = line.indexOf(' ', from);
      return space < 0 ? undefined : [line.slice(from, space), space + 1];
    }
    return undefined;
  };
  const s = one(0);
  if (!s) return undefined;
  const p = one(s[1]);
  if (!p) return undefined;
  const rest = line.slice(p[1], end);
  if (rest[0] !== '"') {
    const o = one(p[1]);
    return o ? [s[0], p[0], o[0]] : undefined;
  }
  const close = rest.lastIndexOf('"');
  if (close <= 0) return undefined;
  const value = rest.slice(0, close + 1);
  const suffix = rest.slice(close + 1);
  if (suffix === '') return [s[0], p[0], value];
  // n3's ids carry language tags lower-cased (its factory does so); the dumps write them in BCP 47 case.
  if (suffix.startsWith('@')) return [s[0], p[0], `${value}${suffix.toLowerCase()}`];
  if (suffix.startsWith('^^<') && suffix.endsWith('>')) {
    const datatype = suffix.slice(3, -1);
    return [s[0], p[0], datatype === XSD_STRING ? value : `${value}^^${datatype}`];
  }
  return undefined;
}
