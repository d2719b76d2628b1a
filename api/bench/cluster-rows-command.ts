/**
 * `centralita bench:cluster-rows [--nodes 2,4,8] [--agents 250] [--seconds 120] [--seed 7] [--json]` (#18)
 *
 * What the web app's wallboard costs at call-center scale on several nodes: every second each engine node publishes
 * its board to Redis, every API process builds the other nodes' agents and calls from the cluster's view
 * (`ClusterRowsTracker`, api/live/cluster-rows.ts) and sends each supervisor's socket what changed as
 * `cluster.rows.delta` (`RowsStream`, api/live/cluster-rows-delta.ts; the whole rows only on connect). This
 * simulates a busy center — per node `--agents` agents, calls dialled at 1.6 lines per ready agent, ringing, screened,
 * bridged for about 150 s and ended, agents through wrap-up and pauses — for `--seconds` simulated seconds, and
 * measures per configuration, with the baseline measured in the same run beside it:
 *  - bytes a supervisor's socket receives per second: deltas (now) against the whole rows sent on every change
 *    (before: `cluster.rows` each time, compared whole with JSON.stringify), and the ratio;
 *  - one emission's size: whole rows p50/max, a delta's p50/p95, the whole rows deflated (permessage-deflate, the
 *    alternative not taken: every socket would compress the whole rows itself);
 *  - CPU per view of the API's part: rows() + RowsStream.advance() against rows() + the whole-rows comparison;
 *  - one node's own board (the JSON each node already writes to Redis every second) and the `/cluster` namespace's
 *    counts-only summary, for scale.
 * Pure computation in this process (no Redis, no sockets): it measures payloads and CPU, not the network.
 * Prints a table, then one JSON object as the last line (with --json, only that line).
 */
import { deflateRawSync } from 'node:zlib';
import { parseArgs } from 'node:util';
import { clusterView, type BoardAgent, type BoardCall, type NodeBoard } from '../../engine/cluster/index.js';
import { mulberry32 } from '../../engine/random/index.js';
import { ClusterRowsTracker, RowsStream, summarizeCluster, type ClusterRows, type RegisteredNode } from '../live/index.js';

interface SimCall extends BoardCall {
  /** Simulated second at which the call moves to its next phase. */
  next: number;
}

interface SimAgent extends BoardAgent {
  next: number;
}

/** One node's calls and agents moving at a call center's pace (a Markov chain over phases with holding times). */
class SimNode {
  readonly agents: SimAgent[] = [];
  calls: SimCall[] = [];
  private seq = 0;

  constructor(
    readonly nodeId: string,
    agents: number,
    private readonly rnd: () => number,
  ) {
    for (let i = 0; i < agents; i++) this.agents.push({ id: `${nodeId}-agent-${String(i + 1).padStart(4, '0')}`, status: 'READY', since: 0, pauseReason: null, calls: [], next: 0 });
  }

  private hold(mean: number): number {
    return Math.max(1, Math.round(-Math.log(1 - this.rnd()) * mean));
  }

  step(t: number): void {
    // Dial about as many calls as ready agents can take, at 1.6 lines per ready agent (predictive).
    const ready = this.agents.filter((a) => a.status === 'READY');
    const inFlight = this.calls.filter((c) => c.phase === 'dialing' || c.phase === 'ringing' || c.phase === 'amd').length;
    const want = Math.floor(ready.length * 1.6) - inFlight;
    for (let i = 0; i < Math.min(want, 12); i++) {
      this.seq++;
      this.calls.push({ id: `${this.nodeId}-call-${this.seq}`, phase: 'dialing', campaignId: 'campaign-spring-2026', agentId: null, phone: `+5062${String(2_000_000 + ((this.seq * 7919) % 7_000_000))}`, next: t + this.hold(2) });
    }
    for (const c of this.calls) {
      if (c.next > t) continue;
      switch (c.phase) {
        case 'dialing':
          c.phase = 'ringing';
          c.next = t + this.hold(8);
          break;
        case 'ringing':
          // Half are not answered (busy, no answer); the rest are screened by AMD.
          c.phase = this.rnd() < 0.5 ? 'ended' : 'amd';
          c.next = t + this.hold(2.3);
          break;
        case 'amd': {
          if (this.rnd() < 0.3) {
            c.phase = 'ended';
            break;
          }
          const agent = this.agents.find((a) => a.status === 'READY');
          if (!agent) {
            c.phase = 'ended'; // dropped: no agent free
            break;
          }
          agent.status = 'TALKING';
          agent.since = t;
          agent.calls = [c.id];
          c.agentId = agent.id;
          c.phase = 'bridged';
          c.next = t + this.hold(150);
          break;
        }
        case 'bridged': {
          c.phase = 'ended';
          const agent = this.agents.find((a) => a.id === c.agentId);
          if (agent) {
            agent.status = 'WRAP_UP';
            agent.since = t;
            agent.calls = [];
            agent.next = t + this.hold(20);
          }
          break;
        }
      }
    }
    this.calls = this.calls.filter((c) => c.phase !== 'ended');
    for (const a of this.agents) {
      if (a.next > t) continue;
      if (a.status === 'WRAP_UP') {
        // One in ten takes a pause after wrap-up.
        const pause = this.rnd() < 0.1;
        a.status = pause ? 'PAUSED' : 'READY';
        a.pauseReason = pause ? 'break' : null;
        a.since = t;
        a.next = t + (pause ? this.hold(300) : 0);
      } else if (a.status === 'PAUSED') {
        a.status = 'READY';
        a.pauseReason = null;
        a.since = t;
      }
    }
  }

