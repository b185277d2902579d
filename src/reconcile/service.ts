// The Reconciliation Service API (W3C Entity Reconciliation CG, version 0.2, read by 0.1 clients too): manifest, queries, suggest, preview, data extension.
import { badRequest } from '../http/errors.ts';
import { escapeHtml } from '../publish/html.ts';
import { type Catalogue, chineseName, displayName, type Entry, type Kind, labelOf } from '../search/catalogue.ts';
import { NameIndex, type QueryProperty, type Scored, scoreQuery } from './score.ts';

/** Limits on one request: past them it is refused (400) before any scoring. */
export const RECONCILE_LIMITS = {
  /** Queries in one batch (OpenRefine sends 10 at a time by default). */
  batch: 500,
  /** Characters of one query's text. */
  queryChars: 1_000,
  /** Properties of one query, and of one extension request. */
  properties: 20,
  /** Candidates one query may ask for. */
  limit: 100,
  /** Identifiers in one extension request. */
  extendIds: 500,
  /** Bytes of a request body (a batch of 500 queries with properties fits well inside). */
  bodyBytes: 2 * 1024 * 1024,
} as const;

const DEFAULT_LIMIT = 10;
const SUGGEST_PAGE = 10;

const KIND_NAMES: Record<Kind, { en: string; zh: string }> = {
  person: { en: 'person', zh: '人物' },
  office: { en: 'office', zh: '职位' },
  org: { en: 'organisation', zh: '机构' },
  'npc-term': { en: 'NPC term', zh: '全国人民代表大会届次' },
};

/** A property a query may carry (recon) or a client may fetch (extend); some are both. */
interface PropertyDef {
  id: string;
  name: string;
  description: string;
  kinds: readonly Kind[];
  recon?: true;
  extend?: (e: Entry, s: ReconcileService) => Value[];
}

type Value = { str: string } | { id: string; name: string } | Record<string, never>;

const ALL: readonly Kind[] = ['person', 'office', 'org', 'npc-term'];
const str = (s: string | undefined): Value[] => (s ? [{ str: s }] : []);
const NONE: Value = {};

const PROPERTIES: readonly PropertyDef[] = [
  {
    id: 'nameZh',
    name: 'Chinese name',
    description: 'The name in simplified Chinese (zh-Hans)',
    kinds: ALL,
    extend: (e) => str(chineseName(e)),
  },
  {
    id: 'nameEn',
    name: 'English name',
    description: 'The name in English (pinyin for people)',
    kinds: ALL,
    extend: (e) => str(e.labels.find((l) => l.lang === 'en' && !l.alt)?.text),
  },
  {
    id: 'birthYear',
    name: 'birth year',
    description: 'Year of birth, for matching (a date is read for its year)',
    kinds: ['person'],
    recon: true,
  },
  {
    id: 'deathYear',
    name: 'death year',
    description: 'Year of death, for matching',
    kinds: ['person'],
    recon: true,
  },
  {
    id: 'birthDate',
    name: 'birth date',
    description: 'Date of birth at the precision the sources give (1902-10-12, 1907-12 or 1935)',
    kinds: ['person'],
    extend: (e) => str(e.birth?.lexical),
  },
  {
    id: 'deathDate',
    name: 'death date',
    description: 'Date of death at the precision the sources give',
    kinds: ['person'],
    extend: (e) => str(e.death?.lexical),
  },
  {
    id: 'office',
    name: 'office held',
    description: 'Each office held, one value per tenure (in the order of officeStart and officeEnd)',
    kinds: ['person'],
    recon: true,
    extend: (e, s) =>
      e.tenures.map((t) => {
        const o = s.entryOf(t.office);
        return o ? { id: o.id, name: displayName(o) } : { str: t.office };
      }),
  },
  {
    id: 'officeStart',
    name: 'office held: start',
    description: 'Start of each tenure, at its precision, aligned with "office held"',
    kinds: ['person'],
    extend: (e) => e.tenures.map((t): Value => (t.start ? { str: t.start.lexical } : NONE)),
  },
  {
    id: 'officeEnd',
    name: 'office held: end',
    description: 'End of each tenure, at its precision, aligned with "office held" (empty while in office)',
    kinds: ['person'],
    extend: (e) => e.tenures.map((t): Value => (t.end ? { str: t.end.lexical } : NONE)),
  },
  {
    id: 'npcTerm',
    name: 'NPC term',
    description: 'A term of the National People\u2019s Congress in which the person held an office (7, 7th, 第七届)',
    kinds: ['person'],
    recon: true,
  },
  {
    id: 'wikidata',
    name: 'Wikidata item',
    description: 'The Wikidata item (Q…) the linkset links this to, where there is one',
    kinds: ALL,
    extend: (e) => str(e.wikidata),
  },
];
const PROPERTY_BY_ID = new Map(PROPERTIES.map((p) => [p.id, p]));

