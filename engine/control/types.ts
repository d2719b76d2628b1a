/**
 * What the API (and the CLI) may ask of a running engine: campaign lifecycle, test calls, agent state
 * changes and live figures. app/engine-control.ts implements it over the shell and the store; api/ codes
 * against this contract (through engine/control's index.ts), so routes can be tested against the real engine on
 * the embedded PBX. api/ reads the engine's other modules through their index.ts only (the import-graph test,
 * test/unit/architecture, holds it to that); beyond this contract it sees the shell in one place, the
 * `EngineSnapshot` type api/live/snapshot.ts turns into the wallboard's counts.
 */
import type { AgentKind, AgentStatus } from '../events/index.js';
import type { CampaignState } from '../campaigns/index.js';
import type { Campaign } from '../store/index.js';
import type { PacingStatus } from '../pacing/index.js';

export type { PacingStatus };

/**
 * Why a control command was refused; the API maps `not_found` → 404, `conflict` → 409, `invalid` → 422,
 * `unavailable` → 503 engine_unavailable, `unreachable` → 503 node_unreachable (the engine that holds it is another
 * node's, which could not be asked in time).
 */
export class ControlError extends Error {
  constructor(
    readonly code: 'not_found' | 'conflict' | 'invalid' | 'unavailable' | 'unreachable',
    message: string,
    /** The request field the refusal is about, with a rule name and its values, for a client to word it itself. */
    readonly problem?: ControlProblem,
  ) {
    super(message);
    this.name = 'ControlError';
  }
}

/** A refusal's field and rule (api/http/rules.ts names the rules), with the values its wording needs. */
export interface ControlProblem {
  field: string;
  rule: string;
  params: Record<string, string | number | boolean | Array<string | number | boolean | null>>;
}

export interface CampaignLiveStats {
  campaignId: string;
  state: CampaignState;
  pacing: PacingStatus | null;
  calls: { ringing: number; amd: number; waiting: number; connected: number };
  agents: { ready: number; talk: number; wrap: number; paused: number; loggedIn: number };
  /** Since local midnight in the campaign's default time zone; abandonPct = dropped / humans answered × 100 (US rule). */
  today: { placed: number; answered: number; humans: number; machines: number; dropped: number; abandonPct: number };
  leads: Partial<Record<string, number>>;
}

export interface AgentLiveState {
  id: string;
  kind: AgentKind;
  status: AgentStatus;
  pauseReason: string | null;
  /** The agent's phone leg is up (humans); bots are always reachable. */
  legUp: boolean;
  /** Calls the agent is reserved for or talking on. */
  calls: string[];
  /** When `status` began (engine clock, epoch ms). */
  since: number;
  /** Wrap-up time after each call (ms), for the agent console's countdown. */
  wrapUpMs?: number;
}

/**
 * A command's answer: at once (the engine in the same thread) or later (the engine in its own thread, app/engine-host).
 * Callers always await it. Reads (`state`, `list`, `liveStats`) stay synchronous: they are served from what the
 * API side already knows (a mirror the engine thread keeps fresh), so API traffic never waits on the engine.
 */
export type Awaitable<T> = T | Promise<T>;

export interface EngineControl {
  campaigns: {
    /** Persists the new state first, then acts; a restart resumes whatever is stored as running. */
    start(campaignId: string): Promise<Campaign>;
    /** Stops new dials; live calls finish. */
    pause(campaignId: string): Promise<Campaign>;
    /** Stops new dials and gives leased leads back. */
    stop(campaignId: string): Promise<Campaign>;
    /** Places one call with the campaign's settings to `phoneE164` (no lead; logged as a CallLog). */
    testCall(campaignId: string, phoneE164: string): Promise<{ callId: string }>;
    /**
     * Applies the campaign's stored settings to the engine that has it loaded (running or paused), keeping its state,
     * its lead source and what its pacer learned: an edit takes effect at once. A campaign the engine has not loaded
     * takes its settings at its start. Over PostgreSQL the nodes follow the stored row themselves: `unavailable`.
     */
    applySettings(campaignId: string): Promise<void>;
    liveStats(campaignId: string): CampaignLiveStats;
  };
  agents: {
    /**
     * Brings the agent's phone leg up (humans) and makes it READY. Each command may answer the agent's state after
     * it: an agent of another node (#18) is changed there, and its node's answer is the only fresh state there is.
     */
    login(agentId: string): Awaitable<AgentLiveState | void>;
    ready(agentId: string): Awaitable<AgentLiveState | void>;
    pause(agentId: string, reason: string): Awaitable<AgentLiveState | void>;
    logout(agentId: string): Awaitable<AgentLiveState | void>;
    /** Adds or updates an agent the engine did not know (created through the API). */
    upsert(agentId: string): Awaitable<void>;
    /** Forgets an agent (logged out first). */
    remove(agentId: string): Awaitable<void>;
    state(agentId: string): AgentLiveState | null;
    /**
     * The agent's live state asked of whichever engine holds it (another node's, over Redis), for the one route that
     * may wait for it (GET /api/agents/{id}/state); without it `state` answers.
     */
    ask?(agentId: string): Promise<AgentLiveState | null>;
    list(): AgentLiveState[];
  };
  /** Optional so that API tests' partial engines need not fake it; the product always provides it. */
  calls?: {
    /** Hangs up a live call (an agent ending the conversation from the console); not_found when not live here. */
    hangup(callId: string): Awaitable<void>;
  };
}
