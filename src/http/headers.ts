// The security headers and content security policies, owned here and nowhere else.

/*
 * The security headers, owned here and nowhere else. They are not added by a Hono middleware: measured on the
 * document routes, any middleware makes every request go through Hono's compose (and reading a response's
 * headers afterwards builds a Headers object @hono/node-server otherwise skips), about 20% fewer requests per
 * CPU-second, against a benchmark gate of 85% of bare node:http. Instead each module puts securityHeaders() into
 * the header objects it prepares once, and tests/hardening/headers.test.ts walks every route to hold them to it.
 */

/** Every response: no MIME sniffing, and no full URL (a query is in it) sent along to another site. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
};

/**
 * The linked-data pages: no script at all (the schema.org JSON-LD block is data, which a browser never runs), only
 * this site's stylesheet and images, no framing. connect-src 'self' because tools that audit a page fetch from
 * inside it (Lighthouse reads /robots.txt so); the page itself has no script to connect with.
 */
export const PAGE_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/**
 * The query page (YASGUI, served from /assets/yasgui/): scripts only from this site, never inline (its settings
 * travel in a JSON data block); inline styles because CodeMirror and YASR set style attributes from script;
 * queries go to this site's endpoint only.
 */
export const QUERY_PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The headers a response of `contentType` carries: SECURITY_HEADERS, and `csp` when it is HTML. */
export function securityHeaders(contentType: string, csp: string = PAGE_CSP): Record<string, string> {
  return /^\s*text\/html\b/i.test(contentType)
    ? { ...SECURITY_HEADERS, 'content-security-policy': csp }
    : { ...SECURITY_HEADERS };
}
