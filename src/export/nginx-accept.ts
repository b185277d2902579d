// The Accept map of the export's nginx rules: the server's own negotiation (negotiateFormat) written as an nginx map.
//
// nginx has no q-value parser, and a map tries its regexes in order, first match wins; a map that asks "is text/html
// named?" first hands the page to Comunica, rdf-dereference and Raptor, which name it with a low q. So the map is
// computed from the server's negotiation, in two parts:
//   1. Real clients, exactly: the Accept headers that RDF clients and browsers send, each anchored (spaces free)
//      and mapped to what negotiateFormat answers for it. For these the export and the server agree by construction.
//   2. Any other header, by q-value: for each q band from 1 down (1, then 0.9…, 0.8…, …, 0.0…), for each format in
//      the server's order of preference, "this format's q is in the band": named with that q, or, not named, an
//      alias or the most specific wildcard with that q (as negotiateFormat reads them). The first hit is the
//      server's choice whenever the winner's q is 1 or alone in its tenth; regexes cannot compare 0.95 with 0.9, so
//      within one tenth the server's order decides (the only way nginx can differ from the server: add such
//      headers to the table). A header nothing matches gets the page, where the server would answer 406.
import { ALIASES, FORMATS, type Format, MEDIA_TYPES, negotiateFormat, suffixOf } from '../publish/formats.ts';

const COMUNICA =
  'application/n-quads,application/trig;q=0.95,application/ld+json;q=0.9,application/n-triples;q=0.8,' +
  'text/turtle;q=0.6,application/rdf+xml;q=0.5,text/n3;q=0.35,application/xml;q=0.3,image/svg+xml;q=0.3,' +
  'text/xml;q=0.3,text/html;q=0.2,application/xhtml+xml;q=0.18';

/** Accept headers real clients send, matched exactly (case and spaces aside). */
export const CLIENT_ACCEPTS: readonly string[] = [
  // Comunica's fetch-based dereference, and rdf-dereference (the same actors, and a few more types after them).
  COMUNICA,
  `${COMUNICA},application/json;q=0.135,text/shaclc;q=0.1,text/shaclc-ext;q=0.05`,
  // Raptor (rapper).
  'application/rdf+xml, text/rdf+n3;q=0.6, application/x-turtle;q=0.5, text/turtle;q=0.5, ' +
    'application/n-triples;q=0.3, text/plain;q=0.1, */*;q=0.1',
  // rdflib, by format: turtle, xml, json-ld, nt, trig, nquads.
  'text/turtle, application/x-turtle, */*;q=0.1',
  'application/rdf+xml, */*;q=0.1',
  'application/ld+json, application/json;q=0.9, */*;q=0.1',
  'text/plain, */*;q=0.1',
  'application/trig, */*;q=0.1',
  'application/n-quads, */*;q=0.1',
  // Browsers (Firefox, Safari; Chrome) and curl.
  'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
  'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8',
  'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,' +
    'application/signed-exchange;v=b3;q=0.7',
  '*/*',
];

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** One Accept header as an anchored regex that lets spaces vary around `,`, `;` and `=`. */
function exactly(header: string): string {
  const ranges = header.split(',').map((range) =>
    range
      .split(';')
      .map((piece) => piece.trim().split('=').map(escapeRegex).join('\\s*=\\s*'))
      .join('\\s*;\\s*'),
  );
  return `^\\s*${ranges.join('\\s*,\\s*')}\\s*$`;
}

/** Parameters other than q, which negotiateFormat reads past (the lookahead takes the spaces: `; q=` is a q too). */
const PARAMS = '(?:\\s*;(?!\\s*q\\s*=)[^;,]*)*';
/** Bands of q, highest first: exactly 1 (or no q), then by the first decimal, 0.9… down to 0.0… (above 0). */
const BANDS: readonly string[] = ['1', ...'987654321'.split('').map((d) => `0*\\.${d}\\d*`), '0*\\.0+[1-9]\\d*'];

/** `type` named with its q in `band`. */
function at(type: string, band: string): string {
  const q = band === '1' ? `(?:\\s*;\\s*q\\s*=\\s*1(?:\\.0*)?)?` : `\\s*;\\s*q\\s*=\\s*${band}`;
  return `(?:^|,)\\s*${escapeRegex(type)}${PARAMS}${q}${PARAMS}\\s*(?:,|$)`;
}

/** `type` named at all. */
const named = (type: string) => `(?:^|,)\\s*${escapeRegex(type)}\\s*(?:[;,]|$)`;

/** "The q negotiateFormat gives `format` is in `band`", as one regex. */
function inBand(format: Format, band: string): string {
  const type = MEDIA_TYPES[format];
  const wildcard = `${type.split('/')[0]}/*`;
  // Not named itself: its aliases count, and the most specific wildcard (type/* hides */*).
  const otherwise = [
    ...ALIASES.filter(([, target]) => target === format).map(([alias]) => `(?=.*?${at(alias, band)})`),
    `(?=.*?${at(wildcard, band)})`,
    `(?!.*?${named(wildcard)})(?=.*?${at('*/*', band)})`,
  ];
  return `^(?:(?=.*?${at(type, band)})|(?!.*?${named(type)})(?:${otherwise.join('|')}))`;
}

/** The map's entries in order, first match wins: [regex (case-insensitive), file suffix]. */
export function acceptRules(): [regex: string, suffix: string][] {
  const rules: [string, string][] = [];
  for (const header of CLIENT_ACCEPTS) rules.push([exactly(header), suffixOf(negotiateFormat(header) ?? 'html')]);
  for (const band of BANDS) for (const f of FORMATS) rules.push([inBand(f, band), suffixOf(f)]);
  return rules;
}

/** What nginx answers for `accept` under these rules (the test's model of the map; the page when none matches). */
export function suffixFor(accept: string): string {
  const hit = acceptRules().find(([regex]) => new RegExp(regex, 'i').test(accept));
  return hit?.[1] ?? suffixOf('html');
}

/** A regex as an nginx string: quoted, and nothing nginx's parser would read as an escapeRegex of its own. */
function nginxRegex(regex: string): string {
  if (/["']|\\[\\tnr]|\p{Cc}/u.test(regex)) throw new Error(`cannot write ${JSON.stringify(regex)} as an nginx regex`);
  return `"~*${regex}"`;
}

/** The `map $http_accept $npcsc_ext { … }` block, for nginx's http {} block. */
export function nginxAcceptMap(indent = '    '): string {
  const lines = acceptRules().map(([regex, suffix]) => `${indent}${nginxRegex(regex)} "${suffix}";\n`);
  return `map $http_accept $npcsc_ext {\n${indent}default ".html";\n${lines.join('')}}\n`;
}
