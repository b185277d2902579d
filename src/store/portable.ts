// Rewrites a query for an engine without the project's extension functions: fn: calls become SPARQL 1.1 expressions, bound values a VALUES block.
//
// Oxigraph's JavaScript API takes no custom functions and a remote store knows none of ours, so the three
// fn: functions of src/store/comunica.ts are spelled out here in plain SPARQL 1.1 (string slicing, IF, FLOOR and
// the Julian day number), and tests/scale/portable.test.ts checks them against the JavaScript ones on every
// date of the data and on edge cases. Parameters, which Comunica takes as initial bindings, enter as a VALUES
// block at the head of the WHERE group: terms, never text. The output is generated from the parsed AST, so a
// remote store receives only standard SPARQL 1.1, never a vendor pragma a client slipped in.

import type * as RDF from '@rdfjs/types';
import type * as TraqulaGenerator from '@traqula/generator-sparql-1-2';
import type * as TraqulaParser from '@traqula/parser-sparql-1-2';
import type * as TraqulaRules from '@traqula/rules-sparql-1-2';
import { lazy } from '../lazy.ts';
import { FN, NS } from '../rdf/ns.ts';
import { confine } from './confine.ts';

export type QueryForm = 'select' | 'ask' | 'construct' | 'describe';

type Node = { [key: string]: unknown };
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null;

// Loaded at the first query an Oxigraph or remote store runs: the default store never rewrites a query.
const traqula = {
  generator: lazy<typeof TraqulaGenerator>('@traqula/generator-sparql-1-2'),
  parser: lazy<typeof TraqulaParser>('@traqula/parser-sparql-1-2'),
  rules: lazy<typeof TraqulaRules>('@traqula/rules-sparql-1-2'),
};
let parser: TraqulaParser.Parser | undefined;
let generator: TraqulaGenerator.Generator | undefined;
let astFactory: TraqulaRules.AstFactory | undefined;
const factory = (): TraqulaRules.AstFactory => {
  astFactory ??= new (traqula.rules().AstFactory)();
  return astFactory;
};

function parse(text: string, baseIRI?: string): Node {
  parser ??= new (traqula.parser().Parser)();
  return parser.parse(text, { astFactory: factory(), ...(baseIRI ? { baseIRI } : {}) }) as unknown as Node;
}

/** Every node's source location points into the text it was parsed from; a rewritten tree must not use them. */
function fresh<T>(node: T): T {
  if (Array.isArray(node)) return node.map(fresh) as T;
  if (!isNode(node)) return node;
  const out: Node = {};
  for (const [k, v] of Object.entries(node)) out[k] = k === 'loc' ? factory().gen() : fresh(v);
  return out as T;
}

const XSD = NS.xsd;
const INVALID = `STRDT("invalid date", <${FN}invalid>)`;
/** What the JavaScript versions accept: one of the three date types, with a lexical form they can split. */
const valid = (a: string) =>
  `(isLiteral(${a}) && (datatype(${a}) = <${XSD}date> || datatype(${a}) = <${XSD}gYearMonth> || datatype(${a}) = <${XSD}gYear>) && REGEX(STR(${a}), "^[0-9]{4}(-(0[1-9]|1[0-2])(-[0-9]{2})?)?$"))`;
const year = (a: string) => `<${XSD}integer>(SUBSTR(STR(${a}), 1, 4))`;
const month = (a: string) => `<${XSD}integer>(SUBSTR(STR(${a}), 6, 2))`;
const dayOf = (a: string) => `<${XSD}integer>(SUBSTR(STR(${a}), 9, 2))`;
const divisible = (y: string, n: number) => `(${y} - ${n} * FLOOR(${y} / ${n}) = 0)`;
const leap = (y: string) => `((${divisible(y, 4)} && !${divisible(y, 100)}) || ${divisible(y, 400)})`;
/** Julian day number of a day (Fliegel and Van Flandern); every quantity is positive, so FLOOR is integer division. */
function julianDay(a: string): string {
  const y = year(a);
  const m = month(a);
  const d = dayOf(a);
  const shift = `FLOOR((14 - ${m}) / 12)`;
  const yy = `(${y} + 4800 - ${shift})`;
  const mm = `(${m} + 12 * ${shift} - 3)`;
  return `(${d} + FLOOR((153 * ${mm} + 2) / 5) + 365 * ${yy} + FLOOR(${yy} / 4) - FLOOR(${yy} / 100) + FLOOR(${yy} / 400) - 32045)`;
}

