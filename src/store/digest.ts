// HTTP authentication for the loader's account on a remote store: Basic, or Digest (RFC 7616, MD5 or SHA-256, qop=auth) when the store asks for it.
//
// Loading needs write rights that public queries must not have, so the loader signs in as an account of its own
// (README, "A remote store"). Virtuoso's authenticated endpoints (/sparql-auth, /sparql-graph-crud-auth) accept
// Digest only; Fuseki and GraphDB take Basic. A request goes out once without credentials; a 401 with a
// challenge is answered once, and a second 401 is the store's refusal, reported as it is.
import { createHash, randomBytes } from 'node:crypto';

export interface Credentials {
  user: string;
  password: string;
}

/** The parameters of a WWW-Authenticate challenge, for the scheme `scheme` (lower case), if it offers that scheme. */
function challenge(header: string, scheme: string): Record<string, string> | undefined {
  const at = header.toLowerCase().indexOf(scheme);
  if (at < 0) return undefined;
  const params: Record<string, string> = {};
  const re = /([a-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/gi;
  for (const m of header.slice(at + scheme.length).matchAll(re)) {
    const key = m[1]?.toLowerCase();
    if (key && !(key in params)) params[key] = (m[2] ?? m[3] ?? '').replace(/\\(.)/g, '$1');
  }
  return params;
}

/** The Authorization header that answers `header` (a WWW-Authenticate value) for `method` on `url`. */
export function authorization(header: string, creds: Credentials, method: string, url: string): string | undefined {
  const digest = challenge(header, 'digest');
  if (!digest) {
    if (!/\bbasic\b/i.test(header)) return undefined;
    return `Basic ${Buffer.from(`${creds.user}:${creds.password}`).toString('base64')}`;
  }
  const algorithm = (digest.algorithm ?? 'MD5').toUpperCase();
  const hashName = algorithm.startsWith('SHA-256') ? 'sha256' : algorithm.startsWith('MD5') ? 'md5' : undefined;
  if (!hashName || !digest.nonce) return undefined;
  const h = (s: string) => createHash(hashName).update(s).digest('hex');
  const u = new URL(url);
  const uri = `${u.pathname}${u.search}`;
  const realm = digest.realm ?? '';
  const cnonce = randomBytes(8).toString('hex');
  const nc = '00000001';
  let ha1 = h(`${creds.user}:${realm}:${creds.password}`);
  if (algorithm.endsWith('-SESS')) ha1 = h(`${ha1}:${digest.nonce}:${cnonce}`);
  const ha2 = h(`${method}:${uri}`);
  const qop = digest.qop
    ?.split(',')
    .map((q) => q.trim())
    .includes('auth')
    ? 'auth'
    : undefined;
  const response = qop ? h(`${ha1}:${digest.nonce}:${nc}:${cnonce}:${qop}:${ha2}`) : h(`${ha1}:${digest.nonce}:${ha2}`);
  const fields = [
    `username="${creds.user}"`,
    `realm="${realm}"`,
    `nonce="${digest.nonce}"`,
    `uri="${uri}"`,
    `algorithm=${algorithm}`,
    `response="${response}"`,
    ...(digest.opaque !== undefined ? [`opaque="${digest.opaque}"`] : []),
    ...(qop ? [`qop=${qop}`, `nc=${nc}`, `cnonce="${cnonce}"`] : []),
  ];
  return `Digest ${fields.join(', ')}`;
}

/** A fetch that signs in with `creds` when the server asks (401 with a challenge it can answer). */
export function authenticatingFetch(base: typeof fetch, creds: Credentials): typeof fetch {
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const first = await base(url, init).catch(async (e: unknown) => {
      // A store that refuses an unsigned request before reading its body may close the connection while the body
      // is still being sent (Virtuoso does, now and then, for a graph of some hundred kilobytes). The challenge is
      // then asked for by a GET, which carries nothing and changes nothing; the request itself goes once, signed.
      if (init?.body == null) throw e;
      const probe = await base(url, { method: 'GET', headers: { accept: '*/*' }, signal: init.signal ?? null });
      if (probe.status !== 401) {
        await probe.body?.cancel();
        throw e;
      }
      return probe;
    });
    const asked = first.headers.get('www-authenticate');
    if (first.status !== 401 || !asked) return first;
    const auth = authorization(asked, creds, init?.method ?? 'GET', url);
    if (!auth) return first;
    await first.body?.cancel();
    const headers = new Headers(init?.headers);
    headers.set('authorization', auth);
    return base(url, { ...init, headers });
  };
}