  board(at: number): NodeBoard {
    return {
      nodeId: this.nodeId,
      at,
      agents: this.agents.map(({ next: _n, ...a }) => ({ ...a, calls: [...(a.calls ?? [])] })),
      calls: this.calls.map(({ next: _n, ...c }) => ({ ...c })),
      campaigns: [{ id: 'campaign-spring-2026', state: 'running', mode: 'predictive', metrics: { agentsLoggedIn: this.agents.length, callsConnected: this.calls.filter((c) => c.phase === 'bridged').length } }],
    };
  }
}

export interface ClusterRowsFigures {
  nodes: number;
  agents_per_node: number;
  seconds: number;
  /** Mean live calls per node over the run. */
  calls_per_node: number;
  /** Bytes per second one supervisor's socket receives: deltas now, whole rows before. */
  delta_bytes_per_s: number;
  whole_bytes_per_s: number;
  /** whole ÷ delta. */
  bytes_ratio: number;
  delta_bytes_p50: number;
  delta_bytes_p95: number;
  rows_bytes_p50: number;
  rows_bytes_max: number;
  rows_deflated_p50: number;
  /** Share of views that changed the rows (so sent something). */
  sent_share: number;
  /** CPU per view: rows() + advance() now; rows() + whole-rows comparison before. */
  cpu_ms_p50: number;
  cpu_ms_p95: number;
  whole_cpu_ms_p50: number;
  whole_cpu_ms_p95: number;
  node_board_bytes_p50: number;
  summary_bytes_p50: number;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const ms2 = (x: number) => Math.round(x * 100) / 100;
const bytes = (x: unknown) => Buffer.byteLength(JSON.stringify(x));
/** What the feed did before deltas: the rows compared whole, the view's time aside. */
const sameWhole = (a: ClusterRows | null, b: ClusterRows) => a !== null && JSON.stringify({ ...a, at: 0 }) === JSON.stringify({ ...b, at: 0 });

/** One configuration: `nodes` nodes of `agents` agents for `seconds` simulated seconds; this process is node-0's API. */
export function measureClusterRows(nodes: number, agents: number, seconds: number, seed: number): ClusterRowsFigures {
  const rnd = mulberry32(seed);
  const sims = Array.from({ length: nodes }, (_, i) => new SimNode(`node-${i}`, agents, rnd));
  // Two trackers fed the same views: one for the delta path, one for the whole-rows baseline (each keeps its state).
  const tracker = new ClusterRowsTracker('node-0');
  const wholeTracker = new ClusterRowsTracker('node-0');
  const registry: RegisteredNode[] = sims.map((s) => ({ id: s.nodeId, ariUrl: null, startedAt: 0 }));
  let stream: RowsStream | null = null;
  let wholeSent: ClusterRows | null = null;
  const f = { rows: [] as number[], deflated: [] as number[], delta: [] as number[], cpu: [] as number[], wholeCpu: [] as number[], board: [] as number[], summary: [] as number[] };
  let deltaBytes = 0;
  let wholeBytes = 0;
  let sent = 0;
  let callsSum = 0;
  const warmup = 30;
  for (let t = 0; t < warmup + seconds; t++) {
    for (const s of sims) s.step(t);
    const at = 1_700_000_000_000 + t * 1000;
    const boards = sims.map((s) => s.board(at));
    const view = clusterView(boards, [], at);
    const t0 = performance.now();
    const rows = tracker.rows(view);
    const delta = stream === null ? null : stream.advance(rows);
    if (stream === null) stream = new RowsStream(rows);
    const t1 = performance.now();
    const whole = wholeTracker.rows(view);
    const wholeChanged = !sameWhole(wholeSent, whole);
    const t2 = performance.now();
    if (wholeChanged) wholeSent = whole;
    if (t < warmup) continue;
    f.cpu.push(t1 - t0);
    f.wholeCpu.push(t2 - t1);
    callsSum += sims.reduce((n, s) => n + s.calls.length, 0) / nodes;
    const json = JSON.stringify(rows);
    f.rows.push(Buffer.byteLength(json));
    f.deflated.push(deflateRawSync(json).length);
    f.board.push(bytes(boards[0]));
    f.summary.push(bytes(summarizeCluster(view, registry)));
    if (wholeChanged) wholeBytes += bytes(whole);
    if (delta) {
      sent++;
      const b = bytes(delta);
      f.delta.push(b);
      deltaBytes += b;
    }
  }
  return {
    nodes,
    agents_per_node: agents,
    seconds,
    calls_per_node: Math.round(callsSum / seconds),
    delta_bytes_per_s: Math.round(deltaBytes / seconds),
    whole_bytes_per_s: Math.round(wholeBytes / seconds),
    bytes_ratio: Math.round((wholeBytes / Math.max(1, deltaBytes)) * 10) / 10,
    delta_bytes_p50: pct(f.delta, 50),
    delta_bytes_p95: pct(f.delta, 95),
    rows_bytes_p50: pct(f.rows, 50),
    rows_bytes_max: Math.max(...f.rows),
    rows_deflated_p50: pct(f.deflated, 50),
    sent_share: Math.round((sent / seconds) * 1000) / 1000,
    cpu_ms_p50: ms2(pct(f.cpu, 50)),
    cpu_ms_p95: ms2(pct(f.cpu, 95)),
    whole_cpu_ms_p50: ms2(pct(f.wholeCpu, 50)),
    whole_cpu_ms_p95: ms2(pct(f.wholeCpu, 95)),
    node_board_bytes_p50: pct(f.board, 50),
    summary_bytes_p50: pct(f.summary, 50),
  };
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { nodes: { type: 'string', default: '2,4,8' }, agents: { type: 'string', default: '250' }, seconds: { type: 'string', default: '120' }, seed: { type: 'string', default: '7' }, json: { type: 'boolean', default: false } },
  });
  const nodeCounts = values.nodes.split(',').map((s) => Number(s.trim()));
  const agents = Number(values.agents);
  const seconds = Number(values.seconds);
  const seed = Number(values.seed);
  const bad = [
    nodeCounts.some((n) => !Number.isInteger(n) || n < 2 || n > 64) ? '--nodes: integers from 2 to 64, comma-separated' : null,
    !Number.isInteger(agents) || agents < 1 || agents > 5000 ? '--agents: an integer from 1 to 5000' : null,
    !Number.isInteger(seconds) || seconds < 10 || seconds > 3600 ? '--seconds: an integer from 10 to 3600' : null,
    !Number.isInteger(seed) ? '--seed: an integer' : null,
  ].filter((x) => x !== null);
  if (bad.length > 0) {
    process.stderr.write(`bench:cluster-rows: ${bad.join('; ')}\n`);
    return 2;
  }
  const results = nodeCounts.map((n) => measureClusterRows(n, agents, seconds, seed));
  if (!values.json) {
    const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
    process.stdout.write(`cluster.rows at scale: ${agents} agents per node, ${seconds} simulated s (seed ${seed}); this API's node is node-0\n`);
    process.stdout.write('nodes  calls/node  per supervisor: deltas  whole rows (before)  ratio   delta p50/p95       whole p50/max       deflated  cpu/view now     before           node board  summary\n');
    for (const r of results) {
      const cols: Array<[string, number]> = [
        [String(r.nodes), 7],
        [String(r.calls_per_node), 12],
        [`${kb(r.delta_bytes_per_s)}/s`, 24],
        [`${kb(r.whole_bytes_per_s)}/s`, 21],
        [`× ${r.bytes_ratio}`, 8],
        [`${kb(r.delta_bytes_p50)}/${kb(r.delta_bytes_p95)}`, 20],
        [`${kb(r.rows_bytes_p50)}/${kb(r.rows_bytes_max)}`, 20],
        [kb(r.rows_deflated_p50), 10],
        [`${r.cpu_ms_p50}/${r.cpu_ms_p95} ms`, 17],
        [`${r.whole_cpu_ms_p50}/${r.whole_cpu_ms_p95} ms`, 17],
        [kb(r.node_board_bytes_p50), 12],
        [kb(r.summary_bytes_p50), 0],
      ];
      process.stdout.write(`${cols.map(([v, w]) => v.padEnd(w)).join('')}\n`);
    }
  }
  process.stdout.write(`${JSON.stringify({ bench: 'cluster-rows', agents_per_node: agents, seconds, seed, results })}\n`);
  return 0;
}
