/**
 * What the API (and the CLI) may ask of a running engine: the `EngineControl` contract, its refusals
 * (`ControlError`) and the live figures it answers with. app/ implements it over the shell and the store
 * (app/engine-control.ts); api/ codes against this door only. `startRefusal`: why a campaign may not start, asked
 * by either product before it stores a start; `assignmentRefusal`: why an agent may not be assigned so it serves two
 * running power/predictive campaigns, asked by the agent routes as they store it.
 */
export { ControlError, type Awaitable, type ControlProblem, type AgentLiveState, type CampaignLiveStats, type EngineControl, type PacingStatus } from './types.js';
export { agentsServing, startCheck, startRefusal } from './start-refusal.js';
export { assignmentRefusal } from './assignment-refusal.js';
