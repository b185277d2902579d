// Tenure tables and the timeline rows built from them, shared by the office, person and NPC term pages.
import { formatDay } from '../dates.ts';
import { type Html, html } from '../html.ts';
import { type LabelPart, timeline } from '../timeline.ts';
import { type LangText, localName, nameOf } from '../view.ts';
import { chineseName, link, npcscOf, type PageCtx, tenureDate, windowOf } from './common.ts';

export type Column = 'ordinal' | 'holder' | 'office' | 'start' | 'end' | 'terms';

export function tenureTable(
  ctx: PageCtx,
  tenures: readonly string[],
  columns: readonly Column[],
  caption?: string,
): Html {
  const npcsc = npcscOf(ctx);
  const { t, ix } = ctx;
  const head: Record<Column, string> = {
    ordinal: t.no,
    holder: t.holder,
    office: t.officeCol,
    start: t.start,
    end: t.end,
    terms: t.npcTerms,
  };
  const cell = (tenure: string, c: Column): Html => {
    switch (c) {
      case 'ordinal': {
        const n = ix.object(tenure, `${npcsc}ordinal`)?.value ?? '';
        return html`<td class="num">${link(ctx, tenure, n)}</td>`;
      }
      case 'holder':
        // On an English page each holder's Chinese name stands beside the English one, as on the person's page.
        return html`<td>${ix
          .iris(tenure, `${npcsc}holder`)
          .map((p) => html`${link(ctx, p)}${chineseName(ctx, p, nameOf(ix, p, ctx.lang).text) ?? ''}`)}</td>`;
      case 'office':
        return html`<td>${ix.iris(tenure, `${npcsc}office`).map((o) => link(ctx, o))} ${link(
          ctx,
          tenure,
          `(${t.ordinalOf(ix.object(tenure, `${npcsc}ordinal`)?.value ?? '?')})`,
        )}</td>`;
      case 'start':
        return html`<td>${tenureDate(ctx, tenure, 'start')}</td>`;
      case 'end': {
        const end = ix.object(tenure, `${npcsc}endDate`);
        return html`<td>${end ? tenureDate(ctx, tenure, 'end') : html`<em>${t.present}</em>`}</td>`;
      }
      case 'terms':
        return html`<td>${ix
          .iris(tenure, `${npcsc}npcTerm`)
          .sort((a, b) => Number(localName(a)) - Number(localName(b)))
          .map((n, i) => html`${i ? ', ' : ''}${link(ctx, n, localName(n))}`)}</td>`;
    }
  };
  // On a narrow screen the last columns lie beyond the edge: the table says it scrolls, in words and to a screen
  // reader, and takes keyboard focus so it can be scrolled without a pointer.
  return html`<p class="scroll-hint" aria-hidden="true">${t.scrollHint}</p><div class="table-wrap" role="region" aria-label="${caption ?? t.tenures} (${t.scrollsSideways})" tabindex="0"><table class="tenures">${caption ? html`<caption>${caption}</caption>` : ''}
<thead><tr>${columns.map((c) => html`<th scope="col">${head[c]}</th>`)}</tr></thead>
<tbody>${tenures.map((tenure) => html`<tr>${columns.map((c) => cell(tenure, c))}</tr>\n`)}</tbody></table></div>`;
}

/** The timeline of `tenures`, each row labelled by `label` (the holder on an office page, the office on a person's). */
export function tenureTimeline(
  ctx: PageCtx,
  tenures: readonly string[],
  label: (tenure: string) => LabelPart[],
  id: string,
  now: number | undefined,
): Html {
  const rows = tenures.flatMap((tenure) => {
    const start = windowOf(ctx, tenure, 'start');
    if (!start) return [];
    const end = ctx.ix.object(tenure, `${npcscOf(ctx)}endDate`) ? windowOf(ctx, tenure, 'end') : undefined;
    const name = nameOf(ctx.ix, tenure, ctx.lang).text;
    const span = (s: { first: number; last: number }) =>
      s.first === s.last
        ? formatDay(s.first, ctx.lang)
        : `${formatDay(s.first, ctx.lang)} – ${formatDay(s.last, ctx.lang)}`;
    return [
      {
        href: ctx.iris.href(tenure, ctx.lang),
        label: label(tenure),
        title: `${name}: ${span(start)} → ${end ? span(end) : ctx.t.present}`,
        start,
        end,
      },
    ];
  });
  return timeline(rows, {
    now,
    id,
    title: ctx.t.timelineTitle,
    legend: ctx.t.timelineLegend,
    presentLabel: ctx.t.present,
  });
}

/** A name as a timeline label part: marked with its language where it is not the page's (text() in common.ts). */
const part = (ctx: PageCtx, t: LangText): LabelPart =>
  t.lang && t.lang !== ctx.lang ? { text: t.text, lang: t.lang } : t.text;

export const holderLabel =
  (ctx: PageCtx) =>
  (tenure: string): LabelPart[] => {
    const holder = ctx.ix.iris(tenure, `${npcscOf(ctx)}holder`)[0];
    const n = ctx.ix.object(tenure, `${npcscOf(ctx)}ordinal`)?.value ?? '';
    return [`${n}. `, ...(holder ? [part(ctx, nameOf(ctx.ix, holder, ctx.lang))] : [])];
  };

export const officeLabel =
  (ctx: PageCtx) =>
  (tenure: string): LabelPart[] => {
    const office = ctx.ix.iris(tenure, `${npcscOf(ctx)}office`)[0];
    const n = ctx.ix.object(tenure, `${npcscOf(ctx)}ordinal`)?.value ?? '';
    if (!office) return [` ${ctx.t.ordinalOf(n)}`];
    const name = nameOf(ctx.ix, office, ctx.lang);
    const short = name.text.replace(/ of the .*$/, '').replace(/^全国人民代表大会常务委员会/, '');
    return [part(ctx, { ...name, text: short }), ` ${ctx.t.ordinalOf(n)}`];
  };
