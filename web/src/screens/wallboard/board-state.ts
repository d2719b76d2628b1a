/**
 * The wallboard's live model: the last /api/wallboard answer, moved forward by the feed's events until the next
 * answer replaces it (every 15 s, and at once after a reconnect). Plain maps mutated in place; each changed agent
 * or call gets a new object so memoised rows re-render only when their own data changed.
 */
import type { Wallboard, WallboardAgent, WallboardCall, WallboardCampaign } from '../../api/types';
import type {
  AgentStateEvent,
  CallAmdEvent,
  CallBridgedEvent,
  CallCreatedEvent,
  CallEndedEvent,
  CallRefEvent,
  CampaignPacingEvent,
  CampaignStateEvent,
  ClusterRowsEvent,
} from '../../live/events';

export type Stage = WallboardCall['stage'];
export const STAGES: Stage[] = ['dialing', 'ringing', 'amd', 'waiting', 'machine', 'talking'];
export const AGENT_STATES = ['READY', 'RESERVED', 'TALKING', 'WRAP_UP', 'PAUSED', 'LOGGED_OUT'] as const;

export class BoardState {
  readonly agents = new Map<string, WallboardAgent>();
  readonly calls = new Map<string, WallboardCall>();
  readonly campaigns = new Map<string, WallboardCampaign>();
  data: Wallboard | null = null;
  kpis: Wallboard['kpis'] | null = null;
  perMinute: Wallboard['per_minute'] = [];
  /** The last `cluster.rows` (other engine nodes' agents and calls); null on a single node. */
  rows: ClusterRowsEvent | null = null;

  reset(d: Wallboard): void {
    this.data = d;
    this.kpis = { ...d.kpis };
    this.perMinute = d.per_minute;
    // Rows whose data did not change keep their object, so a periodic re-sync re-renders only what moved.
    keepSame(this.agents, d.agents);
    keepSame(this.calls, d.calls);
    keepSame(this.campaigns, d.campaigns);
    // Other nodes' rows newer than this answer stay applied (older ones: the answer has them already).
    if (this.rows && this.rows.at > d.at) this.applyRows(this.rows);
  }

  /** The engine nodes shown: more than one → the grid and the calls list name each row's node. */
  nodeCount(): number {
    const nodes = new Set<string>(this.rows ? [this.rows.self, ...this.rows.up] : []);
    for (const a of this.agents.values()) if (a.node_id !== null && a.status !== 'LOGGED_OUT') nodes.add(a.node_id);
    for (const c of this.calls.values()) if (c.node_id !== null) nodes.add(c.node_id);
    return nodes.size;
  }

  /**
   * The other nodes' agents and calls (`cluster.rows`). Their agents take the state their node gives; an agent that
   * was live on another node and is there no more (its node down, or it left) is shown logged out; another node's
   * calls are added or moved on, and those no longer on an up node's board, or of a node down, are removed.
   * `callsChanged`: a call of another node began or ended (the day's figures, from the database, are worth re-reading).
   */
  applyRows(e: ClusterRowsEvent): { changed: boolean; callsChanged: boolean } {
    this.rows = e;
    let changed = false;
    let callsChanged = false;
    const known = new Set([...e.up, ...e.down]);
    const other = (node: string | null): node is string => node !== null && node !== e.self;
    const incoming = new Map(e.calls.map((c) => [c.id, c]));
    for (const c of [...this.calls.values()]) {
      if (other(c.node_id) && known.has(c.node_id) && !incoming.has(c.id)) {
        this.calls.delete(c.id);
        changed = callsChanged = true;
      }
    }
    for (const r of e.calls) {
      const prev = this.calls.get(r.id);
      // The CallLog's own times (from the last re-sync) are exact: kept while the stage is the same.
      const next: WallboardCall = prev && prev.stage === r.stage ? { ...r, created_at: prev.created_at, stage_since: prev.stage_since } : { ...r };
      if (!prev) callsChanged = true;
      if (!prev || !sameShallow(prev, next)) {
        this.calls.set(r.id, next);
        changed = true;
      }
    }
    const agents = new Map(e.agents.map((a) => [a.id, a]));
    for (const a of [...this.agents.values()]) {
      const r = agents.get(a.id);
      let next: WallboardAgent | null = null;
      if (r && !(r.status === 'LOGGED_OUT' && a.node_id === e.self && a.status !== 'LOGGED_OUT')) {
        const call = r.status === 'TALKING' && r.call_id ? this.calls.get(r.call_id) : undefined;
        next = {
          ...a,
          status: r.status,
          since: r.since,
          pause_reason: r.status === 'PAUSED' ? r.pause_reason : null,
          call_id: call ? call.id : null,
          campaign_id: call ? call.campaign_id : null,
          call_since: call ? call.stage_since : null,
          node_id: r.node_id,
        };
      } else if (!r && other(a.node_id)) {
        next = { ...a, status: 'LOGGED_OUT', since: null, pause_reason: null, call_id: null, campaign_id: null, call_since: null, node_id: null };
      }
      if (next && !sameShallow(a, next)) {
        this.agents.set(a.id, next);
        changed = true;
      }
    }
    return { changed, callsChanged };
  }

