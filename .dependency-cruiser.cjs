// The architecture of src/, as the rule that holds it: floors, lowest first; a file imports only from its own
// folder or from floors below its own, and no import closes a circle. Run by `npm run lint` (and so by CI).
//
// Why this cut: the data flows from the ground up. rdf/ knows the Graph and its formats and needs no engine; the
// HTTP kit stands on rdf/ because a route module receives the Graph; store/ holds the query engines (Comunica is
// one backend among the others); build/ derives and validates with them; publish/ (documents and pages) reads the
// Graph only; the other interfaces build on it; the app assembles the route table; the CLI drives it all.
const FLOORS = [
  ['ground', ['^src/(config|outbound|atomic|matching|lazy|code-digest)[.]ts$']],
  ['rdf', ['^src/rdf/']],
  ['http kit', ['^src/http/']],
  ['engines', ['^src/store/']],
  ['build', ['^src/build/']],
  ['documents and pages', ['^src/publish/', '^src/generate/']],
  ['interfaces', ['^src/sparql/', '^src/search/', '^src/export/', '^src/wikidata/']],
  ['reconciliation', ['^src/reconcile/']],
  ['app', ['^src/app[.]ts$', '^src/server[.]ts$']],
  ['commands', ['^src/cli/']],
  ['entry point', ['^src/bin/']],
];

// A floor imports only from the floors below it.
const upward = FLOORS.flatMap(([name, paths], i) => {
  const above = FLOORS.slice(i + 1).flatMap(([, p]) => p);
  if (above.length === 0) return [];
  const below = FLOORS.slice(0, i).map(([n]) => n);
  return [
    {
      name: `no-upward-import-from-${name.replaceAll(' ', '-')}`,
      comment: `${name} (floor ${i + 1}) imports only from the floors below it: ${below.join(', ') || 'none'}`,
      severity: 'error',
      from: { path: paths },
      to: { path: above },
    },
  ];
});

// Folders on the same floor stay independent of each other: each stands on the floors below only.
const sideways = FLOORS.flatMap(([name, paths]) =>
  paths.map((from) => ({ from, others: paths.filter((p) => p !== from) }))
    .filter(({ others }) => others.length > 0)
    .map(({ from, others }) => ({
      name: `no-sideways-import-on-${name.replaceAll(' ', '-')}`,
      comment: `the folders of the ${name} floor do not import each other`,
      severity: 'error',
      from: { path: from },
      to: { path: others },
    })),
);

module.exports = {
  forbidden: [
    ...upward,
    ...sideways,
    {
      name: 'no-circular',
      comment: 'no circle of imports, at any distance',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-unresolvable',
      comment: 'every relative import names a file that is there',
      severity: 'error',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/.*[.](css)$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // Packages' subpath exports (hono/html, tsx/esm/api) resolve as Node resolves them.
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'node', 'default'] },
  },
};
