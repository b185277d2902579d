// What HTTP answers are kept and revalidated with: a cache bounded in entries and bytes, If-None-Match, and the
// request's headers read the cheap way. Shared by the documents (src/publish) and the SPARQL interface.
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';

/**
 * Values by key, bounded in entries and in a size the caller measures: past either bound the oldest go first,
 * except that one read since it last reached the old end goes back to the young end once (the second chance).
 * A value over an eighth of the byte bound is not kept at all.
 */
export class BoundedCache<V> {
  /** Entries oldest first; `used` marks those read since they last reached the old end. */
  private readonly entries = new Map<string, { value: V; used: boolean; size: number }>();
  private total = 0;

  constructor(
    private readonly sizeOf: (value: V, key: string) => number,
    private readonly maxEntries: number,
    private readonly maxBytes: number,
  ) {}

  /** A hit only sets a flag: no reordering on the hot path. */
  get(key: string): V | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    hit.used = true;
    return hit.value;
  }

  set(key: string, value: V): void {
    const size = this.sizeOf(value, key);
    if (size > this.maxBytes / 8) return;
    const old = this.entries.get(key);
    if (old) {
      this.entries.delete(key);
      this.total -= old.size;
    }
    this.entries.set(key, { value, used: false, size });
    this.total += size;
    for (const [k, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.total <= this.maxBytes) break;
      this.entries.delete(k);
      if (entry.used && k !== key) {
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

  /** The measured size of what is kept. */
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
