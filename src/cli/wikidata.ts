// `npcsc-kg wikidata reconcile|accept|verify|export`: the Wikidata workflow on the command line.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { writeFileAtomically } from '../atomic.ts';
import { buildGraph } from '../build/pipeline.ts';
import { makeConfig } from '../config.ts';
import { OutboundRefused } from '../outbound.ts';
import type { Graph } from '../rdf/graph.ts';
import { compactIri } from '../rdf/ns.ts';
import { NetworkError, WIKIDATA_API, WIKIDATA_QUERY_SERVICE, WikidataClient } from '../wikidata/client.ts';
import { importEvidence } from '../wikidata/evidence.ts';
import { wikidataShapedTurtle } from '../wikidata/export.ts';
import { type Linkset, LinksetError, linkMap, readLinkset, writeLinkset } from '../wikidata/linkset.ts';
import { quickStatements } from '../wikidata/quickstatements.ts';
import { acceptReviewed, DEFAULTS, type Review, reconcile } from '../wikidata/reconcile.ts';
import { resourcesOf } from '../wikidata/resources.ts';
import {
  allFindings,
  type Diff,
  diff,
  fetchSnapshot,
  isSerious,
  type Snapshot,
  type Status,
} from '../wikidata/verify.ts';
import { EXIT, type Out, UsageError } from './io.ts';
import { textTable } from './table.ts';

/** What tests (and embedders) may supply instead of the defaults. */
export interface Deps {
  /** A Graph already built from the same root (building one takes seconds). */
  graph?: Graph;
  fetchImpl?: typeof fetch;
  now?: () => Date;
  /** Show progress on stderr (default: when stderr is a terminal). */
  progress?: boolean;
}

const COMMON = {
  root: { type: 'string' },
  base: { type: 'string' },
  linkset: { type: 'string' },
  api: { type: 'string' },
  endpoint: { type: 'string' },
  pace: { type: 'string' },
  timeout: { type: 'string' },
} as const;

const USAGE = `usage: npcsc-kg wikidata <subcommand> [options]

  reconcile [--accept] [--threshold ${DEFAULTS.threshold}] [--review wikidata-review.json]
            find and score candidates for every unlinked resource; write the review file;
            with --accept, write the links that pass into the linkset
  accept    --review FILE --by NAME
            write the links a reviewer chose in a review file ("accept": "Q…")
  import    --evidence FILE --by NAME
            write links read from documents (an evidence file: method, and per link the resource,
            the item and the documents with repository, path, commit and the quoted row)
  verify    [--json] [--snapshot wikidata-snapshot.json]
            fetch every linked entity and report what differs; keep what was fetched
  export    [--format turtle|qs] [--snapshot wikidata-snapshot.json] [--out FILE]
            the tenures of linked people as Wikidata-shaped RDF, or QuickStatements v1 from verify's snapshot
            (on stderr, what a person must do: values that differ, and "not written:" statements whose office
            or person has no item); exits 3 with a message when the linkset holds no link

common: --root DIR  --base IRI  --linkset FILE  --api ${WIKIDATA_API}
        --endpoint ${WIKIDATA_QUERY_SERVICE}  --pace 1000 (ms between requests)  --timeout 30000 (ms)
exit codes: 0 ok, 1 verify found mismatches, 2 usage, 3 input, 4 network failure (nothing written)
`;

type Values = { [K in keyof typeof COMMON]?: string };

function number(
  v: string | undefined,
  name: string,
  fallback: number,
  min = 0,
  max = Number.POSITIVE_INFINITY,
): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new UsageError(`--${name} must be a number from ${min} to ${max}, got "${v}"`);
  return n;
}

function url(v: string | undefined, name: string, fallback: string): string {
  const s = v ?? fallback;
  try {
    const u = new URL(s);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
    return u.href;
  } catch {
    throw new UsageError(`--${name} must be an http(s) URL, got "${s}"`);
  }
}

interface Setup {
  graph: Graph;
  linkset: Linkset;
  linksetFile: string;
  prefixes: Record<string, string>;
  client: () => WikidataClient;
}

