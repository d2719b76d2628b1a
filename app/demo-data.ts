/**
 * What `npm start` dials on the embedded PBX: a demo campaign of synthetic Costa Rica numbers (the simulator
 * answers them with its seeded mix of humans, machines, busy…) and five simulated agent phones. Created once;
 * a restart continues the same campaign.
 */
import { generateDemoLeads, type NewLead } from '../engine/leads/index.js';
import type { Store } from '../engine/store/index.js';

export const DEMO_CAMPAIGN_ID = 'demo';
export const DEMO_AGENT_EXTENSIONS = ['1001', '1002', '1003', '1004', '1005'] as const;

/** `leads`: how many to generate (500), or the leads themselves (a bench's own mix of the simulator's numbers). */
export function ensureDemoData(store: Store, o: { seed: number; at: number; leads?: number | readonly NewLead[] }): void {
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
    const leads = typeof o.leads === 'object' ? o.leads : generateDemoLeads(DEMO_CAMPAIGN_ID, { count: o.leads ?? 500, method: 'stratified', seed: o.seed });
    store.leads.insertMany(leads, o.at);
    store.campaigns.command(DEMO_CAMPAIGN_ID, 'start', o.at);
  }
  for (const ext of DEMO_AGENT_EXTENSIONS) {
    if (!store.agents.get(`agent-${ext}`)) {
      store.agents.upsert({ id: `agent-${ext}`, kind: 'human', name: `Demo agent ${ext}`, endpoint: `PJSIP/${ext}`, createdAt: o.at });
    }
  }
}
