// What the check of the stored queries found (each one's form), kept by a digest of their texts and the parser's code, so that a start with nothing changed does not build the SPARQL parser to check them again.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomically } from '../atomic.ts';
import { codeDigest } from '../code-digest.ts';
import { loadQueryDir, type QueryFile, rebaseQuery } from '../rdf/queries.ts';
import type { QueryForm } from './parse.ts';

/** What the parse of one stored query tells the API: its form, and whether it calls the project's functions. */
export interface StoredAnalysis {
  form: QueryForm;
  extensions: boolean;
  /** Offset in the text just past the `{` that opens its WHERE group (where the query page binds parameters). */
  whereBody?: number;
}

/** The running code's root (src/ or lib/): this file is one folder down in it. */
const CODE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The packages whose code parses a query: another version may read a text differently. */
const PARSER_PACKAGES = [
  '@traqula/parser-sparql-1-2',
  '@traqula/rules-sparql-1-2',
  '@traqula/core',
  '@traqula/chevrotain',
];

/** The versions of the parser's packages, or undefined where one cannot be found (then nothing is cached). */
let parserVersions: string | undefined | null = null;
function parserPackages(): string | undefined {
  if (parserVersions !== null) return parserVersions;
  const require = createRequire(import.meta.url);
  try {
    parserVersions = PARSER_PACKAGES.map(
      (p) =>
        `${p}@${(JSON.parse(readFileSync(require.resolve(`${p}/package.json`), 'utf8')) as { version: string }).version}`,
    ).join(' ');
  } catch {
    parserVersions = undefined;
  }
  return parserVersions;
}

/**
 * Every queries/*.rq (not below), its BASE declaration set to this deployment's base (rebaseQuery), and where
 * the analysis of exactly these texts is kept: by their names and texts, the base, and the code that parses them
 * (this code's rdf/ and sparql/ folders and the parser's package versions).
 */
export function storedQueryFiles(root: string, base: string): { files: QueryFile[]; cacheFile: string | undefined } {
  const files = loadQueryDir(path.join(root, 'queries')).map((read) => ({
    ...read,
    text: rebaseQuery(read.text, base),
  }));
  const packages = parserPackages();
  if (packages === undefined) return { files, cacheFile: undefined };
  const h = createHash('sha256').update(`${base}\0${packages}\0${codeDigest(CODE_ROOT, ['rdf', 'sparql'])}`);
  for (const f of files) h.update(`\0${f.name}\0${f.text.length}\0`).update(f.text);
  const dir = path.join(root, 'node_modules', '.cache', 'npcsc-kg');
  return { files, cacheFile: path.join(dir, `queries-${h.digest('hex')}.json`) };
}

/** The kept analysis of `files`, one per file in order, or undefined when there is none (or it is damaged). */
export function readAnalysis(files: readonly QueryFile[], cacheFile: string | undefined): StoredAnalysis[] | undefined {
  if (cacheFile === undefined) return undefined;
  try {
    const kept = JSON.parse(readFileSync(cacheFile, 'utf8')) as Record<string, StoredAnalysis>;
    const out = files.map((f) => kept[f.name]);
    const forms = ['select', 'ask', 'construct', 'describe'];
    const valid = (a: StoredAnalysis | undefined) =>
      a &&
      forms.includes(a.form) &&
      typeof a.extensions === 'boolean' &&
      (a.whereBody === undefined || Number.isInteger(a.whereBody));
    return out.every(valid) ? (out as StoredAnalysis[]) : undefined;
  } catch {
    return undefined;
  }
}

/** Keeps the analysis of `files` (queries that all parsed); a read-only checkout only checks again at every start. */
export function writeAnalysis(
  files: readonly QueryFile[],
  analysis: readonly StoredAnalysis[],
  cacheFile: string | undefined,
): void {
  if (cacheFile === undefined) return;
  try {
    const kept = Object.fromEntries(files.map((f, i) => [f.name, analysis[i]]));
    writeFileAtomically(cacheFile, JSON.stringify(kept));
  } catch {}
}

/** Whether the stored queries of `root` are known to parse as they stand (checked by an earlier start). */
export function storedQueriesChecked(root: string, base: string): boolean {
  const { files, cacheFile } = storedQueryFiles(root, base);
  return readAnalysis(files, cacheFile) !== undefined;
}
