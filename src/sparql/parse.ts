// Reads a SPARQL text before it runs: query or update, syntax errors with line and column, its form, dataset clauses, SERVICE targets and a normal form.
import { Parser } from '@traqula/parser-sparql-1-2';
import { AstFactory } from '@traqula/rules-sparql-1-2';
import { BoundedCache, stringBytes } from '../http/caching.ts';

export type QueryForm = 'select' | 'ask' | 'construct' | 'describe';

/** A text that is not SPARQL: carries the 1-based line and column the parser stopped at, where it knows them. */
export class SparqlSyntaxError extends Error {
  constructor(
    readonly detail: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(line === undefined ? `syntax error: ${detail}` : `syntax error at line ${line}, column ${column}: ${detail}`);
    this.name = 'SparqlSyntaxError';
  }
}

export interface ServiceCall {
  /** The endpoint IRI, resolved; undefined when the query names it with a variable. */
  iri: string | undefined;
  silent: boolean;
}

export type Parsed =
  | { kind: 'update' }
  | {
      kind: 'query';
      form: QueryForm;
      /** The AST without source positions: equal for texts that differ only in layout, comments or keyword case. */
      normal: string;
      /** IRIs of the query's FROM and FROM NAMED clauses. */
      from: { default: string[]; named: string[] };
      /** The text with its FROM and FROM NAMED clauses cut out (what runs when the protocol names the dataset). */
      withoutDataset: () => string;
      services: ServiceCall[];
      /** IRIs of the functions the query calls by IRI (casts and extension functions). */
      functions: string[];
      /** False when the answer may change between runs (RAND, NOW, UUID, BNODE, SERVICE): never cached. */
      deterministic: boolean;
      /** Offset in the text just past the `{` that opens the WHERE group (none in `DESCRIBE <x>`). */
      whereBody: number | undefined;
      /**
       * `text` (this query, or its form without FROM clauses) asking for at most `max` + 1 rows, so that an engine
       * that computes a whole answer before it is read (Oxigraph) stops where the row cap would cut it; the extra
       * row tells that the answer was cut. Only a SELECT whose top level has no LIMIT and no trailing VALUES is
       * changed: a CONSTRUCT's cap counts triples, not solutions, so a LIMIT there could hide a cut.
       */
      capped: (text: string, max: number) => string;
    };

// Chevrotain builds its parser once, which costs tens of milliseconds; parsing itself is then cheap.
let shared: Parser | undefined;
const parser = (): Parser => {
  shared ??= new Parser({ lexerConfig: { positionTracking: 'full' } });
  return shared;
};

const NON_DETERMINISTIC = new Set(['rand', 'now', 'uuid', 'struuid', 'bnode']);
/** Chevrotain lists every token it could have taken; beyond a few the list helps nobody. */
const MAX_ALTERNATIVES = 8;
const MAX_DETAIL = 400;

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

/** Turns the parser's message (a caret drawing, an offset, or nothing) into a line, a column and a short detail. */
export function syntaxError(text: string, message: string): SparqlSyntaxError {
  const located = /^Parse error on line (\d+)\n[^\n]*\n(-*)\^\n([\s\S]*)$/.exec(message);
  let detail = (located?.[3] ?? message.replace(/^Parse error\n?/, '')).trim();
  const lines = detail.split('\n');
  if (lines.length > MAX_ALTERNATIVES + 2) {
    detail = [...lines.slice(0, MAX_ALTERNATIVES + 1), '  …', ...lines.slice(-1)].join('\n');
  }
  if (detail.length > MAX_DETAIL) detail = `${detail.slice(0, MAX_DETAIL)}…`;
  if (located?.[1]) return new SparqlSyntaxError(detail, Number(located[1]), (located[2]?.length ?? 0) + 1);
  const offset = /at offset: (\d+)/.exec(message);
  if (offset?.[1]) {
    const { line, column } = lineAndColumn(text, Number(offset[1]));
    return new SparqlSyntaxError(detail, line, column);
  }
  // Chevrotain gives the end of input no position: the error is where the text ends.
  if (/but found --> '' <--|found: ''|EOF/.test(message) || /Expecting/.test(message)) {
    const { line, column } = lineAndColumn(text, text.length);
    return new SparqlSyntaxError(detail, line, column);
  }
  // Checks made after the grammar (e.g. a variable bound twice) name no position.
  return new SparqlSyntaxError(detail);
}

