/**
 * The engine: the imperative shell around the pure call and agent reducers (README.md). It routes ARI events to
 * the call or agent that owns the id, performs effects (ARI commands serialised per owner, timers on the
 * Clock, AMD sessions), publishes domain events, and reconciles with Asterisk on start-up and after every
 * reconnect before dialing again. It dials several campaigns (campaign-registry.ts), each paced by its dial
 * mode's Pacer (dial-loop.ts; engine/pacing's dial modes, pacing-views.ts) and fed what happens to its calls
 * (engine/pacing's feed); the control surface over it is app/engine-control.ts.
 */
import { randomBytes } from 'node:crypto';
import type { AmdDecision } from '../amd/index.js';
import { agentStep, createAgent, pickAgent, isAvailable, servesCampaign, type AgentConfig, type AgentEffect, type AgentInput, type AgentState } from '../agents/index.js';
import { AriError, type AriCommand, type AriEvent, type AriFailureKind } from '../ari/index.js';
import {
  callStep,
  createCall,
  callIds,
  type AgentSlot,
  type CallEffect,
  type CallInput,
  type CallState,
  idPrefixFor,
  lastKnownAlive,
  lostCallDisposition,
  nextWaitingCall,
  orphanCommands,
  pacerCancelChoice,
} from '../calls/index.js';
import type { TimerHandle } from '../clock/index.js';
import { DomainEvents, type DomainEvent, type InterruptionCause } from '../events/index.js';
import { PhoneDesk } from './phone-desk.js';
import { attachCallLogWriter } from './store-writers.js';
import type { AmdSession, AmdSource, EngineOptions, LeadSource } from './ports.js';
import { CampaignRegistry, type CampaignInput, type CampaignRunState, type CampaignRuntime } from './campaign-registry.js';
import { agentViews, callViews, observation } from './pacing-views.js';
import { DialLoop } from './dial-loop.js';
import { StoreWriteQueue, type StoreWritesStatus } from './write-queue.js';
import { emptyFeed, pacingFeedStep, type PacingFeedState, type PacingStatus, type PacingObservation } from '../pacing/index.js';

export type EngineState = 'idle' | 'running' | 'stopping' | 'stopped';

export interface EngineSnapshot {
  state: EngineState;
  connected: boolean;
  reconciled: boolean;
  /** Since when (clock ms) the engine has been without a reconciled view of Asterisk; null while reconciled. */
  unreconciledSince: number | null;
  /** It would place calls now (running, connected, reconciled) and at least one campaign is running. */
  dialing: boolean;
  /** Clock ms of the last call placed (campaign or test), null before the first. */
  lastDialAt: number | null;
  /** Asterisk's `status.startup_time` at the last reconciliation (a new value = Asterisk restarted). */
  asteriskStartupTime: string | null;
  calls: Array<Pick<CallState, 'id' | 'phase' | 'campaignId' | 'phone' | 'leadId' | 'disposition' | 'ownedChannels' | 'ownedBridges'> & { agentId: string | null }>;
  /** `since`: when the agent's status began (clock ms; 0 when not recorded). */
  agents: Array<{ id: string; status: string; since: number; pauseReason: string | null; legId: string | null; legDialIn: boolean; legUp: boolean; calls: string[] }>;
  /** Agents' control calls (agent-pause, …, refused logins) being answered with a prompt before hang-up. */
  controlCalls: string[];
  waitingForAgent: string[];
  campaigns: Array<{ id: string; state: CampaignRunState; dialMode: string; pacing: PacingStatus | null }>;
  /** The engine's writes to the store: not writable (disk full…) → no new calls, writes queued (write-queue.ts). */
  store: StoreWritesStatus;
}

const CALL_SUFFIX = /^(.+)-(snoop|em|amd|sh|vm|ab|bot)$/;

/** Every open CallLog of this node is stamped "alive" this often (the end time of its calls if the process dies). */
const ALIVE_STAMP_MS = 2000;
/** Reconciliation waits at most this long for commands in flight (each has its own deadline anyway). */
const RECONCILE_SETTLE_MS = 3000;
/** Shutdown: after the grace, hung-up calls get this long to be confirmed gone before their records are closed. */
const HANGUP_CONFIRM_MS = 2000;
/** Shutdown: agents' legs and bridges get this long to go. */
const AGENTS_OUT_MS = 2000;
/** The last asynchronous store writes (PostgreSQL) get this long to land when the engine stops. */
const STORE_IDLE_MS = 3000;
/**
 * Shutdown: the waits on Asterisk after the grace (hang-ups confirmed, agents out, queues) share this budget (their
 * bounds add up to 5 s). When ARI swallows every packet each ran to its bound, and the process' own deadline (the
 * grace plus 6 s, app/cli/start-command.ts) came within 0.2-0.8 s. The last store writes (above) are not cut by
 * it: they close the CallLogs, and wait only while writes are in flight (a failing database ends the wait at once).
 */
export const STOP_CLEANUP_MS = 3500;

/** Where a call meets this agent: a human's own bridge, or a bot dialled into the call's own bridge. */
function slotFor(agent: AgentState, callId: string): AgentSlot {
  return agent.config.kind === 'bot'
    ? { agentId: agent.config.id, bridgeId: callIds(callId).botBridge, dial: agent.config.endpoint }
    : { agentId: agent.config.id, bridgeId: agent.bridgeId };
}

