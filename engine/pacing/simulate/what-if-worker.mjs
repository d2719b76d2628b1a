// Worker thread entry for the what-if simulation (sources are TypeScript run through tsx, and a worker thread has
// its own module loader, so it registers tsx itself before importing the real module).
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { runWhatIf } = await import('./what-if.ts');
parentPort.postMessage(runWhatIf(workerData.scenario, workerData.input));
