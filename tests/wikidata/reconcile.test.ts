// Reconciliation against the local stand-in: true match, namesakes, duplicates, no match, failures that write nothing.
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../src/rdf/graph.ts';
import { readLinkset } from '../../src/wikidata/linkset.ts';
import type { Review, ReviewEntry } from '../../src/wikidata/reconcile.ts';
import { realGraph } from '../support/graph.ts';
import { type StandIn, startStandIn } from './standin.ts';
import { EMPTY_LINKSET, endpoints, read, run, workdir } from './support.ts';

let graph: Graph;
let wd: StandIn;
const dirs: ReturnType<typeof workdir>[] = [];
const id = (p: string) => `${graph.base}id/${p}`;

beforeAll(async () => {
  graph = await realGraph();
  wd = await startStandIn();
});
afterAll(() => wd.close());
afterEach(() => {
  for (const d of dirs.splice(0)) d.remove();
});

async function reconcileInto(extra: string[] = [], stand = wd) {
  const w = workdir();
  dirs.push(w);
  const review = path.join(w.dir, 'review.json');
  const r = await run(['reconcile', ...endpoints(stand, ['--linkset', w.linkset, '--review', review, ...extra])], {
    graph,
  });
  const entries = existsSync(review) ? (JSON.parse(read(review)) as Review).entries : [];
  const entry = (p: string) => entries.find((e) => e.resource === id(p)) as ReviewEntry;
  return { ...r, w, review, entries, entry };
}

describe('Reconciling with --accept against the stand-in', () => {
  it('links the true match of a person, with evidence for each criterion', async () => {
    const { code, w, entry } = await reconcileInto(['--accept']);
    expect(code).toBe(0);
    const peng = entry('person/peng-zhen');
    expect(peng.decision).toBe('accepted');
    expect(peng.item).toBe('Q900000002');
    const evidence = Object.fromEntries(peng.candidates[0]?.evidence.map((e) => [e.criterion, e.outcome]) ?? []);
    expect(evidence).toEqual({
      'label@en': 'match',
      'label@zh-hans': 'match',
      human: 'match',
      birth: 'match',
      death: 'match',
      citizenship: 'match',
      position: 'match',
    });
    const linkset = readLinkset(w.linkset, graph.base);
    const link = linkset.links.find((l) => l.resource === id('person/peng-zhen'));
    expect(link?.qid).toBe('Q900000002');
    expect(link?.score).toBe(1);
    expect(link?.acceptedBy).toEqual({ kind: 'tool' });
    expect(link?.acceptedAt).toBe('2025-01-02T03:04:05.000Z');
    expect(link?.evidence.some((e) => e.startsWith('position: match'))).toBe(true);
    expect(linkset.activities.map((a) => a.used)).toEqual([[wd.api, wd.sparql].sort()]);
    expect(linkset.unevidenced).toEqual([]);
  });

  it('links the office first, so that "position held" can count for its holders', async () => {
    const { entry } = await reconcileInto(['--accept']);
    expect(entry('office/secretary-general')).toMatchObject({ decision: 'accepted', item: 'Q900000001' });
    expect(entry('npc-term/14')).toMatchObject({ decision: 'accepted', item: 'Q900000010' });
    expect(entry('org/npc')).toMatchObject({ decision: 'accepted', item: 'Q900000020' });
    // The holders of the linked office were asked for through the Query Service.
    expect(
      wd.requests.some((r) => r.path === '/sparql' && /ps:P39 wd:Q900000001/.test(r.params.get('query') ?? '')),
    ).toBe(true);
  });

  it('tells two people with the same name apart by birth year', async () => {
    const { entry } = await reconcileInto(['--accept']);
    const liu = entry('person/liu-qi');
    expect(liu.decision).toBe('accepted');
    expect(liu.candidates.map((c) => c.id)).toEqual(['Q900000003', 'Q900000004']);
    const namesake = liu.candidates[1];
    expect(namesake?.evidence.find((e) => e.criterion === 'birth')).toMatchObject({ outcome: 'mismatch' });
    expect(namesake?.score).toBeLessThan(liu.candidates[0]?.score ?? 0);
  });

  it('accepts neither of two items that match equally well', async () => {
    const { entry, w } = await reconcileInto(['--accept']);
    const wang = entry('person/wang-hanbin');
    expect(wang.decision).toBe('ambiguous');
    expect(wang.candidates.map((c) => c.id).sort()).toEqual(['Q900000005', 'Q900000006']);
    expect(readLinkset(w.linkset, graph.base).links.map((l) => l.resource)).not.toContain(id('person/wang-hanbin'));
  });

  it('reports a resource that Wikidata does not have, and links nothing for it', async () => {
    const { entry, entries } = await reconcileInto(['--accept']);
    expect(entry('person/he-chunlin')).toMatchObject({ decision: 'no-candidates', candidates: [] });
    expect(
      entries
        .filter((e) => e.decision === 'accepted')
        .map((e) => e.item)
        .sort(),
    ).toEqual(['Q900000001', 'Q900000002', 'Q900000003', 'Q900000010', 'Q900000020']);
  });

  it('skips what is already linked on a second run, and keeps the first links', async () => {
    const first = await reconcileInto(['--accept']);
    const args = ['reconcile', ...endpoints(wd, ['--linkset', first.w.linkset, '--review', first.review, '--accept'])];
    const second = await run(args, { graph });
    expect(second.code).toBe(0);
    const entries = (JSON.parse(read(first.review)) as Review).entries;
    expect(entries.filter((e) => e.decision === 'linked')).toHaveLength(5);
    expect(readLinkset(first.w.linkset, graph.base).links).toHaveLength(5);
  });
});