export class Engine {
  readonly events: DomainEvents;
  readonly idPrefix: string;
  /** Every write the engine makes to the store goes through here: kept and retried when the database cannot take it. */
  readonly storeWrites: StoreWriteQueue;
  private readonly bootId: string;
  private readonly calls = new Map<string, CallState>();
  private readonly agents = new Map<string, AgentState>();
  private readonly sessions = new Map<string, AmdSession>();
  private readonly timers = new Map<string, TimerHandle>();
  private readonly queues = new Map<string, Promise<void>>();
  private readonly waiting: string[] = [];
  private readonly registry = new CampaignRegistry();
  /** agentId → when its current status began. */
  private readonly agentSince = new Map<string, number>();
  private feed: PacingFeedState = emptyFeed();
  private readonly loop: DialLoop;
  private pacingTick: TimerHandle | undefined;
  /** Agents' own calls into Stasis: log-ins and the short control calls (pause, ready, log out, refusals). */
  private readonly desk: PhoneDesk;
  private readonly unsubscribe: Array<() => void> = [];
  private state: EngineState = 'idle';
  private reconciled = false;
  private reconciling: Promise<void> | null = null;
  /** Sight of Asterisk lost: the last moment it was known alive. Cleared by a reconciliation. */
  private lostAt: number | null = null;
  private unreconciledSince: number | null;
  private asteriskStartupTime: string | null = null;
  private lastDialAt: number | null = null;
  /** Media already reported missing (one warning each). */
  private readonly warnedMedia = new Set<string>();
  private aliveTick: TimerHandle | undefined;
  /** Event-socket connections seen, and the one the last reconciliation looked at (each needs one). */
  private connects = 0;
  private reconciledConnection = -1;
  private seq = 0;
  private tick: TimerHandle | undefined;

  constructor(private readonly opts: EngineOptions) {
    this.events = opts.events ?? new DomainEvents((err, e) => opts.logger.error({ err, event: e.type }, 'event subscriber failed'));
    this.unreconciledSince = opts.clock.now();
    this.idPrefix = idPrefixFor(opts.nodeId);
    this.bootId = opts.bootId ?? randomBytes(3).toString('hex');
    this.storeWrites = new StoreWriteQueue({
      clock: opts.clock,
      logger: opts.logger,
      ...(opts.storeProbe ? { probe: opts.storeProbe } : {}),
      ...(opts.storeRetryMs !== undefined ? { retryMs: opts.storeRetryMs } : {}),
    });
    // Writes flushed after an outage of the database: dial again at once.
    this.storeWrites.onChange((writable) => {
      if (writable && this.state === 'running') queueMicrotask(() => void this.fill());
    });
    for (const cfg of opts.agents) {
      this.agents.set(cfg.id, createAgent(cfg, `${this.idPrefix}${this.bootId}-`));
      this.agentSince.set(cfg.id, this.now());
    }
    if (opts.campaign && opts.leads) {
      this.registry.put({ settings: opts.campaign, leads: opts.leads, dialMode: 'fixed', maxConcurrent: opts.concurrency ?? 1 }, this.now());
    }
    for (const c of opts.campaigns ?? []) this.registry.put(c, this.now());
    this.loop = new DialLoop(this.registry, {
      canDial: () => this.canDial(),
      activeCalls: (id) => this.activeCalls(id),
      anyAgentOnline: (id) => this.anyAgentOnline(id),
      availableAgents: (id) => this.availableAgents(id),
      pickAgent: (id) => pickAgent(this.agents.values(), id),
      place: (c, lead, agent) => this.place(c, lead, agent),
      observe: (c) => this.observe(c),
      cancelRinging: (c, n, minRingMs) => this.cancelRinging(c, n, minRingMs),
      ...(opts.sharedAbandon ? { sharedAbandon: opts.sharedAbandon } : {}),
      emit: (e) => this.events.emit(e),
      storageFailed: (err) => this.storeWrites.noteFailure(err),
      now: () => this.now(),
      logger: opts.logger,
    }, opts.minRingBeforeCancelMs);
    this.desk = new PhoneDesk({
      agents: () => this.agents.values(),
      agent: (id) => this.agents.get(id),
      agentInput: (id, input) => this.agentInput(id, input),
      isOwned: (id) => this.callOwner(id) !== null || this.agentOwner(id) !== null,
      enqueue: (owner, command, onFail) => this.enqueue(owner, command, onFail),
      setTimer: (key, ms, fn) => this.setTimer(key, ms, fn),
      clearTimer: (key) => this.clearTimer(key),
      playbackId: () => `${this.idPrefix}${this.bootId}-din-${++this.seq}`,
      now: () => this.now(),
      logger: opts.logger,
    });
    if (opts.callLogs) this.unsubscribe.push(attachCallLogWriter(this.events, opts.callLogs, this.storeWrites));
  }

  /** The ARI gateway the engine drives (engine/recordings records its calls' bridges through it). */
  get gateway(): EngineOptions['gateway'] {
    return this.opts.gateway;
  }

  // ── lifecycle ──────────────────────────────────────────────────────────────────────────────────────────────

  /** Subscribes to the gateway, reconciles once connected, brings agents up and starts the dial loop. */
  async start(): Promise<void> {
    if (this.state !== 'idle') throw new Error(`engine already ${this.state}`);
    this.state = 'running';
    const gw = this.opts.gateway;
    this.unsubscribe.push(
      gw.on('event', (e) => this.onAriEvent(e)),
      gw.on('connected', () => {
        this.connects++;
        this.events.emit({ type: 'engine.connected', at: this.now() });
        void this.reconcile(false);
      }),
      gw.on('disconnected', (reason) => {
        this.markUnreconciled();
        // Calls found gone after this end here: the last moment Asterisk was heard from.
        this.lostAt ??= Math.min(gw.lastHeardAt ?? this.now(), this.now());
        this.opts.logger.warn({ reason }, 'ARI events disconnected; dialing paused until reconciled');
        this.events.emit({ type: 'engine.disconnected', at: this.now(), reason });
      }),
    );
    if (gw.connected) this.events.emit({ type: 'engine.connected', at: this.now() });
    await this.reconcile(true);
    if (this.opts.autoReady ?? true) for (const id of this.agents.keys()) this.agentReady(id);
    this.tick = this.opts.clock.setInterval(() => void this.fill(), this.opts.tickMs ?? 250);
    this.pacingTick = this.opts.clock.setInterval(() => void this.pace(), this.opts.pacingTickMs ?? 1000);
    this.aliveTick = this.opts.clock.setInterval(() => this.stampAlive(), ALIVE_STAMP_MS);
  }