  agentsByState(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const a of this.agents.values()) out[a.status] = (out[a.status] ?? 0) + 1;
    return out;
  }

  stageCounts(): Record<Stage, number> {
    const out: Record<Stage, number> = { dialing: 0, ringing: 0, amd: 0, waiting: 0, machine: 0, talking: 0 };
    for (const c of this.calls.values()) out[c.stage] += 1;
    return out;
  }

  private setStage(id: string, stage: Stage, at: number, patch: Partial<WallboardCall> = {}): boolean {
    const c = this.calls.get(id);
    if (!c) return false;
    this.calls.set(id, { ...c, ...patch, stage, stage_since: at });
    return true;
  }

  /** Applies one feed event; true when something shown changed. */
  apply(event: string, payload: unknown): boolean {
    if (!this.data || !this.kpis) return false;
    switch (event) {
      case 'agent.state': {
        const e = payload as AgentStateEvent;
        const a = this.agents.get(e.agentId);
        if (!a) return false;
        const talking = e.to === 'TALKING';
        const call = e.callId ? this.calls.get(e.callId) : undefined;
        this.agents.set(a.id, {
          ...a,
          status: e.to,
          since: e.at,
          pause_reason: e.to === 'PAUSED' ? e.reason : null,
          call_id: talking ? (e.callId ?? a.call_id) : null,
          campaign_id: talking ? (call?.campaign_id ?? a.campaign_id) : null,
          call_since: talking ? (a.call_since ?? e.at) : null,
          // This node's own event: the agent is on this node (known once another node's rows named it).
          node_id: this.rows ? this.rows.self : a.node_id,
        });
        return true;
      }
      case 'call.created': {
        const e = payload as CallCreatedEvent;
        if (this.calls.has(e.callId)) return false;
        this.calls.set(e.callId, { id: e.callId, campaign_id: e.campaignId, phone: e.phone, agent_id: e.agentId, stage: 'dialing', created_at: e.at, stage_since: e.at, node_id: this.rows?.self ?? null });
        this.kpis = { ...this.kpis, calls_today: this.kpis.calls_today + 1 };
        this.countMinute(e.at);
        return true;
      }
      case 'call.ringing':
        return this.setStage((payload as CallRefEvent).callId, 'ringing', (payload as CallRefEvent).at);
      case 'call.answered':
        return this.setStage((payload as CallRefEvent).callId, 'amd', (payload as CallRefEvent).at);
      case 'call.amd': {
        const e = payload as CallAmdEvent;
        return this.setStage(e.callId, e.treatedAs === 'MACHINE' ? 'machine' : 'waiting', e.at);
      }
      case 'call.bridged': {
        const e = payload as CallBridgedEvent;
        const changed = this.setStage(e.callId, 'talking', e.at, { agent_id: e.agentId });
        const a = this.agents.get(e.agentId);
        if (a) this.agents.set(a.id, { ...a, call_id: e.callId, campaign_id: this.calls.get(e.callId)?.campaign_id ?? a.campaign_id, call_since: e.at });
        return changed || a !== undefined;
      }
      case 'call.ended': {
        const e = payload as CallEndedEvent;
        const had = this.calls.delete(e.callId);
        const k = this.kpis;
        if (e.disposition === 'ANSWERED_HUMAN') this.kpis = { ...k, humans_today: k.humans_today + 1 };
        else if (e.disposition === 'MACHINE') this.kpis = { ...k, machines_today: k.machines_today + 1 };
        else if (e.disposition === 'DROPPED') this.kpis = { ...k, dropped_today: k.dropped_today + 1 };
        return had || this.kpis !== k;
      }
      case 'campaign.pacing': {
        const e = payload as CampaignPacingEvent;
        const c = this.campaigns.get(e.campaignId);
        if (!c) return false;
        this.campaigns.set(c.id, { ...c, pacing: { mode: e.mode, place: e.place, level: e.level, at: e.at } });
        return true;
      }
      case 'campaign.state': {
        const e = payload as CampaignStateEvent;
        const c = this.campaigns.get(e.campaignId);
        if (!c) return false;
        this.campaigns.set(c.id, { ...c, state: e.to });
        return true;
      }
      default:
        return false;
    }
  }

  private countMinute(at: number): void {
    const minute = Math.floor(at / 60_000) * 60_000;
    const last = this.perMinute[this.perMinute.length - 1];
    if (last && last.start === minute) {
      this.perMinute = [...this.perMinute.slice(0, -1), { ...last, calls: last.calls + 1 }];
    } else if (!last || minute > last.start) {
      this.perMinute = [...this.perMinute.slice(-59), { start: minute, calls: 1, humans: 0 }];
    }
  }
}

function sameShallow(a: object, b: object): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    const x = (a as Record<string, unknown>)[k];
    const y = (b as Record<string, unknown>)[k];
    if (x !== y && !(typeof x === 'object' && x !== null && typeof y === 'object' && y !== null && JSON.stringify(x) === JSON.stringify(y))) return false;
  }
  return true;
}

function keepSame<T extends { id: string }>(map: Map<string, T>, rows: readonly T[]): void {
  const old = new Map(map);
  map.clear();
  for (const r of rows) {
    const prev = old.get(r.id);
    map.set(r.id, prev !== undefined && sameShallow(prev, r) ? prev : r);
  }
}

/** The events the board follows. */
export const BOARD_EVENTS = ['agent.state', 'call.created', 'call.ringing', 'call.answered', 'call.amd', 'call.bridged', 'call.ended', 'campaign.pacing', 'campaign.state'];