/** The fn: functions in SPARQL 1.1, over placeholders ?a and ?b. */
const TEMPLATES: Record<string, string> = {
  firstDay: `IF(${valid('?a')}, STRDT(IF(STRLEN(STR(?a)) = 10, STR(?a), IF(STRLEN(STR(?a)) = 7, CONCAT(STR(?a), "-01"), CONCAT(STR(?a), "-01-01"))), <${XSD}date>), ${INVALID})`,
  lastDay: `IF(${valid('?a')}, STRDT(IF(STRLEN(STR(?a)) = 10, STR(?a), IF(STRLEN(STR(?a)) = 4, CONCAT(STR(?a), "-12-31"), CONCAT(STR(?a), "-", IF(${month('?a')} = 2, IF(${leap(year('?a'))}, "29", "28"), IF(${month('?a')} IN (4, 6, 9, 11), "30", "31"))))), <${XSD}date>), ${INVALID})`,
  daysBetween: `IF(${valid('?a')} && ${valid('?b')} && STRLEN(STR(?a)) = 10 && STRLEN(STR(?b)) = 10, <${XSD}integer>(${julianDay('?b')} - ${julianDay('?a')}), ${INVALID})`,
};

let templates: Map<string, Node> | undefined;
/** Each template's expression tree, parsed once. */
function templateFor(name: string): Node | undefined {
  if (!templates) {
    templates = new Map();
    for (const [fn, expr] of Object.entries(TEMPLATES)) {
      const ast = parse(`SELECT * WHERE { BIND (${expr} AS ?out) }`);
      const bind = ((ast.where as Node).patterns as Node[])[0] as Node;
      templates.set(`${FN}${fn}`, fresh(bind.expression as Node));
    }
  }
  return templates.get(name);
}

function substitute(node: unknown, args: Record<string, unknown>): unknown {
  if (Array.isArray(node)) return node.map((n) => substitute(n, args));
  if (!isNode(node)) return node;
  if (node.type === 'term' && node.subType === 'variable' && typeof node.value === 'string' && node.value in args) {
    return fresh(args[node.value]);
  }
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, substitute(v, args)]));
}

/** Resolves a prefixed or relative IRI of the AST against the query's own prologue and `base`. */
function resolver(ast: Node, base: string | undefined): (term: Node) => string | undefined {
  const prefixes = new Map<string, string>();
  let b = base;
  for (const def of (ast.context as Node[] | undefined) ?? []) {
    const value = (def.value as Node | undefined)?.value;
    if (typeof value !== 'string') continue;
    if (def.subType === 'base') b = b ? new URL(value, b).href : value;
    if (def.subType === 'prefix' && typeof def.key === 'string') prefixes.set(def.key, value);
  }
  return (term) => {
    if (term.subType !== 'namedNode' || typeof term.value !== 'string') return undefined;
    try {
      const raw = typeof term.prefix === 'string' ? prefixes.get(term.prefix) : '';
      if (raw === undefined) return undefined;
      return new URL(raw + term.value, b).href;
    } catch {
      return undefined;
    }
  };
}