async function setup(values: Values, io: Out, deps: Deps): Promise<Setup> {
  const config = makeConfig({
    ...(values.root ? { root: path.resolve(values.root) } : {}),
    ...(values.base ? { base: values.base } : {}),
  });
  const api = url(values.api, 'api', WIKIDATA_API);
  const sparql = url(values.endpoint, 'endpoint', WIKIDATA_QUERY_SERVICE);
  const paceMs = number(values.pace, 'pace', 1000);
  const timeoutMs = number(values.timeout, 'timeout', 30_000, 1);
  const linksetFile = path.resolve(values.linkset ?? path.join(config.root, 'data', 'links', 'wikidata.ttl'));
  const graph = deps.graph ?? (await buildGraph(config));
  const linkset = readLinkset(linksetFile, graph.base);
  for (const u of linkset.unevidenced) {
    io.err(
      `warning: ${u.resource} owl:sameAs ${u.target} has no complete evidence (${u.missing.join(', ')}); it is not used, and the tool drops it when it rewrites the file\n`,
    );
  }
  return {
    graph,
    linkset,
    linksetFile,
    prefixes: { ...graph.prefixes, tenure: `${graph.base}id/tenure/` },
    client: () =>
      new WikidataClient({ api, sparql, paceMs, timeoutMs, ...(deps.fetchImpl ? { fetchImpl: deps.fetchImpl } : {}) }),
  };
}

function progressTo(io: Out, deps: Deps): ((done: number, total: number, what: string) => void) | undefined {
  if (!(deps.progress ?? process.stderr.isTTY)) return undefined;
  return (done, total, what) => io.err(`\r\u001b[K[${done}/${total}] ${what}${done === total ? '\n' : ''}`);
}

async function cmdReconcile(args: string[], io: Out, deps: Deps): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ...COMMON,
      accept: { type: 'boolean' },
      threshold: { type: 'string' },
      margin: { type: 'string' },
      review: { type: 'string' },
    },
  });
  const threshold = number(values.threshold, 'threshold', DEFAULTS.threshold, 0, 1);
  const margin = number(values.margin, 'margin', DEFAULTS.margin, 0, 1);
  const reviewFile = path.resolve(values.review ?? 'wikidata-review.json');
  const s = await setup(values, io, deps);
  const progress = progressTo(io, deps);
  const { review, links } = await reconcile(s.graph, s.linkset, s.client(), {
    threshold,
    margin,
    accept: values.accept ?? false,
    now: deps.now ?? (() => new Date()),
    ...(progress ? { progress } : {}),
  });
  // Only now, with every answer in, is anything written.
  writeFileAtomically(reviewFile, `${JSON.stringify(review, null, 2)}\n`);
  if (links.length > 0) writeLinkset(s.linkset, s.graph.base, { links, activities: [review.activity] });

  const todo = review.entries.filter((e) => e.decision !== 'linked');
  const rows = todo.map((e) => {
    const best = e.candidates.find((c) => c.id === e.item);
    return [
      e.decision,
      compactIri(e.resource, s.prefixes),
      e.item ?? '',
      best ? best.score.toFixed(3) : '',
      best?.label ?? '',
      String(e.candidates.length),
    ];
  });
  if (rows.length > 0) io.out(textTable(['decision', 'resource', 'item', 'score', 'label', 'candidates'], rows));
  const count = (d: string) => review.entries.filter((e) => e.decision === d).length;
  io.out(
    `\n${todo.length} resource(s) reconciled: ${count('accepted')} accepted, ${count('proposed')} proposed, ` +
      `${count('ambiguous')} ambiguous, ${count('weak')} weak, ${count('conflict')} conflicting, ` +
      `${count('no-candidates')} without candidates; ${count('linked')} already linked\n` +
      `review: ${reviewFile}\n` +
      (links.length > 0
        ? `wrote ${links.length} link(s) to ${s.linksetFile}\n`
        : count('proposed') > 0
          ? 'no link written: run again with --accept, or set "accept" in the review file and run `npcsc-kg wikidata accept`\n'
          : ''),
  );
  return EXIT.ok;
}

