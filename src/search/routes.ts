// The search route: /search?q= answers an HTML page in the site's frame (English or Chinese), or JSON for scripts (Accept or format=json).
import type { Context } from 'hono';
import { HttpError, notAcceptable } from '../http/errors.ts';
import { securityHeaders } from '../http/headers.ts';
import type { RouteModule } from '../http/route.ts';
import { type Lang, langParam, negotiateLang } from '../publish/formats.ts';
import { html } from '../publish/html.ts';
import { strings } from '../publish/i18n.ts';
import { Iris } from '../publish/iris.ts';
import type { PageCtx } from '../publish/pages/common.ts';
import { layout } from '../publish/pages/layout.ts';
import { StoreView } from '../publish/view.ts';
import { Vocabulary } from '../publish/vocabulary.ts';
import { buildCatalogue, type Catalogue, chineseName, displayName } from './catalogue.ts';
import { type Hit, hitJson, type SearchResult, search } from './search.ts';

/** JSON when asked for by format=json or an Accept that prefers it to HTML; HTML otherwise. */
function wantsJson(c: Context): boolean | undefined {
  const format = c.req.query('format');
  if (format === 'json') return true;
  if (format === 'html') return false;
  if (format !== undefined) return undefined;
  const accept = (c.req.header('accept') ?? '').toLowerCase();
  const q = (type: RegExp) => {
    let best = -1;
    for (const part of accept.split(',')) {
      const [t = '', ...params] = part.trim().split(';');
      if (!type.test(t.trim())) continue;
      const qv = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      best = Math.max(best, qv ? Number(qv.slice(2)) || 0 : 1);
    }
    return best;
  };
  if (accept === '') return false;
  const jsonQ = q(/^application\/json$/);
  const htmlQ = Math.max(q(/^text\/html$/), q(/^\*\/\*$/) - 0.001, q(/^text\/\*$/) - 0.001);
  if (jsonQ <= 0 && htmlQ <= 0) return undefined;
  return jsonQ > htmlQ;
}

function page(ctx: PageCtx, r: SearchResult): string {
  const { t, iris, lang } = ctx;
  const item = (h: Hit) => {
    const name = lang === 'zh-Hans' ? (chineseName(h.entry) ?? displayName(h.entry)) : displayName(h.entry, 'en');
    const other = lang === 'zh-Hans' ? displayName(h.entry, 'en') : chineseName(h.entry);
    const otherLang = lang === 'zh-Hans' ? 'en' : 'zh-Hans';
    const shown = h.label !== name && h.label !== other ? h.label : undefined;
    return html`<li><a href="${iris.href(h.entry.iri, lang)}">${name}</a>${
      other && other !== name ? html` <span lang="${otherLang}">${other}</span>` : ''
    }${shown ? html` (<span lang="${h.lang || 'und'}">${shown}</span>)` : ''} <span class="kind">${t.kinds[h.entry.kind] ?? ''}</span></li>`;
  };
  let main: ReturnType<typeof html>;
  if (r.query.trim() === '') main = html`<p>${t.searchEmpty}</p>`;
  else if (r.hits.length > 0) {
    main = html`<p>${t.searchResults(r.total, r.query)}</p>
<ol class="search-results">
${r.hits.map((h) => html`${item(h)}\n`)}</ol>
${r.total > r.hits.length ? html`<p>${t.searchMore(r.total - r.hits.length)}</p>` : ''}`;
  } else {
    main = html`<p class="no-hits">${t.searchNone(r.query)}</p>
${r.near.length > 0 ? html`<p>${t.searchNear}</p>\n<ol class="search-results near">\n${r.near.map((h) => html`${item(h)}\n`)}</ol>` : ''}`;
  }
  return layout(ctx, {
    title: { text: t.search, lang },
    headTitle: r.query ? `${t.search}: ${r.query}` : t.search,
    main,
    searched: r.query,
  });
}

export const searchRoutes: RouteModule = (app, { graph, config }) => {
  let state: { catalogue: Catalogue; ctx: (lang: Lang) => PageCtx } | undefined;
  const get = () => {
    if (!state) {
      const iris = new Iris(graph.base, config.publicBase);
      const vocab = new Vocabulary(graph);
      const ix = new StoreView(graph.store);
      state = {
        catalogue: buildCatalogue(graph.store, graph.base),
        ctx: (lang) => ({
          lang,
          t: strings(lang),
          iris,
          vocab,
          ix,
          sparql: `${config.publicBase}sparql`,
          api: `${config.publicBase}api/openapi.json`,
          search: `${config.publicBase}search`,
        }),
      };
    }
    return state;
  };
  app.get('/search', (c) => {
    const json = wantsJson(c);
    if (json === undefined) throw notAcceptable(['text/html', 'application/json']);
    const q = c.req.query('q') ?? '';
    const { catalogue, ctx } = get();
    const iris = new Iris(graph.base, config.publicBase);
    let result: SearchResult;
    try {
      result = search(catalogue, q);
    } catch (e) {
      if (!(e instanceof HttpError) || json) throw e;
      return c.html(
        layout(ctx(langOf(c)), {
          title: { text: strings(langOf(c)).search, lang: langOf(c) },
          main: html`<p>${e.message}</p>`,
        }),
        400,
        securityHeaders('text/html'),
      );
    }
    const vary = { vary: 'Accept, Accept-Language' };
    if (json) {
      const lang = langOf(c);
      return c.json(
        {
          query: result.query,
          total: result.total,
          results: result.hits.map((h) => hitJson(h, (iri) => iris.href(iri, lang))),
          near: result.near.map((h) => hitJson(h, (iri) => iris.href(iri, lang))),
        },
        200,
        { ...securityHeaders('application/json'), 'access-control-allow-origin': '*', ...vary },
      );
    }
    const lang = langOf(c);
    return c.html(page(ctx(lang), result), 200, {
      ...securityHeaders('text/html'),
      'content-language': lang,
      ...vary,
    });
  });
};

function langOf(c: Context): Lang {
  return langParam(c.req.query('lang')) ?? negotiateLang(c.req.header('accept-language'));
}
