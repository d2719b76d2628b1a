/**
 * `startEngine` — the way `npm start` builds the engine from Config — on the embedded PBX, in real time, writing
 * through the node port of each dialect (test/support/store-dialects.ts): SQLite's repositories as the single-process
 * product passes them, PostgreSQL's CallLog and agent-event writers as `centralita node` passes them.
 */
import { afterEach, expect, it } from 'vitest';
import { defaultCallPolicy } from '../../engine/calls/types.js';
import { systemClock } from '../../engine/clock/index.js';
import { loadConfig } from '../../engine/config/index.js';
import { silentLogger } from '../../engine/log/logger.js';
import { scriptedAmdSource } from '../support/scripted-amd.js';
import { startEngine } from '../../app/start-engine.js';
import { MemoryLeadSource } from '../../engine/shell/lead-sources.js';
import { startSimulator, type Simulator } from '../../engine/sim/index.js';
import { describeDialects } from '../support/store-dialects.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describeDialects(
  'startEngine',
  (h) => {
    it('connects from Config, dials, writes CallLogs and agent events, stops clean', async () => {
      sim = await startSimulator({ seed: 3 });
      const config = loadConfig({ ARI_URL: sim.url, ARI_USERNAME: sim.username, ARI_PASSWORD: sim.password, NODE_ID: 'node-7' });
      const leads = new MemoryLeadSource([
        { id: 'b', phone: '+15550140001' },
        { id: 'c', phone: '+15550150001' },
      ]);
      const engine = await startEngine({
        config,
        store: { callLogs: h.callLogs, agentEvents: h.agentEvents },
        amd: scriptedAmdSource({ clock: systemClock, host: '127.0.0.1', port: 9 }),
        leads,
        agents: [{ id: '1001', kind: 'human', endpoint: 'PJSIP/1001', maxConcurrent: 1, wrapUpMs: 0 }],
        campaign: { id: 'camp', policy: defaultCallPolicy, endpointFor: (p) => `PJSIP/${p}@trunk` },
        concurrency: 2,
        logger: silentLogger,
      });
      const deadline = Date.now() + 15_000;
      while (leads.outcomes.size < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(Object.fromEntries(leads.outcomes)).toEqual({ b: ['BUSY'], c: ['CONGESTION'] });
      await engine.stop({ timeoutMs: 10_000 });
      const rows = (await h.read.rows('callLogs')).filter((r) => r.campaignId === 'camp');
      expect(rows.map((r) => [r.leadId, r.disposition, r.nodeId]).sort()).toEqual([
        ['b', 'BUSY', 'node-7'],
        ['c', 'CONGESTION', 'node-7'],
      ]);
      const events = (await h.read.rows('agentEvents')).filter((e) => e.agentId === '1001');
      expect(events.map((e) => e.toState)).toEqual(expect.arrayContaining(['READY', 'LOGGED_OUT']));
      expect(sim.snapshot().channels.filter((c) => c.id.startsWith('cl-node-7-'))).toEqual([]);
      expect(sim.snapshot().bridges.filter((b) => b.id.startsWith('cl-node-7-'))).toEqual([]);
    }, 30_000);
  },
  { prefix: 'ct_pg_suite_factory' },
);