async function cmdAccept(args: string[], io: Out, deps: Deps): Promise<number> {
  const { values } = parseArgs({ args, options: { ...COMMON, review: { type: 'string' }, by: { type: 'string' } } });
  if (!values.review) throw new UsageError('accept needs --review FILE (written by reconcile, with "accept" set)');
  if (!values.by?.trim()) throw new UsageError('accept needs --by NAME: the person who reviewed the candidates');
  const review = JSON.parse(readFileSync(values.review, 'utf8')) as Review;
  if (!Array.isArray(review.entries) || !review.activity) throw new UsageError(`${values.review} is not a review file`);
  const s = await setup(values, io, deps);
  const { links, errors } = acceptReviewed(review, s.linkset, values.by.trim(), (deps.now ?? (() => new Date()))());
  for (const e of errors) io.err(`refused: ${e}\n`);
  if (errors.length > 0) {
    io.err('nothing was written.\n');
    return EXIT.input;
  }
  if (links.length === 0) {
    io.out(`no entry of ${values.review} has "accept" set; nothing to write\n`);
    return EXIT.ok;
  }
  writeLinkset(s.linkset, s.graph.base, { links, activities: [review.activity] });
  io.out(`wrote ${links.length} link(s) accepted by ${values.by.trim()} to ${s.linksetFile}\n`);
  return EXIT.ok;
}

async function cmdImport(args: string[], io: Out, deps: Deps): Promise<number> {
  const { values } = parseArgs({ args, options: { ...COMMON, evidence: { type: 'string' }, by: { type: 'string' } } });
  if (!values.evidence) throw new UsageError('import needs --evidence FILE (JSON: method, links with their documents)');
  if (!values.by?.trim()) throw new UsageError('import needs --by NAME: the person who read the documents');
  let file: unknown;
  try {
    file = JSON.parse(readFileSync(values.evidence, 'utf8'));
  } catch (e) {
    io.err(`npcsc-kg wikidata import: cannot read ${values.evidence}: ${(e as Error).message}\nnothing was written.\n`);
    return EXIT.input;
  }
  const s = await setup(values, io, deps);
  const by = values.by.trim();
  const { links, activity, errors } = importEvidence(s.graph, s.linkset, file, by, (deps.now ?? (() => new Date()))());
  for (const e of errors) io.err(`refused: ${e}\n`);
  if (errors.length > 0 || !activity) {
    io.err('nothing was written.\n');
    return EXIT.input;
  }
  writeLinkset(s.linkset, s.graph.base, { links, activities: [activity] });
  io.out(`wrote ${links.length} link(s) with their documents, imported by ${by}, to ${s.linksetFile}\n`);
  return EXIT.ok;
}

async function cmdVerify(args: string[], io: Out, deps: Deps): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { ...COMMON, json: { type: 'boolean' }, snapshot: { type: 'string' } },
  });
  const snapshotFile = path.resolve(values.snapshot ?? 'wikidata-snapshot.json');
  const s = await setup(values, io, deps);
  const snapshot = await fetchSnapshot(s.graph, s.linkset, s.client(), (deps.now ?? (() => new Date()))());
  writeFileAtomically(snapshotFile, `${JSON.stringify(snapshot, null, 2)}\n`);
  const d = diff(s.graph, s.linkset, snapshot.entities);
  const findings = allFindings(d);
  if (values.json) {
    io.out(
      `${JSON.stringify({ fetchedAt: snapshot.fetchedAt, links: d.checks.length, snapshot: snapshotFile, findings }, null, 2)}\n`,
    );
  } else {
    io.out(findingsTable(d, s.prefixes));
    io.out(`snapshot: ${snapshotFile}\n`);
  }
  return findings.some(isSerious) ? EXIT.invalid : EXIT.ok;
}