export interface Candidate {
  id: string;
  name: string;
  description: string;
  type: { id: string; name: string }[];
  score: number;
  match: boolean;
  features: { id: string; value: number }[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses JSON that a client sent as `what`, with the parser's message on failure. */
export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(`${what} is not valid JSON: ${(e as Error).message}`);
  }
}

export class ReconcileService {
  readonly index: NameIndex;
  private readonly typeIds: Map<string, Kind>;

  constructor(
    readonly catalogue: Catalogue,
    /** Where the service answers (ends with /). */
    readonly publicBase: string,
  ) {
    this.index = new NameIndex(catalogue);
    this.typeIds = new Map();
    for (const [iri, kind] of catalogue.types) {
      this.typeIds.set(iri, kind);
      this.typeIds.set(iri.slice(Math.max(iri.lastIndexOf('#'), iri.lastIndexOf('/')) + 1), kind);
    }
  }

  entryOf(iriOrId: string): Entry | undefined {
    const prefix = `${this.catalogue.base}id/`;
    return this.catalogue.byId.get(iriOrId.startsWith(prefix) ? iriOrId.slice(prefix.length) : iriOrId);
  }

  typeOf(kind: Kind): { id: string; name: string } {
    const iri = [...this.catalogue.types].find(([, k]) => k === kind)?.[0] ?? kind;
    return { id: iri, name: KIND_NAMES[kind].en };
  }

  manifest(): object {
    const service = `${this.publicBase}reconcile`;
    return {
      versions: ['0.1', '0.2'],
      name: 'NPCSC Secretary-General knowledge graph',
      identifierSpace: `${this.catalogue.base}id/`,
      schemaSpace: `${this.catalogue.base}ontology#`,
      documentation: `${this.publicBase}dataset`,
      defaultTypes: ALL.map((k) => this.typeOf(k)),
      view: { url: `${this.publicBase}id/{{id}}` },
      preview: { url: `${service}/preview?id={{id}}`, width: 420, height: 180 },
      suggest: {
        entity: { service_url: service, service_path: '/suggest/entity' },
        type: { service_url: service, service_path: '/suggest/type' },
        property: { service_url: service, service_path: '/suggest/property' },
      },
      extend: {
        propose_properties: { service_url: service, service_path: '/propose_properties' },
        property_settings: [],
      },
      batchSize: RECONCILE_LIMITS.batch,
    };
  }

  /** The kinds a query's `type` names (an IRI or its local name); a type we do not have is the client's error. */
  kindsOf(type: unknown): Set<Kind> | undefined {
    if (type === undefined || type === null || type === '') return undefined;
    const list = Array.isArray(type) ? type : [type];
    const kinds = new Set<Kind>();
    for (const t of list) {
      const id = typeof t === 'string' ? t : isObject(t) && typeof t.id === 'string' ? t.id : undefined;
      const kind = id === undefined ? undefined : this.typeIds.get(id);
      if (!kind) {
        const known = [...this.catalogue.types.keys()].join(', ');
        throw badRequest(`unknown type ${JSON.stringify(t)}; the types are ${known}`);
      }
      kinds.add(kind);
    }
    return kinds;
  }

