// sitemap.xml (every page in both languages, with lastmod and hreflang alternates) and robots.txt that names it.
//
// The sitemaps.org protocol allows at most 50,000 URLs and 50 MB (uncompressed) in one file. When every page fits,
// sitemap.xml is that one <urlset>; otherwise it is a <sitemapindex> naming sitemap-1.xml, sitemap-2.xml, …, each a
// <urlset> within the limits. A page's languages stay in the same part (they name each other as alternates).
import { LANGS } from './formats.ts';
import { escapeHtml } from './html.ts';
import type { Iris } from './iris.ts';

/** The protocol's limit on URLs in one sitemap file. */
export const SITEMAP_MAX_URLS = 50_000;
/** Bytes allowed in one sitemap file: under the protocol's 50 MB (52,428,800 bytes), with a margin. */
export const SITEMAP_MAX_BYTES = 50_000_000;

export interface SitemapLimits {
  /** Most URLs in one file (default 50,000); at least one page's worth (one URL per language). */
  maxUrls?: number | undefined;
  /** Most bytes in one file (default 50,000,000). */
  maxBytes?: number | undefined;
}

const URLSET_HEAD = `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">
`;
const URLSET_TAIL = `
</urlset>
`;

type Page = Record<string, string>;

/** The public URLs of every page, by language: the home page first, then each document key. */
function pagesOf(iris: Iris, keys: readonly string[]): Page[] {
  const pages: Page[] = [{ en: iris.url(''), 'zh-Hans': iris.url('index.zh-Hans.html') }];
  for (const key of keys) {
    pages.push(Object.fromEntries(LANGS.map((l) => [l, iris.docUrl(key, 'html', l)])));
  }
  return pages;
}

/** The <url> entries of one page, one per language, each naming every language as an alternate. */
/** The <lastmod> line (lastmod is optional in the protocol: none when the data gives no day). */
const lastmodLine = (lastmod: string | undefined) => (lastmod ? `\n    <lastmod>${lastmod}</lastmod>` : '');

function pageEntries(byLang: Page, lastmod: string | undefined): string[] {
  return LANGS.map(
    (l) => `  <url>
    <loc>${escapeHtml(byLang[l] ?? '')}</loc>${lastmodLine(lastmod)}
${LANGS.map((a) => `    <xhtml:link rel="alternate" hreflang="${a}" href="${escapeHtml(byLang[a] ?? '')}"/>`).join('\n')}
  </url>`,
  );
}

function urlset(pages: readonly Page[], lastmod: string | undefined): string {
  return `${URLSET_HEAD}${pages.flatMap((p) => pageEntries(p, lastmod)).join('\n')}${URLSET_TAIL}`;
}

/**
 * The site's sitemap files, planned once: `parts` is 0 when every page fits in sitemap.xml, otherwise the number
 * of files sitemap-1.xml … sitemap-{parts}.xml that sitemap.xml (then an index) names. Files are rendered on demand.
 */
export class Sitemap {
  /** Page ranges [start, end) of each part; empty when sitemap.xml holds every page. */
  private readonly ranges: [number, number][] = [];
  private readonly pages: Page[];

  /** `keys` are document keys; the home page is added first. `lastmod`: the day the data last changed. */
  constructor(
    private readonly iris: Iris,
    keys: readonly string[],
    private readonly lastmod: string | undefined,
    limits: SitemapLimits = {},
  ) {
    const maxUrls = limits.maxUrls ?? SITEMAP_MAX_URLS;
    const maxBytes = limits.maxBytes ?? SITEMAP_MAX_BYTES;
    if (!Number.isInteger(maxUrls) || maxUrls < LANGS.length) {
      throw new RangeError(`a sitemap file must hold at least ${LANGS.length} URLs (one page), not ${maxUrls}`);
    }
    this.pages = pagesOf(iris, keys);
    // Greedy packing in page order: a page goes in the current part unless its entries would overflow it.
    const frame = Buffer.byteLength(URLSET_HEAD) + Buffer.byteLength(URLSET_TAIL);
    let start = 0;
    let urls = 0;
    let bytes = frame;
    for (let i = 0; i < this.pages.length; i++) {
      const entries = pageEntries(this.pages[i] as Page, lastmod);
      // Entries are joined by a newline: count one per entry (one too many per file, on the safe side).
      const size = entries.reduce((n, e) => n + Buffer.byteLength(e) + 1, 0);
      if (i > start && (urls + entries.length > maxUrls || bytes + size > maxBytes)) {
        this.ranges.push([start, i]);
        start = i;
        urls = 0;
        bytes = frame;
      }
      urls += entries.length;
      bytes += size;
    }
    // One file is enough: no parts, sitemap.xml is the urlset.
    if (this.ranges.length > 0) this.ranges.push([start, this.pages.length]);
  }

  /** Number of parts sitemap.xml names (0: sitemap.xml is itself the urlset of every page). */
  get parts(): number {
    return this.ranges.length;
  }

  /** The file name of part `n` (1-based), at the root of the site. */
  static partName(n: number): string {
    return `sitemap-${n}.xml`;
  }

  /** sitemap.xml: every page, or the index of the parts. */
  main(): string {
    if (this.ranges.length === 0) return urlset(this.pages, this.lastmod);
    const entries = this.ranges.map(
      (_, i) => `  <sitemap>
    <loc>${escapeHtml(this.iris.url(Sitemap.partName(i + 1)))}</loc>${lastmodLine(this.lastmod)}
  </sitemap>`,
    );
    return `<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${entries.join('\n')}
</sitemapindex>
`;
  }

  /** Part `n` (1 … parts): a urlset of its pages. */
  part(n: number): string {
    const range = this.ranges[n - 1];
    if (!range) throw new RangeError(`no sitemap part ${n} (there are ${this.parts})`);
    return urlset(this.pages.slice(range[0], range[1]), this.lastmod);
  }
}

/**
 * Crawlers may read every page, the query page in both languages among them; the SPARQL endpoint's answers and
 * the API are for people and programs, not for crawling (the longer, `$`-anchored Allow wins over the Disallow).
 */
export function robotsTxt(iris: Iris, withServices: boolean): string {
  const path = new URL(iris.publicBase).pathname;
  return `# npcsc-kg
User-agent: *
Allow: ${path}
${withServices ? `Allow: ${path}sparql$\nAllow: ${path}sparql.zh-Hans.html$\nDisallow: ${path}sparql\nDisallow: ${path}api/\n` : ''}
Sitemap: ${iris.url('sitemap.xml')}
`;
}
