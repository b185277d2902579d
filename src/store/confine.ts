// Confines a parsed query to what a remote store may be sent: SPARQL 1.1's built-ins and XSD casts only (no SPARQL 1.2 form), no vendor IRI, and a dataset that is exactly the project's graph.
//
// A remote store does whatever the text it receives says, and Virtuoso's text can say a lot: `bif:exec` runs SQL
// (SPARQL INSERT, CLEAR), `bif:http_get` fetches a URL past our outbound guard, `bif:sys_stat` tells its version,
// and GRAPH ?g or FROM reach its system graphs and our load marker. So the tree the project generates its text
// from (src/store/portable.ts) is checked and rewritten here first: a function call is allowed only when it is an
// XSD cast (the built-ins are operators in the tree, never calls by IRI), an IRI of a vendor's scheme is refused
// wherever it stands (Virtuoso's magic predicates such as bif:contains), and every dataset clause and GRAPH
// pattern is replaced by what it means over the Graph, which has a default graph only. Whatever the spelling
// (prefix, full IRI, case), the check compares the resolved IRI, so no spelling passes.

type Node = { [key: string]: unknown };
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null;

const XSD = 'http://www.w3.org/2001/XMLSchema#';
/** SPARQL 1.1 §17.5's casts, and xsd:date, which the data uses and every store casts to. */
export const ALLOWED_FUNCTIONS: ReadonlySet<string> = new Set(
  ['boolean', 'double', 'float', 'decimal', 'integer', 'dateTime', 'string', 'date'].map((t) => `${XSD}${t}`),
);

/**
 * IRI schemes and namespaces that mean something to a store beyond an IRI: Virtuoso's built-in SQL functions and
 * procedures (bif:, sql:, and their long forms), Jena's Java functions (java:). Compared in lower case.
 */
const VENDOR = [/^bif:/, /^sql:/, /^java:/, /^https?:\/\/www\.openlinksw\.com\/schemas\/(?:bif|sql)#/];

/**
 * SPARQL 1.2's built-ins, which the parser (a SPARQL 1.2 one) reads as operators, by the name the tree gives them:
 * a remote store speaks SPARQL 1.1 (Virtuoso 7 answers them with an error of its own), so they are refused here,
 * by their name in the specification, before anything is sent.
 */
const SPARQL_12_BUILTINS: ReadonlyMap<string, string> = new Map(
  ['isTRIPLE', 'TRIPLE', 'SUBJECT', 'PREDICATE', 'OBJECT', 'LANGDIR', 'hasLANG', 'hasLANGDIR', 'STRLANGDIR'].map(
    (name) => [name.toLowerCase(), name],
  ),
);

/** What the refusal of a SPARQL 1.2 form says after naming it. */
const ONLY_11 = 'is SPARQL 1.2, and the remote store this endpoint queries speaks SPARQL 1.1 only';

/** Characters no IRI of a generated query may hold: each would end the IRI early in the text a store reads. */
const UNSAFE_IRI = /[\s<>"{}|^`\\]/;

/** A query that may not go to the remote store: the client's fault (400), named so that it can be fixed. */
export class RefusedQuery extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RefusedQuery';
  }
}

export interface Confined {
  tree: Node;
  /** True when the query named a FROM graph: over the Graph, whose named graphs are all empty, an empty default graph. */
  emptyDefault: boolean;
}

/** Spells a term of the tree as the client wrote it, for a message. */
const spelling = (term: Node): string =>
  typeof term.prefix === 'string' ? `${term.prefix}:${String(term.value)}` : `<${String(term.value)}>`;

/** The variables a pattern mentions, in order, each once. */
function variablesOf(node: unknown, out = new Map<string, Node>()): Map<string, Node> {
  if (Array.isArray(node)) for (const n of node) variablesOf(n, out);
  else if (isNode(node)) {
    if (node.type === 'term' && node.subType === 'variable' && typeof node.value === 'string') {
      if (!out.has(node.value)) out.set(node.value, node);
    }
    for (const [k, v] of Object.entries(node)) if (k !== 'loc') variablesOf(v, out);
  }
  return out;
}

