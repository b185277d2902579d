// Content-coding for every sizeable text answer: which coding Accept-Encoding picks (br over gzip), and bodies compressed once with their own ETag.
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { headersBytes, matchesEtag } from './caching.ts';

export type Coding = 'br' | 'gzip';

/** Below this a compressed body saves too little to pay for the header and the CPU (a few hundred bytes at best). */
export const MIN_COMPRESS_BYTES = 1024;

/**
 * Bodies up to this size get brotli's best quality (tens of milliseconds, once per body); larger ones (the dumps)
 * a middle quality, which is within a few per cent of it at a small fraction of the time, so that making the
 * copy never holds the event loop for seconds.
 */
const BROTLI_BEST_MAX = 256 * 1024;

/**
 * The coding Accept-Encoding asks for, or undefined for the body as it is. Higher q wins; at equal q brotli wins
 * (smaller for text). A coding is refused by q=0, by name or, when not named, by `*;q=0`.
 */
export function chooseCoding(header: string | null | undefined): Coding | undefined {
  if (!header) return undefined;
  let br: number | undefined;
  let gzip: number | undefined;
  let star: number | undefined;
  for (const part of header.split(',', 32)) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const n = qp === undefined ? 1 : Number(qp.slice(2));
    const q = Number.isFinite(n) ? n : 0;
    const coding = name.trim();
    if (coding === 'br') br = q;
    else if (coding === 'gzip' || coding === 'x-gzip') gzip = q;
    else if (coding === '*') star = q;
  }
  const qBr = br ?? star ?? 0;
  const qGzip = gzip ?? star ?? 0;
  if (qBr <= 0 && qGzip <= 0) return undefined;
  return qBr >= qGzip ? 'br' : 'gzip';
}

/**
 * How hard to compress: `best` for what is made once and served many times (documents, pages, dumps); `fast` for
 * a query's answer, made while its client waits: brotli's best quality takes tens of milliseconds on a 40 KB
 * answer (45 ms measured) where quality 5 takes a third of a millisecond for a body some 10% larger.
 */
export type Effort = 'best' | 'fast';

/** `body` compressed with `coding`, as a Node Buffer (which the socket writes without wrapping). */
export function compress(body: Uint8Array, coding: Coding, effort: Effort = 'best'): Uint8Array<ArrayBuffer> {
  if (coding === 'gzip') return gzipSync(body, { level: effort === 'best' ? 9 : 6 });
  return brotliCompressSync(body, {
    params: {
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_QUALITY]: effort === 'fast' ? 5 : body.byteLength <= BROTLI_BEST_MAX ? 11 : 6,
      [constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength,
    },
  });
}

/**
 * The ETag of a compressed copy: the body's own with the coding appended inside the quotes, so that each
 * representation has its own strong validator (RFC 9110 §8.8.3.3) and a cache never takes one for the other.
 */
export function codedEtag(etag: string, coding: Coding): string {
  return `${etag.slice(0, -1)}-${coding === 'gzip' ? 'gz' : 'br'}"`;
}

/** One way of sending a body: the bytes, the headers of a 200 and of a 304, and the ETag. */
export interface Variant {
  body: Uint8Array<ArrayBuffer>;
  etag: string | undefined;
  headers: Readonly<Record<string, string>>;
  /** The headers of its 304: no type, length or coding. */
  notModified: Readonly<Record<string, string>>;
}

/**
 * A body and its headers, sent as it is or compressed: each coding's bytes and header objects are made on first
 * use and kept, so that answering a request again costs a header lookup. `grew` is told when a copy is made, for
 * a cache that counts what it holds.
 */
export class Variants {
  private readonly plain: Variant;
  private readonly coded: Partial<Record<Coding, Variant>> = {};
  private readonly raw: Uint8Array<ArrayBuffer>;

  constructor(
    body: string | Uint8Array<ArrayBuffer>,
    private readonly headers: Readonly<Record<string, string>>,
    private readonly etag: string | undefined,
    private readonly grew?: () => void,
    private readonly effort: Effort = 'best',
  ) {
    this.raw = typeof body === 'string' ? Buffer.from(body) : body;
    const sizeable = this.raw.byteLength >= MIN_COMPRESS_BYTES;
    this.plain = this.variant(this.raw, etag, sizeable ? withVary(headers) : headers);
  }

  /** Whether the body is large enough to be compressed (its responses then vary on Accept-Encoding). */
  get sizeable(): boolean {
    return this.raw.byteLength >= MIN_COMPRESS_BYTES;
  }

  /** What to send to a client whose Accept-Encoding is `acceptEncoding`. */
  pick(acceptEncoding: string | null | undefined): Variant {
    if (!this.sizeable) return this.plain;
    const coding = chooseCoding(acceptEncoding);
    if (!coding) return this.plain;
    let v = this.coded[coding];
    if (!v) {
      const etag = this.etag && codedEtag(this.etag, coding);
      v = this.variant(compress(this.raw, coding, this.effort), etag, {
        ...this.plain.headers,
        'content-encoding': coding,
      });
      this.coded[coding] = v;
      this.grew?.();
    }
    return v;
  }

  /**
   * The response for a request with these Accept-Encoding and If-None-Match headers: the picked variant, or its
   * 304 when the client holds it (pass no If-None-Match where the method is not conditional).
   */
  respond(acceptEncoding: string | null | undefined, ifNoneMatch: string | null | undefined, status = 200): Response {
    const v = this.pick(acceptEncoding);
    if (matchesEtag(ifNoneMatch, v.etag)) return new Response(null, { status: 304, headers: v.notModified });
    return new Response(v.body, { status, headers: v.headers });
  }

  /** Bytes held: the body, each compressed copy made so far, and the header objects of each. */
  get bytes(): number {
    let n = this.raw.byteLength;
    for (const v of [this.plain, this.coded.gzip, this.coded.br]) {
      if (v) n += (v === this.plain ? 0 : v.body.byteLength) + headersBytes(v.headers) + headersBytes(v.notModified);
    }
    return n;
  }

  private variant(body: Uint8Array<ArrayBuffer>, etag: string | undefined, base: Record<string, string>): Variant {
    const notModified: Record<string, string> = { ...base };
    delete notModified['content-type'];
    delete notModified['content-encoding'];
    const headers: Record<string, string> = { ...base, 'content-length': String(body.byteLength) };
    if (etag) {
      headers.etag = etag;
      notModified.etag = etag;
    } else {
      delete headers.etag;
      delete notModified.etag;
    }
    return { body, etag, headers, notModified };
  }
}

/** `headers` with Accept-Encoding added to its Vary. */
function withVary(headers: Readonly<Record<string, string>>): Record<string, string> {
  const vary = headers.vary;
  if (vary && /\baccept-encoding\b/i.test(vary)) return { ...headers };
  return { ...headers, vary: vary ? `${vary}, Accept-Encoding` : 'Accept-Encoding' };
}
