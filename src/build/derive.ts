// Derivation: runs the CONSTRUCT rules of queries/rules/ over the store until nothing new appears.
import type { Quad, Store } from 'n3';
import { OutboundRefused } from '../outbound.ts';
import type { DeriveReport } from '../rdf/graph.ts';
import type { QueryFile } from '../rdf/queries.ts';
import { construct } from '../store/comunica.ts';

/**
 * What evaluates the rules: by default Comunica over the store itself; for large graphs Oxigraph over a copy
 * (src/store/oxigraph.ts), which is told of every triple the derivation adds so that its copy stays the store's.
 */
export interface RuleEngine {
  construct(text: string, base: string): Promise<Quad[]>;
  added?(quads: Quad[]): void;
}

const comunica = (store: Store): RuleEngine => ({
  construct: (text, base) => construct(store, text, { baseIRI: base, timeoutMs: 60_000 }),
});

/** A rule or check that could not run: its file, and why (an input error, src/cli/io.ts EXIT.input). */
export class RuleError extends Error {
  constructor(
    readonly file: string,
    cause: Error,
  ) {
    super(`${file}: ${cause instanceof OutboundRefused ? serviceRefused(cause) : cause.message}`);
    this.name = 'RuleError';
  }
}

/** The build derives and checks over the graph alone: a SERVICE in a rule or check is never called. */
function serviceRefused(e: OutboundRefused): string {
  let endpoint = e.url;
  try {
    const u = new URL(e.url);
    endpoint = `${u.origin}${u.pathname}`;
  } catch {}
  return `SERVICE <${endpoint}>: rules and checks run over the graph alone, and the build calls no other endpoint`;
}

/** Adds every triple the rules produce, repeating until a round adds none (at most `maxRounds`). */
export async function derive(
  store: Store,
  rules: readonly QueryFile[],
  base: string,
  maxRounds = 8,
  engine: RuleEngine = comunica(store),
): Promise<DeriveReport> {
  const report: DeriveReport = { rounds: 0, added: 0, perRule: {} };
  for (let round = 1; round <= maxRounds; round++) {
    report.rounds = round;
    let addedThisRound = 0;
    for (const rule of rules) {
      let quads: Quad[];
      try {
        quads = await engine.construct(rule.text, base);
      } catch (error) {
        throw new RuleError(rule.file, error as Error);
      }
      const fresh: Quad[] = [];
      for (const q of quads) {
        if (!store.has(q)) {
          store.addQuad(q);
          fresh.push(q);
        }
      }
      if (fresh.length > 0) {
        engine.added?.(fresh);
        addedThisRound += fresh.length;
        report.perRule[rule.name] = (report.perRule[rule.name] ?? 0) + fresh.length;
      }
    }
    report.added += addedThisRound;
    if (addedThisRound === 0) return report;
  }
  throw new Error(`derivation did not settle after ${maxRounds} rounds: a rule keeps producing new triples`);
}
