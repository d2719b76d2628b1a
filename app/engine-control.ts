/**
 * The engine's control surface (engine/control `EngineControl`) over the store and a running Engine:
 * campaign commands persist first (store.campaigns.command, so a restart resumes what is stored as running)
 * and then act on the engine; agents are driven through the engine's agent state machines.
 */
import type { AgentConfig } from '../engine/agents/index.js';
import { type Clock, startOfLocalDay } from '../engine/clock/index.js';
import type { Logger } from '../engine/log/index.js';
import { CampaignError, type Campaign, type AgentRow, type Store } from '../engine/store/index.js';
import { campaignLoadProblem, type CampaignCommand } from '../engine/campaigns/index.js';
import { campaignInputFromStore, type Engine, type AmdSource, type LeadSource, type CampaignInput, type CampaignRunState } from '../engine/shell/index.js';
import { countObservation, type ObservationCounts, type PacingStatus } from '../engine/pacing/index.js';
import { ControlError, agentsServing, startRefusal, type AgentLiveState, type CampaignLiveStats, type EngineControl } from '../engine/control/index.js';

export interface EngineControlDeps {
  engine: Engine;
  store: Pick<Store, 'campaigns' | 'leads' | 'agents' | 'callLogs'>;
  clock: Clock;
  logger: Logger;
  /** The lead source of a campaign (the store's hopper for this node; guarded on a real Asterisk). */
  leadsFor(c: Campaign): LeadSource;
  /** AMD with the campaign's parameters; the engine's default when omitted. */
  amdFor?(c: Campaign): AmdSource;
  /** Agent wrap-up when no campaign says otherwise (ms). */
  defaultWrapUpMs?: number;
}

const E164 = /^\+[1-9]\d{5,14}$/;

/** An agent row of the store as the engine's agent configuration. */
export function agentConfigFromRow(a: AgentRow, wrapUpMs = 10_000): AgentConfig {
  return {
    id: a.id,
    kind: a.kind,
    endpoint: a.endpoint,
    maxConcurrent: a.kind === 'bot' ? Math.max(1, a.concurrency) : 1,
    wrapUpMs,
    // null or empty: every campaign.
    ...(a.campaignIds && a.campaignIds.length > 0 ? { campaignIds: [...a.campaignIds] } : {}),
  };
}

/**
 * What the engine would run for a stored campaign, built without touching the engine; settings that cannot load
 * are refused with ControlError `invalid` naming the fields (the API's 422).
 */
export function campaignInputFor(deps: Pick<EngineControlDeps, 'engine' | 'leadsFor' | 'amdFor'>, c: Campaign): CampaignInput {
  const problem = campaignLoadProblem(c);
  if (problem !== null) throw new ControlError('invalid', `campaign ${c.id} has settings the engine cannot load: ${problem}`);
  const amd = deps.amdFor?.(c);
  const existing = deps.engine.campaign(c.id);
  return campaignInputFromStore(c, existing?.leads ?? deps.leadsFor(c), amd);
}

/** Loads (or reloads) a stored campaign into the engine with its stored state. Used at start-up and by start. */
export function loadCampaign(deps: Pick<EngineControlDeps, 'engine' | 'leadsFor' | 'amdFor'>, c: Campaign): void {
  deps.engine.putCampaign(campaignInputFor(deps, c));
}

/**
 * What a (re)starting engine dials: every campaign stored as running, plus `include` (e.g. the demo campaign on
 * the embedded PBX) in whatever state it is stored. A campaign whose stored settings cannot be loaded is marked
 * `failed` with the reason (one warning each) and left out: one bad campaign never stops the product from starting.
 */
export function campaignsToResume(
  store: Pick<Store, 'campaigns'>,
  include: readonly string[] = [],
  o: { at?: number; logger?: Logger } = {},
): Campaign[] {
  const out = store.campaigns.list('running');
  for (const id of include) {
    const c = store.campaigns.get(id);
    if (c && !out.some((x) => x.id === id)) out.push(c);
  }
  return out.filter((c) => {
    const problem = campaignLoadProblem(c);
    if (problem === null) return true;
    store.campaigns.markFailed(c.id, problem, o.at ?? Date.now());
    o.logger?.warn({ campaignId: c.id, name: c.name, reason: problem }, 'campaign marked failed: its stored settings cannot be loaded (fix them and start it again)');
    return false;
  });
}

