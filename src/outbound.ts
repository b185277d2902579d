// The one function through which the process fetches anything from the network, with its allowlist.
export class OutboundRefused extends Error {
  constructor(readonly url: string) {
    super(`outbound request refused: ${url} is not on the allowlist`);
    this.name = 'OutboundRefused';
  }
}

export const USER_AGENT = 'npcsc-kg/0.1 (https://w3id.org/npcsc/; linked-data publisher)';

/**
 * Why `url` is no endpoint at all, or undefined when it is one: http(s), no userinfo. A URL that carries a user
 * before the host (https://127.0.0.1:8080@query.wikidata.org/) is refused outright, whatever the host: it is
 * written to look like another address, and fetch would refuse it later anyway.
 */
function malformed(target: URL): string | undefined {
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return 'only http and https endpoints are called';
  if (target.username || target.password) return 'an endpoint IRI with userinfo (user@host) is never called';
  return undefined;
}

/** Whether `a` and `b` name the same endpoint: scheme, host, port (defaults made explicit) and path, exactly. */
function sameEndpoint(a: URL, b: URL): boolean {
  return a.protocol === b.protocol && a.hostname === b.hostname && a.port === b.port && a.pathname === b.pathname;
}

const parse = (url: string): URL | undefined => {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
};

/** True when `url` is one of `allowlist` (the same endpoint, with any query string: a request carries its query). */
export function isAllowed(url: string, allowlist: readonly string[]): boolean {
  const target = parse(url);
  if (!target || malformed(target)) return false;
  return allowlist.some((allowed) => {
    const a = parse(allowed);
    return a !== undefined && sameEndpoint(a, target);
  });
}

/**
 * Why the SERVICE IRI `iri` may not be called, or undefined when it is an allowlisted endpoint as it stands:
 * parsed, compared by scheme, host, port and path, with no userinfo, no query string and no fragment (the engine
 * adds its own query string; one in the IRI would change what the endpoint is asked).
 */
export function serviceRefusal(iri: string, allowlist: readonly string[]): string | undefined {
  const target = parse(iri);
  if (!target) return 'it is not an absolute IRI';
  const bad = malformed(target);
  if (bad) return bad;
  if (target.search || iri.includes('?')) return 'an endpoint IRI with a query string is never called';
  if (target.hash || iri.includes('#')) return 'an endpoint IRI with a fragment is never called';
  return isAllowed(iri, allowlist) ? undefined : 'it is not on the allowlist';
}

export interface GuardedFetchOptions {
  allowlist: readonly string[];
  /** Per-request timeout in milliseconds. */
  timeoutMs?: number;
  /** The real fetch; tests pass a recorder. */
  fetchImpl?: typeof fetch;
}

/** A `fetch` that refuses every URL not on the allowlist, identifies itself and times out. */
export function guardedFetch(options: GuardedFetchOptions): typeof fetch {
  const { allowlist, timeoutMs = 30_000, fetchImpl = globalThis.fetch } = options;
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!isAllowed(url, allowlist)) throw new OutboundRefused(url);
    const headers = new Headers(init?.headers);
    headers.set('user-agent', USER_AGENT);
    const signals = [AbortSignal.timeout(timeoutMs)];
    if (init?.signal) signals.push(init.signal);
    return fetchImpl(url, { ...init, headers, redirect: 'error', signal: AbortSignal.any(signals) });
  };
}