  /** Open CallLogs of this node are alive now, as far as an Asterisk we see says (the shell's cheap heartbeat). */
  private stampAlive(): void {
    const logs = this.opts.callLogs;
    // While the database refuses writes the stamp waits too: the next one after recovery says the same.
    if (!logs?.markAlive || this.calls.size === 0 || !this.opts.gateway.connected || !this.storeWrites.writable) return;
    const failed = (err: unknown): void => {
      if (!this.storeWrites.noteFailure(err)) this.opts.logger.warn({ err }, 'could not stamp open CallLogs alive');
    };
    try {
      const r = logs.markAlive(this.opts.nodeId, this.now());
      if (r instanceof Promise) r.catch(failed);
    } catch (err) {
      failed(err);
    }
  }

  private markUnreconciled(): void {
    if (this.reconciled || this.unreconciledSince === null) this.unreconciledSince = this.now();
    this.reconciled = false;
  }

  /**
   * Stops dialing at once; live calls get `graceMs` to finish by themselves (`hangup: true`: none), then are hung
   * up; calls Asterisk does not confirm gone within a few seconds (ARI unreachable) are closed as interrupted
   * (engine_stopped). Agents are logged out (legs hung up, bridges destroyed), leads taken but not dialled are
   * given back, the gateway is closed. Every wait is bounded: nothing Asterisk does or fails to do holds it, and
   * the waits on Asterisk after the grace end within `cleanupMs` (default STOP_CLEANUP_MS).
   */
  async stop(opts: { hangup?: boolean; graceMs?: number; timeoutMs?: number; cleanupMs?: number } = {}): Promise<void> {
    if (this.state !== 'running') return;
    this.state = 'stopping';
    this.opts.clock.clearInterval(this.tick);
    this.opts.clock.clearInterval(this.pacingTick);
    const graceMs = opts.hangup ? 0 : (opts.graceMs ?? opts.timeoutMs ?? 60_000);
    await this.waitUntil(() => this.calls.size === 0, graceMs);
    // On the wall clock, as every wait of the stop (waitFor): a process deadline is wall time.
    const cleanupEnd = Date.now() + (opts.cleanupMs ?? STOP_CLEANUP_MS);
    /** A wait on Asterisk's bound, cut to what is left of the clean-up budget. */
    const upTo = (boundMs: number): number => Math.max(0, Math.min(boundMs, cleanupEnd - Date.now()));
    if (this.calls.size > 0) {
      for (const id of [...this.calls.keys()]) this.callInput(id, { type: 'cancel', at: this.now() });
      await this.waitUntil(() => this.calls.size === 0, upTo(HANGUP_CONFIRM_MS));
    }
    if (this.calls.size > 0) {
      const gw = this.opts.gateway;
      const at = gw.connected ? this.now() : Math.min(this.lostAt ?? gw.lastHeardAt ?? this.now(), this.now());
      this.opts.logger.warn({ calls: this.calls.size }, 'stopping with calls Asterisk did not confirm gone: closing them as interrupted');
      for (const id of [...this.calls.keys()]) this.callInput(id, { type: 'interrupt', cause: 'engine_stopped', at });
    }
    for (const id of this.agents.keys()) this.agentInput(id, { type: 'logout', at: this.now() });
    this.desk.endAll();
    await this.waitUntil(() => [...this.agents.values()].every((a) => !a.legId && !a.bridgeRequested), upTo(AGENTS_OUT_MS));
    await this.waitUntil(() => this.queues.size === 0, upTo(1000));
    // Asynchronous writes (PostgreSQL) still in flight finish first; then what the database could not take yet gets
    // one last try, and what it still refuses is lost with the process.
    await this.storeWrites.idle(STORE_IDLE_MS);
    if (this.storeWrites.pendingWrites > 0 && !this.storeWrites.flush()) {
      this.opts.logger.error({ pendingWrites: this.storeWrites.pendingWrites, lastError: this.storeWrites.status().lastError }, 'stopping with writes the database could not take: they are lost');
    }
    // Leads taken but not dialled go back to the hopper for other nodes (or the next start).
    for (const c of this.registry.list()) {
      try {
        await c.leads.recover?.(this.now());
      } catch (err) {
        this.opts.logger.error({ err, campaignId: c.id }, 'could not give back leased leads');
      }
    }
    this.shutdown();
    await this.opts.gateway.close();
  }

  /** Dies like a killed process: no hangups, no CallLog closes; only our own timers and sockets go. */
  async crash(): Promise<void> {
    this.state = 'stopped';
    this.shutdown();
    for (const s of this.sessions.values()) s.close();
    await this.opts.gateway.close();
  }

  /** Resolves when no call is in progress (leads exhausted, or after stop). */
  whenIdle(timeoutMs = 600_000): Promise<void> {
    return this.waitFor(() => this.calls.size === 0, timeoutMs);
  }