/**
 * Checks `tree` (a query already stripped of source positions) and rewrites its dataset: throws RefusedQuery for a
 * function or IRI a remote store may not be sent. `resolve` gives a namedNode term's absolute IRI.
 */
export function confine(tree: Node, resolve: (term: Node) => string | undefined, gen: () => unknown): Confined {
  const check = (n: Node): void => {
    if (n.type === 'term' && n.subType === 'namedNode') {
      const iri = resolve(n);
      if (iri === undefined) throw new RefusedQuery(`${spelling(n)} is not an IRI this endpoint can resolve`);
      const lower = iri.toLowerCase();
      if (VENDOR.some((v) => v.test(lower))) {
        throw new RefusedQuery(`${spelling(n)} is a store's own extension, which this endpoint does not offer`);
      }
      if (UNSAFE_IRI.test(iri)) throw new RefusedQuery(`${spelling(n)} holds characters an IRI may not`);
    }
    if (n.type === 'expression' && n.subType === 'operation' && typeof n.operator === 'string') {
      const name = SPARQL_12_BUILTINS.get(n.operator.toLowerCase());
      if (name) throw new RefusedQuery(`the function ${name} ${ONLY_11}`);
    }
    // SPARQL 1.2's other forms: triple terms <<( … )>>, reified triples << … >>, annotations {| … |} and reifiers
    // ~, literals with a base direction ("…"@en--ltr), and the VERSION declaration.
    if (n.type === 'term' && n.subType === 'triple') throw new RefusedQuery(`a triple term <<( … )>> ${ONLY_11}`);
    if (n.type === 'tripleCollection' && n.subType === 'reifiedTriple') {
      throw new RefusedQuery(`a reified triple << … >> ${ONLY_11}`);
    }
    if (n.type === 'triple' && Array.isArray(n.annotations) && n.annotations.length > 0) {
      throw new RefusedQuery(`an annotation {| … |} or reifier ~ ${ONLY_11}`);
    }
    if (n.type === 'term' && n.subType === 'literal' && typeof n.langOrIri === 'string' && n.langOrIri.includes('--')) {
      throw new RefusedQuery(`a literal with a base direction (@${n.langOrIri}) ${ONLY_11}`);
    }
    if (n.type === 'contextDef' && n.subType === 'version') throw new RefusedQuery(`VERSION ${ONLY_11}`);
    if (n.type === 'expression' && (n.subType === 'functionCall' || n.subType === 'aggregate')) {
      const fn = n.function;
      if (isNode(fn) && fn.type === 'term') {
        const iri = resolve(fn);
        if (!iri || !ALLOWED_FUNCTIONS.has(iri)) {
          throw new RefusedQuery(
            `the function ${spelling(fn)} is not offered here: this endpoint runs SPARQL 1.1's built-in functions and the XSD casts (xsd:string, xsd:integer, xsd:decimal, xsd:double, xsd:float, xsd:boolean, xsd:dateTime, xsd:date)`,
          );
        }
      }
    }
  };

  let emptyDefault = false;
  const visit = (n: unknown): unknown => {
    if (Array.isArray(n)) return n.map(visit);
    if (!isNode(n)) return n;
    check(n);
    if (n.type === 'datasetClauses') {
      for (const clause of (n.clauses as Node[] | undefined) ?? []) {
        check(clause.value as Node);
        if (clause.clauseType === 'default') emptyDefault = true;
      }
      return { ...n, clauses: [] };
    }
    if (n.type === 'pattern' && n.subType === 'graph') {
      // The Graph has no named graph, so GRAPH matches nothing: an empty VALUES over the same variables, which
      // keeps them in scope (SELECT * lists them) and sends no graph name to the store.
      visit(n.patterns);
      check(n.name as Node);
      const variables = [...variablesOf([n.name, n.patterns]).values()];
      return { type: 'pattern', subType: 'values', variables, values: [], loc: gen() };
    }
    const out: Node = {};
    for (const [k, v] of Object.entries(n)) out[k] = k === 'loc' ? v : visit(v);
    return out;
  };
  // The body first, so that a refused call is named as the client called it, before the prefix it came by.
  const { context, ...body } = tree;
  const out = visit(body) as Node;
  if (context !== undefined) out.context = visit(context);
  return { tree: out, emptyDefault };
}
