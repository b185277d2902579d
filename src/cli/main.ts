// The npcsc-kg command: dispatches to one command, prints usage, and turns every error into a message and an exit code.
import path from 'node:path';
import { RuleError } from '../build/derive.ts';
import { ValidationFailed } from '../rdf/graph.ts';
import { DataSyntaxError, EncodingError, InputFileError } from '../rdf/load.ts';
import { QueryTimeout } from '../store/comunica.ts';
import { EXIT, type Out, stdio, UsageError } from './io.ts';

const COMMANDS: Record<string, { run: (args: string[], io: Out) => Promise<number>; help: string }> = {
  build: {
    run: async (args, io) => (await import('./build.ts')).cmdBuild(args, io),
    help: 'build [--out dist] [--base IRI]   load, derive, validate; write dumps',
  },
  validate: {
    run: async (args, io) => (await import('./build.ts')).cmdValidate(args, io),
    help: 'validate [--json]                 report violations and warnings',
  },
  query: {
    run: async (args, io) => (await import('./query.ts')).cmdQuery(args, io),
    help: 'query FILE.rq | -e TEXT [--format table|json|xml|csv|tsv|turtle|ntriples|jsonld] [--store memory|oxigraph|comunica|sparql --endpoint URL]',
  },
  stats: {
    run: async (args, io) => (await import('./build.ts')).cmdStats(args, io),
    help: 'stats [--json]                    counts of the built graph',
  },
  serve: {
    run: async (args, io) => (await import('./serve.ts')).serveCommand(args, io),
    help: 'serve [--port 3000] [--host 127.0.0.1] [--base IRI] [--public-base URL] [--store memory|oxigraph|comunica|sparql --endpoint URL [--update URL]]',
  },
  export: {
    run: async (args, io) => (await import('./export.ts')).exportCommand(args, io),
    help: 'export --out site/ [--public-base URL]   write the static site',
  },
  generate: {
    run: async (args, io) => (await import('./generate.ts')).generateCommand(args, io),
    help: 'generate --offices N --out DIR [--seed S] [--force]   write a larger synthetic graph of the same shape',
  },
  wikidata: {
    run: async (args, io) => (await import('./wikidata.ts')).wikidataCommand(args, io),
    help: 'wikidata reconcile|accept|import|verify|export [options]   link to Wikidata (see README; `wikidata help` for each)',
  },
};

function usage(): string {
  return `usage: npcsc-kg <command> [options]\n\n${Object.values(COMMANDS)
    .map((c) => `  npcsc-kg ${c.help}`)
    .join('\n')}\n\nexit codes: 0 ok, 1 validation failed, 2 usage error, 3 input error, 4 other failure\n`;
}

/** Runs one command; returns the exit code. Every error becomes a message, never a stack trace. */
export async function main(argv: string[], io: Out = stdio): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name ? EXIT.ok : EXIT.usage;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`npcsc-kg: unknown command "${name}"\n${usage()}`);
    return EXIT.usage;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.out(`usage: npcsc-kg ${command.help}\n`);
    return EXIT.ok;
  }
  try {
    return await command.run(args, io);
  } catch (e) {
    const err = e as Error & { code?: string };
    if (
      e instanceof UsageError ||
      err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ||
      err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE'
    ) {
      io.err(`npcsc-kg ${name}: ${err.message}\n`);
      return EXIT.usage;
    }
    if (e instanceof ValidationFailed) {
      io.err(`npcsc-kg ${name}: ${err.message}\nnothing was written.\n`);
      return EXIT.invalid;
    }
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') {
      // Node's own text ("ENOENT: no such file or directory, stat '…'") names the system call, not the problem.
      const missing = (err as { path?: string }).path;
      const shown =
        missing && !path.relative(process.cwd(), missing).startsWith('..')
          ? path.relative(process.cwd(), missing)
          : missing;
      io.err(`npcsc-kg ${name}: ${shown ? `${shown}: ` : ''}no such file or folder\n`);
      return EXIT.input;
    }
    // A rule or check that cannot run (a syntax error, a SERVICE, which the build never calls) is a broken input file.
    if (
      e instanceof DataSyntaxError ||
      e instanceof EncodingError ||
      e instanceof InputFileError ||
      e instanceof RuleError ||
      e instanceof QueryTimeout
    ) {
      io.err(`npcsc-kg ${name}: ${err.message}\n`);
      return EXIT.input;
    }
    if (/parse|syntax|Expected|Unexpected/i.test(err.message)) {
      io.err(`npcsc-kg ${name}: ${err.message}\n`);
      return EXIT.input;
    }
    io.err(`npcsc-kg ${name}: ${err.message}\n`);
    return EXIT.failure;
  }
}
