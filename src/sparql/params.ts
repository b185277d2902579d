// Turns the text of a stored query's parameters into RDF terms, checked against their declared type.
import type * as RDF from '@rdfjs/types';
import { DataFactory } from 'n3';
import { NS } from '../rdf/ns.ts';
import type { QueryFile, QueryParam } from '../rdf/queries.ts';

const { literal, namedNode } = DataFactory;

export class ParamError extends Error {
  constructor(
    readonly param: string,
    message: string,
  ) {
    super(`parameter ${param}: ${message}`);
    this.name = 'ParamError';
  }
}

function isCalendarDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** One value as the RDF term its type says, or a ParamError saying what was expected. */
export function paramTerm(param: QueryParam, raw: string, base: string): RDF.Term {
  const fail = (expected: string): never => {
    throw new ParamError(param.name, `expected ${expected}, got ${JSON.stringify(raw.slice(0, 100))}`);
  };
  switch (param.type) {
    case 'xsd:date':
      if (!isCalendarDate(raw)) fail('a date YYYY-MM-DD');
      return literal(raw, namedNode(`${NS.xsd}date`));
    case 'xsd:gYear':
      if (!/^\d{4}$/.test(raw)) fail('a year YYYY');
      return literal(raw, namedNode(`${NS.xsd}gYear`));
    case 'xsd:integer':
      if (!/^[+-]?\d{1,15}$/.test(raw)) fail('an integer');
      return literal(String(Number(raw)), namedNode(`${NS.xsd}integer`));
    case 'xsd:string':
      if (raw.length > 1000) fail('a string of at most 1000 characters');
      return literal(raw);
    case 'iri': {
      let url: URL | undefined;
      try {
        url = new URL(raw, base);
      } catch {
        fail('an IRI');
      }
      if (!url || !/^(https?|urn):$/.test(url.protocol) || /[\s<>"{}|\\^`]/.test(raw)) fail('an http(s) IRI');
      return namedNode((url as URL).href);
    }
  }
}

/** Binds every declared parameter from `given` (or its default); unknown names are refused. */
export function bindParams(query: QueryFile, given: Record<string, string>, base: string): Record<string, RDF.Term> {
  const declared = new Set(query.params.map((p) => p.name));
  for (const name of Object.keys(given)) {
    if (!declared.has(name))
      throw new ParamError(name, `unknown; ${query.name} takes ${[...declared].join(', ') || 'no parameters'}`);
  }
  const out: Record<string, RDF.Term> = {};
  for (const p of query.params) {
    const raw = given[p.name] ?? p.default;
    if (raw === undefined) throw new ParamError(p.name, 'required');
    out[p.name] = paramTerm(p, raw, base);
  }
  return out;
}
