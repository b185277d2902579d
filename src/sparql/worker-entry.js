// Starts a query worker thread: a thread does not inherit the TypeScript loader, so it registers its own first.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
