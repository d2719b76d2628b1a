// Entry of the bench's sender child process: register tsx (sources are TypeScript), then run the sender.
import { register } from 'tsx/esm/api';

register();
await import('./sender.ts');
