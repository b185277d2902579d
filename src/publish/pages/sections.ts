// The sections every resource page ends with: facts, fragments, incoming links, notes, gaps, sources, other vocabularies.
import { NS } from '../../rdf/ns.ts';
import { type Html, html } from '../html.ts';
import { localName } from '../view.ts';
import {
  factsTable,
  incomingTable,
  knownGapsSection,
  nameText,
  notesSection,
  type PageCtx,
  SHOWN_ELSEWHERE,
  sourcesSection,
} from './common.ts';

export interface SectionOptions {
  /** Outgoing properties the page already showed. */
  skipOut?: readonly string[];
  /** Incoming properties the page already showed. */
  skipIn?: readonly string[];
  /** Own fragment subjects (R#x), each shown as a subsection with an anchor. */
  fragments?: readonly string[];
  /** False when the page already listed the sources. */
  sources?: boolean;
}

export function resourceSections(ctx: PageCtx, topic: string, opts: SectionOptions = {}): Html {
  const skipOut = [...SHOWN_ELSEWHERE(ctx), ...(opts.skipOut ?? [])];
  const skipIn = [...(opts.skipIn ?? []), `${npcsc(ctx)}noteAbout`];
  const facts = factsTable(ctx, topic, skipOut);
  const incoming = incomingTable(ctx, topic, skipIn);
  const fragments = (opts.fragments ?? []).filter((f) => f !== topic).sort();
  const secondaryOut = factsTable(ctx, topic, [], true);
  const secondaryIn = incomingTable(ctx, topic, [], true);
  return html`${facts.s ? html`<section id="facts"><h2>${ctx.t.facts}</h2>${facts}</section>` : ''}
${fragments.map(
  (f) =>
    html`<section class="fragment" id="${localName(f)}"><h2>${nameText(ctx, f)}</h2>${factsTable(ctx, f, [
      `${NS.rdfs}label`,
    ])}${factsTable(ctx, f, [], true)}</section>`,
)}
${incoming.s ? html`<section id="links"><h2>${ctx.t.linksHere}</h2>${incoming}</section>` : ''}
${notesSection(ctx, topic)}
${knownGapsSection(ctx, topic)}
${opts.sources === false ? '' : sourcesSection(ctx, topic)}
${
  secondaryOut.s || secondaryIn.s
    ? html`<details class="other-vocabularies"><summary>${ctx.t.otherVocabularies}</summary>${secondaryOut}${secondaryIn}</details>`
    : ''
}`;
}

const npcsc = (ctx: PageCtx) => `${ctx.iris.base}ontology#`;
