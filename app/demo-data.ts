/**
 * What `npm start` dials on the embedded PBX: a demo campaign of synthetic Costa Rica numbers (the simulator
 * answers them with its seeded mix of humans, machines, busy…) and five simulated agent phones. Created once;
 * a restart continues the same campaign.
 */
import { generateDemoLeads } from '../engine/leads/index.js';
import type { Store } from '../engine/store/index.js';

export const DEMO_CAMPAIGN_ID = 'demo';
export const DEMO_AGENT_EXTENSIONS = ['1001', '1002', '1003', '1004', '1005'] as const;

export function ensureDemoData(store: Store, o: { seed: number; at: number; leads?: number }): void {
  if (!store.campaigns.get(DEMO_CAMPAIGN_ID)) {
    store.campaigns.create(
      DEMO_CAMPAIGN_ID,
      {
        name: 'Demo (embedded simulator)',
        dialMode: 'progressive',
        maxConcurrent: 8,
        dialStringTemplate: 'PJSIP/{e164}@trunk',
        // The simulator has no night: dial at any hour so the demo always shows calls.
        callingHours: { start: '00:00', end: '24:00' },
        weekdays: [1, 2, 3, 4, 5, 6, 7],
        wrapUpS: 5,
      },
      o.at,
    );
    store.leads.insertMany(generateDemoLeads(DEMO_CAMPAIGN_ID, { count: o.leads ?? 500, method: 'stratified', seed: o.seed }), o.at);
    store.campaigns.command(DEMO_CAMPAIGN_ID, 'start', o.at);
  }
  for (const ext of DEMO_AGENT_EXTENSIONS) {
    if (!store.agents.get(`agent-${ext}`)) {
      store.agents.upsert({ id: `agent-${ext}`, kind: 'human', name: `Demo agent ${ext}`, endpoint: `PJSIP/${ext}`, createdAt: o.at });
    }
  }
}
