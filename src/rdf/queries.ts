// Reads the project's .rq files and their comment headers (title, description, parameters, severity).
import path from 'node:path';
import { DEFAULT_BASE } from '../config.ts';
import { listFiles, readUtf8 } from './load.ts';

export type ParamType = 'xsd:date' | 'xsd:gYear' | 'xsd:integer' | 'xsd:string' | 'iri';
export const PARAM_TYPES: readonly ParamType[] = ['xsd:date', 'xsd:gYear', 'xsd:integer', 'xsd:string', 'iri'];

export interface QueryParam {
  /** The SPARQL variable the value is bound to (without `?`). */
  name: string;
  type: ParamType;
  required: boolean;
  default?: string;
  description: string;
}

export interface QueryFile {
  /** File name without `.rq`: the stored query's name in the API. */
  name: string;
  file: string;
  text: string;
  title: string;
  description: string;
  params: QueryParam[];
  /** For checks: how bad a returned row is. */
  severity: 'violation' | 'warning';
}

const PARAM = /^(\w+)\s+(\S+)(?:\s*=\s*(\S+))?(?:\s+--\s*(.*))?$/;

/**
 * Parses the leading `#` comment block. `# key: value` lines set fields; a first line without a key is the
 * title (the checks' convention: the first comment line is the message).
 * `# param: NAME TYPE [= DEFAULT] -- description` declares a parameter; without a default it is required.
 */
export function parseQueryFile(text: string, file: string): QueryFile {
  const name = path.basename(file, '.rq');
  const q: QueryFile = { name, file, text, title: '', description: '', params: [], severity: 'violation' };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (!line.startsWith('#')) break;
    const body = line.replace(/^#+\s?/, '');
    const kv = /^(title|description|param|severity):\s*(.*)$/.exec(body);
    if (!kv) {
      if (!q.title && body) q.title = body;
      else if (body) q.description = q.description ? `${q.description} ${body}` : body;
      continue;
    }
    const [, key, value = ''] = kv;
    if (key === 'title') q.title = value;
    else if (key === 'description') q.description = q.description ? `${q.description} ${value}` : value;
    else if (key === 'severity') {
      if (value !== 'violation' && value !== 'warning')
        throw new Error(`${file}: severity must be violation or warning`);
      q.severity = value;
    } else {
      const m = PARAM.exec(value);
      if (!m?.[1] || !m[2])
        throw new Error(`${file}: bad param header "${value}" (want NAME TYPE [= DEFAULT] -- text)`);
      if (!PARAM_TYPES.includes(m[2] as ParamType)) {
        throw new Error(`${file}: param ${m[1]} has unknown type ${m[2]} (one of ${PARAM_TYPES.join(', ')})`);
      }
      q.params.push({
        name: m[1],
        type: m[2] as ParamType,
        required: m[3] === undefined,
        ...(m[3] !== undefined ? { default: m[3] } : {}),
        description: m[4] ?? '',
      });
    }
  }
  if (!q.title) throw new Error(`${file}: a query file starts with a comment that names it`);
  return q;
}

/** Every `.rq` directly in `dir` (not below it), sorted by name. */
export function loadQueryDir(dir: string, recursive = false): QueryFile[] {
  const files = recursive ? listFiles(dir, '.rq') : listFiles(dir, '.rq').filter((f) => path.dirname(f) === dir);
  return files.map((f) => parseQueryFile(readUtf8(f), f));
}

const DECLARED_BASE = /^([ \t]*BASE[ \t]*<)([^>]*)(>)/im;

/**
 * The example queries declare `BASE <https://w3id.org/npcsc/>` (config.ts DEFAULT_BASE) so that they run as they
 * stand in any SPARQL client. A query's own BASE overrides the one the engine is given, so a deployment with
 * another base would read the canonical IRIs, which its graph does not hold: there that declaration is rewritten
 * to the configured base. Any other BASE is the query author's and stays.
 */
export function rebaseQuery(text: string, base: string): string {
  return text.replace(DECLARED_BASE, (whole, head: string, iri: string, tail: string) =>
    iri === DEFAULT_BASE ? `${head}${base}${tail}` : whole,
  );
}
