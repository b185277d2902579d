// The terminal table, the one writer of fixed-width text for people (East Asian characters count as two columns).
import type * as RDF from '@rdfjs/types';
import { bcp47 } from '../rdf/lang.ts';
import { compactIri } from '../rdf/ns.ts';
import type { Row } from '../store/comunica.ts';

const width = (s: string): number => [...s].reduce((w, ch) => w + ((ch.codePointAt(0) ?? 0) > 0x2e80 ? 2 : 1), 0);
const clip = (s: string, max: number): string => (s.length > max ? `${s.slice(0, max - 3)}...` : s);

/**
 * Rows under a head, each column as wide as its widest cell, cells clipped at `maxCell` characters; columns apart by
 * `gap` (two spaces, or ' | ' for query results, whose cells may hold spaces), the rule under the head to match.
 */
export function textTable(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  { maxCell = 60, gap = '  ' }: { maxCell?: number; gap?: string } = {},
): string {
  const cells = [head, ...rows].map((r) => r.map((c) => clip(c, maxCell)));
  const widths = head.map((_, i) => Math.max(...cells.map((r) => width(r[i] ?? ''))));
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => c + ' '.repeat(Math.max(0, (widths[i] ?? 0) - width(c))))
      .join(gap)
      .trimEnd();
  const rule = gap.replaceAll(' ', '-').replace('|', '+');
  const [first, ...rest] = cells;
  return `${[line(first ?? []), widths.map((w) => '-'.repeat(w)).join(rule), ...rest.map(line)].join('\n')}\n`;
}

/** Query results as a table: literals as their text (with @lang), IRIs compacted; no cell clipped. */
export function bindingsToTable(
  variables: readonly string[],
  rows: readonly Row[],
  prefixes: Record<string, string>,
): string {
  const show = (t: RDF.Term | undefined): string => {
    if (!t) return '';
    if (t.termType === 'NamedNode') return compactIri(t.value, prefixes);
    if (t.termType === 'Literal' && (t as RDF.Literal).language)
      return `${t.value}@${bcp47((t as RDF.Literal).language)}`;
    return t.value;
  };
  return textTable(
    variables,
    rows.map((r) => variables.map((v) => show(r[v]))),
    { maxCell: Number.POSITIVE_INFINITY, gap: ' | ' },
  );
}