  private properties(raw: unknown, key: string): QueryProperty[] {
    if (raw === undefined || raw === null) return [];
    if (!Array.isArray(raw)) throw badRequest(`${key}: "properties" must be an array`);
    if (raw.length > RECONCILE_LIMITS.properties) {
      throw badRequest(`${key}: ${raw.length} properties, more than ${RECONCILE_LIMITS.properties}`);
    }
    const out: QueryProperty[] = [];
    for (const p of raw) {
      if (!isObject(p)) throw badRequest(`${key}: each property must be an object with "pid" and "v"`);
      const pid = typeof p.pid === 'string' ? p.pid : typeof p.p === 'string' ? p.p : undefined;
      const def = pid === undefined ? undefined : PROPERTY_BY_ID.get(pid);
      if (!def?.recon) {
        const known = PROPERTIES.filter((x) => x.recon).map((x) => x.id);
        throw badRequest(
          `${key}: unknown property ${JSON.stringify(pid ?? null)}; the properties are ${known.join(', ')}`,
        );
      }
      for (const v of Array.isArray(p.v) ? p.v : [p.v]) {
        const text =
          typeof v === 'string' || typeof v === 'number'
            ? String(v).trim()
            : isObject(v) && typeof v.id === 'string'
              ? v.id
              : undefined;
        if (text === undefined)
          throw badRequest(`${key}: property ${def.id} has a value that is not text, a number or {"id"}`);
        if (text === '' || text.length > RECONCILE_LIMITS.queryChars) continue;
        if (def.id === 'birthYear' || def.id === 'deathYear') {
          const year = /-?[0-9]{3,4}/.exec(text)?.[0];
          if (year) out.push({ pid: def.id, year: Number(year) });
        } else out.push({ pid: def.id as 'office' | 'npcTerm', text });
      }
    }
    return out;
  }

  /** One query (an object, or a bare string in the 0.1 single-query form), answered with its candidates. */
  answer(raw: unknown, key: string): Candidate[] {
    const q = typeof raw === 'string' ? { query: raw } : raw;
    if (!isObject(q)) throw badRequest(`${key}: a query must be an object with a "query" string`);
    if (typeof q.query !== 'string') throw badRequest(`${key}: "query" must be a string`);
    if (q.query.length > RECONCILE_LIMITS.queryChars) {
      throw badRequest(`${key}: query of ${q.query.length} characters, more than ${RECONCILE_LIMITS.queryChars}`);
    }
    let limit = DEFAULT_LIMIT;
    if (q.limit !== undefined && q.limit !== null) {
      if (typeof q.limit !== 'number' || !Number.isInteger(q.limit) || q.limit < 0) {
        throw badRequest(`${key}: "limit" must be a whole number`);
      }
      limit = q.limit === 0 ? DEFAULT_LIMIT : Math.min(q.limit, RECONCILE_LIMITS.limit);
    }
    const kinds = this.kindsOf(q.type);
    const scored = scoreQuery(this.index, {
      text: q.query,
      ...(kinds ? { kinds } : {}),
      properties: this.properties(q.properties, key),
    });
    return scored.slice(0, limit).map((s) => this.candidate(s));
  }

  candidate(s: Scored): Candidate {
    const e = s.entry;
    return {
      id: e.id,
      name: displayName(e),
      description: this.describe(e),
      type: [this.typeOf(e.kind)],
      score: Math.round(s.score * 1000) / 10,
      match: s.match,
      features: s.evidence
        .filter((x) => x.weight > 0)
        .map((x) => ({ id: x.criterion, value: Math.round((x.points / x.weight) * 1000) / 1000 })),
    };
  }

