// The one function through which the process fetches anything from the network, with its allowlist.
export class OutboundRefused extends Error {
  constructor(readonly url: string) {
    super(`outbound request refused: ${url} is not on the allowlist`);
    this.name = 'OutboundRefused';
  }
}

export const USER_AGENT = 'npcsc-kg/0.1 (https://w3id.org/npcsc/; linked-data publisher)';

/** True when `url` is one of `allowlist` (exact endpoint, ignoring a query string). */
export function isAllowed(url: string, allowlist: readonly string[]): boolean {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return false;
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return false;
  const bare = `${target.origin}${target.pathname}`;
  return allowlist.some((allowed) => {
    try {
      const a = new URL(allowed);
      return `${a.origin}${a.pathname}` === bare;
    } catch {
      return false;
    }
  });
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
