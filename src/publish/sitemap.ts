// sitemap.xml (every page in both languages, with lastmod and hreflang alternates) and robots.txt that names it.
import { LANGS } from './formats.ts';
import { escapeHtml } from './html.ts';
import type { Iris } from './iris.ts';

/** `keys` are document keys; the home page is added first. */
export function sitemapXml(iris: Iris, keys: readonly string[], lastmod: string): string {
  const pages: Record<string, string>[] = [{ en: iris.url(''), 'zh-Hans': iris.url('index.zh-Hans.html') }];
  for (const key of keys) {
    pages.push(Object.fromEntries(LANGS.map((l) => [l, iris.docUrl(key, 'html', l)])));
  }
  const entries = pages.flatMap((byLang) =>
    LANGS.map(
      (l) => `  <url>
    <loc>${escapeHtml(byLang[l] ?? '')}</loc>
    <lastmod>${lastmod}</lastmod>
${LANGS.map((a) => `    <xhtml:link rel="alternate" hreflang="${a}" href="${escapeHtml(byLang[a] ?? '')}"/>`).join('\n')}
  </url>`,
    ),
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">
${entries.join('\n')}
</urlset>
`;
}

/** Crawlers may read every page; the SPARQL endpoint and the API are for people and programs, not for crawling. */
export function robotsTxt(iris: Iris, withServices: boolean): string {
  const path = new URL(iris.publicBase).pathname;
  return `# npcsc-kg
User-agent: *
Allow: ${path}
${withServices ? `Disallow: ${path}sparql\nDisallow: ${path}api/\n` : ''}
Sitemap: ${iris.url('sitemap.xml')}
`;
}
