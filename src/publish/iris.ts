// Maps identifiers to addresses: canonical IRIs (the identifiers) to the public URLs where documents answer.
//
// Decision: RDF documents keep the canonical IRIs (config.base) as subjects and objects, because they are the
// identifiers and must not change with where the data is served. Everything that is an address rather than an
// identifier uses the public base (config.publicBase): hrefs in pages, Location headers, the document's own IRI
// (foaf:Document), the sitemap, void:sparqlEndpoint, void:dataDump and download URLs.
import type { Format, Lang } from './formats.ts';
import { suffixOf } from './formats.ts';

export class Iris {
  constructor(
    /** Canonical base of the identifiers. */
    readonly base: string,
    /** Where the documents really answer (ends with /). */
    readonly publicBase: string,
  ) {}

  get ontology(): string {
    return `${this.base}ontology`;
  }
  get dataset(): string {
    return `${this.base}id/dataset/npcsc-kg`;
  }

  /** Public URL of a path under the site (`doc/person/x.ttl`, `sparql`, ``). */
  url(path: string): string {
    return `${this.publicBase}${path}`;
  }

  /**
   * The document key of a canonical IRI: `doc/{kind}/{slug}` for things under id/, `ontology` for the
   * ontology, its alignments and its terms; undefined for IRIs that are not ours. Fragments belong to the
   * document of the IRI before the `#`.
   */
  keyOf(iri: string): string | undefined {
    if (!iri.startsWith(this.base)) return undefined;
    const local = iri.slice(this.base.length).split('#')[0] ?? '';
    if (local === 'ontology' || local === 'ontology/alignments') return 'ontology';
    if (local.startsWith('id/') && local.length > 3) return `doc/${local.slice(3)}`;
    return undefined;
  }

  /** The canonical IRI a document key is about. */
  topicOf(key: string): string {
    return key === 'ontology' ? this.ontology : `${this.base}id/${key.slice(4)}`;
  }

  /** Public URL of one representation of a document (`…/doc/person/x.zh-Hans.html`). */
  docUrl(key: string, format: Format, lang: Lang = 'en'): string {
    return this.url(`${key}${suffixOf(format, lang)}`);
  }

  /** Public URL of a document without a suffix (negotiated): the document's own IRI in its metadata. */
  genericDocUrl(key: string): string {
    return this.url(key);
  }

  /**
   * Where a link to `iri` goes in a page of language `lang`: our IRIs to the HTML page in the same language
   * (fragments kept, so ontology terms land on their anchor); other IRIs unchanged.
   */
  href(iri: string, lang: Lang): string {
    const key = this.keyOf(iri);
    if (!key) {
      if (iri.startsWith(this.base)) return this.url(iri.slice(this.base.length));
      return iri;
    }
    const hash = iri.indexOf('#');
    return this.docUrl(key, 'html', lang) + (hash >= 0 ? iri.slice(hash) : '');
  }
}
