// Reads Turtle files into quads, resolving relative IRIs against the base; errors name file, line and column.
import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { Parser, type Quad } from 'n3';

/** A syntax error in an input file, with where it is. */
export class DataSyntaxError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}:${column}: ${reason}`);
    this.name = 'DataSyntaxError';
  }
}

/** An input file whose bytes are not UTF-8: decoding it would turn what it says into U+FFFD, silently. */
export class EncodingError extends Error {
  constructor(
    readonly file: string,
    /** 0-based offset of the first byte that starts no valid UTF-8 sequence. */
    readonly offset: number,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${file}: not valid UTF-8 at byte ${offset} (line ${line}, column ${column}); save the file as UTF-8`);
    this.name = 'EncodingError';
  }
}

/** An input file that parses but cannot be used as it is (a remote JSON-LD context, say), named with the reason. */
export class InputFileError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'InputFileError';
  }
}

/** The offset of the first byte of `buf` that begins no well-formed UTF-8 sequence (RFC 3629), or -1. */
export function firstInvalidUtf8(buf: Uint8Array): number {
  for (let i = 0; i < buf.length; ) {
    const b = buf[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    const need = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : 0;
    if (need === 0) return i;
    // The second byte's range excludes overlong forms, surrogates and code points past U+10FFFF.
    const lo = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
    const hi = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
    const second = buf[i + 1];
    if (second === undefined || second < lo || second > hi) return i;
    for (let k = 2; k <= need; k++) if (((buf[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    i += need + 1;
  }
  return -1;
}

/** A text input file's content; throws EncodingError (file, byte offset, line, column) unless it is UTF-8. */
export function readUtf8(file: string, shownAs: string = file): string {
  const bytes = readFileSync(file);
  if (isUtf8(bytes)) return bytes.toString('utf8').replace(/^\uFEFF/, '');
  const offset = firstInvalidUtf8(bytes);
  const before = bytes.subarray(0, offset);
  const lineStart = before.lastIndexOf(10) + 1;
  let line = 1;
  for (const b of before) if (b === 10) line++;
  const column = before.subarray(lineStart).toString('utf8').length + 1;
  throw new EncodingError(shownAs, offset, line, column);
}

interface N3Token {
  line?: number;
  start?: number;
  end?: number;
}
interface N3ErrorContext {
  line?: number;
  token?: N3Token;
  previousToken?: N3Token;
}

/** Parses one Turtle text; `file` only names it in errors. */
export function parseTurtle(text: string, file: string, base: string): Quad[] {
  try {
    return new Parser({ baseIRI: base, format: 'text/turtle' }).parse(text);
  } catch (error) {
    const err = error as Error & { context?: N3ErrorContext };
    const ctx = err.context ?? {};
    const line = ctx.line ?? ctx.token?.line ?? 1;
    // n3 tokens carry their 0-based offset within the line; a lexer error has only the token before it.
    const column =
      ctx.token?.start !== undefined
        ? ctx.token.start + 1
        : ctx.previousToken?.end !== undefined && ctx.previousToken.line === line
          ? ctx.previousToken.end + 1
          : 1;
    const reason = err.message.replace(/ on line \d+\.?$/, '');
    throw new DataSyntaxError(file, line, column, reason);
  }
}

export function parseTurtleFile(file: string, base: string, root = process.cwd()): Quad[] {
  const shown = path.relative(root, file) || file;
  return parseTurtle(readUtf8(file, shown), shown, base);
}

/** Every `*.ext` file below `dir`, sorted, so that loading is deterministic. */
export function listFiles(dir: string, ext: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith(ext)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

const CHUNK_BYTES = 4 << 20;

/**
 * The Graph's N-Triples in a file only this process can reach (src/rdf/graph.ts pinDump): an open descriptor of a
 * copy that was unlinked at once, whose bytes hash (sha256) to `hash`. Query threads share the descriptor and read
 * it by position, so what they load is what the main thread checked, whatever happens to the build cache.
 */
export interface Dump {
  readonly fd: number;
  readonly hash: string;
}

/**
 * A line-based file's bytes in chunks of whole lines: a large file is never one string. Each chunk is valid
 * until the next one is asked for (the read buffer is reused). `source` is a path, or an open descriptor read
 * from its start by position (left open).
 */
export function* lineChunks(source: string | number): Generator<Buffer> {
  const fd = typeof source === 'number' ? source : openSync(source, 'r');
  try {
    const buf = Buffer.alloc(CHUNK_BYTES);
    let rest: Buffer = Buffer.alloc(0);
    let position = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK_BYTES, position);
      position += n;
      const chunk = rest.length ? Buffer.concat([rest, buf.subarray(0, n)]) : buf.subarray(0, n);
      const end = n === 0 ? chunk.length : chunk.lastIndexOf(10) + 1;
      rest = Buffer.from(chunk.subarray(end));
      if (end > 0) yield chunk.subarray(0, end);
      if (n === 0) return;
    }
  } finally {
    if (typeof source !== 'number') closeSync(fd);
  }
}

/** Thrown at the end of a dump whose bytes are not those its hash names: whatever was read from it must go. */
export class DumpChanged extends Error {
  constructor(expected: string, got: string) {
    super(
      `the graph's dump changed after it was verified (sha256 ${got.slice(0, 12)}, expected ${expected.slice(0, 12)})`,
    );
    this.name = 'DumpChanged';
  }
}

/** A dump's chunks, hashed as they are read; throws DumpChanged after the last one unless they hash to its hash. */
export function* verifiedChunks(dump: Dump): Generator<Buffer> {
  const h = createHash('sha256');
  for (const chunk of lineChunks(dump.fd)) {
    h.update(chunk);
    yield chunk;
  }
  const got = h.digest('hex');
  if (got !== dump.hash) throw new DumpChanged(dump.hash, got);
}

export function eachLineChunk(source: string | number, each: (chunk: Buffer) => void): void {
  for (const chunk of lineChunks(source)) each(chunk);
}

/** The quads of an N-Triples file or a verified dump, parsed a chunk at a time. */
export function* ntriplesFileQuads(source: string | Dump): Generator<Quad> {
  const chunks = typeof source === 'string' ? lineChunks(source) : verifiedChunks(source);
  for (const chunk of chunks) yield* new Parser({ format: 'N-Triples' }).parse(chunk.toString('utf8'));
}
