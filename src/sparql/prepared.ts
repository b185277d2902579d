// The text an Oxigraph runner runs for a job, made in the server once per distinct query: a runner parses nothing.
//
// Most queries go to Oxigraph as written (src/store/portable.ts asWritten: a regular-expression test). The others (an
// operator Oxigraph 0.5 reads wrongly, a project function, bound parameters) are rewritten from a parse and a
// generation that cost 2-15 ms; done here once per distinct text, and kept, instead of in whichever runner gets
// the job, each of which would also load the SPARQL grammar (megabytes and a few hundred milliseconds) for it.
import { BoundedCache, stringBytes } from '../http/caching.ts';
import type { StoreKind } from '../store/backend.ts';
import { prepare } from '../store/oxigraph.ts';
import type { Prepared } from '../store/portable.ts';
import { fromWire, type Job } from './job.ts';

const made = new BoundedCache<Prepared>((p) => stringBytes(p.text), 1_000, 16 * 1024 * 1024);

/**
 * `job` with the text Oxigraph runs, where the store runs queries on Oxigraph (the default and `--store oxigraph`)
 * and the query calls no SERVICE (that one goes to Comunica, or is refused, in the runner as before). A text the
 * rewriting cannot read is left to the runner, which reports the error in its own words.
 */
export function withPrepared(job: Job, store: StoreKind): Job {
  if (job.prepared || (store !== 'memory' && store !== 'oxigraph')) return job;
  const key = `${job.extensions}\u0000${job.baseIRI}\u0000${job.bindings ? JSON.stringify(job.bindings) : ''}\u0000${job.query}`;
  let prepared = made.get(key);
  if (!prepared) {
    try {
      prepared = prepare(job.query, {
        baseIRI: job.baseIRI,
        extensions: job.extensions,
        ...(job.bindings
          ? { bindings: Object.fromEntries(Object.entries(job.bindings).map(([k, v]) => [k, fromWire(v)])) }
          : {}),
      });
    } catch {
      return job;
    }
    made.set(key, prepared);
  }
  return prepared.services.length > 0 ? job : { ...job, prepared };
}
