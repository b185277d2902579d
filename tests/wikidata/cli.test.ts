// The `wikidata` command line: usage errors, exit codes and progress, without touching any network.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../src/rdf/graph.ts';
import { realGraph } from '../support/graph.ts';
import { type StandIn, startStandIn } from './standin.ts';
import { endpoints, run, workdir } from './support.ts';

let graph: Graph;
let wd: StandIn;
const w = workdir();
beforeAll(async () => {
  graph = await realGraph();
  wd = await startStandIn();
});
afterAll(async () => {
  await wd.close();
  w.remove();
});

describe('The wikidata command', () => {
  it('prints its usage, and exits 2 without a subcommand', async () => {
    const r = await run([], { graph });
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/reconcile .*verify .*export/s);
    expect((await run(['help'], { graph })).code).toBe(0);
  });

  it('rejects an unknown subcommand, an unknown option and a bad value with exit 2', async () => {
    expect((await run(['frobnicate'], { graph })).code).toBe(2);
    expect((await run(['verify', '--nope'], { graph })).code).toBe(2);
    const bad = await run(['reconcile', '--threshold', '1.5', '--linkset', w.linkset], { graph });
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--threshold must be a number from 0 to 1/);
    expect((await run(['export', '--format', 'csv', '--linkset', w.linkset], { graph })).code).toBe(2);
    expect((await run(['reconcile', '--api', 'ftp://x/w/api.php', '--linkset', w.linkset], { graph })).code).toBe(2);
  });

  it('shows progress on stderr when asked to (as on a terminal)', async () => {
    const r = await run(['reconcile', ...endpoints(wd, ['--linkset', w.linkset, '--review', `${w.dir}/review.json`])], {
      graph,
      progress: true,
    });
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/\[1\/49\] Chairperson of the Standing Committee/);
    expect(r.err).toMatch(/\[49\/49\] Zhu De\n/);
  });

  it.each(['turtle', 'qs'])('says so when asked to export (%s) from an empty linkset, and exits 3', async (format) => {
    const r = await run(['export', '--format', format, '--linkset', w.linkset], { graph });
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/holds no link, so there is nothing to export/);
    expect(r.out).toBe('');
  });

  it('verifies an empty linkset with no request and no complaint', async () => {
    const from = wd.requests.length;
    const r = await run(['verify', ...endpoints(wd, ['--linkset', w.linkset, '--snapshot', `${w.dir}/snap.json`])], {
      graph,
    });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^0 link\(s\) checked/);
    expect(wd.requests.length).toBe(from);
  });
});
