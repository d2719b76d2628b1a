// API load for the engine-under-load benchmark, in its own worker thread (plain JavaScript: no loader needed) so that
// the clients' own work is not counted on the API thread. `clients` loops (each with its own API key), each: POST /api/calls/start, POST
// /api/calls/end, GET /api/calls — until told to stop; then it answers with what it counted.
import { parentPort, workerData } from 'node:worker_threads';

const { base, apiKeys, clients } = workerData;
let running = true;
let requests = 0;
let errors = 0;
const latencies = [];

async function timed(i, path, init) {
  const headers = { 'content-type': 'application/json', 'x-api-key': apiKeys[i] };
  const t = performance.now();
  try {
    const res = await fetch(`${base}${path}`, { ...init, headers });
    const body = await res.json().catch(() => null);
    latencies.push(performance.now() - t);
    requests++;
    if (!res.ok) errors++;
    return body;
  } catch {
    errors++;
    return null;
  }
}

async function client(i) {
  let n = 0;
  while (running) {
    n++;
    const started = await timed(i, '/api/calls/start', { method: 'POST', body: JSON.stringify({ contact_id: `load-${i}-${n}`, contact_phone: `+50688${String(i).padStart(3, '0')}${String(n % 1000).padStart(3, '0')}` }) });
    if (!running) break;
    if (started?.call_id) await timed(i, '/api/calls/end', { method: 'POST', body: JSON.stringify({ call_id: started.call_id, status: 'COMPLETED' }) });
    if (!running) break;
    await timed(i, '/api/calls?limit=50', { method: 'GET' });
  }
}

const all = Array.from({ length: clients }, (_, i) => client(i));
parentPort.on('message', async (m) => {
  if (m !== 'stop') return;
  running = false;
  await Promise.all(all);
  latencies.sort((a, b) => a - b);
  const q = (p) => (latencies.length === 0 ? 0 : Math.round(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]));
  parentPort.postMessage({ requests, errors, p50Ms: q(50), p99Ms: q(99) });
});
parentPort.postMessage('started');