describe('Reconciling without --accept', () => {
  it('writes the review but not the linkset, and needs the office link before counting position held', async () => {
    const { code, w, entry, out } = await reconcileInto();
    expect(code).toBe(0);
    expect(read(w.linkset)).toBe(read(EMPTY_LINKSET));
    expect(entry('person/peng-zhen').decision).toBe('proposed');
    // The office is only proposed, so no "position held" evidence, and a name alone is not enough.
    expect(entry('person/peng-zhen').candidates[0]?.evidence.map((e) => e.criterion)).not.toContain('position');
    expect(entry('person/wang-hanbin').decision).toBe('weak');
    expect(out).toMatch(/no link written/);
  });

  it('lets a reviewer accept a candidate by name, recorded as the acceptor', async () => {
    const { w, review } = await reconcileInto();
    const doc = JSON.parse(read(review)) as Review;
    const wang = doc.entries.find((e) => e.resource === id('person/wang-hanbin'));
    if (wang) wang.accept = 'Q900000006';
    writeFileSync(review, JSON.stringify(doc));
    const r = await run(['accept', '--review', review, '--by', 'A. Reviewer', '--linkset', w.linkset], { graph });
    expect(r.code).toBe(0);
    const link = readLinkset(w.linkset, graph.base).links.find((l) => l.resource === id('person/wang-hanbin'));
    expect(link).toMatchObject({ qid: 'Q900000006', acceptedBy: { kind: 'person', name: 'A. Reviewer' } });
    expect(link?.evidence.some((e) => e.startsWith('accepted by A. Reviewer after review'))).toBe(true);
  });

  it('refuses a reviewer choice that is not one of the candidates', async () => {
    const { w, review } = await reconcileInto();
    const doc = JSON.parse(read(review)) as Review;
    const he = doc.entries.find((e) => e.resource === id('person/he-chunlin'));
    if (he) he.accept = 'Q900000099';
    writeFileSync(review, JSON.stringify(doc));
    const before = read(w.linkset);
    const r = await run(['accept', '--review', review, '--by', 'A. Reviewer', '--linkset', w.linkset], { graph });
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/not one of its candidates/);
    expect(read(w.linkset)).toBe(before);
  });
});

describe('Reconciling when the network fails', () => {
  it('writes nothing when the connection drops halfway', async () => {
    const broken = await startStandIn({ failAfter: 10 });
    try {
      const { code, err, w } = await reconcileInto(['--accept'], broken);
      expect(code).toBe(4);
      expect(err).toMatch(/cannot reach .*nothing was written/s);
      expect(w.files()).toEqual(['wikidata.ttl']);
      expect(read(w.linkset)).toBe(read(EMPTY_LINKSET));
    } finally {
      await broken.close();
    }
  });

  it('gives up on a slow endpoint after the timeout, and writes nothing', async () => {
    // The stand-in would answer only after the test's own time limit: an answer at all means the timeout failed.
    const slow = await startStandIn({ delayMs: 120_000 });
    try {
      const { code, err, w } = await reconcileInto(['--accept', '--timeout', '200'], slow);
      expect(code).toBe(4);
      expect(err).toMatch(/no answer from .* within 200 ms/);
      expect(w.files()).toEqual(['wikidata.ttl']);
    } finally {
      await slow.close();
    }
  });
});
