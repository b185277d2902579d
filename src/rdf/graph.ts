// The Graph: one build's immutable store, its content hash and context, and the reports of what the build derived and let through.
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Store } from 'n3';
import { DEFAULT_BASE } from '../config.ts';
import { FrozenStore } from './frozen.ts';
import { type Dump, eachLineChunk, InputFileError, readUtf8 } from './load.ts';

/** What the derivation added: its rounds, and the triples each rule contributed. */
export interface DeriveReport {
  rounds: number;
  added: number;
  perRule: Record<string, number>;
}

export interface Violation {
  /** `shacl:<NodeShape>` or `check:<name>`. */
  source: string;
  severity: 'violation' | 'warning' | 'info';
  focus: string;
  path?: string;
  value?: string;
  /** The input file the value was read from, when a check knows it (the calendar check does). */
  file?: string;
  message: string;
}

export class ValidationFailed extends Error {
  constructor(readonly violations: Violation[]) {
    super(`validation failed with ${violations.length} violation(s):\n${violations.map(formatViolation).join('\n')}`);
    this.name = 'ValidationFailed';
  }
}

export function formatViolation(v: Violation): string {
  const where = [v.focus, v.path].filter(Boolean).join(' ');
  return `  [${v.severity}] ${v.source}: ${where}: ${v.message}${v.value ? ` (value: ${v.value})` : ''}`;
}

export interface Graph {
  readonly store: Store;
  readonly base: string;
  /** sha256 of the sorted N-Triples: changes exactly when the content does. */
  readonly hash: string;
  readonly prefixes: Record<string, string>;
  /** The JSON-LD context, rewritten for the configured base. */
  readonly context: object;
  readonly counts: { asserted: number; derived: number; total: number };
  /** Warnings (and infos) the build let through. */
  readonly warnings: readonly Violation[];
  readonly derivation: DeriveReport;
  readonly builtAt: Date;
  /** Where the build cache keeps the N-Triples of exactly this graph, when it does. Others may remove it. */
  readonly ntFile?: string;
  /**
   * This process's own verified copy of those N-Triples, when there is one: what query threads load (never the
   * cache file, which pruning by another process, a redeploy or a truncation can change under them).
   */
  readonly dump?: Dump;
}

/**
 * The context file names the default base; a server with another base gets its own. Throws InputFileError,
 * naming the file, when it is not JSON or refers to a remote context: the server never fetches one (DESIGN.md),
 * so every JSON-LD answer would fail later, far from the cause.
 */
export function loadContext(file: string, base: string, root?: string): object {
  const shown = (root && path.relative(root, file)) || file;
  let context: unknown;
  try {
    context = JSON.parse(readUtf8(file, shown).split(DEFAULT_BASE).join(base));
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e;
    throw new InputFileError(shown, `not valid JSON: ${e.message}`);
  }
  const remote = remoteContext(context);
  if (remote) {
    throw new InputFileError(
      shown,
      `"${remote.key}": "${remote.url}" names a remote context, which this server never fetches; put its terms in this file instead`,
    );
  }
  return context as object;
}

/** The first `@context` or `@import` anywhere in `value` that is a reference (a string), not a context itself. */
function remoteContext(value: unknown): { key: string; url: string } | undefined {
  if (Array.isArray(value)) {
    for (const v of value) {
      const found = remoteContext(v);
      if (found) return found;
    }
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, v] of Object.entries(value)) {
    if (key === '@context' || key === '@import') {
      const refs = (Array.isArray(v) ? v : [v]).filter((r): r is string => typeof r === 'string');
      if (refs[0] !== undefined) return { key, url: refs[0] };
    }
    const found = remoteContext(v);
    if (found) return found;
  }
  return undefined;
}

export function hashQuads(ntriples: string): string {
  return createHash('sha256').update(ntriples).digest('hex');
}

/** sha256 of a file (or open descriptor), read in chunks (the digest hashQuads gives its text). */
export function hashFile(file: string | number): string {
  const h = createHash('sha256');
  eachLineChunk(file, (chunk) => h.update(chunk));
  return h.digest('hex');
}

/**
 * The Graph's store from an N-Triples file, read a few megabytes at a time: a FrozenStore (an n3 Store to every
 * reader, in typed arrays), measured at 1M triples at about a tenth of an n3 Store's memory.
 */
export function readNTriples(file: string | number): Store {
  return FrozenStore.fromFile(file);
}
