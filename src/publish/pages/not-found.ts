// The 404 page for an identifier the dataset does not have, in the reader's language.
import { html } from '../html.ts';
import { link, type PageCtx } from './common.ts';
import { layout } from './layout.ts';

export function notFoundPage(ctx: PageCtx, iri: string): string {
  const home = `${ctx.iris.base}id/office/secretary-general`;
  return layout(ctx, {
    title: { text: ctx.t.notFoundTitle, lang: ctx.lang },
    main: html`<p class="lead">${ctx.t.notFoundText}</p>
<p><code>${iri}</code></p>
<p><a href="${ctx.lang === 'en' ? ctx.iris.url('') : ctx.iris.url('index.zh-Hans.html')}">${ctx.t.home}</a> · ${link(ctx, home, ctx.t.office)}</p>`,
  });
}
