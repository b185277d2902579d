// The default store: Oxigraph answers every local query; a query that federates (SERVICE) goes to Comunica, loaded the first time one arrives.
//
// Measured on this machine, Oxigraph answers the example queries many times faster than Comunica and holds the
// graph in a fraction of the memory, but its WASM build cannot call a SERVICE (and must not: no call may bypass
// the outbound guard, src/outbound.ts). Comunica calls one through that guard. A process that never federates
// never imports Comunica nor builds the RDF/JS copy it reads.

import type { Backend, DatasetRunOptions } from './backend.ts';
import type { QueryResult } from './comunica.ts';
import { type OxigraphBackend, prepare } from './oxigraph.ts';

export class EmbeddedBackend implements Backend {
  readonly kind = 'memory' as const;
  private federated: Promise<Backend> | undefined;

  constructor(
    readonly local: OxigraphBackend,
    /** Makes the Comunica backend over the same graph; called once, when the first SERVICE query arrives. */
    private readonly federation: () => Promise<Backend>,
  ) {}

  async run(query: string, options: DatasetRunOptions = {}): Promise<QueryResult> {
    const prepared = options.prepared ?? prepare(query, options);
    if (prepared.services.length === 0) return this.local.runPrepared(prepared, options);
    if (!this.federated) {
      const loading = this.federation();
      // A failed load is not kept: the next SERVICE query tries again.
      loading.catch(() => {
        if (this.federated === loading) this.federated = undefined;
      });
      this.federated = loading;
    }
    return (await this.federated).run(query, options);
  }

  /** A SELECT's answer as Oxigraph writes it (see OxigraphBackend.writeSelect); undefined for one that federates. */
  writeSelect(query: string, options: DatasetRunOptions, mediaType: string): string | undefined {
    const prepared = options.prepared ?? prepare(query, options);
    if (prepared.services.length > 0) return undefined;
    return this.local.writePrepared(prepared, options, mediaType);
  }

  /** Whether Comunica has been asked for (for tests and operators: a process that never federates never loads it). */
  get federating(): boolean {
    return this.federated !== undefined;
  }

  close(): void {
    this.local.close();
  }
}
