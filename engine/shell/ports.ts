/**
 * The ports of the engine's shell: what it needs from the outside (AMD decisions, leads, the CallLog store)
 * as small interfaces, so the media plane, the store and test doubles plug in the same way.
 */
import type { AmdDecision, AmdLateVerdict, AmdTrace } from '../amd/index.js';
import type { AgentConfig } from '../agents/index.js';
import type { AriGateway } from '../ari/index.js';
import type { CallPolicy, OpenCallLog } from '../calls/index.js';
import type { Clock } from '../clock/index.js';
import type { DomainEvents, Disposition, InterruptionCause } from '../events/index.js';
import type { Logger } from '../log/index.js';
import type { OtherNodesCounts } from '../pacing/index.js';
import type { CampaignInput } from './campaign-registry.js';

/** One running analysis for one answered call. */
export interface AmdSession {
  /** Where Asterisk's externalMedia channel must send the callee's RTP. */
  host: string;
  port: number;
  /** The first decision (HUMAN / MACHINE / NOTSURE / HANGUP). */
  decision: Promise<AmdDecision>;
  /** For the voicemail policy: resolves when the beep ends (ms since analysis start), or null if never heard. */
  beep?: Promise<number | null>;
  /** The async watch's late MACHINE after a HUMAN verdict (null when the watch ended without one). */
  late?: Promise<AmdLateVerdict | null>;
  /** Ends the analysis (call gone or decided); idempotent. */
  close(): void;
  /**
   * The AMD window when the source keeps it (the media plane with `captureMs`): the audio analysed, 8 kHz,
   * and the final decision with its trace. Resolves after `close()`; null when nothing was kept.
   */
  window?: Promise<AmdWindow | null>;
}

export interface AmdWindow {
  samples: Int16Array;
  sampleRate: number;
  decision: AmdDecision;
}

/**
 * Where AMD decisions come from: the media plane (engine/media's `openSession`, adapted) in production, a
 * scripted double in tests.
 */
export interface AmdSource {
  open(call: { callId: string; phone: string }): Promise<AmdSession>;
}

export interface Lead {
  id: string;
  phone: string;
}

/**
 * The minimal hopper this engine needs: hand out leads not yet dialled (each at most once, even across
 * restarts — the implementation persists that), and learn each attempt's outcome.
 */
export interface LeadSource {
  next(): Lead | null | Promise<Lead | null>;
  complete(leadId: string, disposition: Disposition, at: number): void | Promise<void>;
  /**
   * Give back leads this node holds but is not dialling: at start-up (after the CallLogs a previous process
   * left open were closed and their leads completed) and at the end of a graceful stop.
   */
  recover?(at: number): void | Promise<void>;
}

/**
 * The subset of the store's CallLogRepo the shell uses (engine/store/repos/call-logs.ts; on PostgreSQL
 * engine/store/pg `PgCallLogs`). Every method may answer synchronously (SQLite) or with a Promise (PostgreSQL):
 * the engine's write queue keeps the transitions of one call in order either way, and treats a rejected
 * Promise like a thrown error (a storage failure is queued and retried).
 */
type MaybeAsync<T> = T | Promise<T>;

export interface CallLogWriter {
  create(input: {
    id: string;
    campaignId: string | null;
    leadId: string | null;
    phone: string;
    nodeId: string;
    at: number;
    agentId?: string | null;
    channelId?: string | null;
  }): unknown;
  markRinging(id: string, at: number): MaybeAsync<boolean>;
  markAnswered(id: string, at: number): MaybeAsync<boolean>;
  markAmd(
    id: string,
    r: { status: AmdDecision['status']; cause: string; decisionMs: number; treatedAs?: 'HUMAN' | 'MACHINE'; at: number },
  ): MaybeAsync<boolean>;
  markAmdLate(id: string, r: { cause: string; decisionMs: number; at: number }): MaybeAsync<boolean>;
  /** Keeps the detector's trace of the call's AMD decision with its CallLog (compact; replayable). Optional. */
  saveAmdTrace?(id: string, trace: AmdTrace, at: number): unknown;
  markBridged(id: string, b: { agentId: string; at: number; bridgeId?: string | null }): MaybeAsync<boolean>;
  end(
    id: string,
    e: {
      disposition: Disposition;
      hangupCause: number | null;
      at: number;
      dialStatus?: string | null;
      agentId?: string | null;
      safeHarborPlayed?: boolean;
      voicemailLeft?: boolean;
      interruption?: InterruptionCause | null;
    },
  ): MaybeAsync<boolean>;
  closeCallLog(id: string, disposition: Disposition, cause: number | null, at: number, interruption?: InterruptionCause): MaybeAsync<boolean>;
  listOpenCallLogs(nodeId?: string): MaybeAsync<OpenCallLogRow[]>;
  /** Stamps this node's open CallLogs "alive at `at`" (their end time if the process dies). */
  markAlive?(nodeId: string, at: number): unknown;
}

