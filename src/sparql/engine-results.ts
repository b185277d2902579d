// Takes a SELECT answer the engine wrote itself (SPARQL JSON, XML, CSV or TSV): language tags put back in BCP 47 case, the body cut at the row or byte cap where the project's own writer would cut it.
//
// Oxigraph writes the four result formats in its WASM module, from its own terms: parsing that text into RDF/JS
// terms and writing it again in JavaScript cost more than the engine took to answer (1.5 ms of a 6 ms example
// query, measured). What its writer does not do as this endpoint publishes is mended here, on the text:
// - it lower-cases language tags (`zh-hans`); BCP 47 case (`zh-Hans`) changes no length, so offsets stay valid;
// - it knows nothing of the row and byte caps: the query carries LIMIT max + 1 (src/sparql/parse.ts capped), so
//   at most one row too many arrives, and the body is cut at a row boundary, closed as the format requires.
import { bcp47 } from '../rdf/lang.ts';
import type { ResultFormat } from './results.ts';

export interface Taken {
  body: string;
  /** Rows in the body. */
  count: number;
  /** Rows were left out: past the row cap, or past the byte cap (`cutBy`). */
  truncated: boolean;
  cutBy?: 'bytes';
}

/**
 * Where each tag of a language-tagged literal sits, per format: each pattern matches only where the writer puts a
 * tag, never inside a value (a value's quotes are escaped in JSON and TSV, a `<` in XML; CSV carries no tags).
 */
const TAGS: Record<ResultFormat, RegExp | undefined> = {
  json: /"xml:lang":"([^"\\]*)"/g,
  xml: /<literal xml:lang="([^"]*)">/g,
  tsv: /"@([A-Za-z0-9-]+)(?=[\t\n])/g,
  csv: undefined,
};

function mendTags(format: ResultFormat, text: string): string {
  const pattern = TAGS[format];
  if (!pattern) return text;
  return text.replace(pattern, (whole, tag: string) => {
    const cased = bcp47(tag);
    return cased === tag ? whole : whole.replace(tag, cased);
  });
}

/** What follows the last row, to close a body cut after some row. */
const CLOSING: Record<ResultFormat, string> = { json: ']}}', xml: '</results></sparql>', csv: '', tsv: '' };

/**
 * The offset just past each row, stopping after `limit` rows; `start` is where the first row begins (just past the
 * header). Undefined when the text is not laid out as this module expects (then the caller writes it itself).
 */
function rowEnds(format: ResultFormat, text: string, limit: number): { start: number; ends: number[] } | undefined {
  const ends: number[] = [];
  switch (format) {
    case 'json': {
      const open = text.indexOf('"bindings":[');
      if (open < 0) return undefined;
      const start = open + '"bindings":['.length;
      let depth = 0;
      let inString = false;
      for (let i = start; i < text.length && ends.length < limit; i++) {
        const c = text.charCodeAt(i);
        if (inString) {
          if (c === 92 /* \ */) i++;
          else if (c === 34 /* " */) inString = false;
        } else if (c === 34) inString = true;
        else if (c === 123 /* { */) depth++;
        else if (c === 125 /* } */) {
          if (--depth === 0) ends.push(i + 1);
        } else if (c === 93 /* ] */ && depth === 0) break;
      }
      return { start, ends };
    }
    case 'xml': {
      const open = text.indexOf('<results>');
      if (open < 0) return undefined;
      const start = open + '<results>'.length;
      // A `<` inside a value is written `&lt;`: every `</result>` closes a row.
      for (let at = text.indexOf('</result>', start); at >= 0 && ends.length < limit; ) {
        ends.push(at + '</result>'.length);
        at = text.indexOf('</result>', at + 1);
      }
      return { start, ends };
    }
    case 'tsv': {
      // A newline inside a value is written `\n`: every line is a row.
      const start = text.indexOf('\n') + 1;
      if (start === 0) return undefined;
      for (let at = text.indexOf('\n', start); at >= 0 && ends.length < limit; at = text.indexOf('\n', at + 1)) {
        ends.push(at + 1);
      }
      return { start, ends };
    }
    case 'csv': {
      // RFC 4180: a quoted field may hold line breaks; `""` inside it toggles twice, which leaves the state right.
      const start = text.indexOf('\r\n') + 2;
      if (start === 1) return undefined;
      let quoted = false;
      for (let i = start; i < text.length && ends.length < limit; i++) {
        const c = text.charCodeAt(i);
        if (c === 34) quoted = !quoted;
        else if (!quoted && c === 13 && text.charCodeAt(i + 1) === 10) ends.push(++i + 1);
      }
      return { start, ends };
    }
  }
}

/**
 * The engine's `text` as this endpoint answers it: tags mended, at most `maxRows` rows and `maxBytes` bytes
 * (UTF-8). Undefined when the text is not a SELECT answer in the layout expected (the caller then writes the
 * answer itself, so nothing wrong is ever sent).
 */
export function takeWritten(format: ResultFormat, text: string, maxRows: number, maxBytes: number): Taken | undefined {
  const mended = mendTags(format, text);
  const rows = rowEnds(format, mended, maxRows + 1);
  if (!rows) return undefined;
  const { start, ends } = rows;
  const closing = CLOSING[format];
  const overRows = ends.length > maxRows;
  // The common case: every row, within both caps. A string's length is at most its UTF-8 size in bytes, which is
  // at most three times it (a UTF-16 unit is at most 3 UTF-8 bytes): the exact size is counted only when it matters.
  if (!overRows && (mended.length * 3 <= maxBytes || Buffer.byteLength(mended) <= maxBytes)) {
    return { body: mended, count: ends.length, truncated: false };
  }
  const keep = Math.min(ends.length, maxRows);
  const size = (n: number) =>
    Buffer.byteLength(mended.slice(0, n === 0 ? start : (ends[n - 1] as number))) + Buffer.byteLength(closing);
  if (size(keep) <= maxBytes) return { body: cutAt(mended, start, ends, keep, closing), count: keep, truncated: true };
  // Past the byte cap: the most rows that fit, by bisection (`lo` rows fit, `hi` do not).
  let lo = 0;
  let hi = keep;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (size(mid) <= maxBytes) lo = mid;
    else hi = mid;
  }
  return { body: cutAt(mended, start, ends, lo, closing), count: lo, truncated: true, cutBy: 'bytes' };
}

function cutAt(text: string, start: number, ends: number[], n: number, closing: string): string {
  return text.slice(0, n === 0 ? start : ends[n - 1]) + closing;
}