/** Replaces every fn: call below `node` by its SPARQL 1.1 expression; returns how many it replaced. */
function inlineFunctions(node: unknown, resolve: (t: Node) => string | undefined): { node: unknown; count: number } {
  let count = 0;
  const visit = (n: unknown): unknown => {
    if (Array.isArray(n)) return n.map(visit);
    if (!isNode(n)) return n;
    if (n.type === 'expression' && n.subType === 'functionCall') {
      const iri = resolve(n.function as Node);
      const template = iri?.startsWith(FN) ? templateFor(iri) : undefined;
      if (template) {
        count++;
        const [a, b] = (n.args as unknown[]).map(visit);
        return substitute(template, { a, b });
      }
    }
    return Object.fromEntries(Object.entries(n).map(([k, v]) => [k, visit(v)]));
  };
  return { node: visit(node), count };
}

/** An RDF term as the AST spells it (an absolute IRI, a typed or language-tagged literal). */
function astTerm(term: RDF.Term): Node {
  const gen = factory().gen();
  switch (term.termType) {
    case 'NamedNode':
      return { type: 'term', subType: 'namedNode', value: term.value, loc: gen };
    case 'Literal': {
      const lit = term as RDF.Literal;
      // A simple literal is written without ^^xsd:string: a store that still tells the two apart (Virtuoso) must
      // find the plain literal it holds.
      const simple = !lit.language && lit.datatype.value === `${XSD}string`;
      return {
        type: 'term',
        subType: 'literal',
        value: lit.value,
        ...(simple
          ? {}
          : {
              langOrIri: lit.language
                ? lit.language
                : { type: 'term', subType: 'namedNode', value: lit.datatype.value, loc: factory().gen() },
            }),
        loc: gen,
      };
    }
    default:
      throw new Error(`a parameter must be an IRI or a literal, not a ${term.termType}`);
  }
}

export interface Portable {
  text: string;
  form: QueryForm;
  /** SERVICE endpoints the query names (undefined for a variable endpoint), for the caller's allowlist. */
  services: (string | undefined)[];
  /** With `confineTo`: the one graph the text reads (its FROM), which the protocol request must name too. */
  graph?: string | undefined;
}

/**
 * A query as Oxigraph takes it: the text, its form (undefined when the text went as written: Oxigraph tells the
 * form from the answer it writes), and the SERVICE endpoints it names.
 */
export interface Prepared {
  text: string;
  form: QueryForm | undefined;
  services: (string | undefined)[];
}

export interface PortableOptions {
  baseIRI?: string | undefined;
  bindings?: Record<string, RDF.Term> | undefined;
  /** Inline the fn: functions (default true). When false, a call to one stays and the engine rejects it. */
  extensions?: boolean | undefined;
  /**
   * For a remote store: the one graph the query may read as its default graph (src/store/confine.ts). A FROM
   * clause makes it `emptyGraph` instead, as over the Graph, whose named graphs are all empty.
   */
  confineTo?: { graph: string; emptyGraph: string } | undefined;
}

