// What HTTP answers are kept and revalidated with: a cache bounded in entries and bytes, If-None-Match, and the
// request's headers read the cheap way. Shared by the documents (src/publish) and the SPARQL interface.
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';

/** Keys longer than this are kept as their SHA-256: whatever a client sends, a key costs a bounded amount. */
export const MAX_KEY_CHARS = 256;

/**
 * What an entry costs beyond its key and what `sizeOf` measures: the map's slot and the entry's record. About 220
 * bytes measured on Node 20 (x64) with 100,000 entries, rounded up, so that a flood of tiny entries is counted too.
 */
export const ENTRY_OVERHEAD = 256;

/** Starts every hashed key; a short key that starts with it is hashed too, so no key can pose as another's hash. */
const HASHED = '\u0000#';

/** Bytes of a string as V8 holds it: one a character when all are Latin-1, two otherwise. */
export function stringBytes(s: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the Latin-1 range starts at U+0000.
  return /[^\u0000-\u00ff]/.test(s) ? s.length * 2 : s.length;
}

/** Bytes of a header object: its names and values, and a slot (two pointers) for each. */
export function headersBytes(headers: Readonly<Record<string, string>>): number {
  let n = 0;
  for (const name in headers) n += stringBytes(name) + stringBytes(headers[name] as string) + 16;
  return n;
}

/**
 * Values by key, bounded in entries and in bytes: past either bound the oldest go first, except that one read
 * since it last reached the old end goes back to the young end once (the second chance). An entry is counted for
 * its key as kept (a long key is kept as its hash), ENTRY_OVERHEAD, and what the caller's `sizeOf` measures of
 * the value (its body, headers and whatever else it holds). An entry over an eighth of the byte bound is not kept.
 */
export class BoundedCache<V> {
  /** Entries oldest first; `used` marks those read since they last reached the old end. */
  private readonly entries = new Map<string, { value: V; used: boolean; size: number }>();
  private total = 0;

  constructor(
    private readonly sizeOf: (value: V) => number,
    private readonly maxEntries: number,
    private readonly maxBytes: number,
  ) {}

  /** The key as kept: itself, or for a long one (a URL of kilobytes, a query) its hash. */
  private static stored(key: string): string {
    if (key.length <= MAX_KEY_CHARS && !key.startsWith(HASHED)) return key;
    return HASHED + createHash('sha256').update(key).digest('base64url');
  }

  /** A hit only sets a flag: no reordering on the hot path. */
  get(key: string): V | undefined {
    const hit = this.entries.get(BoundedCache.stored(key));
    if (!hit) return undefined;
    hit.used = true;
    return hit.value;
  }

  set(key: string, value: V): void {
    const k = BoundedCache.stored(key);
    this.put(k, value, this.sizeOf(value) + stringBytes(k) + ENTRY_OVERHEAD);
  }

  /**
   * Counts an entry again after its value grew (a document's gzipped copy, made on first use); an entry no longer
   * kept stays out, and one grown past an eighth of the bound goes.
   */
  remeasure(key: string): void {
    const k = BoundedCache.stored(key);
    const old = this.entries.get(k);
    if (!old) return;
    const size = this.sizeOf(old.value) + stringBytes(k) + ENTRY_OVERHEAD;
    if (size === old.size) return;
    this.total += size - old.size;
    old.size = size;
    if (size > this.maxBytes / 8) {
      this.entries.delete(k);
      this.total -= size;
    }
    this.evict(k);
  }

  /** What an entry is counted for (key, overhead and value), or undefined when it is not kept. */
  cost(key: string): number | undefined {
    return this.entries.get(BoundedCache.stored(key))?.size;
  }

  private put(k: string, value: V, size: number): void {
    if (size > this.maxBytes / 8) return;
    const old = this.entries.get(k);
    if (old) {
      this.entries.delete(k);
      this.total -= old.size;
    }
    this.entries.set(k, { value, used: false, size });
    this.total += size;
    this.evict(k);
  }

  /** Lets the oldest go (second chance for those read) until both bounds hold; `keep` is the entry just counted. */
  private evict(keep: string): void {
    for (const [k, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.total <= this.maxBytes) break;
      this.entries.delete(k);
      if (entry.used && k !== keep) {
        entry.used = false;
        this.entries.set(k, entry);
      } else {
        this.total -= entry.size;
      }
    }
  }

  get size(): number {
    return this.entries.size;
  }

  /** The counted size of what is kept: keys, overheads and values. */
  get bytes(): number {
    return this.total;
  }
}

/** True when If-None-Match names `etag` (weakly compared) or is `*`. */
export function matchesEtag(ifNoneMatch: string | null | undefined, etag: string | undefined): boolean {
  if (!ifNoneMatch || !etag) return false;
  if (ifNoneMatch.trim() === '*') return true;
  const want = etag.replace(/^W\//, '');
  return ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === want);
}

/**
 * A request header, read from Node's own request when the app runs on @hono/node-server (parsed already, where
 * the Request's Headers would be built on first use), else from the Request: the cache-hit paths read only these.
 */
export function header(c: Context, name: string): string | undefined {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (!incoming) return c.req.header(name);
  const value = incoming.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