async function cmdExport(args: string[], io: Out, deps: Deps): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { ...COMMON, format: { type: 'string' }, snapshot: { type: 'string' }, out: { type: 'string' } },
  });
  const format = values.format ?? 'turtle';
  if (format !== 'turtle' && format !== 'qs') throw new UsageError(`--format must be turtle or qs, got "${format}"`);
  const s = await setup(values, io, deps);
  if (s.linkset.links.length === 0) {
    // Printing nothing with success would read as "Wikidata lacks nothing"; the truth is that nothing is linked.
    io.err(
      `npcsc-kg wikidata export: ${s.linksetFile} holds no link, so there is nothing to export; link resources first ` +
        '(`npcsc-kg wikidata reconcile`, `accept` or `import`)\n',
    );
    return EXIT.input;
  }
  let text: string;
  if (format === 'turtle') {
    text = await wikidataShapedTurtle(s.graph, s.linkset);
  } else {
    const snapshotFile = path.resolve(values.snapshot ?? 'wikidata-snapshot.json');
    let snapshot: Snapshot;
    try {
      snapshot = JSON.parse(readFileSync(snapshotFile, 'utf8')) as Snapshot;
    } catch {
      io.err(`npcsc-kg wikidata export: no snapshot at ${snapshotFile}; run \`npcsc-kg wikidata verify\` first\n`);
      return EXIT.input;
    }
    // Links added after verify ran were never compared: they are left out, never guessed.
    const fresh = s.linkset.links.filter((l) => snapshot.links[l.resource] === l.qid);
    for (const l of s.linkset.links.filter((x) => !fresh.includes(x))) {
      io.err(`skipped ${l.resource} (${l.qid}): not in the snapshot; run verify again\n`);
    }
    const linkset: Linkset = { ...s.linkset, links: fresh };
    const names = new Map(resourcesOf(s.graph).map((r) => [r.iri, r.labels.en ?? r.labels['zh-hans'] ?? r.iri]));
    const qs = quickStatements(diff(s.graph, linkset, snapshot.entities), linkMap(linkset), names);
    for (const m of qs.manual) io.err(`needs a person: ${m}\n`);
    io.err(`${qs.lines.length} QuickStatements line(s) from the snapshot of ${snapshot.fetchedAt}\n`);
    const unwritten = qs.manual.filter((m) => m.startsWith('not written:')).length;
    if (unwritten > 0) io.err(`${unwritten} statement(s) or qualifier(s) not written, listed above for a person\n`);
    text = qs.lines.length > 0 ? `${qs.lines.join('\n')}\n` : '';
  }
  if (values.out) {
    writeFileAtomically(values.out, text);
    io.err(`wrote ${values.out}\n`);
  } else io.out(text);
  return EXIT.ok;
}

const SUBCOMMANDS: Record<string, (args: string[], io: Out, deps: Deps) => Promise<number>> = {
  reconcile: cmdReconcile,
  accept: cmdAccept,
  import: cmdImport,
  verify: cmdVerify,
  export: cmdExport,
};

/** Runs one `wikidata` subcommand; returns the exit code. A network failure writes nothing and exits 4. */
export async function wikidataCommand(args: string[], io: Out, deps: Deps = {}): Promise<number> {
  const [name, ...rest] = args;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    io.out(USAGE);
    return name ? EXIT.ok : EXIT.usage;
  }
  const run = SUBCOMMANDS[name];
  if (!run) {
    io.err(`npcsc-kg wikidata: unknown subcommand "${name}"\n${USAGE}`);
    return EXIT.usage;
  }
  try {
    return await run(rest, io, deps);
  } catch (e) {
    const err = e as Error & { code?: string };
    if (e instanceof UsageError || err.code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`npcsc-kg wikidata ${name}: ${err.message}\n`);
      return EXIT.usage;
    }
    if (e instanceof NetworkError || e instanceof OutboundRefused) {
      io.err(`npcsc-kg wikidata ${name}: ${err.message}\nnothing was written.\n`);
      return EXIT.failure;
    }
    if (e instanceof LinksetError || e instanceof SyntaxError) {
      io.err(`npcsc-kg wikidata ${name}: ${err.message}\n`);
      return EXIT.input;
    }
    throw e;
  }
}

/** A plain-text table of the findings that are not ok, then a count line. */
function findingsTable(d: Diff, prefixes: Record<string, string>): string {
  const all = allFindings(d);
  const shown = all.filter((f) => f.status !== 'ok');
  const rows = shown.map((f) => [
    compactIri(f.resource, prefixes),
    f.item,
    f.tenure ? `${f.field} (${compactIri(f.tenure, prefixes)})` : f.field,
    f.status,
    f.ours ?? '',
    f.theirs ?? '',
    f.note ?? '',
  ]);
  const head = ['resource', 'item', 'field', 'status', 'ours', 'wikidata', 'note'];
  const count = (s: Status) => all.filter((f) => f.status === s).length;
  const summary =
    `${d.checks.length} link(s) checked: ${count('ok')} ok, ${count('mismatch')} mismatch, ${count('missing')} missing in Wikidata, ` +
    `${count('extra')} extra in Wikidata, ${count('less-precise')} less precise, ${count('gone') + count('unevidenced')} broken link(s)\n`;
  return shown.length === 0 ? summary : `${textTable(head, rows)}\n${summary}`;
}