  snapshot(): EngineSnapshot {
    return {
      state: this.state,
      connected: this.opts.gateway.connected,
      reconciled: this.reconciled,
      unreconciledSince: this.reconciled ? null : this.unreconciledSince,
      dialing: this.canDial() && this.registry.list().some((c) => c.state === 'running'),
      lastDialAt: this.lastDialAt,
      asteriskStartupTime: this.asteriskStartupTime,
      calls: [...this.calls.values()].map((c) => ({
        id: c.id,
        phase: c.phase,
        campaignId: c.campaignId,
        phone: c.phone,
        leadId: c.leadId,
        disposition: c.disposition,
        ownedChannels: c.ownedChannels,
        ownedBridges: c.ownedBridges,
        agentId: c.agent?.agentId ?? null,
      })),
      agents: [...this.agents.values()].map((a) => ({
        id: a.config.id,
        status: a.status,
        since: this.agentSince.get(a.config.id) ?? 0,
        pauseReason: a.pauseReason,
        legId: a.legId,
        legDialIn: a.legDialIn,
        legUp: a.legUp,
        calls: a.calls,
      })),
      controlCalls: this.desk.channels(),
      waitingForAgent: [...this.waiting],
      campaigns: this.registry.list().map((c) => ({ id: c.id, state: c.state, dialMode: c.dialMode, pacing: c.pacing })),
      store: this.storeWrites.status(),
    };
  }

  // ── campaigns (app/engine-control.ts drives these from the store) ─────────────────────────────────────────────────

  /** Adds a campaign or updates its settings (a running pacer keeps what it learned when the mode is unchanged). */
  putCampaign(input: CampaignInput): void {
    this.registry.put(input, this.now());
    if (this.state === 'running') queueMicrotask(() => void this.fill());
  }

  /** running: dial; paused: no new dials, live calls finish; stopped: also gives back leads taken but not dialled. */
  async setCampaignState(campaignId: string, state: CampaignRunState): Promise<void> {
    const c = this.registry.get(campaignId);
    if (!c) throw new Error(`campaign ${campaignId} is not loaded`);
    c.state = state;
    if (state === 'stopped') {
      c.spare = null;
      await c.leads.recover?.(this.now());
    }
    if (state === 'running' && this.state === 'running') queueMicrotask(() => void this.fill());
  }

  campaign(campaignId: string): Readonly<CampaignRuntime> | undefined {
    return this.registry.get(campaignId);
  }

  campaignIds(): string[] {
    return this.registry.list().map((c) => c.id);
  }

  /** Live calls of a campaign by pacing phase, and the observation its pacer sees. */
  campaignObservation(campaignId: string): PacingObservation | null {
    const c = this.registry.get(campaignId);
    return c ? this.observe(c) : null;
  }

  /**
   * Places one call with the campaign's settings to `phone`, without a lead (CallLog with leadId null); a free
   * agent is reserved when there is one. Any campaign state: it is a test, not dialing.
   */
  testCall(campaignId: string, phone: string): string {
    const c = this.registry.get(campaignId);
    if (!c) throw new Error(`campaign ${campaignId} is not loaded`);
    if (!this.storeWrites.writable) {
      throw new Error(`the database cannot be written (${this.storeWrites.status().lastError ?? 'failing'}): no calls are placed until it can`);
    }
    if (!this.canDial()) throw new Error('the engine is not connected to Asterisk (or not reconciled yet)');
    return this.place(c, { id: null, phone }, pickAgent(this.agents.values(), c.id), true);
  }

  /** Hangs up a live call (the agent ended the conversation); false when the call is not live here. */
  hangupCall(callId: string): boolean {
    const c = this.calls.get(callId);
    if (!c || c.phase === 'ended') return false;
    this.callInput(callId, { type: 'cancel', at: this.now() });
    return true;
  }

  // ── agents (API) ─────────────────────────────────────────────────────────────────────────────────────────────

  /**
   * Adds an agent, or updates the configuration of one the engine knows (applies to its next leg and calls;
   * new `campaignIds` apply to routing and pacing at once, calls it holds finish).
   */
  upsertAgent(cfg: AgentConfig): void {
    this.clearTimer(`r:${cfg.id}`); // an upsert cancels a removal still waiting for the leg to go
    const cur = this.agents.get(cfg.id);
    if (cur) this.agents.set(cfg.id, { ...cur, config: cfg });
    else {
      this.agents.set(cfg.id, createAgent(cfg, `${this.idPrefix}${this.bootId}-`));
      this.agentSince.set(cfg.id, this.now());
    }
    // New campaign assignments may let a free agent take a waiting human.
    this.serveWaiting();
  }

  /** Logs the agent out and forgets it once its leg is gone (true) — or false when unknown. */
  removeAgent(agentId: string): boolean {
    const a = this.agents.get(agentId);
    if (!a) return false;
    this.agentLogout(agentId);
    const forget = () => {
      const cur = this.agents.get(agentId);
      if (!cur) return;
      if (cur.status === 'LOGGED_OUT' && !cur.legId && !cur.bridgeRequested) {
        this.agents.delete(agentId);
        this.agentSince.delete(agentId);
      } else this.setTimer(`r:${agentId}`, 500, forget);
    };
    forget();
    return true;
  }

  agentState(agentId: string): (AgentState & { since: number }) | null {
    const a = this.agents.get(agentId);
    return a ? { ...a, since: this.agentSince.get(agentId) ?? 0 } : null;
  }

  agentStates(): Array<AgentState & { since: number }> {
    return [...this.agents.values()].map((a) => ({ ...a, since: this.agentSince.get(a.config.id) ?? 0 }));
  }

  // ── agent controls (API, agent console) ────────────────────────────────────────────────────────────────────

  agentReady(agentId: string): void {
    this.agentInput(agentId, { type: 'ready', at: this.now() });
  }

