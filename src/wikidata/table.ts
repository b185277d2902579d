// A fixed-width text table for the terminal (East Asian characters count as two columns).
const width = (s: string): number => [...s].reduce((w, ch) => w + ((ch.codePointAt(0) ?? 0) > 0x2e80 ? 2 : 1), 0);
const clip = (s: string, max: number): string => (s.length > max ? `${s.slice(0, max - 3)}...` : s);

export function textTable(head: readonly string[], rows: readonly (readonly string[])[], maxCell = 60): string {
  const cells = [head, ...rows].map((r) => r.map((c) => clip(c, maxCell)));
  const widths = head.map((_, i) => Math.max(...cells.map((r) => width(r[i] ?? ''))));
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => c + ' '.repeat(Math.max(0, (widths[i] ?? 0) - width(c))))
      .join('  ')
      .trimEnd();
  const [first, ...rest] = cells;
  return `${[line(first ?? []), widths.map((w) => '-'.repeat(w)).join('  '), ...rest.map(line)].join('\n')}\n`;
}