type Node = { [key: string]: unknown };
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null;

function walk(node: unknown, visit: (n: Node) => void): void {
  if (Array.isArray(node)) {
    for (const child of node) walk(child, visit);
  } else if (isNode(node)) {
    visit(node);
    for (const [key, child] of Object.entries(node)) if (key !== 'loc') walk(child, visit);
  }
}

/** Resolves an IRI term of the AST against the query's prefixes and base. */
function resolver(ast: Node, baseIRI: string): (term: Node) => string | undefined {
  const prefixes = new Map<string, string>();
  let base = baseIRI;
  for (const def of (ast.context as Node[] | undefined) ?? []) {
    const value = (def.value as Node | undefined)?.value;
    if (typeof value !== 'string') continue;
    if (def.subType === 'prefix' && typeof def.key === 'string') prefixes.set(def.key, value);
    if (def.subType === 'base') base = new URL(value, base).href;
  }
  return (term) => {
    if (term.subType !== 'namedNode' || typeof term.value !== 'string') return undefined;
    try {
      if (typeof term.prefix === 'string') {
        const ns = prefixes.get(term.prefix);
        return ns === undefined ? undefined : new URL(ns + term.value, base).href;
      }
      return new URL(term.value, base).href;
    } catch {
      return undefined;
    }
  };
}

const REGEX_OPERATORS = new Set(['regex', 'replace']);

/**
 * A REGEX or REPLACE pattern written as a literal must compile: an engine may otherwise treat it as an expression
 * error (Oxigraph leaves the row out, and the client sees an empty answer instead of a mistake in the pattern).
 * Checked with JavaScript's grammar, which Comunica used for every pattern; the flags other than i, m, s are left out.
 */
function checkPattern(args: Node[]): void {
  const [, pattern, flags] = args;
  if (pattern?.type !== 'term' || pattern.subType !== 'literal' || typeof pattern.value !== 'string') return;
  const given = flags?.type === 'term' && typeof flags.value === 'string' ? flags.value : '';
  try {
    new RegExp(pattern.value, [...new Set(given.replace(/[^ims]/g, ''))].join(''));
  } catch (e) {
    throw new SparqlSyntaxError(`${(e as Error).message} (in a REGEX or REPLACE pattern of the query)`);
  }
}

/**
 * A BIND to a variable an earlier BIND of the same group bound (SPARQL 1.1 section 18.2.1), which the parser lets
 * through: refused here in the words Comunica used, since Oxigraph reports it as a bare syntax error.
 */
function checkBinds(patterns: Node[]): void {
  const bound = new Set<string>();
  for (const p of patterns) {
    if (p.type !== 'pattern' || p.subType !== 'bind') continue;
    const name = (p.variable as Node | undefined)?.value;
    if (typeof name !== 'string') continue;
    if (bound.has(name))
      throw new SparqlSyntaxError(`Illegal binding to variable '${name}' that has already been bound`);
    bound.add(name);
  }
}

/**
 * Texts parsed before, by base and text. The grammar costs 0.3-2 ms an example query on this machine, more than
 * Oxigraph takes to answer most of them, and clients send the same texts again and again (a page's queries, a
 * dashboard's, a paginated list's): a text seen before costs a lookup. Only what parsed is kept (a syntax error is
 * found again each time, at no cost to anyone else); the entries hold no tree, only the text, the normal form and
 * a few offsets, and the cache is bounded in entries and bytes.
 */
const parsedTexts = new BoundedCache<{ parsed: Parsed; bytes: number }>((e) => e.bytes, 1_000, 32 * 1024 * 1024);