  agentPause(agentId: string, reason: string): void {
    this.agentInput(agentId, { type: 'pause', reason, at: this.now() });
  }

  agentLogout(agentId: string): void {
    this.agentInput(agentId, { type: 'logout', at: this.now() });
  }

  // ── dial loop ──────────────────────────────────────────────────────────────────────────────────────────────

  /** Running, reconciled with Asterisk, and the database takes writes (a call nobody could record is not placed). */
  private canDial(): boolean {
    return this.state === 'running' && this.reconciled && this.opts.gateway.connected && this.storeWrites.writable;
  }

  private activeCalls(campaignId: string): number {
    let n = 0;
    for (const c of this.calls.values()) if (c.phase !== 'ended' && c.campaignId === campaignId) n++;
    return n;
  }

  /** Someone serving the campaign can take a human now or soon: otherwise every answered human would be dropped. */
  private anyAgentOnline(campaignId: string): boolean {
    for (const a of this.agents.values()) {
      if (a.status === 'LOGGED_OUT' || a.status === 'PAUSED' || !servesCampaign(a.config, campaignId)) continue;
      if (a.config.kind === 'bot' || a.legUp) return true;
    }
    return false;
  }

  private availableAgents(campaignId: string): number {
    let n = 0;
    for (const a of this.agents.values()) if (isAvailable(a) && servesCampaign(a.config, campaignId)) n += a.config.kind === 'bot' ? a.config.maxConcurrent - a.calls.length : 1;
    return n;
  }

  /** Creates and dials one call of `c`; `agent` is reserved for it. */
  private place(c: CampaignRuntime, lead: { id: string | null; phone: string }, agent: AgentState | null, test = false): string {
    const callId = `${this.idPrefix}c-${this.bootId}-${++this.seq}`;
    this.lastDialAt = this.now();
    this.calls.set(
      callId,
      createCall({
        callId,
        campaignId: c.id,
        leadId: lead.id,
        phone: lead.phone,
        endpoint: c.settings.endpointFor(lead.phone),
        nodeId: this.opts.nodeId,
        policy: c.settings.policy,
        agent: agent ? slotFor(agent, callId) : null,
        test,
      }),
    );
    if (agent) this.agentInput(agent.config.id, { type: 'reserve', callId, at: this.now() });
    this.callInput(callId, { type: 'dial', at: this.now() });
    return callId;
  }

  /** A pacer's `cancel` (dial-loop.ts): the calls engine/calls' pacerCancelChoice picks get a pacer's 'cancel'. */
  private cancelRinging(c: CampaignRuntime, n: number, minRingMs: number): number {
    const now = this.now();
    const chosen = pacerCancelChoice(this.calls.values(), c.id, n, minRingMs, now);
    for (const id of chosen) this.callInput(id, { type: 'cancel', by: 'pacer', at: now });
    return chosen.length;
  }

  /** 'fixed' campaigns (dial-loop.ts). */
  private fill(): Promise<void> {
    return this.loop.fill();
  }

  private observe(c: CampaignRuntime): PacingObservation {
    return observation(
      // Only the agents serving the campaign: a pacer counts them as its own.
      agentViews(this.agents.values(), (id) => this.agentSince.get(id) ?? this.now(), c.id),
      callViews(this.calls.values(), c.id),
      c.wrapUpMs ?? 0,
    );
  }

  /** Paced campaigns, once per pacing tick (dial-loop.ts). */
  private pace(): Promise<void> {
    return this.loop.pace();
  }

  // ── ARI events → owners ────────────────────────────────────────────────────────────────────────────────────

  private onAriEvent(e: AriEvent): void {
    if (this.desk.onEvent(e)) return;
    const ids: string[] = [];
    if ('channel' in e && e.channel) ids.push(e.channel.id);
    if (e.type === 'Dial') ids.push(e.peer.id);
    if ('bridge' in e) ids.push(e.bridge.id);
    if ('playback' in e) ids.push(e.playback.id);
    const callIds = new Set<string>();
    const agentIds = new Set<string>();
    for (const id of ids) {
      const c = this.callOwner(id);
      if (c) callIds.add(c);
      const a = this.agentOwner(id);
      if (a) agentIds.add(a);
    }
    const at = this.now();
    for (const id of callIds) this.callInput(id, { type: 'ari', event: e, at });
    for (const id of agentIds) this.agentInput(id, { type: 'ari', event: e, at });
  }

  private callOwner(id: string): string | null {
    if (this.calls.has(id)) return id;
    const m = CALL_SUFFIX.exec(id);
    return m?.[1] && this.calls.has(m[1]) ? m[1] : null;
  }

  private agentOwner(id: string): string | null {
    for (const a of this.agents.values()) if (a.legId === id || a.bridgeId === id) return a.config.id;
    return null;
  }

  // ── calls ──────────────────────────────────────────────────────────────────────────────────────────────────

  private callInput(callId: string, input: CallInput): void {
    const state = this.calls.get(callId);
    if (!state) return;
    const step = callStep(state, input);
    this.calls.set(callId, step.state);
    for (const eff of step.effects) this.callEffect(callId, eff);
    this.publish(step.events);
    if (step.state.done) this.forgetCall(callId);
  }

