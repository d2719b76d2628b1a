/**
 * Runs a what-if simulation in a worker thread, so a manager's question never stalls the engine's event loop
 * (the API and the dialer share the process). One worker per request, ended after `timeoutMs`.
 */
import { Worker } from 'node:worker_threads';
import type { SimulationReport } from './runner.js';
import type { Scenario } from './scenario.js';
import type { WhatIfInput } from './what-if.js';

const ENTRY = new URL('./what-if-worker.mjs', import.meta.url);

export function runWhatIfInWorker(scenario: Scenario, input: WhatIfInput, timeoutMs = 60_000): Promise<SimulationReport> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(ENTRY, { workerData: { scenario, input } });
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error(`the simulation took longer than ${timeoutMs / 1000} s`));
    }, timeoutMs);
    worker.once('message', (report: SimulationReport) => {
      clearTimeout(timer);
      resolve(report);
      void worker.terminate();
    });
    worker.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    worker.once('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`simulation worker exited with ${code}`));
    });
  });
}
