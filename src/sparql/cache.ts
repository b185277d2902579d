// Answers kept for the life of one Graph (it never changes while serving), least recently used out first, bounded in entries and bytes.
import { createHash } from 'node:crypto';

export interface Answer {
  status: number;
  body: string;
  headers: Record<string, string>;
  /** The strong validator of the body; undefined for answers that must not be reused. */
  etag: string | undefined;
}

export class AnswerCache {
  /** Entries oldest first; `used` marks those read since they last reached the old end (the second chance). */
  private readonly entries = new Map<string, { answer: Answer; used: boolean }>();
  private bytes = 0;

  constructor(
    private readonly maxEntries = 2_000,
    private readonly maxBytes = 64 * 1024 * 1024,
  ) {}

  /** A hit only sets a flag: no reordering on the hot path. */
  get(key: string): Answer | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    hit.used = true;
    return hit.answer;
  }

  set(key: string, answer: Answer): void {
    const size = answer.body.length + key.length;
    if (size > this.maxBytes / 8) return;
    const old = this.entries.get(key);
    if (old) {
      this.entries.delete(key);
      this.bytes -= old.answer.body.length + key.length;
    }
    this.entries.set(key, { answer, used: false });
    this.bytes += size;
    // Evict from the old end; an entry read since it was last here goes to the young end once instead.
    for (const [k, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      if (entry.used && k !== key) {
        entry.used = false;
        this.entries.set(k, entry);
      } else {
        this.bytes -= entry.answer.body.length + k.length;
      }
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

/** A strong ETag from the parts that decide a body: the graph's content hash, the normalised request, the format. */
export function etagOf(...parts: (string | Uint8Array)[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\u0000');
  return `"${h.digest('base64url').slice(0, 32)}"`;
}

/** True when If-None-Match names `etag` (or is `*`). */
export function matches(ifNoneMatch: string | null | undefined, etag: string | undefined): boolean {
  if (!ifNoneMatch || !etag) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}