  private callEffect(callId: string, eff: CallEffect): void {
    switch (eff.kind) {
      case 'ari':
        this.enqueue(callId, eff.command, (status, message, kind) =>
          this.callInput(callId, { type: 'command-failed', command: eff.command, status, message, kind, at: this.now() }),
        );
        return;
      case 'timer-set':
        this.setTimer(`c:${callId}:${eff.timer}`, eff.ms, () =>
          this.callInput(callId, { type: 'timer', timer: eff.timer, at: this.now() }),
        );
        return;
      case 'timer-clear':
        this.clearTimer(`c:${callId}:${eff.timer}`);
        return;
      case 'amd-start':
        this.openAmd(callId);
        return;
      case 'amd-stop':
        this.sessions.get(callId)?.close();
        this.sessions.delete(callId);
        return;
      case 'agent-request': {
        const call = this.calls.get(callId);
        const agent = call ? pickAgent(this.agents.values(), call.campaignId) : null;
        if (agent) this.assign(callId, agent);
        else if (!this.waiting.includes(callId)) this.waiting.push(callId);
        return;
      }
      case 'agent-release':
        {
          const wrapUpMs = this.registry.get(this.calls.get(callId)?.campaignId ?? '')?.wrapUpMs ?? null;
          this.agentInput(eff.agentId, { type: 'release', callId, talked: eff.talked, ...(wrapUpMs !== null ? { wrapUpMs } : {}), at: this.now() });
        }
        return;
      case 'lead-outcome': {
        const sink = this.leadSink(this.calls.get(callId)?.campaignId);
        if (!sink) return;
        // Through the write queue: a database that cannot take it now (disk full) gets it later, in order; a
        // failure here must never unwind into the ARI event that ended the call.
        this.storeWrites.run('lead.complete', () => sink.complete(eff.leadId, eff.disposition, eff.at));
        return;
      }
      case 'amd-trace':
        {
          const logs = this.opts.callLogs;
          const at = this.now();
          // Queued like every write: after its CallLog's own writes, kept while the disk is full.
          if (logs?.saveAmdTrace) this.storeWrites.run('amdTrace', () => logs.saveAmdTrace!(callId, eff.trace, at));
        }
        return;
    }
  }

  private assign(callId: string, agent: AgentState): void {
    this.agentInput(agent.config.id, { type: 'reserve', callId, at: this.now() });
    this.callInput(callId, { type: 'agent-assigned', agent: slotFor(agent, callId), at: this.now() });
  }

  private openAmd(callId: string): void {
    const call = this.calls.get(callId);
    if (!call) return;
    this.amdFor(call.campaignId).open({ callId, phone: call.phone }).then(
      (session) => {
        const current = this.calls.get(callId);
        if (!current || current.phase !== 'answered') {
          session.close();
          return;
        }
        this.sessions.set(callId, session);
        this.callInput(callId, { type: 'amd-endpoint', host: session.host, port: session.port, at: this.now() });
        session.decision.then(
          (decision) => this.callInput(callId, { type: 'amd-decision', decision, at: this.now() }),
          (err: unknown) => this.callInput(callId, { type: 'amd-decision', decision: unsure('AMD-FAILED', err), at: this.now() }),
        );
        session.beep?.then(
          (ms) => {
            if (ms !== null) this.callInput(callId, { type: 'beep', at: this.now() });
          },
          () => {},
        );
        session.late?.then(
          (late) => {
            if (late) this.callInput(callId, { type: 'amd-late', late, at: this.now() });
          },
          () => {},
        );
      },
      (err: unknown) => this.callInput(callId, { type: 'amd-decision', decision: unsure('AMD-UNAVAILABLE', err), at: this.now() }),
    );
  }

  private amdFor(campaignId: string): AmdSource {
    return this.registry.get(campaignId)?.amd ?? this.opts.amd;
  }

  /** Where a lead's outcome goes: its campaign's source, or the fallback for campaigns not loaded. */
  private leadSink(campaignId: string | null | undefined): Pick<LeadSource, 'complete'> | null {
    return (campaignId ? this.registry.get(campaignId)?.leads : undefined) ?? this.opts.leadOutcomes ?? this.onlyCampaignLeads();
  }

  /** With a single campaign loaded (the embedders' case), CallLogs without a campaign id are its. */
  private onlyCampaignLeads(): LeadSource | null {
    const all = this.registry.list();
    return all.length === 1 ? all[0]!.leads : null;
  }

  private publish(events: DomainEvent[]): void {
    for (const e of events) {
      if (e.type === 'call.playback-failed' && !this.warnedMedia.has(e.media)) {
        this.warnedMedia.add(e.media);
        this.opts.logger.warn(
          { media: e.media, purpose: e.purpose, callId: e.callId },
          'a message could not be played (media missing on Asterisk, or unplayable): such calls are recorded as not played; install the sound or fix the campaign setting',
        );
      }
      if (e.type === 'call.bridged') this.agentInput(e.agentId, { type: 'connect', callId: e.callId, at: e.at });
      if (e.type === 'call.ended') {
        const i = this.waiting.indexOf(e.callId);
        if (i >= 0) this.waiting.splice(i, 1);
      }
      this.feedPacers(e);
      this.events.emit(e);
    }
  }

  /** Domain events → PacingEvents → each campaign's pacer (engine/pacing/feed.ts). */
  private feedPacers(e: DomainEvent): void {
    if (!e.type.startsWith('call.')) return;
    const r = pacingFeedStep(this.feed, e, (c) => !this.calls.get(c.callId)?.test);
    this.feed = r.state;
    const shared = this.opts.sharedAbandon;
    for (const { campaignId, event } of r.events) {
      const c = this.registry.get(campaignId);
      if (c?.pacer) c.pacerState = c.pacer.observe(c.pacerState, event);
      // The campaign's other nodes count what this one saw (#18): the same facts the governor counts, unweighted.
      if (shared && event.type === 'human-outcome') {
        shared.record(campaignId, 'live', event.atMs);
        if (event.dropped) shared.record(campaignId, 'drops', event.atMs);
      } else if (shared && event.type === 'talk-ended' && event.live === false) shared.record(campaignId, 'live', event.atMs, -1);
    }
  }

