// The Accept headers real clients send, each as written (spaces and all), for the tests of the export's rules (nginx,
// Apache for w3id.org): RDF clients, whose q-values put RDF above text/html, browsers, which must get the page, and
// headers beyond the clients the export knows by name (q-values, q=0, order against q).
const COMUNICA =
  'application/n-quads,application/trig;q=0.95,application/ld+json;q=0.9,application/n-triples;q=0.8,' +
  'text/turtle;q=0.6,application/rdf+xml;q=0.5,text/n3;q=0.35,application/xml;q=0.3,image/svg+xml;q=0.3,' +
  'text/xml;q=0.3,text/html;q=0.2,application/xhtml+xml;q=0.18';

export const CLIENTS: [client: string, accept: string][] = [
  ['Comunica', COMUNICA],
  ['rdf-dereference', `${COMUNICA},application/json;q=0.135,text/shaclc;q=0.1,text/shaclc-ext;q=0.05`],
  [
    'Raptor (rapper)',
    'application/rdf+xml, text/rdf+n3;q=0.6, application/x-turtle;q=0.5, text/turtle;q=0.5, ' +
      'application/n-triples;q=0.3, text/plain;q=0.1, */*;q=0.1',
  ],
  // Jena's RIOT (riot, RDFParser): WebContent.defaultRDFAcceptHeader, and defaultGraphAcceptHeader for a graph.
  [
    'Jena riot',
    'text/turtle,application/n-triples;q=0.9,application/rdf+xml;q=0.7,application/trig,application/n-quads;q=0.9,' +
      'application/ld+json;q=0.8,*/*;q=0.5',
  ],
  [
    'Jena riot, a graph',
    'text/turtle,application/n-triples;q=0.9,application/ld+json;q=0.8,application/rdf+xml;q=0.7,*/*;q=0.3',
  ],
  ['rdflib turtle', 'text/turtle, application/x-turtle, */*;q=0.1'],
  ['rdflib xml', 'application/rdf+xml, */*;q=0.1'],
  ['rdflib json-ld', 'application/ld+json, application/json;q=0.9, */*;q=0.1'],
  ['rdflib nt', 'text/plain, */*;q=0.1'],
  ['rdflib trig', 'application/trig, */*;q=0.1'],
  ['rdflib nquads', 'application/n-quads, */*;q=0.1'],
  ...['text/turtle', 'application/rdf+xml', 'application/ld+json', 'application/n-triples', 'text/plain'].map(
    (t): [string, string] => [`bare ${t}`, t],
  ),
  ...['application/n-quads', 'application/trig'].map((t): [string, string] => [`bare ${t}`, t]),
  ['Firefox', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'],
  [
    'Chrome',
    'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,' +
      'application/signed-exchange;v=b3;q=0.7',
  ],
  ['curl', '*/*'],
  // Beyond the clients the export knows by name: its rules by q-value.
  ['RDF above the page, by q', 'text/turtle;q=0.9, text/html;q=0.8'],
  ['Turtle above the rest, by q', 'text/turtle;q=0.9, */*;q=0.1'],
  ['the page below a wildcard', 'text/html;q=0.5, */*'],
  ['a tie the server breaks for the page', 'application/rdf+xml, text/html'],
  ['an alias, spaced', 'application/xhtml+xml ; q=0.3 , application/json ; q=0.4'],
  ['the page refused with q=0', 'text/html;q=0, */*'],
  ['Turtle refused with q=0, then the wildcard', 'text/turtle;q=0, application/n-triples;q=0.5'],
  ['order against q: the later type wins by q', 'application/rdf+xml;q=0.2, application/ld+json;q=0.7'],
  ['q written as 1.0 and 0.50', 'application/n-triples;q=0.50, application/ld+json;q=1.0'],
];
