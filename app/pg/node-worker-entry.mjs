// The engine node's thread of `npm start` on PostgreSQL. Sources are TypeScript run through tsx (no build step), and a
// worker thread has its own module loader, so it registers tsx itself before importing the real worker module.
import { register } from 'tsx/esm/api';

register();
await import('./node-worker.ts');
