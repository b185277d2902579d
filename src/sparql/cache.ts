// Answers kept for the life of one Graph (it never changes while serving), least recently used out first, bounded in entries and bytes.
import { createHash } from 'node:crypto';
import { BoundedCache, headersBytes, stringBytes } from '../http/caching.ts';
import type { Variants } from '../http/compress.ts';

export interface Answer {
  status: number;
  body: string;
  headers: Record<string, string>;
  /** The strong validator of the body; undefined for answers that must not be reused. */
  etag: string | undefined;
  /** The body as bytes and its compressed copies (each made once, on first use), with their headers. */
  variants?: Variants;
}

/**
 * SPARQL answers, each counted for its key (BoundedCache), its text, headers and ETag as V8 holds them, and its
 * bytes and compressed copies once made (the Executor remeasures an answer when a copy is added).
 */
export class AnswerCache extends BoundedCache<Answer> {
  constructor(maxEntries = 2_000, maxBytes = 64 * 1024 * 1024) {
    super(
      (answer) =>
        stringBytes(answer.body) +
        headersBytes(answer.headers) +
        stringBytes(answer.etag ?? '') +
        (answer.variants?.bytes ?? 0),
      maxEntries,
      maxBytes,
    );
  }
}

/** A strong ETag from the parts that decide a body: the graph's content hash, the normalised request, the format. */
export function etagOf(...parts: (string | Uint8Array)[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\u0000');
  return `"${h.digest('base64url').slice(0, 32)}"`;
}
