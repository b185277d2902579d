// The w3id.org redirect rules of the export: the `.htaccess` w3id.org's repository takes for a namespace (a folder
// named for the base's path, e.g. npcsc/), 303 from each canonical IRI to this deployment's document in the format
// Accept asks for.
//
// The negotiation is the nginx map's (src/export/nginx-accept.ts, computed from the server's own negotiateFormat),
// written as mod_rewrite conditions in the same order, first match wins; the regexes are PCRE in Apache as they are
// in nginx, so both hosts pick the same document for the same header. The limits are the map's: exact for the
// headers real clients send; for any other header by q to the tenth (within one tenth the server's order decides);
// a header nothing matches gets the page where the server would answer 406. Besides, w3id.org cannot see which
// identifiers exist (an unknown one is sent to a document that answers 404) and does not read Accept-Language (the
// 303 to a page is to the English one, which links its Chinese twin).
import { acceptRules } from './nginx-accept.ts';

/** Apache reads a configuration line of at most 8 KB (HUGE_STRING_LEN); a longer rule would be a 500 on w3id.org. */
const MAX_LINE = 8000;

/** Where the file goes, relative to the export: `{host}/{path of the base}.htaccess`, e.g. `w3id.org/npcsc/.htaccess`. */
export function htaccessPath(base: string): string {
  const url = new URL(base);
  return `${url.host}${url.pathname}.htaccess`;
}

/** A regex as one unquoted mod_rewrite argument: mod_rewrite keeps it verbatim unless it holds a space or a quote. */
function apacheRegex(regex: string): string {
  if (/[\s"']|\p{Cc}/u.test(regex) || regex.startsWith('!')) {
    throw new Error(`cannot write ${JSON.stringify(regex)} as a mod_rewrite pattern`);
  }
  return regex;
}

/** A target URL in a RewriteRule: `$` and `%` escaped (mod_rewrite reads them as back-references). */
function apacheTarget(url: string): string {
  if (/[\s"'\\]|\p{Cc}/u.test(url)) throw new Error(`cannot write ${JSON.stringify(url)} as a RewriteRule target`);
  return url.replace(/[$%]/g, '\\$&');
}

/**
 * The `.htaccess` for the canonical `base` (where w3id.org puts it) that sends each identifier to its document at
 * `publicBase`. With publicBase equal to base there is nowhere to send them (the rules would redirect to themselves):
 * the file then says so and holds no rule.
 */
export function htaccessFile(base: string, publicBase: string): string {
  const folder = new URL(base).pathname;
  const head = `# npcsc-kg: redirect rules for the identifiers ${base}…, for the folder ${folder} of w3id.org's
# repository (https://github.com/perma-id/w3id.org: this file goes there as ${folder.slice(1)}.htaccess, with a README.md
# that names the project and its maintainers). Written by \`npcsc-kg export\`; regenerate, do not edit.
`;
  if (new URL(publicBase).href === new URL(base).href) {
    return `${head}#
# This export was made for the canonical base itself, so there is nowhere to redirect to. Export again with
# --public-base set to the URL where the export (or \`npcsc-kg serve\`) answers.
`;
  }
  const target = apacheTarget(publicBase);
  const conds = acceptRules().flatMap(([regex, suffix]) => [
    'RewriteCond %{ENV:NPCSC_EXT} ^$',
    `RewriteCond %{HTTP_ACCEPT} ${apacheRegex(regex)} [NC]`,
    `RewriteRule ${NEGOTIATED} - [E=NPCSC_EXT:${suffix}]`,
  ]);
  const lines = [
    `${head}#
# Each identifier answers 303 See Other with its document at ${target}, in the format Accept asks for, as the
# server's own negotiation picks it: exactly for the Accept headers real RDF clients and browsers send, by q-value
# to the tenth for any other (within one tenth, the server's order of preference decides). A header no rule
# matches gets the HTML page (the server would answer 406). An identifier with no document is sent to a document
# that answers 404, and the page is the English one whatever Accept-Language says (it links the Chinese page).

RewriteEngine on

# The document's suffix, by Accept: the first rule that matches sets it.`,
    ...conds,
    'RewriteCond %{ENV:NPCSC_EXT} ^$',
    `RewriteRule ${NEGOTIATED} - [E=NPCSC_EXT:.html]`,
    '',
    '# Things (/id/…) and the ontology with its terms (/ontology#Term) and alignments, to their documents.',
    `RewriteRule ^id/(.+)$ ${target}doc/$1%{ENV:NPCSC_EXT} [R=303,L]`,
    `RewriteRule ^ontology(?:/alignments)?$ ${target}ontology%{ENV:NPCSC_EXT} [R=303,L]`,
    '# The base itself, to the home page.',
    `RewriteRule ^$ ${target} [R=303,L]`,
    '',
  ];
  const long = lines.find((l) => l.length > MAX_LINE);
  if (long) throw new Error(`a rewrite rule longer than Apache reads (${long.length} > ${MAX_LINE} characters)`);
  return lines.join('\n');
}

/** The paths the rules negotiate for (relative to the namespace's folder, as mod_rewrite sees them in .htaccess). */
const NEGOTIATED = '^(?:id/.+|ontology(?:/alignments)?)$';