/** What the engine alone knows of a campaign's live figures: its pacer's status and the counts it paces on. */
export interface CampaignEngineView {
  pacing: PacingStatus | null;
  counts: ObservationCounts | null;
}

/** The engine's view of one campaign (null when the engine has not loaded it). */
export function campaignEngineView(engine: Pick<Engine, 'campaign' | 'campaignObservation'>, id: string): CampaignEngineView | null {
  const rt = engine.campaign(id);
  const obs = engine.campaignObservation(id);
  if (!rt && !obs) return null;
  return { pacing: rt?.pacing ?? null, counts: obs ? countObservation(obs) : null };
}

/**
 * A campaign's live figures: the stored campaign and today's CallLogs and leads (the store), beside the engine's
 * view. The store part is read by whoever asks (the API thread when the engine runs in its own thread).
 */
export function campaignLiveStats(
  store: Pick<Store, 'callLogs' | 'leads'>,
  clock: Clock,
  c: Campaign,
  view: CampaignEngineView | null,
): CampaignLiveStats {
  const n = view?.counts ?? null;
  return {
    campaignId: c.id,
    state: c.state,
    pacing: view?.pacing ?? null,
    calls: { ringing: n?.ringing ?? 0, amd: n?.amd ?? 0, waiting: n?.waiting ?? 0, connected: n?.connected ?? 0 },
    agents: { ready: n?.ready ?? 0, talk: n?.talk ?? 0, wrap: n?.wrap ?? 0, paused: n?.paused ?? 0, loggedIn: n?.loggedIn ?? 0 },
    // The campaign's own day: a Costa Rica campaign's today starts at local midnight there.
    today: store.callLogs.campaignToday(c.id, startOfLocalDay(clock.now(), c.defaultTimeZone)),
    leads: store.leads.countByStatus(c.id),
  };
}

/** An agent of the engine as the control contract shows it. */
export function agentLiveState(a: NonNullable<ReturnType<Engine['agentState']>>): AgentLiveState {
  return {
    id: a.config.id,
    kind: a.config.kind,
    status: a.status,
    pauseReason: a.pauseReason,
    legUp: a.config.kind === 'bot' ? true : a.legUp,
    calls: [...a.calls],
    since: a.since,
    wrapUpMs: a.config.wrapUpMs,
  };
}

/** The engine's run state for a stored state (a campaign not running or paused does not dial). */
const runStateOf = (s: Campaign['state']): CampaignRunState => (s === 'running' ? 'running' : s === 'paused' ? 'paused' : 'stopped');