  private forgetCall(callId: string): void {
    this.calls.delete(callId);
    this.sessions.get(callId)?.close();
    this.sessions.delete(callId);
    for (const key of [...this.timers.keys()]) if (key.startsWith(`c:${callId}:`)) this.clearTimer(key);
    if (this.state === 'running') queueMicrotask(() => void this.fill());
  }

  // ── agents ─────────────────────────────────────────────────────────────────────────────────────────────────

  private agentInput(agentId: string, input: AgentInput): void {
    const state = this.agents.get(agentId);
    if (!state) return;
    const step = agentStep(state, input);
    this.agents.set(agentId, step.state);
    if (step.state.status !== state.status) this.agentSince.set(agentId, input.at);
    for (const eff of step.effects) this.agentEffect(agentId, eff);
    this.events.emitAll(step.events);
    this.serveWaiting();
  }

  private agentEffect(agentId: string, eff: AgentEffect): void {
    switch (eff.kind) {
      case 'ari':
        this.enqueue(`agent:${agentId}`, eff.command, (status, message) =>
          this.agentInput(agentId, { type: 'command-failed', command: eff.command, status, message, at: this.now() }),
        );
        return;
      case 'timer-set':
        this.setTimer(`a:${agentId}:${eff.timer}`, eff.ms, () =>
          this.agentInput(agentId, { type: 'timer', timer: eff.timer, at: this.now() }),
        );
        return;
      case 'timer-clear':
        this.clearTimer(`a:${agentId}:${eff.timer}`);
        return;
      case 'calls-lost':
        for (const callId of eff.callIds) this.callInput(callId, { type: 'cancel', at: this.now() });
        return;
      case 'dial-in-refused':
        this.opts.logger.warn({ agentId, channelId: eff.channelId, reason: eff.reason }, 'agent dial-in refused');
        this.desk.refuse(eff.channelId);
        return;
    }
  }

  /**
   * Humans waiting for an agent come before new dials, longest waiting first; each goes only to an agent serving
   * its campaign, so a call no free agent serves does not hold up the calls of other campaigns behind it.
   */
  private serveWaiting(): void {
    for (;;) {
      const { stale, next } = nextWaitingCall(this.waiting, (id) => this.calls.get(id), (campaignId) => pickAgent(this.agents.values(), campaignId));
      for (const id of stale) this.waiting.splice(this.waiting.indexOf(id), 1);
      if (!next) return;
      this.waiting.splice(this.waiting.indexOf(next.callId), 1);
      // Assigning feeds the agent (which serves the queue again, re-entrantly): ask again from the front after.
      this.assign(next.callId, next.agent);
    }
  }

  // ── reconciliation ─────────────────────────────────────────────────────────────────────────────────────────

  private reconcile(startup: boolean): Promise<void> {
    if (this.reconciling) {
      // A reconnect during a reconciliation: run again once the current pass ends, with fresh lists.
      return this.reconciling.then(() => this.reconcile(startup));
    }
    // This connection was reconciled already (the start-up pass saw it before its `connected` arrived).
    if (!startup && this.reconciled && this.reconciledConnection === this.connects) return Promise.resolve();
    const pass: Promise<void> = this.doReconcile(startup).catch((err: unknown) => {
      // Dialing stays paused (reconciled = false); try again shortly unless a reconnect starts a pass first.
      if (this.storeWrites.noteFailure(err)) this.opts.logger.warn({ err: String(err) }, 'reconciliation could not write to the database; retrying');
      else this.opts.logger.error({ err }, 'reconciliation failed; retrying');
      this.opts.clock.setTimeout(() => {
        if (this.state === 'running' && !this.reconciled && !this.reconciling) void this.reconcile(startup);
      }, 1000);
    });
    this.reconciling = pass;
    void pass.finally(() => {
      if (this.reconciling === pass) this.reconciling = null;
    });
    return pass;
  }