/** Parses `text` as SPARQL 1.1 (Comunica's own grammar, so what passes here is what the engine accepts). */
export function parseSparql(text: string, baseIRI: string): Parsed {
  const key = `${baseIRI}\u0000${text}`;
  const seen = parsedTexts.get(key);
  if (seen) return seen.parsed;
  const parsed = parseText(text, baseIRI);
  // What an entry holds: the text (its closures keep it), the normal form, and the lists.
  const bytes =
    parsed.kind === 'query'
      ? stringBytes(text) + stringBytes(parsed.normal) + 64 * (parsed.services.length + parsed.functions.length)
      : 0;
  parsedTexts.set(key, { parsed, bytes });
  return parsed;
}

function parseText(text: string, baseIRI: string): Parsed {
  let ast: Node;
  try {
    ast = parser().parse(text, { astFactory: new AstFactory(), baseIRI }) as unknown as Node;
  } catch (e) {
    throw syntaxError(text, (e as Error).message);
  }
  if (ast.type === 'update') return { kind: 'update' };
  const resolve = resolver(ast, baseIRI);

  const from = { default: [] as string[], named: [] as string[] };
  const datasets = ast.datasets as Node | undefined;
  for (const clause of (datasets?.clauses as Node[] | undefined) ?? []) {
    const iri = resolve(clause.value as Node);
    if (iri) (clause.clauseType === 'named' ? from.named : from.default).push(iri);
  }

  const services: ServiceCall[] = [];
  const functions: string[] = [];
  let deterministic = true;
  walk(ast, (n) => {
    if (n.type === 'pattern' && n.subType === 'service') {
      const name = n.name as Node;
      services.push({ iri: name.subType === 'variable' ? undefined : resolve(name), silent: n.silent === true });
      deterministic = false;
    }
    if (n.type === 'expression' && n.subType === 'operation' && NON_DETERMINISTIC.has(String(n.operator))) {
      deterministic = false;
    }
    if (Array.isArray(n.patterns)) checkBinds(n.patterns as Node[]);
    if (n.type === 'expression' && n.subType === 'operation' && REGEX_OPERATORS.has(String(n.operator))) {
      checkPattern(n.args as Node[]);
    }
    if (n.type === 'expression' && n.subType === 'functionCall') {
      const iri = resolve(n.function as Node);
      if (iri) functions.push(iri);
    }
  });

  const limitOffset = (ast.solutionModifiers as Node | undefined)?.limitOffset as Node | undefined;
  const cappable = ast.subType === 'select' && limitOffset?.limit === undefined && ast.values === undefined;
  // A new line first: the text may end in a comment.
  const capped = (query: string, max: number): string =>
    cappable && Number.isFinite(max) ? `${query}\nLIMIT ${max + 1}\n` : query;
  const form = ast.subType as QueryForm;
  const normal = JSON.stringify(ast, (key, value) => (key === 'loc' ? undefined : value));
  const withoutDataset = (): string => {
    const loc = datasets?.loc as Node | undefined;
    if (from.default.length + from.named.length === 0) return text;
    if (loc?.sourceLocationType !== 'source' || typeof loc.start !== 'number' || typeof loc.end !== 'number') {
      throw new Error('the parser gave no position for the dataset clauses');
    }
    // The dataset clauses sit together between the query form and WHERE; blanking them keeps every other offset.
    const cut = text.slice(0, loc.start) + ' '.repeat(loc.end - loc.start) + text.slice(loc.end);
    const check = parseSparql(cut, baseIRI);
    if (check.kind !== 'query' || check.from.default.length + check.from.named.length > 0 || check.form !== form) {
      throw new Error('cutting the dataset clauses changed the query');
    }
    return cut;
  };
  const whereLoc = (ast.where as Node | undefined)?.loc as Node | undefined;
  const whereBody =
    whereLoc?.sourceLocationType === 'source' && typeof whereLoc.start === 'number' ? whereLoc.start + 1 : undefined;
  return { kind: 'query', form, normal, from, withoutDataset, services, functions, deterministic, whereBody, capped };
}
