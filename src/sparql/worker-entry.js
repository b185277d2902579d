// Starts a query runner (a child process forked without the parent's flags): it registers the TypeScript loader first.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
