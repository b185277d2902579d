// Names of properties and classes for pages: the ontology's own labels, then i18n's table, then a CURIE.
import type { Graph } from '../rdf/graph.ts';
import type { Lang } from './formats.ts';
import { termLabel } from './i18n.ts';
import { RDFS_LABEL } from './view.ts';

export class Vocabulary {
  private readonly labels = new Map<string, Map<string, string>>();
  private readonly namespaces: [string, string][];

  constructor(graph: Graph) {
    const ontology = `${graph.base}ontology`;
    for (const q of graph.store.getQuads(null, RDFS_LABEL, null, null)) {
      if (!q.subject.value.startsWith(ontology) || q.object.termType !== 'Literal') continue;
      let m = this.labels.get(q.subject.value);
      if (!m) {
        m = new Map();
        this.labels.set(q.subject.value, m);
      }
      m.set(q.object.language.toLowerCase(), q.object.value);
    }
    // Longest namespace first, so person: wins over a shorter prefix of the same IRI.
    this.namespaces = Object.entries(graph.prefixes).sort((a, b) => b[1].length - a[1].length);
  }

  /** `npcsc:holder`, `schema:name`, or the IRI itself when no prefix fits. */
  curie(iri: string): string {
    for (const [prefix, ns] of this.namespaces) {
      if (iri.startsWith(ns) && /^[A-Za-z0-9_-]+$/.test(iri.slice(ns.length)))
        return `${prefix}:${iri.slice(ns.length)}`;
    }
    return iri;
  }

  /** A term's label in `lang` (falling back to English, then to the CURIE). */
  label(iri: string, lang: Lang): string {
    const own = this.labels.get(iri);
    if (own) return own.get(lang.toLowerCase()) ?? own.get('en') ?? this.curie(iri);
    return termLabel(iri, lang) ?? this.curie(iri);
  }

  has(iri: string): boolean {
    return this.labels.has(iri);
  }
}