/** An open CallLog as start-up reconciliation reads it. */
export type OpenCallLogRow = OpenCallLog & {
  id: string;
  campaignId?: string | null;
  leadId: string | null;
  channelId?: string | null;
};

/**
 * What the shell needs to place one campaign's calls: the call policy and the dial string. Derived from the stored
 * `CampaignSettings` (engine/campaigns) by `campaignInputFromStore`; embedders may build one by hand.
 */
export interface CampaignDialPlan {
  /** The campaign's id. */
  id: string;
  policy: CallPolicy;
  /** Turns an E.164 number into a dial string, e.g. `(p) => \`PJSIP/${p}@trunk\``. */
  endpointFor(phone: string): string;
}

/**
 * The campaign's abandon counts shared with the other engine nodes (#18; engine/cluster implements it on Redis).
 * Both calls are synchronous and never throw: `record` hands a count over (the port sends it, and keeps it while
 * Redis is unreachable); `others` answers from the port's last read of the campaign's totals on the other nodes,
 * or null when it has none fresh (the governor then decides on the node's own counts).
 */
export interface SharedAbandonPort {
  /** A live answer (`live`, n = −1 for one an agent found was a machine) or a drop the node saw at `at`. */
  record(campaignId: string, kind: 'drops' | 'live', at: number, n?: number): void;
  /** The other nodes' counts of the campaign for the governor; asking also keeps the campaign's reads going. */
  others(campaignId: string, now: number): OtherNodesCounts | null;
}

export interface EngineOptions {
  /** An ARI gateway (connectAri); the engine subscribes to it and owns its lifetime from start() on. */
  gateway: AriGateway;
  nodeId: string;
  clock: Clock;
  logger: Logger;
  /** The default AMD source (a campaign may bring its own, with its parameters). */
  amd: AmdSource;
  /**
   * One campaign dialled the original way ('fixed' mode: `concurrency` calls in flight, a free agent reserved per
   * call when there is one), registered as running. Optional: campaigns can be given in `campaigns` or added
   * later with `putCampaign` (app/engine-control.ts does, from the store).
   */
  leads?: LeadSource;
  campaign?: CampaignDialPlan;
  /** Calls in flight at most for `campaign`. */
  concurrency?: number;
  /** Campaigns to dial from the start (paced by their dial mode). */
  campaigns?: CampaignInput[];
  /**
   * Where the outcome of a lead goes when its campaign is not (or no longer) registered, e.g. a CallLog left open
   * by a previous process for a campaign that is paused now.
   */
  leadOutcomes?: Pick<LeadSource, 'complete'>;
  agents: AgentConfig[];
  /** CallLog persistence; omitted → events only. */
  callLogs?: CallLogWriter;
  /**
   * One real write to the store (Store.probeWrite): while the database refuses writes (disk full) the engine probes
   * with it to know when to dial again. Omitted: it waits for a queued write to succeed.
   */
  storeProbe?: () => unknown;
  /** Retry period of writes the database refused (ms, default 1000). */
  storeRetryMs?: number;
  /** Shared domain event bus; one is created when omitted. */
  events?: DomainEvents;
  /** Dial loop period (ms) of 'fixed' campaigns. */
  tickMs?: number;
  /** Pacing period (ms): each paced campaign's Pacer decides this often (default 1000). */
  pacingTickMs?: number;
  /** A pacer's `cancel` only hangs up calls that have rung at least this long (ms; default 15 000, the legal minimum ring time). */
  minRingBeforeCancelMs?: number;
  /** Agents that go READY as soon as the engine starts (e.g. the demo and the tests); default all. */
  autoReady?: boolean;
  /** Unique per process start, part of agent leg/bridge ids so a restart never collides with leftovers. */
  bootId?: string;
  /**
   * Several nodes on one campaign (#18): each records the drops and live answers it sees here and its predictive
   * governor decides on the campaign's figures (own + the other nodes'). Omitted: the node's own counts (one node).
   */
  sharedAbandon?: SharedAbandonPort;
}