  /** A short line to tell namesakes apart: the Chinese name, the years, the offices held. */
  describe(e: Entry): string {
    const parts: string[] = [];
    const zh = chineseName(e);
    if (zh && zh !== displayName(e)) parts.push(zh);
    if (e.birth || e.death) parts.push(`${e.birth?.lexical ?? '?'} – ${e.death?.lexical ?? ''}`.trim());
    const offices = [...new Set(e.tenures.map((t) => t.office))].map((o) => this.entryOf(o));
    for (const o of offices) if (o) parts.push(displayName(o));
    return parts.join(' · ');
  }

  /** A batch `{"q0": {...}, …}`: every key answered, or the whole batch refused. */
  async batch(raw: unknown): Promise<Record<string, { result: Candidate[] }>> {
    if (!isObject(raw))
      throw badRequest('"queries" must be a JSON object of queries keyed by name, as {"q0": {"query": "…"}}');
    const keys = Object.keys(raw);
    if (keys.length > RECONCILE_LIMITS.batch) {
      throw badRequest(
        `a batch of ${keys.length} queries is more than ${RECONCILE_LIMITS.batch}; send smaller batches`,
      );
    }
    // Every query is checked before any is scored: a bad one refuses the batch without spending work on the rest.
    for (const k of keys) {
      const q = raw[k];
      if (isObject(q) && typeof q.query === 'string' && q.query.length > RECONCILE_LIMITS.queryChars) {
        throw badRequest(`${k}: query of ${q.query.length} characters, more than ${RECONCILE_LIMITS.queryChars}`);
      }
      if (isObject(q)) this.kindsOf(q.type);
    }
    const out: Record<string, { result: Candidate[] }> = {};
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as string;
      out[k] = { result: this.answer(raw[k], k) };
      // Other requests get their turn between slices of a large batch.
      if (i % 50 === 49) await new Promise((r) => setImmediate(r));
    }
    return out;
  }

  /** Prefix search for OpenRefine's autocomplete: entities (optionally of a type), types, properties. */
  suggest(what: 'entity' | 'type' | 'property', prefix: string, cursor: number, type?: unknown): object {
    if (prefix.length > RECONCILE_LIMITS.queryChars) {
      throw badRequest(`prefix of ${prefix.length} characters, more than ${RECONCILE_LIMITS.queryChars}`);
    }
    const q = labelOf(prefix, '');
    const starts = (text: string) => {
      const l = labelOf(text, '');
      if (q.compact === '') return true;
      if (l.compact.startsWith(q.compact)) return true;
      // Every word of the prefix begins a word of the label ("peng z", "secretary gen", "zhen").
      return q.tokens.every((t) => l.tokens.some((w) => w.startsWith(t)));
    };
    let all: { id: string; name: string; description?: string; notable?: { id: string; name: string }[] }[];
    if (what === 'entity') {
      const kinds = this.kindsOf(type);
      all = this.catalogue.entries
        .filter((e) => (!kinds || kinds.has(e.kind)) && e.labels.some((l) => starts(l.text)))
        .map((e) => ({
          id: e.id,
          name: displayName(e),
          description: this.describe(e),
          notable: [this.typeOf(e.kind)],
        }));
    } else if (what === 'type') {
      all = ALL.map((k) => ({ ...this.typeOf(k), description: KIND_NAMES[k].zh })).filter(
        (t) => starts(t.name) || starts(t.description) || starts(t.id.slice(t.id.search(/[^#/]*$/))),
      );
    } else {
      all = PROPERTIES.filter((p) => starts(p.name) || starts(p.id)).map((p) => ({
        id: p.id,
        name: p.name,
        description: p.description,
      }));
    }
    return { result: all.slice(cursor, cursor + SUGGEST_PAGE) };
  }

  /** The properties a client can fetch for a type (all of them without one). */
  propose(type: string | undefined, limit: number): object {
    const kinds = type ? this.kindsOf(type) : undefined;
    const props = PROPERTIES.filter((p) => p.extend && (!kinds || p.kinds.some((k) => kinds.has(k))));
    return {
      ...(type ? { type } : {}),
      limit,
      properties: props.slice(0, limit).map((p) => ({ id: p.id, name: p.name, description: p.description })),
    };
  }

  /** Data extension: for each identifier, the values of each property asked for. */
  extend(raw: unknown): object {
    if (!isObject(raw)) throw badRequest('"extend" must be a JSON object {"ids": [...], "properties": [{"id": ...}]}');
    const { ids, properties } = raw;
    if (!Array.isArray(ids) || !ids.every((i) => typeof i === 'string')) {
      throw badRequest('"ids" must be an array of identifiers');
    }
    if (ids.length > RECONCILE_LIMITS.extendIds) {
      throw badRequest(`${ids.length} identifiers, more than ${RECONCILE_LIMITS.extendIds}`);
    }
    if (!Array.isArray(properties) || properties.length > RECONCILE_LIMITS.properties) {
      throw badRequest(`"properties" must be an array of at most ${RECONCILE_LIMITS.properties} {"id": …}`);
    }
    const defs = properties.map((p) => {
      const id = isObject(p) && typeof p.id === 'string' ? p.id : undefined;
      const def = id === undefined ? undefined : PROPERTY_BY_ID.get(id);
      if (!def?.extend) {
        const known = PROPERTIES.filter((x) => x.extend).map((x) => x.id);
        throw badRequest(`unknown property ${JSON.stringify(id ?? p)}; the properties are ${known.join(', ')}`);
      }
      return def;
    });
    const rows: Record<string, Record<string, Value[]>> = {};
    for (const id of ids as string[]) {
      const e = this.entryOf(id);
      const row: Record<string, Value[]> = {};
      for (const d of defs) row[d.id] = e && d.kinds.includes(e.kind) && d.extend ? d.extend(e, this) : [];
      rows[id] = row;
    }
    return {
      meta: defs.map((d) => ({
        id: d.id,
        name: d.name,
        ...(d.id === 'office' ? { type: this.typeOf('office') } : {}),
      })),
      rows,
    };
  }

  /** A small HTML card of one entity, in both languages (what OpenRefine shows in a frame on hover). */
  preview(id: string): string | undefined {
    const e = this.entryOf(id);
    if (!e) return undefined;
    const en = e.labels.find((l) => l.lang === 'en' && !l.alt)?.text;
    const zh = chineseName(e);
    const rows: string[] = [];
    if (e.birth || e.death) {
      rows.push(`<p>${escapeHtml(`${e.birth?.lexical ?? '?'} – ${e.death?.lexical ?? ''}`)}</p>`);
    }
    const tenures = e.tenures.map((t) => {
      const o = this.entryOf(t.office);
      const name = o ? `${displayName(o)}${chineseName(o) ? ` (${chineseName(o)})` : ''}` : t.office;
      return `<li>${escapeHtml(`${name}: ${t.start?.lexical ?? '?'} – ${t.end?.lexical ?? ''}`)}</li>`;
    });
    if (tenures.length > 0) rows.push(`<ul>${tenures.join('')}</ul>`);
    const page = `${this.publicBase}id/${e.id}`;
    return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(en ?? zh ?? e.id)}</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:8px}h1{font-size:16px;margin:0}p,ul{margin:4px 0}small{color:#555}</style>
</head><body>
<h1><a href="${escapeHtml(page)}" target="_blank" rel="noopener">${escapeHtml(en ?? zh ?? e.id)}</a>${zh && zh !== en ? ` <span lang="zh-Hans">${escapeHtml(zh)}</span>` : ''}</h1>
<p><small>${escapeHtml(`${KIND_NAMES[e.kind].en} · ${KIND_NAMES[e.kind].zh}`)}${e.wikidata ? ` · Wikidata ${escapeHtml(e.wikidata)}` : ''}</small></p>
${rows.join('\n')}
</body></html>
`;
  }
}