export function createEngineControl(deps: EngineControlDeps): EngineControl {
  const { engine, store, clock } = deps;

  const stored = (id: string): Campaign => {
    const c = store.campaigns.get(id);
    if (!c) throw new ControlError('not_found', `campaign ${id} not found`);
    return c;
  };

  const command = (id: string, cmd: CampaignCommand): { before: Campaign; after: Campaign } => {
    const before = stored(id);
    try {
      const { campaign } = store.campaigns.command(id, cmd, clock.now());
      return { before, after: campaign };
    } catch (err) {
      if (err instanceof CampaignError) throw new ControlError(err.code === 'not_found' ? 'not_found' : 'conflict', err.message);
      throw err;
    }
  };

  const announce = (before: Campaign, after: Campaign): void => {
    engine.events.emit({ type: 'campaign.state', campaignId: after.id, from: before.state, to: after.state, at: clock.now() });
  };

  const knownAgent = (agentId: string): void => {
    if (engine.agentState(agentId)) return;
    const row = store.agents.get(agentId);
    if (!row) throw new ControlError('not_found', `agent ${agentId} not found`);
    engine.upsertAgent(agentConfigFromRow(row, deps.defaultWrapUpMs));
  };

  const live = agentLiveState;

  /**
   * The agents a campaign's pacer counts as its own: those serving it (assigned to it, or to no campaign). The
   * engine's agents, plus directory rows it does not know yet (they join on login).
   */
  const eligibleAgents = (campaignId: string): Set<string> => {
    const configs = new Map<string, { id: string } & Pick<AgentConfig, 'campaignIds'>>();
    for (const a of engine.agentStates()) configs.set(a.config.id, a.config);
    for (const row of store.agents.list()) if (!configs.has(row.id)) configs.set(row.id, agentConfigFromRow(row));
    return agentsServing(configs.values(), campaignId);
  };

  return {
    campaigns: {
      async start(id) {
        // All or nothing: whatever can refuse the start is checked before the state changes (a template stored before
        // the dial-string grammar was enforced, settings the engine cannot load), and if the engine still fails
        // the stored state goes back to what it was.
        const current = stored(id);
        const refusal = startRefusal(current, store.campaigns.list('running'), eligibleAgents, (agentId) => store.agents.get(agentId)?.name ?? agentId);
        if (refusal) throw refusal;
        const wasLoaded = engine.campaign(id)?.state;
        const input = campaignInputFor(deps, { ...current, state: 'running' });
        const { before, after } = command(id, 'start');
        try {
          engine.putCampaign(input);
          await engine.setCampaignState(id, 'running');
        } catch (err) {
          try {
            store.campaigns.restoreState(id, before.state, before.stateReason, clock.now());
            if (engine.campaign(id)) await engine.setCampaignState(id, wasLoaded ?? runStateOf(before.state));
          } catch (undo) {
            deps.logger.error({ err: undo, campaignId: id }, 'could not undo a failed campaign start');
          }
          throw err;
        }
        announce(before, after);
        return after;
      },
      async pause(id) {
        const { before, after } = command(id, 'pause');
        if (engine.campaign(id)) await engine.setCampaignState(id, 'paused');
        announce(before, after);
        return after;
      },
      async stop(id) {
        const { before, after } = command(id, 'stop');
        if (engine.campaign(id)) await engine.setCampaignState(id, 'stopped');
        // The store released the campaign's leases with the command; leads this node leased since go back too.
        store.leads.releaseLeases({ campaignId: id, at: clock.now() });
        announce(before, after);
        return after;
      },
      async testCall(id, phoneE164) {
        if (!E164.test(phoneE164)) throw new ControlError('invalid', `not an E.164 number: ${phoneE164}`);
        const c = stored(id);
        if (!engine.campaign(id)) loadCampaign(deps, c);
        try {
          return { callId: engine.testCall(id, phoneE164) };
        } catch (err) {
          throw new ControlError('unavailable', err instanceof Error ? err.message : String(err));
        }
      },
      async applySettings(id) {
        const c = stored(id);
        const loaded = engine.campaign(id);
        if (!loaded) return;
        engine.putCampaign({ ...campaignInputFor(deps, c), state: loaded.state });
      },
      liveStats(id): CampaignLiveStats {
        return campaignLiveStats(store, clock, stored(id), campaignEngineView(engine, id));
      },
    },
    agents: {
      login(agentId) {
        knownAgent(agentId);
        engine.agentReady(agentId);
      },
      ready(agentId) {
        knownAgent(agentId);
        engine.agentReady(agentId);
      },
      pause(agentId, reason) {
        knownAgent(agentId);
        engine.agentPause(agentId, reason);
      },
      logout(agentId) {
        if (!engine.agentState(agentId)) throw new ControlError('not_found', `agent ${agentId} is not known to the engine`);
        engine.agentLogout(agentId);
      },
      upsert(agentId) {
        const row = store.agents.get(agentId);
        if (!row) throw new ControlError('not_found', `agent ${agentId} not found`);
        const cur = engine.agentState(agentId);
        engine.upsertAgent(agentConfigFromRow(row, cur?.config.wrapUpMs ?? deps.defaultWrapUpMs));
      },
      remove(agentId) {
        if (!engine.removeAgent(agentId)) throw new ControlError('not_found', `agent ${agentId} is not known to the engine`);
      },
      state(agentId) {
        const a = engine.agentState(agentId);
        return a ? live(a) : null;
      },
      list() {
        return engine.agentStates().map(live);
      },
    },
    calls: {
      hangup(callId) {
        if (!engine.hangupCall(callId)) throw new ControlError('not_found', `call ${callId} is not live on this node`);
      },
    },
  };
}