/** Strings (long ones first), IRIs without a `?` or `$` (else `?a<?b` could read as one), and comments. */
const OPAQUE = /"""[\s\S]*?"""|'''[\s\S]*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|<[^<>"{}|^`\\\s?$]*>|#[^\n]*/g;
/** Variables, prefixed names, language tags and the `*` of SELECT * and COUNT(*): where + - * / are no operator. */
const NAMES =
  /[?$][\w\u00b7-\uffff]+|[A-Za-z_\u00c0-\uffff][\w.\u00b7-\uffff-]*:[\w.:%\u00b7-\uffff-]*|@[A-Za-z]+(?:-[A-Za-z0-9]+)*|(?:SELECT|DISTINCT|REDUCED|\()\s*\*/gi;

/**
 * Whether `text` means the same to Oxigraph as written, given `options.baseIRI` as its base: nothing to inline
 * (the functions are off), no value to bind, no graph to confine to, no SERVICE to find, and no arithmetic.
 *
 * A SERVICE needs the word itself, or a \u escape that spells it (SPARQL reads escapes before the grammar).
 * Arithmetic, because Oxigraph 0.5.11 groups a chain of operators from the right: `10 - 2 - 3` is 11 there
 * (tests/scale/differential.test.ts); portableQuery writes every operation in parentheses. A `+ - * /` left
 * after strings, IRIs, comments, names and tags may be a path or a negative number: that only costs the parse.
 */
export function asWritten(text: string, options: PortableOptions = {}): boolean {
  if (options.extensions !== false || options.confineTo) return false;
  if (options.bindings && Object.keys(options.bindings).length > 0) return false;
  if (/service|\\u/i.test(text)) return false;
  return !/[-+*/]/.test(text.replace(OPAQUE, ' ').replace(NAMES, ' '));
}

/**
 * The query as standard SPARQL 1.1 for another engine: its fn: calls spelled out, `bindings` as a VALUES block
 * at the head of the WHERE group, and a BASE declaration so that relative IRIs mean what they meant here.
 * Throws the parser's error on a text that is not a query.
 */
export function portableQuery(text: string, options: PortableOptions = {}): Portable {
  const ast = parse(text, options.baseIRI);
  if (ast.type !== 'query') throw new Error('updates are not supported');
  const resolve = resolver(ast, options.baseIRI);
  const services: (string | undefined)[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (isNode(n)) {
      if (n.type === 'pattern' && n.subType === 'service') {
        const name = n.name as Node;
        services.push(name.subType === 'variable' ? undefined : resolve(name));
      }
      for (const [k, v] of Object.entries(n)) if (k !== 'loc') walk(v);
    }
  };
  walk(ast);

  let tree = fresh(ast);
  if (options.extensions !== false) tree = inlineFunctions(tree, resolve).node as Node;
  const confineTo = options.confineTo;
  let graph: string | undefined;
  if (confineTo) {
    const confined = confine(tree, resolve, () => factory().gen());
    tree = confined.tree;
    graph = confined.emptyDefault ? confineTo.emptyGraph : confineTo.graph;
    tree.datasets = {
      type: 'datasetClauses',
      clauses: [
        { clauseType: 'default', value: { type: 'term', subType: 'namedNode', value: graph, loc: factory().gen() } },
      ],
      loc: factory().gen(),
    };
  }
  const bound = Object.entries(options.bindings ?? {});
  if (bound.length > 0) {
    const where = tree.where as Node;
    const values: Node = {
      type: 'pattern',
      subType: 'values',
      variables: bound.map(([name]) => ({ type: 'term', subType: 'variable', value: name, loc: factory().gen() })),
      values: [Object.fromEntries(bound.map(([name, term]) => [name, astTerm(term)]))],
      loc: factory().gen(),
    };
    where.patterns = [values, ...((where.patterns as Node[]) ?? [])];
  }
  const context = (tree.context as Node[] | undefined) ?? [];
  if (options.baseIRI && !context.some((d) => d.subType === 'base')) {
    tree.context = [
      {
        type: 'contextDef',
        subType: 'base',
        value: { type: 'term', subType: 'namedNode', value: options.baseIRI, loc: factory().gen() },
        loc: factory().gen(),
      },
      ...context,
    ];
  }
  generator ??= new (traqula.generator().Generator)();
  const out = generator.generate(tree as never);
  if (confineTo) {
    // The text that goes out is checked as the store will read it: whatever the generator wrote, it must parse
    // to a query that passes the same confinement and reads the same graph alone.
    const again = parse(out);
    const clauses = ((again.datasets as Node | undefined)?.clauses as Node[] | undefined) ?? [];
    const from = clauses.map((c) => (c.value as Node).value);
    confine(fresh(again), resolver(again, undefined), () => factory().gen());
    if (again.type !== 'query' || from.length !== 1 || from[0] !== graph) {
      throw new Error('the generated query is not the confined one');
    }
  }
  return { text: out, form: ast.subType as QueryForm, services, ...(graph ? { graph } : {}) };
}
