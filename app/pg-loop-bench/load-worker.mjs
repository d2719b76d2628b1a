// API load for bench:pg-loop (./run.ts), in a worker thread of its own (plain JavaScript: no loader needed) so that the clients'
// own work is not counted on the product's loop. `clients` loops, each cycling through the heavy requests an
// operator's people make — the campaign's leads exported as XLSX and CSV, a report as PDF and XLSX, a page of 500
// calls, a lead file imported — and `sockets` live-feed connections (Socket.IO, as the web app's board). Runs until
// told to stop; then answers with what it counted per kind of request.
import { parentPort, workerData } from 'node:worker_threads';
import { io } from 'socket.io-client';

const { base, token, exportCampaignId, importCampaignId, importCsv, clients, sockets } = workerData;
const KINDS = [
  ['leads.xlsx', 'GET', `/api/campaigns/${exportCampaignId}/leads/export?format=xlsx`],
  ['report.pdf', 'GET', '/api/reports/daily/export?format=pdf'],
  ['leads.csv', 'GET', `/api/campaigns/${exportCampaignId}/leads/export?format=csv`],
  ['calls.500', 'GET', '/api/calls?limit=500'],
  ['report.xlsx', 'GET', '/api/reports/campaigns/export?format=xlsx'],
  ['import', 'POST', `/api/campaigns/${importCampaignId}/leads/import`],
];
let running = true;
const counts = {};
for (const [k] of KINDS) counts[k] = { requests: 0, errors: 0, ms: [] };
let bytes = 0;

async function once(kind, method, path) {
  const c = counts[kind];
  const headers = { authorization: `Bearer ${token}` };
  let body;
  if (kind === 'import') {
    body = new FormData();
    body.set('file', new Blob([importCsv], { type: 'text/csv' }), 'bench-import.csv');
    body.set('default_country', 'CR');
  }
  const t = performance.now();
  try {
    const res = await fetch(`${base}${path}`, { method, headers, body });
    const buf = await res.arrayBuffer();
    bytes += buf.byteLength;
    c.ms.push(performance.now() - t);
    c.requests++;
    // 503 import_queue_full is the product protecting itself, not a failure of the bench.
    if (!res.ok && !(kind === 'import' && res.status === 503)) c.errors++;
  } catch {
    c.errors++;
  }
}

async function client(i) {
  let n = i;
  while (running) {
    const [kind, method, path] = KINDS[n++ % KINDS.length];
    await once(kind, method, path);
  }
}

const live = [];
for (let i = 0; i < sockets; i++) {
  live.push(io(base, { path: '/socket.io', auth: { token }, transports: ['websocket'], reconnection: false }));
}
let events = 0;
for (const s of live) s.onAny(() => events++);
await Promise.all(live.map((s) => new Promise((r) => (s.connected ? r() : (s.once('connect', r), s.once('connect_error', r))))));
const connected = live.filter((s) => s.connected).length;

const all = Array.from({ length: clients }, (_, i) => client(i));
parentPort.on('message', async (m) => {
  if (m !== 'stop') return;
  running = false;
  await Promise.all(all);
  for (const s of live) s.close();
  const q = (xs, p) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length === 0 ? 0 : Math.round(s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]);
  };
  const kinds = Object.fromEntries(Object.entries(counts).map(([k, c]) => [k, { requests: c.requests, errors: c.errors, p50Ms: q(c.ms, 50), maxMs: q(c.ms, 100) }]));
  parentPort.postMessage({ kinds, megabytes: Math.round(bytes / 1e5) / 10, sockets: { asked: sockets, connected, events } });
});
parentPort.postMessage('started');
