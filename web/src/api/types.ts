/** Short names for the generated API payload types (schema.d.ts is generated from /openapi.json). */
import type { components } from './schema';

type S = components['schemas'];
export type Wallboard = S['Wallboard'];
export type WallboardAgent = Wallboard['agents'][number];
export type WallboardCall = Wallboard['calls'][number];
export type WallboardCampaign = Wallboard['campaigns'][number];
export type Me = S['Me'];
export type User = S['User'];
export type QueueSummary = S['QueueSummary'];
export type QueueDetail = S['QueueDetail'];
export type QueueAgentStats = S['QueueAgentStats'];
export type QueueLiveCall = S['QueueLiveCall'];
export type QueuesList = S['QueuesList'];
