// An escaping template tag for HTML and SVG: every interpolated value is escaped unless it is already Html.
export class Html {
  constructor(readonly s: string) {}
  toString(): string {
    return this.s;
  }
}

/** Values a template accepts: text (escaped), Html (as is), lists of them, and nothing (false, null, undefined). */
export type Content = Html | string | number | boolean | null | undefined | readonly Content[];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

function render(v: Content): string {
  if (v instanceof Html) return v.s;
  if (v === null || v === undefined || v === false || v === true) return '';
  if (Array.isArray(v)) return v.map(render).join('');
  return escapeHtml(String(v));
}

export function html(strings: TemplateStringsArray, ...values: Content[]): Html {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '');
  return new Html(out);
}

/** Trusted markup (built by this module's callers, never from data). */
export const raw = (s: string): Html => new Html(s);

/** An href only for http(s) URLs: anything else (javascript:, data:) is refused by rendering no link. */
export function safeHref(url: string): string | undefined {
  return /^https?:\/\//i.test(url) ? url : undefined;
}

/** JSON for a `<script type="application/ld+json">` block: `<` escaped so no `</script>` can close it early. */
export function scriptJson(value: unknown): Html {
  return new Html(JSON.stringify(value, null, 2).replace(/</g, '\\u003c'));
}