  private async doReconcile(startup: boolean): Promise<void> {
    const gw = this.opts.gateway;
    if (!gw.connected) await this.waitFor(() => gw.connected || this.state !== 'running', 24 * 3600_000);
    if (this.state !== 'running') return;
    const connection = this.connects;
    // Commands sent before we look must land first, or a channel being created would look vanished. Each has
    // its own deadline and a dropped socket failed them at once, so this wait is short; it is bounded anyway.
    await this.waitUntil(() => this.queues.size === 0, RECONCILE_SETTLE_MS);
    const info = await gw.asteriskInfo();
    const [channels, bridges] = await Promise.all([gw.listChannels(), gw.listBridges()]);
    const at = this.now();
    // A new startup_time: Asterisk restarted while we were away, and every channel it had is gone.
    const restarted = this.asteriskStartupTime !== null && info.startupTime !== this.asteriskStartupTime;
    const cause: InterruptionCause = restarted ? 'asterisk_restart' : 'ari_lost';
    const lost = { cause, at: Math.min(this.lostAt ?? at, at) };
    this.asteriskStartupTime = info.startupTime;
    const chMap = new Map(channels.map((c) => [c.id, c.state]));
    const brMap = new Map(bridges.map((b) => [b.id, b.channels]));
    let closed = 0;
    for (const callId of [...this.calls.keys()]) {
      const before = this.calls.get(callId)?.phase;
      this.callInput(callId, { type: 'reconcile', channels: chMap, bridges: brMap, lost, at });
      const after = this.calls.get(callId)?.phase ?? 'ended';
      if (before !== 'ended' && after === 'ended') closed++;
    }
    for (const id of this.agents.keys()) {
      const before = this.agents.get(id);
      this.agentInput(id, { type: 'reconcile', channels: chMap, bridges: brMap, at });
      if (before?.legDialIn && before.status !== 'LOGGED_OUT' && this.agents.get(id)?.status === 'LOGGED_OUT') {
        this.opts.logger.warn({ agentId: id, cause }, 'the agent\'s phone line was lost with Asterisk: they are logged out and must dial in again');
      }
    }
    // Control calls that ended while we were away; those still up get their hang-up from the guard timer.
    this.desk.keepOnly(chMap);
    if (startup && this.opts.callLogs) {
      // CallLogs a previous process of this node left open: it died with them (engine_lost). They end at the
      // last moment they were known alive, and the lead goes to the campaign's retry policy.
      for (const row of await this.opts.callLogs.listOpenCallLogs(this.opts.nodeId)) {
        if (this.calls.has(row.id)) continue;
        const disposition = lostCallDisposition(row);
        await this.opts.callLogs.closeCallLog(row.id, disposition, null, Math.min(lastKnownAlive(row), at), 'engine_lost');
        const sink = this.leadSink(row.campaignId);
        if (row.leadId && sink) await sink.complete(row.leadId, disposition, at);
        closed++;
      }
    }
    if (startup) for (const c of this.registry.list()) await c.leads.recover?.(at);
    if (startup) for (const c of channels) this.desk.adopt(c);
    const orphans = orphanCommands(this.idPrefix, channels, bridges, (id) => this.callOwner(id) !== null || this.agentOwner(id) !== null);
    await Promise.allSettled(orphans.map((c) => gw.execute(c)));
    if (orphans.length > 0) this.opts.logger.info({ orphans: orphans.length }, 'orphans cleaned');
    if (!gw.connected) throw new Error('ARI connection lost again during reconciliation');
    if (!startup) {
      this.opts.logger.info(
        { cause, lostForMs: at - lost.at, closedCalls: closed, orphans: orphans.length },
        cause === 'asterisk_restart' ? 'Asterisk restarted: reconciled, dialing resumes' : 'ARI back: reconciled, dialing resumes',
      );
    }
    this.lostAt = null;
    this.reconciledConnection = connection;
    this.reconciled = true;
    this.unreconciledSince = null;
    this.events.emit({ type: 'engine.reconciled', at: this.now(), closedCalls: closed, orphansHungUp: orphans.length });
    if (this.state === 'running') void this.fill();
  }

  // ── effects plumbing ───────────────────────────────────────────────────────────────────────────────────────

  /**
   * Commands of one owner run in order (createBridge before addChannel, originate before hangup); different
   * owners run concurrently. A failure is fed back to the owner as `command-failed`.
   */
  private enqueue(owner: string, command: AriCommand, onFail: (status: number, message: string, kind: AriFailureKind) => void): void {
    const prev = this.queues.get(owner) ?? Promise.resolve();
    const next = prev.then(async () => {
      try {
        await this.opts.gateway.execute(command);
      } catch (err) {
        const status = err instanceof AriError ? err.status : 0;
        const message = err instanceof AriError ? err.ariMessage : String(err);
        const kind: AriFailureKind = err instanceof AriError ? err.kind : 'protocol';
        if (!(status === 404 && (command.op === 'hangup' || command.op === 'destroyBridge'))) {
          this.opts.logger.debug({ op: command.op, status, kind, message, owner }, 'ARI command failed');
        }
        if (this.state !== 'stopped') onFail(status, message, kind);
      }
    });
    this.queues.set(owner, next);
    void next.then(() => {
      if (this.queues.get(owner) === next) this.queues.delete(owner);
    });
  }

  private setTimer(key: string, ms: number, fn: () => void): void {
    this.clearTimer(key);
    this.timers.set(
      key,
      this.opts.clock.setTimeout(() => {
        this.timers.delete(key);
        if (this.state !== 'stopped') fn();
      }, ms),
    );
  }

  private clearTimer(key: string): void {
    const t = this.timers.get(key);
    if (t) this.opts.clock.clearTimeout(t);
    this.timers.delete(key);
  }

  private shutdown(): void {
    this.opts.clock.clearInterval(this.tick);
    this.opts.clock.clearInterval(this.pacingTick);
    this.opts.clock.clearInterval(this.aliveTick);
    this.storeWrites.close();
    for (const t of this.timers.values()) this.opts.clock.clearTimeout(t);
    this.timers.clear();
    for (const u of this.unsubscribe.splice(0)) u();
    this.state = 'stopped';
  }

  /**
   * Waits until `cond` holds. Polls in real time on purpose: this is the shell waiting for sockets and
   * Asterisk, which virtual time does not move.
   */
  /** Like waitFor, without failing: whether `cond` held within `timeoutMs`. */
  private async waitUntil(cond: () => boolean, timeoutMs: number): Promise<boolean> {
    if (cond()) return true;
    if (timeoutMs <= 0) return false;
    return this.waitFor(cond, timeoutMs).then(
      () => true,
      () => false,
    );
  }

  private waitFor(cond: () => boolean, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      if (cond()) return resolve();
      const started = Date.now();
      const poll = setInterval(() => {
        if (cond()) {
          clearInterval(poll);
          resolve();
        } else if (Date.now() - started > timeoutMs) {
          clearInterval(poll);
          reject(new Error(`engine: timed out after ${timeoutMs} ms`));
        }
      }, 20);
    });
  }

  private now(): number {
    return this.opts.clock.now();
  }
}

function unsure(cause: string, err: unknown): AmdDecision {
  return {
    status: 'NOTSURE',
    cause,
    decisionMs: 0,
    trace: { frameEnergy: [], words: [], notes: [err instanceof Error ? err.message : String(err)], decisionFrame: 0 },
  };
}
