// Validation: SHACL shapes plus the integrity queries of queries/checks/ (each must return no rows).
import type { Quad, Store } from 'n3';
import type { Violation } from '../rdf/graph.ts';
import type { QueryFile } from '../rdf/queries.ts';
import { type Row, select } from '../store/comunica.ts';
import { RuleError } from './derive.ts';

const SEVERITY: Record<string, Violation['severity']> = {
  'http://www.w3.org/ns/shacl#Violation': 'violation',
  'http://www.w3.org/ns/shacl#Warning': 'warning',
  'http://www.w3.org/ns/shacl#Info': 'info',
};

const SH_PROPERTY = 'http://www.w3.org/ns/shacl#property';

/** `shacl:<ShapeName>`: the named node shape a result comes from, through its property shape if need be. */
function shapeNamer(shapes: readonly Quad[]): (shape: string | undefined) => string {
  const parent = new Map<string, string>();
  for (const q of shapes) if (q.predicate.value === SH_PROPERTY) parent.set(q.object.value, q.subject.value);
  return (shape) => {
    const named = shape === undefined ? undefined : (parent.get(shape) ?? shape);
    const local = named?.split(/[#/]/).pop();
    return local ? `shacl:${local}` : 'shacl';
  };
}

export async function validateShacl(store: Store, shapes: readonly Quad[]): Promise<Violation[]> {
  if (shapes.length === 0) throw new Error('no SHACL shapes loaded: validation would validate nothing');
  // Loaded here, not at the top: a server starting from the build cache never validates, so never pays for it.
  // The validator's own environment (data model, dataset, clownface) is all it uses: @zazuko/env's full one also
  // loaded every RDF parser and serializer and the vocabularies, 0.2-0.4 s of a build on this machine.
  const { default: SHACLValidator } = await import('rdf-validate-shacl');
  const validator = new SHACLValidator(shapes as never);
  const report = await validator.validate(store as never);
  const nameOf = shapeNamer(shapes);
  return report.results.map((r) => ({
    source: nameOf(r.sourceShape?.value),
    severity: SEVERITY[r.severity?.value ?? ''] ?? 'violation',
    focus: r.focusNode?.value ?? '',
    ...(r.path ? { path: r.path.value } : {}),
    ...(r.value ? { value: r.value.value } : {}),
    message: r.message.map((m) => m.value).join('; ') || 'SHACL constraint not met',
  }));
}

/** What runs a check's SELECT: Comunica over the store by default, Oxigraph over a copy for large graphs. */
export type CheckRunner = (text: string, base: string) => Promise<Row[]>;

/** Runs each check; every returned row is a violation. Rows name `?focus`, optionally `?path`, `?value`. */
export async function runChecks(
  store: Store,
  checks: readonly QueryFile[],
  base: string,
  run: CheckRunner = (text, baseIRI) => select(store, text, { baseIRI, timeoutMs: 60_000 }),
): Promise<Violation[]> {
  const out: Violation[] = [];
  for (const check of checks) {
    let rows: Row[];
    try {
      rows = await run(check.text, base);
    } catch (error) {
      throw new RuleError(check.file, error as Error);
    }
    for (const row of rows) {
      out.push({
        source: `check:${check.name}`,
        severity: check.severity,
        focus: row.focus?.value ?? '',
        ...(row.path ? { path: row.path.value } : {}),
        ...(row.value ? { value: row.value.value } : {}),
        message: check.title,
      });
    }
  }
  return out;
}

export async function validate(
  store: Store,
  shapes: readonly Quad[],
  checks: readonly QueryFile[],
  base: string,
  run?: CheckRunner,
) {
  return [...(await validateShacl(store, shapes)), ...(await runChecks(store, checks, base, run))];
}
