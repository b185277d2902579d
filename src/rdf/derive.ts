// Derivation: runs the CONSTRUCT rules of queries/rules/ over the store until nothing new appears.
import type { Store } from 'n3';
import { construct } from '../sparql/engine.ts';
import type { QueryFile } from './queries.ts';

export interface DeriveReport {
  rounds: number;
  added: number;
  perRule: Record<string, number>;
}

export class RuleError extends Error {
  constructor(
    readonly file: string,
    cause: Error,
  ) {
    super(`${file}: ${cause.message}`);
    this.name = 'RuleError';
  }
}

/** Adds every triple the rules produce, repeating until a round adds none (at most `maxRounds`). */
export async function derive(
  store: Store,
  rules: readonly QueryFile[],
  base: string,
  maxRounds = 8,
): Promise<DeriveReport> {
  const report: DeriveReport = { rounds: 0, added: 0, perRule: {} };
  for (let round = 1; round <= maxRounds; round++) {
    report.rounds = round;
    let addedThisRound = 0;
    for (const rule of rules) {
      let quads: Awaited<ReturnType<typeof construct>>;
      try {
        quads = await construct(store, rule.text, { baseIRI: base, timeoutMs: 60_000 });
      } catch (error) {
        throw new RuleError(rule.file, error as Error);
      }
      for (const q of quads) {
        if (!store.has(q)) {
          store.addQuad(q);
          addedThisRound++;
          report.perRule[rule.name] = (report.perRule[rule.name] ?? 0) + 1;
        }
      }
    }
    report.added += addedThisRound;
    if (addedThisRound === 0) return report;
  }
  throw new Error(`derivation did not settle after ${maxRounds} rounds: a rule keeps producing new triples`);
}
